import Foundation
import LowRankKernels

/// Balanced truncation as a reductor, in the style of pyMOR's `BTReductor`: it keeps the Gramian factors
/// `P ≈ Z_c Z_cᵀ`, `Q ≈ Z_o Z_oᵀ` of a model, the Hankel singular values and the SVD
///
///   Z_oᵀ E Z_c = U Σ Vᵀ,   σᵢ = Σᵢᵢ (non-increasing),
///
/// and reduces to any order from that one SVD (Tombs & Postlethwaite 1987; Antoulas, *Approximation of Large-Scale
/// Dynamical Systems*, SIAM 2005, §7.2). A reduction to order r is the Petrov–Galerkin projection with a trial basis
/// T (n×r) and a test basis W (n×r),
///
///   A_r = (Wᵀ E T)⁻¹ Wᵀ A T,  B_r = (Wᵀ E T)⁻¹ Wᵀ B,  C_r = C T,  D_r = D,  E_r = I,
///
/// where T spans the dominant controllable subspace span(Z_c V₁) and W the dominant observable subspace
/// span(Z_o U₁) (U₁, V₁, Σ₁: the leading r singular triplets). The three ``Projection`` choices build different bases
/// of the same two subspaces, so they give the same reduced transfer function (up to rounding); they differ in
/// conditioning and in whether the reduced realization is balanced. For a stable model the H∞ error obeys the
/// bound ‖G − G_r‖_H∞ ≤ 2 Σ_{i>r} σᵢ (Enns 1984; Glover 1984), where the sum runs over the singular values the factors
/// provide (as pyMOR's `error_bounds()`; values the low-rank factors do not resolve are neglected).
///
/// ```swift
/// let bt = try BalancedTruncation(rail, controllability: zc.factor, observability: zo.factor)
/// let roms = try bt.reduce(orders: [10, 20, 40])      // one SVD for all three
/// let rom = try bt.reduce(maxError: 1e-3)             // smallest r with 2 Σ_{i>r} σᵢ ≤ 1e-3
/// let xr = try rom.bases.project(x)                   // Wᵀ E x
/// ```
///
/// The type is a value: it holds the model, both factors and the SVD, and every method is free of side effects.
public struct BalancedTruncation: Sendable {
    /// How the bases T and W of the two dominant subspaces are built. All three span the same subspaces, so the
    /// reduced transfer function is the same; they differ in balance and conditioning.
    public enum Projection: String, Sendable, CaseIterable {
        /// Square root (Tombs & Postlethwaite 1987; Antoulas 2005, §7.2; pyMOR `projection='sr'`):
        /// `T = Z_c V₁ Σ₁^{-½}`, `W = Z_o U₁ Σ₁^{-½}`, so `Wᵀ E T = I_r` by the SVD itself and the reduced model is
        /// balanced (both of its Gramians equal Σ₁ up to the accuracy of the factors). The columns are scaled by
        /// σᵢ^{-½}: when σ_r/σ₁ approaches the rounding level of the factors, T and W are ill-conditioned
        /// (condition ≈ (σ₁/σ_r)^{½} times that of Z_c V₁) and rounding in the reduced matrices grows accordingly.
        /// Best when σ_r/σ₁ is well above √ε or a balanced realization is wanted (e.g. for further truncation).
        case squareRoot
        /// Balancing-free square root (Varga 1991; pyMOR's default `projection='bfsr'`): T and W are orthonormal bases
        /// (Householder QR) of `Z_c V₁` and `Z_o U₁`. Then `Wᵀ E T ≠ I`, and the reduced model is formed by solving
        /// with the r×r matrix `Wᵀ E T` (LU with partial pivoting), so that E_r = I. No column is scaled by σᵢ^{-½}:
        /// the bases are perfectly conditioned and small singular values enter only through one backward-stable
        /// r×r solve, so this is the better conditioned choice when σ_r is tiny (Varga 1991). The reduced model is
        /// not balanced (it is similar to the balanced one).
        case balancingFreeSquareRoot
        /// Biorthogonal (in the spirit of pyMOR's `projection='biorth'`): T is an orthonormal basis of the square-root
        /// trial space, and the square-root W is replaced by `W (Tᵀ Eᵀ W)⁻¹`, so that `Wᵀ E T = I_r` while span(W)
        /// is unchanged. T is perfectly conditioned (a reconstruction `T x_r` preserves the norm of `x_r`), and all
        /// the scaling sits in W, so a projection `Wᵀ E x` needs no solve. The reduced model is not balanced.
        case biorthogonal
    }

