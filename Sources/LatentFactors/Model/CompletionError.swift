/// Failures of the iterative completion methods (gradient descent, SGD) that are not invalid arguments.
public enum CompletionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The objective became non-finite, or grew above ten times its initial value, at `iteration` (1-based; the
    /// epoch for SGD): the step size or learning rate is too large for the data. `method` names the method.
    case diverged(method: String, iteration: Int, objective: Double)

    /// A one-line description.
    public var description: String {
        switch self {
        case let .diverged(method, iteration, objective):
            return "\(method) diverged at iteration \(iteration) (objective \(objective)); lower the step size"
        }
    }
}
