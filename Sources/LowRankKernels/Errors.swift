import Numerics
/// Errors raised by the linear-algebra layer.
///
/// Every failure a user can provoke (wrong shapes, non-finite input, a LAPACK `info` ≠ 0,
/// a singular or indefinite matrix) is reported through one of these cases; nothing in the
/// kernel layer traps on user input.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Operand shapes do not fit, e.g. `A (3×4) · B (5×2)`.
    case dimensionMismatch(operation: String, lhs: String, rhs: String)
    /// An argument is outside its allowed range; `argument` names it.
    case invalidArgument(argument: String, reason: String)
    /// The input holds NaN or ±Inf where finite values are required.
    case nonFinite(argument: String)
    /// A matrix with no rows or no columns where a non-empty one is required.
    case emptyMatrix(argument: String)
    /// LAPACK (or LAPACKE) returned `info` ≠ 0 from `routine`.
    case lapack(routine: String, info: Int)
    /// The matrix is (numerically) singular; `routine` found the zero pivot at `index` (1-based).
    case singular(routine: String, index: Int)
    /// The matrix is not positive definite; the leading minor of order `order` failed.
    case notPositiveDefinite(routine: String, order: Int)
    /// An iterative method did not converge.
    case notConverged(routine: String, iterations: Int, residual: Double)
    /// A sparse direct solver (UMFPACK, CHOLMOD) reported a failure.
    case sparseSolver(library: String, status: Int, message: String)

    public var description: String {
        switch self {
        case let .dimensionMismatch(op, lhs, rhs):
            return "dimension mismatch in \(op): \(lhs) vs \(rhs)"
        case let .invalidArgument(arg, reason):
            return "invalid argument '\(arg)': \(reason)"
        case let .nonFinite(arg):
            return "argument '\(arg)' contains NaN or infinite values"
        case let .emptyMatrix(arg):
            return "argument '\(arg)' is an empty matrix"
        case let .lapack(routine, info):
            return "LAPACK routine \(routine) failed with info = \(info)"
        case let .singular(routine, index):
            return "matrix is singular (\(routine): zero pivot at position \(index))"
        case let .notPositiveDefinite(routine, order):
            return "matrix is not positive definite (\(routine): leading minor of order \(order))"
        case let .notConverged(routine, iterations, residual):
            return "\(routine) did not converge in \(iterations) iterations (residual \(residual))"
        case let .sparseSolver(library, status, message):
            return "\(library) failed (status \(status)): \(message)"
        }
    }
}
