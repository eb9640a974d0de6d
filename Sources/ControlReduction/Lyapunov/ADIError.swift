/// Failures of the Lyapunov solvers that are not plain linear-algebra errors.
public enum ADIError: Error, Equatable, CustomStringConvertible {
    /// The ADI residual grew by `factor` over its smallest value: A (or the pencil) is not stable.
    case diverging(step: Int, residual: Double)
    /// No stable shift could be generated.
    case noStableShifts(reason: String)
    /// The iteration stopped at `maxSteps` above the tolerance.
    case notConverged(steps: Int, residual: Double, tolerance: Double)

    public var description: String {
        switch self {
        case let .diverging(step, residual):
            return "LR-ADI diverged at step \(step) (relative residual \(residual)): the system is not stable (A − λE has eigenvalues with Re λ ≥ 0)"
        case let .noStableShifts(reason):
            return "no stable ADI shifts: \(reason)"
        case let .notConverged(steps, residual, tolerance):
            return "LR-ADI did not converge in \(steps) steps: relative residual \(residual) > tolerance \(tolerance)"
        }
    }
}
