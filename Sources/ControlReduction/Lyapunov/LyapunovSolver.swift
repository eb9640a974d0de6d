import Foundation
import LowRankKernels
import LowRankSparse

/// Which Lyapunov equation of an ``LTISystem``.
public enum LyapunovEquation: String, Sendable, CaseIterable {
    /// `A P Eᵀ + E P Aᵀ + B Bᵀ = 0` (controllability Gramian P).
    case controllability
    /// `Aᵀ Q E + Eᵀ Q A + Cᵀ C = 0` (observability Gramian Q).
    case observability
}

/// How to solve: dense Hammarling factor, low-rank ADI, or chosen automatically.
public enum LyapunovMethod: String, Sendable, CaseIterable {
    case auto, dense, adi
}

/// A Gramian factor `Z` with `Gramian ≈ Z Zᵀ` and how it was obtained.
public struct GramianFactor: Sendable {
    /// Which equation.
    public let equation: LyapunovEquation
    /// The method actually used (`dense` or `adi`).
    public let method: LyapunovMethod
    /// The factor Z (n × columns).
    public let factor: Matrix<Double>
    /// ADI steps (0 for dense).
    public let steps: Int
    /// Whether the solver met its tolerance (dense: always).
    public let converged: Bool
    /// The ADI's residual history (empty for dense).
    public let residualHistory: [Double]
    /// Seconds spent.
    public let seconds: Double
}

/// Solves the Gramian equations of an ``LTISystem``.
public enum LyapunovSolver {
    /// Systems up to this order are solved densely by `.auto`: below it dense O(n³) work costs
    /// seconds, and a low-rank factor may not pay (ISS12A's Gramians have numerical rank ≈ 1000 of 1412).
    public static let denseLimit = 1500

    /// The method `.auto` resolves to for `system`.
    public static func resolve(_ method: LyapunovMethod, for system: LTISystem) -> LyapunovMethod {
        guard method == .auto else { return method }
        return system.order <= denseLimit ? .dense : .adi
    }

    /// The operator for the equation's pencil (`(A, E)` or `(Aᵀ, Eᵀ)`), sparse or dense like A.
    public static func makeOperator(_ system: LTISystem, _ equation: LyapunovEquation) throws -> LyapunovOperator {
        let transposed = equation == .observability
        switch system.a {
        case .sparse(let a):
            let e: SparseMatrix<Double>?
            switch system.e {
            case .none: e = nil
            case .sparse(let s)?: e = s
            case .dense(let d)?: e = SparseMatrix(d)
            }
            return try SparseLyapunovOperator(a: a, e: e, transposed: transposed)
        case .dense(let a):
            return DenseLyapunovOperator(a: a, e: system.e?.dense, transposed: transposed)
        }
    }

    /// Solves one equation. `observer` sees every ADI step.
    public static func solve(_ system: LTISystem, _ equation: LyapunovEquation, method: LyapunovMethod = .auto,
                             options: LowRankADI.Options = .init(),
                             observer: ((LowRankADI.Step) -> Void)? = nil) throws -> GramianFactor {
        let start = Date()
        try requireNonsingularE(system)
        let resolved = resolve(method, for: system)
        if resolved == .dense {
            let z = try denseFactor(system, equation)
            return GramianFactor(equation: equation, method: .dense, factor: z, steps: 0, converged: true,
                                 residualHistory: [], seconds: Date().timeIntervalSince(start))
        }
        let op = try makeOperator(system, equation)
        let rhs = equation == .controllability ? system.b : system.c.transposed
        let r = try LowRankADI.solve(op, rhs: rhs, options: options, observer: observer)
        return GramianFactor(equation: equation, method: .adi, factor: r.factor, steps: r.steps, converged: r.converged,
                             residualHistory: r.residualHistory, seconds: Date().timeIntervalSince(start))
    }

    /// Throws unless E is absent or nonsingular (LU with a nonzero pivot in every column). A singular E makes the
    /// system a differential-algebraic equation, whose Gramians these solvers do not compute; without the check the
    /// ADI's shift computation would fail later with NaNs in A.
    public static func requireNonsingularE(_ system: LTISystem) throws {
        guard let e = system.e else { return }
        do {
            switch e {
            case .dense(let d): _ = try LUFactorization(d)
            case .sparse(let s): _ = try SparseLU(factorizing: s)
            }
        } catch LinearAlgebraError.singular(_, let index) {
            throw LinearAlgebraError.invalidArgument(
                argument: system.label("E"),
                reason: "E is singular" + (index > 0 ? " (zero pivot in column \(index))" : "")
                    + "; descriptor systems with singular E (DAEs) are not supported")
        }
    }

