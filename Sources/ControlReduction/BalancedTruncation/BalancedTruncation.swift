import Foundation
import LowRankKernels

/// Square-root balanced truncation (Tombs & Postlethwaite 1987; Antoulas, *Approximation of
/// Large-Scale Dynamical Systems*, SIAM 2005, §7) from Gramian factors `P ≈ Z_c Z_cᵀ`, `Q ≈ Z_o Z_oᵀ`:
///
///   Z_oᵀ E Z_c = U Σ Vᵀ,  σᵢ = Hankel singular values,
///   T = Z_c V₁ Σ₁^{-½},  W = Z_o U₁ Σ₁^{-½},
///   A_r = Wᵀ A T,  B_r = Wᵀ B,  C_r = C T,  D_r = D  (and Wᵀ E T = I).
///
/// For a stable system the H∞ error obeys ‖G − G_r‖_∞ ≤ 2 Σ_{i>r} σᵢ.
public enum BalancedTruncation {
    /// Chooses the reduced order.
    public enum OrderSelection: Sendable, Equatable {
        /// A fixed order r.
        case order(Int)
        /// The smallest r whose bound 2 Σ_{i>r} σᵢ is at most the given absolute H∞ error.
        case maxError(Double)
    }

    /// A reduced model and its certificate.
    public struct Result: Sendable {
        /// The reduced system (dense, E_r = I).
        public let reduced: LTISystem
        /// The order r.
        public let order: Int
        /// Every Hankel singular value available from the factors.
        public let hankelSingularValues: [Double]
        /// 2 Σ_{i>r} σᵢ over the available values.
        public let errorBound: Double
    }

    /// The Hankel singular values σ(Z_oᵀ E Z_c), non-increasing.
    public static func hankelSingularValues(system: LTISystem, controllability zc: Matrix<Double>,
                                            observability zo: Matrix<Double>) throws -> [Double] {
        try core(system: system, zc: zc, zo: zo).singularValues()
    }

    static func core(system: LTISystem, zc: Matrix<Double>, zo: Matrix<Double>) throws -> Matrix<Double> {
        let ezc = try system.e.map { try $0.multiplied(by: zc) } ?? zc
        return try Matrix.product(zo, .transpose, ezc, .none)
    }

    /// 2 Σ_{i>r} σᵢ.
    public static func errorBound(_ hsv: [Double], order r: Int) -> Double {
        2 * hsv.dropFirst(r).reversed().reduce(0, +)
    }

    /// Reduces `system` with the given Gramian factors.
    public static func reduce(_ system: LTISystem, controllability zc: Matrix<Double>,
                              observability zo: Matrix<Double>, selection: OrderSelection) throws -> Result {
        let m = try core(system: system, zc: zc, zo: zo)
        let f = try m.svd()
        let hsv = f.singularValues
        let r: Int
        switch selection {
        case .order(let k):
            guard k >= 1, k <= hsv.count else {
                throw LinearAlgebraError.invalidArgument(
                    argument: "order", reason: "requested order \(k) exceeds the \(hsv.count) Hankel singular values available")
            }
            r = k
        case .maxError(let eps):
            guard eps > 0, eps.isFinite else {
                throw LinearAlgebraError.invalidArgument(argument: "max-error", reason: "must be finite and > 0")
            }
            r = (1...Swift.max(1, hsv.count)).first { errorBound(hsv, order: $0) <= eps } ?? hsv.count
        }
        guard hsv[r - 1] > 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "order",
                                                     reason: "σ_\(r) = 0: the system has fewer than \(r) controllable and observable states")
        }
        let scale = hsv.prefix(r).map { 1 / $0.squareRoot() }
        var t = try Matrix.product(zc, .none, f.vt.rows(0..<r), .transpose)
        t.scaleColumns(by: scale)
        var w = try Matrix.product(zo, .none, f.u.columns(0..<r), .none)
        w.scaleColumns(by: scale)
        let at = try system.a.multiplied(by: t)
        let ar = try Matrix.product(w, .transpose, at, .none)
        let br = try Matrix.product(w, .transpose, system.b, .none)
        let cr = try Matrix.product(system.c, .none, t, .none)
        let reduced = try LTISystem(a: .dense(ar), b: br, c: cr, d: system.d, e: nil)
        return Result(reduced: reduced, order: r, hankelSingularValues: hsv, errorBound: errorBound(hsv, order: r))
    }
}
