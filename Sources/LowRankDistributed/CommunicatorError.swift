/// Errors of ``Communicator``.
public enum CommunicatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An MPI call returned an error code (MPI_ERRORS_RETURN is set on the world communicator).
    case mpi(function: String, code: Int32, message: String)
    /// MPI was called from a thread other than the one that initialized it (MPI_THREAD_FUNNELED).
    case wrongThread(function: String)
    /// A message larger than MPI's 32-bit counts allow (2³¹ − 1 bytes per rank pair).
    case messageTooLarge(function: String, bytes: Int)
    /// An argument that does not fit the communicator (a rank out of range, one block per rank missing).
    case invalidArgument(function: String, reason: String)
    /// Another rank failed in a step that all ranks agree on (see ``Communicator/agree(_:)``).
    case peerFailed(rank: Int)

    /// The message the CLI prints.
    public var description: String {
        switch self {
        case let .mpi(function, code, message): return "\(function) failed (MPI error \(code)): \(message)"
        case let .wrongThread(function): return "\(function) called from a thread other than MPI's (funnelled) thread"
        case let .messageTooLarge(function, bytes): return "\(function): \(bytes) bytes exceed MPI's 32-bit counts"
        case let .invalidArgument(function, reason): return "\(function): \(reason)"
        case let .peerFailed(rank): return "rank \(rank) failed; every rank stops"
        }
    }
}