    /// Chooses the reduced order.
    public enum OrderSelection: Sendable, Equatable {
        /// A fixed order r.
        case order(Int)
        /// The smallest r whose bound 2 Σ_{i>r} σᵢ is at most the given absolute H∞ error.
        case maxError(Double)
    }

    /// The bases of one reduction, with the projector they define.
    ///
    /// Convention: the oblique projector onto span(T) along the E-orthogonal complement of span(W) is
    /// `Π = T (Wᵀ E T)⁻¹ Wᵀ E`. For ``Projection/squareRoot`` and ``Projection/biorthogonal`` `Wᵀ E T = I_r`
    /// (``reducedE`` is `nil`), so reduced coordinates are `x_r = Wᵀ E x`; for ``Projection/balancingFreeSquareRoot``
    /// both bases are orthonormal and ``reducedE`` holds `Wᵀ E T`, so `x_r = (Wᵀ E T)⁻¹ Wᵀ E x`. In all cases a state
    /// is reconstructed as `x ≈ T x_r`, and `reconstruct(project(x)) = x` for every x in span(T).
    public struct Bases: Sendable {
        /// The trial basis T (n×r): reduced states are lifted as `x ≈ T x_r`.
        public let t: Matrix<Double>
        /// The test basis W (n×r).
        public let w: Matrix<Double>
        /// `Wᵀ E T` when it is not the identity (``Projection/balancingFreeSquareRoot``); `nil` means `I_r`.
        public let reducedE: Matrix<Double>?
        let e: SystemMatrix?
        let reducedEFactor: LUFactorization<Double>?

        /// The reduced order r.
        public var order: Int { t.columns }

        /// Reduced coordinates of full states: `x_r = (Wᵀ E T)⁻¹ Wᵀ E x` (`= Wᵀ E x` when Wᵀ E T = I), for x n×k.
        public func project(_ x: Matrix<Double>) throws -> Matrix<Double> {
            guard x.rows == t.rows else {
                throw LinearAlgebraError.dimensionMismatch(operation: "project a full state", lhs: "W \(w.shapeDescription)",
                                                           rhs: "x \(x.shapeDescription) (needs \(t.rows) rows)")
            }
            try x.requireFinite("x")
            let ex = try e.map { try $0.multiplied(by: x) } ?? x
            let wex = try Matrix.product(w, .transpose, ex, .none)
            return try reducedEFactor.map { try $0.solve(wex) } ?? wex
        }

        /// Full states from reduced coordinates: `x = T x_r`, for x_r r×k.
        public func reconstruct(_ xr: Matrix<Double>) throws -> Matrix<Double> {
            guard xr.rows == t.columns else {
                throw LinearAlgebraError.dimensionMismatch(operation: "reconstruct a full state", lhs: "T \(t.shapeDescription)",
                                                           rhs: "x_r \(xr.shapeDescription) (needs \(t.columns) rows)")
            }
            try xr.requireFinite("x_r")
            return try Matrix.product(t, .none, xr, .none)
        }
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
        /// The bases T, W of this reduction (see ``Bases`` for the convention).
        public let bases: Bases
    }