    /// Bytes the dense solver holds at once for one equation of order `n`: n×n arrays for dense A, SB03OD's copy
    /// of A (overwritten by its Schur form), the Schur vectors Q, the right-hand side/factor workspace and the
    /// returned factor (5), plus with E: dense E, its LU factors and E⁻¹A (3 more), and E⁻ᵀZ for observability (1).
    public static func denseMemoryEstimate(order n: Int, hasE: Bool) -> Double {
        MemoryBudget.bytes(Double(hasE ? 9 : 5) * Double(n) * Double(n))
    }

    /// The dense Cholesky factor via Hammarling's method (SLICOT SB03OD). With E ≠ I the equation
    /// is transformed with `Ã = E⁻¹A`: controllability `Ã P + P Ãᵀ + (E⁻¹B)(E⁻¹B)ᵀ = 0`;
    /// observability `Ãᵀ Q̃ + Q̃ Ã + CᵀC = 0` with `Q = E⁻ᵀ Q̃ E⁻¹`, so `Z_Q = E⁻ᵀ Z̃`.
    public static func denseFactor(_ system: LTISystem, _ equation: LyapunovEquation) throws -> Matrix<Double> {
        let n = system.order
        try MemoryBudget.require(denseMemoryEstimate(order: n, hasE: system.e != nil),
                                 for: "dense Lyapunov for n = \(n)", hint: "use --method adi")
        var a = system.a.dense
        var b = system.b
        var eLU: LUFactorization<Double>?
        if let e = system.e {
            let f = try LUFactorization(e.dense)
            a = try f.solve(a)
            b = try f.solve(b)
            eLU = f
        }
        switch equation {
        case .controllability:
            return try DenseLyapunov.controllabilityFactor(a: a, b: b)
        case .observability:
            let z = try DenseLyapunov.observabilityFactor(a: a, c: system.c)
            if let eLU { return try eLU.solve(z, .transpose) }
            return z
        }
    }
}

/// Residuals of Lyapunov equations computed from the factors (not the ADI's estimate).
public enum LyapunovResidual {
    /// ‖A Z Zᵀ Eᵀ + E Z Zᵀ Aᵀ + B Bᵀ‖₂ / ‖B Bᵀ‖₂ for the operator's pencil and right-hand factor
    /// `b` (n×m). The residual is `F M Fᵀ` with `F = [AZ, EZ, B]`, `M = [[0, I, 0], [I, 0, 0], [0, 0, I]]`.
    /// For a narrow F (2k + m ≤ `exactLimit`) its 2-norm is the largest |eigenvalue| of the small
    /// `R M Rᵀ` from `F = QR` (exact, O(n (2k + m)²)). For wide factors the symmetric residual is
    /// applied as an operator, `R X = AZ((EZ)ᵀX) + EZ((AZ)ᵀX) + B(BᵀX)`, and its dominant eigenvalue
    /// is found by block subspace iteration with Rayleigh–Ritz (12 vectors, 6 sweeps, O(n k) per
    /// vector and sweep); the residual spectrum of an ADI factor decays fast, so this resolves
    /// ‖R‖₂ to several digits (checked against the exact route in the tests).
    public static func relative(_ op: LyapunovOperator, factor z: Matrix<Double>, rhs b: Matrix<Double>,
                                exactLimit: Int = 400) throws -> Double {
        let bn = try b.spectralNorm()
        let bb = bn * bn
        guard bb > 0 else { return 0 }
        let k = z.columns, m = b.columns
        if 2 * k + m > exactLimit {
            let az = try op.applyA(z), ez = try op.applyE(z)
            // R x = AZ (EZ)ᵀ x + EZ (AZ)ᵀ x + B Bᵀ x.
            let apply: (Matrix<Double>) throws -> Matrix<Double> = { x in
                let t1 = try Matrix.product(ez, .transpose, x, .none)
                let t2 = try Matrix.product(az, .transpose, x, .none)
                let t3 = try Matrix.product(b, .transpose, x, .none)
                var y = try Matrix.product(az, .none, t1, .none)
                y = try y.adding(try Matrix.product(ez, .none, t2, .none))
                return try y.adding(try Matrix.product(b, .none, t3, .none))
            }
            return try extremeMagnitude(n: z.rows, apply: apply) / bb
        }
        var f = try op.applyA(z)
        try f.appendColumns(op.applyE(z))
        try f.appendColumns(b)
        let r = try f.qr().r  // (≤ 2k+m) × (2k+m)
        // R M: swap the first two column blocks.
        var rm = Matrix<Double>(rows: r.rows, columns: r.columns)
        try rm.setColumns(from: 0, to: r.columns(k..<(2 * k)))
        try rm.setColumns(from: k, to: r.columns(0..<k))
        try rm.setColumns(from: 2 * k, to: r.columns((2 * k)..<(2 * k + m)))
        let t = try Matrix.product(rm, .none, r, .transpose)
        // Symmetrize against rounding before the symmetric eigensolver.
        let sym = try t.adding(t.transposed).scaled(by: 0.5)
        let ev = try sym.symmetricEigen(vectors: false).eigenvalues
        let norm = ev.map { Swift.abs($0) }.max() ?? 0
        return norm / bb
    }

