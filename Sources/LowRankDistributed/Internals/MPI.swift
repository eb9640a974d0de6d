// The MPI seam: the only file that imports CMPI, compiled with the package trait `MPI`
// (`swift build --traits MPI`). Every call returns an error code, turned into CommunicatorError by the caller.
#if MPI
import CMPI

/// Thin wrappers over the MPI calls ``Communicator`` needs, on MPI_COMM_WORLD with MPI_ERRORS_RETURN.
enum MPISeam {
    /// MPI_Init_thread with MPI_THREAD_FUNNELED (only the initializing thread calls MPI), then MPI_ERRORS_RETURN.
    static func initialize() -> (code: Int32, rank: Int, size: Int) {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            var provided: Int32 = 0
            let code = MPI_Init_thread(nil, nil, lowrank_mpi_thread_funneled(), &provided)
            guard code == lowrank_mpi_success() else { return (code, 0, 1) }
        }
        MPI_Comm_set_errhandler(lowrank_mpi_comm_world(), lowrank_mpi_errors_return())
        var rank: Int32 = 0, size: Int32 = 1
        MPI_Comm_rank(lowrank_mpi_comm_world(), &rank)
        MPI_Comm_size(lowrank_mpi_comm_world(), &size)
        return (lowrank_mpi_success(), Int(rank), Int(size))
    }

    static func finalize() {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { MPI_Finalize() }
    }

    static func abort(_ code: Int32) { MPI_Abort(lowrank_mpi_comm_world(), code) }

    static var success: Int32 { lowrank_mpi_success() }

    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(lowrank_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &buffer, &length)
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func barrier() -> Int32 { MPI_Barrier(lowrank_mpi_comm_world()) }

    /// In-place sum (or max) over ranks of `count` doubles.
    static func allreduce(_ values: UnsafeMutablePointer<Double>, count: Int, max: Bool) -> Int32 {
        let send = UnsafeMutableRawPointer(bitPattern: 1)   // MPI_IN_PLACE is (void *) 1 in OpenMPI
        return MPI_Allreduce(send, values, Int32(count), lowrank_mpi_double(),
                             max ? lowrank_mpi_max() : lowrank_mpi_sum(), lowrank_mpi_comm_world())
    }

    /// MPI_MAXLOC over (value, index) pairs, elementwise for `count` pairs in one call: the largest value and, among
    /// equal values, the lowest index.
    static func maxloc(_ pairs: [(Double, Int32)]) -> (code: Int32, result: [(Double, Int32)]) {
        var send = pairs.map { lowrank_double_int(value: $0.0, index: $0.1) }
        var receive = send
        let code = MPI_Allreduce(&send, &receive, Int32(pairs.count), lowrank_mpi_double_int(), lowrank_mpi_maxloc(),
                                 lowrank_mpi_comm_world())
        return (code, receive.map { ($0.value, $0.index) })
    }

    static func allgatherv(_ send: UnsafeRawPointer?, _ sendCount: Int32, _ receive: UnsafeMutableRawPointer?,
                           _ counts: [Int32], _ displacements: [Int32]) -> Int32 {
        MPI_Allgatherv(send, sendCount, lowrank_mpi_byte(), receive, counts, displacements, lowrank_mpi_byte(),
                       lowrank_mpi_comm_world())
    }

    static func alltoall(_ send: [Int32], _ receive: inout [Int32]) -> Int32 {
        MPI_Alltoall(send, 1, MPI_INT_type(), &receive, 1, MPI_INT_type(), lowrank_mpi_comm_world())
    }

    static func alltoallv(_ send: UnsafeRawPointer?, _ sendCounts: [Int32], _ sendDisplacements: [Int32],
                          _ receive: UnsafeMutableRawPointer?, _ receiveCounts: [Int32],
                          _ receiveDisplacements: [Int32]) -> Int32 {
        MPI_Alltoallv(send, sendCounts, sendDisplacements, lowrank_mpi_byte(), receive, receiveCounts,
                      receiveDisplacements, lowrank_mpi_byte(), lowrank_mpi_comm_world())
    }

    static func broadcast(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, root: Int32) -> Int32 {
        MPI_Bcast(buffer, count, lowrank_mpi_byte(), root, lowrank_mpi_comm_world())
    }

    static func send(_ buffer: UnsafeRawPointer?, _ count: Int32, to destination: Int32, tag: Int32) -> Int32 {
        MPI_Send(buffer, count, lowrank_mpi_byte(), destination, tag, lowrank_mpi_comm_world())
    }

    static func receive(_ buffer: UnsafeMutableRawPointer?, _ count: Int32, from source: Int32, tag: Int32) -> Int32 {
        MPI_Recv(buffer, count, lowrank_mpi_byte(), source, tag, lowrank_mpi_comm_world(), lowrank_mpi_status_ignore())
    }

    private static func MPI_INT_type() -> MPI_Datatype { lowrank_mpi_int() }
}
#endif