    /// The full model.
    public let model: LTISystem
    /// The controllability factor Z_c (n×k_c), P ≈ Z_c Z_cᵀ.
    public let controllabilityFactor: Matrix<Double>
    /// The observability factor Z_o (n×k_o), Q ≈ Z_o Z_oᵀ.
    public let observabilityFactor: Matrix<Double>
    /// How the bases are built (default ``Projection/squareRoot``).
    public let projectionMethod: Projection
    /// The Hankel singular values σ(Z_oᵀ E Z_c), non-increasing; min(k_c, k_o) of them.
    public let hankelSingularValues: [Double]
    /// The bound 2 Σ_{i>r} σᵢ for every order r = 0 … ``hankelSingularValues``.count (so `errorBounds[0]` is
    /// 2 Σ σᵢ and the last entry is 0), as pyMOR's `BTReductor.error_bounds()`.
    public let errorBounds: [Double]
    /// U of the SVD Z_oᵀ E Z_c = U Σ Vᵀ (k_o × min(k_o, k_c)).
    let u: Matrix<Double>
    /// Vᵀ of the SVD (min(k_o, k_c) × k_c).
    let vt: Matrix<Double>

    /// Computes `Z_oᵀ E Z_c` and its SVD once, for all later reductions.
    ///
    /// - Throws: ``LinearAlgebraError`` when a factor has the wrong number of rows, no columns or non-finite entries,
    ///   or when LAPACK fails.
    public init(_ model: LTISystem, controllability zc: Matrix<Double>, observability zo: Matrix<Double>,
                projection: Projection = .squareRoot) throws {
        for (name, z) in [("controllability factor", zc), ("observability factor", zo)] {
            guard z.rows == model.order else {
                throw LinearAlgebraError.dimensionMismatch(operation: "balanced truncation", lhs: "A \(model.a.shapeDescription)",
                                                           rhs: "\(name) \(z.shapeDescription) (needs \(model.order) rows)")
            }
            guard z.columns > 0 else { throw LinearAlgebraError.emptyMatrix(argument: name) }
            try z.requireFinite(name)
        }
        let f = try BalancedTruncation.core(system: model, zc: zc, zo: zo).svd()
        self.model = model
        self.controllabilityFactor = zc
        self.observabilityFactor = zo
        self.projectionMethod = projection
        self.hankelSingularValues = f.singularValues
        self.u = f.u
        self.vt = f.vt
        var bounds = [Double](repeating: 0, count: f.singularValues.count + 1)
        // Summed from the smallest value up, as ``errorBound(_:order:)`` does.
        for r in stride(from: f.singularValues.count - 1, through: 0, by: -1) { bounds[r] = bounds[r + 1] + f.singularValues[r] }
        self.errorBounds = bounds.map { 2 * $0 }
    }

    // MARK: Choosing orders

    /// The smallest order r ≥ 1 with 2 Σ_{i>r} σᵢ ≤ `maxError` (the number of available values if none smaller is).
    ///
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` unless `maxError` is finite and > 0.
    public func order(forMaxError maxError: Double) throws -> Int {
        guard maxError > 0, maxError.isFinite else {
            throw LinearAlgebraError.invalidArgument(argument: "max-error", reason: "must be finite and > 0")
        }
        let count = hankelSingularValues.count
        return (1...Swift.max(1, count)).first { $0 <= count && errorBounds[$0] <= maxError } ?? Swift.max(1, count)
    }

    /// Throws unless 1 ≤ r ≤ min(n, number of singular values) and σ_r > 0.
    func requireValid(order r: Int) throws {
        let count = hankelSingularValues.count
        guard r >= 1 else { throw LinearAlgebraError.invalidArgument(argument: "order", reason: "order \(r) must be ≥ 1") }
        guard r <= count else {
            throw LinearAlgebraError.invalidArgument(
                argument: "order", reason: "requested order \(r) exceeds the \(count) Hankel singular values available")
        }
        guard r <= model.order else {
            throw LinearAlgebraError.invalidArgument(argument: "order",
                                                     reason: "requested order \(r) exceeds the number of states n = \(model.order)")
        }
        guard hankelSingularValues[r - 1] > 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "order",
                                                     reason: "σ_\(r) = 0: the system has fewer than \(r) controllable and observable states")
        }
    }

    // MARK: Reducing

    /// Reduces to the order `selection` picks.
    public func reduce(_ selection: OrderSelection) throws -> Result {
        switch selection {
        case .order(let r): return try reduce(order: r)
        case .maxError(let eps): return try reduce(maxError: eps)
        }
    }

    /// Reduces to order r (1 ≤ r ≤ min(n, number of Hankel singular values), σ_r > 0).
    ///
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` for an order out of range, or when Wᵀ E T is
    ///   singular (only possible for the balancing-free and biorthogonal projections, when rounding destroys it).
    public func reduce(order r: Int) throws -> Result {
        try requireValid(order: r)
        return try Nested(self, upTo: r).result(order: r)
    }