    /// max |λ| of a symmetric operator by block subspace iteration with Rayleigh–Ritz
    /// (`block` vectors, `iterations` sweeps, seeded start): each sweep reads the factors once
    /// for the whole block, so the cost is memory-bound BLAS-3 instead of one pass per vector.
    static func extremeMagnitude(n: Int, block: Int = 12, iterations: Int = 6,
                                 apply: (Matrix<Double>) throws -> Matrix<Double>) throws -> Double {
        var g = SeededGenerator(seed: 11)
        var q = try Matrix<Double>.randomNormal(rows: n, columns: Swift.min(block, n), using: &g).orthonormalized()
        var estimate = 0.0
        for _ in 0..<iterations {
            let y = try apply(q)
            let h = try Matrix.product(q, .transpose, y, .none)
            let sym = try h.adding(h.transposed).scaled(by: 0.5)
            estimate = try sym.symmetricEigen(vectors: false).eigenvalues.map { Swift.abs($0) }.max() ?? 0
            q = try y.orthonormalized()
        }
        return estimate
    }

    /// ε·‖A‖₂‖E‖₂‖Z Zᵀ‖₂ / ‖B Bᵀ‖₂: the level below which rounding alone keeps the residual.
    public static func floor(system: LTISystem, factor z: Matrix<Double>, rhs b: Matrix<Double>) throws -> Double {
        let an = try spectralNormEstimate(system.a)
        let en = try system.e.map(spectralNormEstimate) ?? 1
        // ‖Z Zᵀ‖₂ = λ_max(ZᵀZ): a k×k Gram matrix (BLAS-3) instead of an SVD of the tall Z.
        let gram = try Matrix.product(z, .transpose, z, .none)
        let zz = try gram.symmetricEigen(vectors: false).eigenvalues.last ?? 0
        let bn = try b.spectralNorm()
        guard bn > 0 else { return 0 }  // B = 0: X = 0 exactly, no rounding floor
        return Double.ulpOfOne * an * en * zz / (bn * bn)
    }

    /// ‖M‖₂ by 30 power iterations on MᵀM (dense: exact SVD for n ≤ 500).
    public static func spectralNormEstimate(_ m: SystemMatrix) throws -> Double {
        if case .dense(let d) = m, d.rows <= 500 { return try d.spectralNorm() }
        var g = SeededGenerator(seed: 7)
        var x = Matrix<Double>.randomNormal(rows: m.columns, columns: 1, using: &g)
        var est = 0.0
        for _ in 0..<30 {
            let nx = x.frobeniusNorm
            guard nx > 0 else { return 0 }
            x = x.scaled(by: 1 / nx)
            let y = try m.multiplied(by: x)
            est = y.frobeniusNorm
            x = try m.multiplied(by: y, .transpose)
        }
        return est
    }
}

extension LyapunovSolver {
    /// Solves the controllability and observability equations, concurrently when the machine has
    /// two or more cores: the equations are independent, and two single-threaded sparse solves
    /// use two cores far better than one solve with multi-threaded BLAS on small supernodes.
    /// BLAS runs single-threaded during the concurrent phase and is restored afterwards.
    /// `observer` receives the equation with every ADI step (it may be called from two threads).
    public static func solveBoth(_ system: LTISystem, method: LyapunovMethod = .auto,
                                 options: LowRankADI.Options = .init(),
                                 observer: (@Sendable (LyapunovEquation, LowRankADI.Step) -> Void)? = nil)
        throws -> (controllability: GramianFactor, observability: GramianFactor) {
        let equations: [LyapunovEquation] = [.controllability, .observability]
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if cores < 2 || resolve(method, for: system) == .dense {
            let p = try solve(system, .controllability, method: method, options: options) { observer?(.controllability, $0) }
            let q = try solve(system, .observability, method: method, options: options) { observer?(.observability, $0) }
            return (p, q)
        }
        let box = ResultBox(count: 2)
        let threads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(threads) }
        nonisolated(unsafe) let opts = options
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let eq = equations[i]
            do {
                let g = try solve(system, eq, method: method, options: opts) { observer?(eq, $0) }
                box.set(i, .success(g))
            } catch {
                box.set(i, .failure(error))
            }
        }
        return (try box.get(0), try box.get(1))
    }
}

/// Thread-safe slots for results computed concurrently.
final class ResultBox: @unchecked Sendable {
    private var slots: [Result<GramianFactor, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<GramianFactor, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    func get(_ i: Int) throws -> GramianFactor {
        lock.lock(); defer { lock.unlock() }
        guard let r = slots[i] else { throw ADIError.noStableShifts(reason: "internal: missing result") }
        return try r.get()
    }
}
