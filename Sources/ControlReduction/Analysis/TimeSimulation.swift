import Foundation
import LowRankKernels
import LowRankSparse

/// Time-domain simulation of `E x' = A x + B u`, `y = C x + D u` from the zero initial state by the Crank–Nicolson
/// (trapezoidal) rule with a fixed step h:
///
///   (E − h/2 A) x_{k+1} = (E + h/2 A) x_k + h/2 B (u_k + u_{k+1}),   x₀ = 0,   y_k = C x_k + D u_k,
///
/// at the times t_k = k h, k = 0 … T−1, with u_k the k-th row of the T×m input (Crank & Nicolson 1947; Hairer &
/// Wanner, *Solving ODEs II*, §IV.3 and §VI for the descriptor case). The rule is second-order accurate and
/// A-stable, so any step is stable for a stable model; it is not L-stable, so modes much faster than 1/h are damped
/// only slowly and ring with alternating sign (their amplitude is that of the modes' own response, small when
/// they are weakly excited). Halving h and comparing is a practical estimate of the discretization error.
///
/// `E − h/2 A` is factored once, at construction: by UMFPACK (``SparseLU``, the sparse LU behind the ADI's shifted
/// solves) when A is sparse, by LAPACK LU (``LUFactorization``) when A is dense, as for reduced models. Every step
/// then costs one product with `E + h/2 A` and one pair of triangular solves.
///
/// ```swift
/// let sim = try CrankNicolsonSimulator(rail, timeStep: 100)
/// let y = try sim.simulate(u)          // u: T×m (a row per time step), y: T×p
/// ```
public struct CrankNicolsonSimulator: Sendable {
    enum Factor: Sendable {
        case sparse(SparseLU<Double>)
        case dense(LUFactorization<Double>)

        func solve(_ b: Matrix<Double>) throws -> Matrix<Double> {
            switch self {
            case .sparse(let f): return try f.solve(b)
            case .dense(let f): return try f.solve(b)
            }
        }
    }

    /// The simulated system.
    public let system: LTISystem
    /// The time step h > 0.
    public let timeStep: Double
    /// `E − h/2 A`, factored.
    let implicitPart: Factor
    /// `E + h/2 A`.
    let explicitPart: SystemMatrix

    /// Factors `E − h/2 A` once for the given step.
    ///
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` unless h is finite and > 0;
    ///   ``LinearAlgebraError/singular(routine:index:)`` when `E − h/2 A` is singular (possible only for a
    ///   singular E or an A with eigenvalue 2/h, i.e. not for a stable model with nonsingular E).
    public init(_ system: LTISystem, timeStep h: Double) throws {
        guard h > 0, h.isFinite else {
            throw LinearAlgebraError.invalidArgument(argument: "time step", reason: "\(h): must be finite and > 0")
        }
        self.system = system
        self.timeStep = h
        let n = system.order
        switch system.a {
        case .sparse(let a):
            let e: SparseMatrix<Double>
            switch system.e {
            case .none: e = .identity(n)
            case .sparse(let s)?: e = s
            case .dense(let d)?: e = SparseMatrix(d)
            }
            implicitPart = .sparse(try SparseLU(factorizing: try e.scaledAndAdded(a, scaledBy: -h / 2)))
            explicitPart = .sparse(try e.scaledAndAdded(a, scaledBy: h / 2))
        case .dense(let a):
            let e = system.e?.dense ?? .identity(n)
            implicitPart = .dense(try LUFactorization(try e.adding(a, scaledBy: -h / 2)))
            explicitPart = .dense(try e.adding(a, scaledBy: h / 2))
        }
    }

    /// Bytes a simulation of `steps` samples holds besides its input: the output (T×p), and a few n-vectors.
    public static func memoryEstimate(steps: Int, system: LTISystem) -> Double {
        MemoryBudget.bytes(Double(steps) * Double(system.outputs) + 6 * Double(system.order) + Double(system.inputs))
    }

    /// The outputs y (T×p, row k = y(t_k)) for the input u (T×m, row k = u(t_k)) from x(0) = 0.
    ///
    /// - Throws: ``LinearAlgebraError/dimensionMismatch(operation:lhs:rhs:)`` when u does not have m columns,
    ///   ``LinearAlgebraError/emptyMatrix(argument:)`` for no rows, ``LinearAlgebraError/nonFinite(argument:)``
    ///   for NaN or ±Inf in u.
    public func simulate(_ u: Matrix<Double>) throws -> Matrix<Double> {
        let m = system.inputs, p = system.outputs, n = system.order
        guard u.columns == m else {
            throw LinearAlgebraError.dimensionMismatch(operation: "simulation", lhs: "B \(system.b.shapeDescription) (m = \(m) inputs)",
                                                       rhs: "u \(u.shapeDescription) (needs \(m) columns, one per input)")
        }
        guard u.rows > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "u") }
        try u.requireFinite("u")
        try MemoryBudget.require(CrankNicolsonSimulator.memoryEstimate(steps: u.rows, system: system),
                                 for: "a simulation of \(u.rows) steps")
        let steps = u.rows
        let h2 = timeStep / 2
        let ut = u.transposed  // m×T: column k is u_k
        var y = Matrix<Double>(rows: steps, columns: p)
        var x = Matrix<Double>(rows: n, columns: 1)
        func record(_ k: Int) throws {
            var yk = try Matrix.product(system.c, .none, x, .none)
            if let d = system.d { yk = try yk.adding(try Matrix.product(d, .none, ut.columns(k..<(k + 1)), .none)) }
            for i in 0..<p { y[k, i] = yk.elements[i] }
        }
        try record(0)
        for k in 0..<(steps - 1) {
            let uSum = try ut.columns(k..<(k + 1)).adding(ut.columns((k + 1)..<(k + 2)))
            var rhs = try explicitPart.multiplied(by: x)
            try Matrix.multiplyAdd(system.b, .none, uSum, .none, alpha: h2, beta: 1, into: &rhs)
            x = try implicitPart.solve(rhs)
            try record(k + 1)
        }
        return y
    }

    /// One-shot form: `try CrankNicolsonSimulator(system, timeStep: h).simulate(u)`.
    public static func simulate(_ system: LTISystem, input u: Matrix<Double>, timeStep h: Double) throws -> Matrix<Double> {
        try CrankNicolsonSimulator(system, timeStep: h).simulate(u)
    }

    /// The discrete L2 norm of a sampled signal (T×q, a row per time step): `(h Σ_k ‖s_k‖₂²)^½`, the rectangle rule
    /// for (∫ ‖s(t)‖² dt)^½ on [0, T h].
    public static func l2Norm(_ s: Matrix<Double>, timeStep h: Double) -> Double {
        h.squareRoot() * s.frobeniusNorm
    }
}