    /// Reduces to the smallest order r with 2 Σ_{i>r} σᵢ ≤ `maxError` (see ``order(forMaxError:)``).
    public func reduce(maxError: Double) throws -> Result {
        try reduce(order: try order(forMaxError: maxError))
    }

    /// Reduces to every order in `orders` (in the given order, repeats allowed), from the one SVD and from the bases of
    /// the largest order: the bases of every projection are nested (the leading r columns of the bases for R ≥ r are
    /// the bases for r: the columns of Z_c V₁, Z_o U₁ are nested, and so are Householder QR factors), so the
    /// products with A, B, C and E are formed once, for the largest order, and each order takes their leading blocks.
    ///
    /// - Throws: as ``reduce(order:)`` for any order of the list, and for an empty list.
    public func reduce(orders: [Int]) throws -> [Result] {
        guard let largest = orders.max() else {
            throw LinearAlgebraError.invalidArgument(argument: "orders", reason: "the list of orders is empty")
        }
        for r in orders { try requireValid(order: r) }
        let nested = try Nested(self, upTo: largest)
        return try orders.map { try nested.result(order: $0) }
    }

    // MARK: Bases

    /// The bases T (n×r) and W (n×r) of the reduction to order r; see ``Bases`` for the convention
    /// (Wᵀ E T = I_r for ``Projection/squareRoot`` and ``Projection/biorthogonal``).
    public func projection(for r: Int) throws -> Bases {
        try requireValid(order: r)
        return try Nested(self, upTo: r).bases(order: r)
    }

    /// Reduced coordinates of order r of full states x (n×k): `(Wᵀ E T)⁻¹ Wᵀ E x`, i.e. `Wᵀ E x` for the square-root
    /// and biorthogonal projections. Builds the bases of order r: to project many states, take ``projection(for:)``
    /// once and call ``Bases/project(_:)``.
    public func project(_ x: Matrix<Double>, order r: Int) throws -> Matrix<Double> {
        try projection(for: r).project(x)
    }

    /// Full states `T x_r` from reduced coordinates x_r (r×k); the order r is the number of rows of x_r.
    public func reconstruct(_ xr: Matrix<Double>) throws -> Matrix<Double> {
        try projection(for: xr.rows).reconstruct(xr)
    }

    // MARK: Stateless API

    /// The Hankel singular values σ(Z_oᵀ E Z_c), non-increasing.
    public static func hankelSingularValues(system: LTISystem, controllability zc: Matrix<Double>,
                                            observability zo: Matrix<Double>) throws -> [Double] {
        try core(system: system, zc: zc, zo: zo).singularValues()
    }

    /// `Z_oᵀ E Z_c` (E = I when the system has none).
    static func core(system: LTISystem, zc: Matrix<Double>, zo: Matrix<Double>) throws -> Matrix<Double> {
        let ezc = try system.e.map { try $0.multiplied(by: zc) } ?? zc
        return try Matrix.product(zo, .transpose, ezc, .none)
    }

    /// 2 Σ_{i>r} σᵢ.
    public static func errorBound(_ hsv: [Double], order r: Int) -> Double {
        2 * hsv.dropFirst(r).reversed().reduce(0, +)
    }

    /// Reduces `system` with the given Gramian factors by the square-root method: one-shot form of
    /// `try BalancedTruncation(system, controllability: zc, observability: zo).reduce(selection)`.
    public static func reduce(_ system: LTISystem, controllability zc: Matrix<Double>,
                              observability zo: Matrix<Double>, selection: OrderSelection) throws -> Result {
        try BalancedTruncation(system, controllability: zc, observability: zo).reduce(selection)
    }
}

extension BalancedTruncation {
    /// The bases of the largest order R and their products with the system matrices; every order r ≤ R uses leading
    /// blocks. `w` is the test basis before biorthogonalization (balancing-free and biorthogonal projections).
    struct Nested {
        let bt: BalancedTruncation
        let t: Matrix<Double>        // n×R
        let w: Matrix<Double>        // n×R
        let wat: Matrix<Double>      // Wᵀ A T, R×R
        let wet: Matrix<Double>?     // Wᵀ E T, R×R (not for the square-root projection, where it is I)
        let wb: Matrix<Double>       // Wᵀ B, R×m
        let ct: Matrix<Double>       // C T, p×R

        init(_ bt: BalancedTruncation, upTo r: Int) throws {
            self.bt = bt
            var zcv = try Matrix.product(bt.controllabilityFactor, .none, bt.vt.rows(0..<r), .transpose)   // Z_c V₁
            var zou = try Matrix.product(bt.observabilityFactor, .none, bt.u.columns(0..<r), .none)         // Z_o U₁
            let scale = bt.hankelSingularValues.prefix(r).map { 1 / $0.squareRoot() }
            switch bt.projectionMethod {
            case .squareRoot:
                zcv.scaleColumns(by: scale)
                zou.scaleColumns(by: scale)
                (t, w) = (zcv, zou)
            case .balancingFreeSquareRoot:
                (t, w) = (try zcv.orthonormalized(), try zou.orthonormalized())
            case .biorthogonal:
                zou.scaleColumns(by: scale)
                (t, w) = (try zcv.orthonormalized(), zou)   // span(Z_c V₁ Σ₁^{-½}) = span(Z_c V₁)
            }
            let model = bt.model, tt = t, ww = w
            wat = try Matrix.product(ww, .transpose, try model.a.multiplied(by: tt), .none)
            wb = try Matrix.product(ww, .transpose, model.b, .none)
            ct = try Matrix.product(model.c, .none, tt, .none)
            if bt.projectionMethod == .squareRoot {
                wet = nil
            } else {
                let et = try model.e.map { try $0.multiplied(by: tt) } ?? tt
                wet = try Matrix.product(ww, .transpose, et, .none)
            }
        }

        /// LU of the leading r×r block of Wᵀ E T, or `nil` for the square-root projection.
        func reducedE(order r: Int) throws -> (Matrix<Double>, LUFactorization<Double>)? {
            guard let wet else { return nil }
            let m = wet.submatrix(rows: 0..<r, columns: 0..<r)
            do {
                return (m, try LUFactorization(m))
            } catch LinearAlgebraError.singular {
                throw LinearAlgebraError.invalidArgument(argument: "order",
                                                         reason: "Wᵀ E T is singular at order \(r) (σ_\(r) = \(bt.hankelSingularValues[r - 1]))")
            }
        }

        func bases(order r: Int) throws -> Bases {
            let tr = t.columns(0..<r), wr = w.columns(0..<r)
            guard let (m, f) = try reducedE(order: r) else {
                return Bases(t: tr, w: wr, reducedE: nil, e: bt.model.e, reducedEFactor: nil)   // square root: Wᵀ E T = I
            }
            if bt.projectionMethod == .biorthogonal {
                // W ← W M⁻ᵀ with M = Wᵀ E T: solve M Y = Wᵀ and take W = Yᵀ, so that (new W)ᵀ E T = M⁻¹ M = I.
                return Bases(t: tr, w: try f.solve(wr.transposed).transposed, reducedE: nil, e: bt.model.e, reducedEFactor: nil)
            }
            return Bases(t: tr, w: wr, reducedE: m, e: bt.model.e, reducedEFactor: f)
        }

        func result(order r: Int) throws -> Result {
            var ar = wat.submatrix(rows: 0..<r, columns: 0..<r)
            var br = wb.rows(0..<r)
            if let (_, f) = try reducedE(order: r) {
                ar = try f.solve(ar)
                br = try f.solve(br)
            }
            let reduced = try LTISystem(a: .dense(ar), b: br, c: ct.columns(0..<r), d: bt.model.d, e: nil)
            return Result(reduced: reduced, order: r, hankelSingularValues: bt.hankelSingularValues,
                          errorBound: bt.errorBounds[r], bases: try bases(order: r))
        }
    }
}
