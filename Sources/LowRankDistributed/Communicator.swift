#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The processes of one run and the collective operations the distributed algorithms use: MPI's world communicator
/// when the package is built with the `MPI` trait and started by `mpirun`, otherwise a single process for which every
/// collective is the identity (the same code path, so serial and distributed runs share one algorithm).
///
/// MPI is initialized with MPI_THREAD_FUNNELED: only the thread that created the communicator calls MPI (checked;
/// ``CommunicatorError/wrongThread(function:)``). Algorithms call it between their parallel regions, never from
/// Swift's cooperative thread pool. MPI errors come back as ``CommunicatorError/mpi(function:code:message:)``.
///
/// ``bytesSent`` counts what this rank sends to other ranks: point-to-point and all-to-all payloads exactly;
/// an all-gather as the local block times (P − 1); a broadcast from the root as the payload times (P − 1); an
/// all-reduce of b bytes as 2 b (P − 1) / P (the ring algorithm's volume, the model of docs/SCALING.md).
public final class Communicator: @unchecked Sendable {
    /// This process's rank, 0 ..< ``size``.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// Bytes sent to other ranks so far (see the type's documentation for collectives).
    public private(set) var bytesSent: Int = 0
    /// Whether this rank's own error was the one an ``agree(_:)`` step reported (it was the lowest failing rank):
    /// the other ranks know only that it failed, so this rank is the one to say why.
    public private(set) var reportedOwnFailure = false
    /// Whether MPI backs this communicator.
    public let usesMPI: Bool
    private let owner: pthread_t

    private init(rank: Int, size: Int, usesMPI: Bool) {
        self.rank = rank
        self.size = size
        self.usesMPI = usesMPI
        self.owner = pthread_self()
    }

    /// One process: every collective returns its input.
    public static func single() -> Communicator { Communicator(rank: 0, size: 1, usesMPI: false) }

    /// Whether this build can run distributed (it was built with the `MPI` trait).
    public static var isMPIAvailable: Bool {
        #if MPI
        return true
        #else
        return false
        #endif
    }

    /// Whether the process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun`), read from the launcher's
    /// environment (OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_SIZE).
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
    }

    /// The world communicator: MPI's when built with the trait and launched by MPI, else ``single()``.
    /// Initializes MPI once (MPI_Init_thread, funnelled); ``finalize()`` ends it.
    public static func world() throws(CommunicatorError) -> Communicator {
        #if MPI
        guard isLaunchedByMPI else { return single() }
        let (code, rank, size) = MPISeam.initialize()
        guard code == MPISeam.success else {
            throw .mpi(function: "MPI_Init_thread", code: code, message: MPISeam.message(code))
        }
        return Communicator(rank: rank, size: size, usesMPI: true)
        #else
        return single()
        #endif
    }

    /// Ends MPI (MPI_Finalize) when this communicator started it; a no-op otherwise.
    public func finalize() {
        #if MPI
        if usesMPI { MPISeam.finalize() }
        #endif
    }

    /// Ends every process of the run at once (MPI_Abort) with `code`; used when one rank cannot continue and the
    /// others would wait for it. For one process, a no-op.
    public func abort(code: Int32) {
        #if MPI
        if usesMPI { MPISeam.abort(code) }
        #endif
    }

    private func check(_ function: String) throws(CommunicatorError) {
        guard pthread_equal(owner, pthread_self()) != 0 else { throw .wrongThread(function: function) }
    }

    #if MPI
    private func succeed(_ function: String, _ code: Int32) throws(CommunicatorError) {
        guard code == MPISeam.success else { throw .mpi(function: function, code: code, message: MPISeam.message(code)) }
    }
    #endif

    private static func count32(_ bytes: Int, _ function: String) throws(CommunicatorError) -> Int32 {
        guard bytes <= Int(Int32.max) else { throw .messageTooLarge(function: function, bytes: bytes) }
        return Int32(bytes)
    }

    /// Waits until every rank has called it (MPI_Barrier).
    public func barrier() throws(CommunicatorError) {
        try check("barrier")
        #if MPI
        if usesMPI { try succeed("MPI_Barrier", MPISeam.barrier()) }
        #endif
    }

    /// The elementwise sum over ranks (MPI_Allreduce, MPI_SUM). The order of the sum is MPI's, the same on every rank.
    public func allreduceSum(_ values: [Double]) throws(CommunicatorError) -> [Double] {
        try allreduce(values, max: false, "allreduceSum")
    }

    /// The elementwise maximum over ranks (MPI_Allreduce, MPI_MAX).
    public func allreduceMax(_ values: [Double]) throws(CommunicatorError) -> [Double] {
        try allreduce(values, max: true, "allreduceMax")
    }

    private func allreduce(_ values: [Double], max: Bool, _ function: String) throws(CommunicatorError) -> [Double] {
        try check(function)
        guard size > 1, !values.isEmpty else { return values }
        var result = values
        #if MPI
        _ = try Self.count32(values.count, function)
        let code = result.withUnsafeMutableBufferPointer { MPISeam.allreduce($0.baseAddress!, count: $0.count, max: max) }
        try succeed("MPI_Allreduce", code)
        bytesSent += 2 * values.count * 8 * (size - 1) / size
        #endif
        return result
    }

    /// The largest `value` over ranks with the `index` that came with it; among equal values the lowest index
    /// (MPI_MAXLOC on MPI_DOUBLE_INT). `index` must fit 32 bits.
    public func allreduceMaxLoc(value: Double, index: Int) throws(CommunicatorError) -> (value: Double, index: Int) {
        try allreduceMaxLoc([(value, index)])[0]
    }

    /// ``allreduceMaxLoc(value:index:)`` for several independent pairs in one all-reduce (elementwise), so an
    /// algorithm that needs two arg-max decisions per step pays one message latency.
    public func allreduceMaxLoc(_ pairs: [(value: Double, index: Int)])
        throws(CommunicatorError) -> [(value: Double, index: Int)] {
        try check("allreduceMaxLoc")
        var packed: [(Double, Int32)] = []
        packed.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let index32 = Int32(exactly: pair.index) else {
                throw .invalidArgument(function: "allreduceMaxLoc", reason: "index \(pair.index) does not fit 32 bits")
            }
            packed.append((pair.value, index32))
        }
        guard size > 1, !pairs.isEmpty else { return pairs }
        #if MPI
        let (code, reduced) = MPISeam.maxloc(packed)
        try succeed("MPI_Allreduce(MAXLOC)", code)
        bytesSent += 2 * 12 * pairs.count * (size - 1) / size
        return reduced.map { (value: $0.0, index: Int($0.1)) }
        #else
        return pairs
        #endif
    }

    /// Every rank's `local` block, concatenated in rank order (MPI_Allgatherv).
    public func allgatherv<Element: BitwiseCopyable>(_ local: [Element]) throws(CommunicatorError) -> [Element] {
        try check("allgatherv")
        guard size > 1 else { return local }
        #if MPI
        let stride = MemoryLayout<Element>.stride
        // Every rank learns every count (64-bit) first, so a block or total past MPI's 32-bit counts makes all ranks
        // throw together rather than one rank leaving the others waiting in the collective.
        let all = try allgatherCounts(local.count * stride)
        let total = all.reduce(0, +)
        guard total <= Int(Int32.max) else { throw .messageTooLarge(function: "allgatherv", bytes: total) }
        let mine = Int32(local.count * stride), counts = all.map { Int32($0) }
        var displacements = [Int32](repeating: 0, count: size)
        var offset = 0
        for r in 0..<size { displacements[r] = Int32(offset); offset += all[r] }
        var result = [Element](unsafeUninitializedCapacity: total / stride) { _, initialized in initialized = total / stride }
        let code = local.withUnsafeBytes { send in
            result.withUnsafeMutableBytes { receive in
                MPISeam.allgatherv(send.baseAddress, mine, receive.baseAddress, counts, displacements)
            }
        }
        try succeed("MPI_Allgatherv", code)
        bytesSent += Int(mine) * (size - 1)
        return result
        #else
        return local
        #endif
    }

    #if MPI
    /// The byte count of every rank (an all-gather of one Int64 each).
    private func allgatherCounts(_ mine: Int) throws(CommunicatorError) -> [Int] {
        var counts = [Int64](repeating: 0, count: size)
        let one = [Int64(mine)]
        let displacements = (0..<size).map { Int32($0 * 8) }
        let code = one.withUnsafeBytes { send in
            counts.withUnsafeMutableBytes { receive in
                MPISeam.allgatherv(send.baseAddress, 8, receive.baseAddress, [Int32](repeating: 8, count: size), displacements)
            }
        }
        try succeed("MPI_Allgatherv", code)
        bytesSent += 8 * (size - 1)
        return counts.map { Int($0) }
    }
    #endif

    /// Personalized all-to-all: `blocks[r]` goes to rank r; returns the block each rank sent here, by source rank
    /// (MPI_Alltoall of the sizes, one all-reduce of a flag that refuses sizes past MPI's 32-bit counts on every rank
    /// at once, then MPI_Alltoallv). The sizes, the flag and the blocks to other ranks count in ``bytesSent``.
    /// - Throws: ``CommunicatorError/messageTooLarge(function:bytes:)`` on every rank when any rank would send or
    ///   receive 2³¹ − 1 bytes or more.
    public func alltoallv<Element: BitwiseCopyable>(_ blocks: [[Element]]) throws(CommunicatorError) -> [[Element]] {
        try check("alltoallv")
        guard blocks.count == size else {
            throw .invalidArgument(function: "alltoallv", reason: "\(blocks.count) blocks for \(size) ranks")
        }
        guard size > 1 else { return blocks }
        #if MPI
        let stride = MemoryLayout<Element>.stride
        // Sizes past MPI's 32-bit counts are sent saturated and refused after one all-reduce of a flag, so that
        // every rank throws together (a sender or a receiver alone throwing would leave the others waiting).
        var sendCounts = [Int32](repeating: 0, count: size), sendDisplacements = sendCounts
        var offset = 0, largest = 0
        for r in 0..<size {
            let bytes = blocks[r].count * stride
            sendCounts[r] = Int32(clamping: bytes)
            sendDisplacements[r] = Int32(clamping: offset)
            offset += bytes
            largest = Swift.max(largest, bytes, offset)
        }
        var receiveCounts = [Int32](repeating: 0, count: size)
        try succeed("MPI_Alltoall", MPISeam.alltoall(sendCounts, &receiveCounts))
        let total = receiveCounts.reduce(0) { $0 + Int($1) }
        largest = Swift.max(largest, total)
        // The largest size on any rank (exact as a double below 2⁵³), so that every rank names the same one.
        let worst = Int(try allreduceMax([Double(largest)])[0])
        if worst > Int(Int32.max) - 1 { throw .messageTooLarge(function: "alltoallv", bytes: worst) }
        var receiveDisplacements = [Int32](repeating: 0, count: size)
        var start = 0
        for r in 0..<size { receiveDisplacements[r] = Int32(start); start += Int(receiveCounts[r]) }
        let flat = blocks.flatMap { $0 }
        var received = [Element](unsafeUninitializedCapacity: total / stride) { _, initialized in initialized = total / stride }
        let code = flat.withUnsafeBytes { send in
            received.withUnsafeMutableBytes { receive in
                MPISeam.alltoallv(send.baseAddress, sendCounts, sendDisplacements, receive.baseAddress, receiveCounts,
                                  receiveDisplacements)
            }
        }
        try succeed("MPI_Alltoallv", code)
        bytesSent += 4 * (size - 1)
        for r in 0..<size where r != rank { bytesSent += Int(sendCounts[r]) }
        return (0..<size).map { r in
            let first = Int(receiveDisplacements[r]) / stride, count = Int(receiveCounts[r]) / stride
            return Array(received[first..<(first + count)])
        }
        #else
        return blocks
        #endif
    }

    /// The root's `values` on every rank (MPI_Bcast of the count, then of the payload).
    public func broadcast<Element: BitwiseCopyable>(_ values: [Element], root: Int) throws(CommunicatorError) -> [Element] {
        try check("broadcast")
        guard root >= 0, root < size else { throw .invalidArgument(function: "broadcast", reason: "root \(root) of \(size)") }
        guard size > 1 else { return values }
        #if MPI
        let stride = MemoryLayout<Element>.stride
        var count = [Int64(rank == root ? values.count : 0)]
        try succeed("MPI_Bcast", count.withUnsafeMutableBytes { MPISeam.broadcast($0.baseAddress, 8, root: Int32(root)) })
        let bytes = try Self.count32(Int(count[0]) * stride, "broadcast")
        var result = rank == root ? values
            : [Element](unsafeUninitializedCapacity: Int(count[0])) { _, initialized in initialized = Int(count[0]) }
        try succeed("MPI_Bcast", result.withUnsafeMutableBytes { MPISeam.broadcast($0.baseAddress, bytes, root: Int32(root)) })
        if rank == root { bytesSent += (8 + Int(bytes)) * (size - 1) }
        return result
        #else
        return values
        #endif
    }

    /// Sends `values` to rank `destination` (MPI_Send; blocking).
    public func send<Element: BitwiseCopyable>(_ values: [Element], to destination: Int, tag: Int = 0) throws(CommunicatorError) {
        try check("send")
        guard destination >= 0, destination < size, destination != rank else {
            throw .invalidArgument(function: "send", reason: "destination \(destination) (this is rank \(rank) of \(size))")
        }
        #if MPI
        let bytes = try Self.count32(values.count * MemoryLayout<Element>.stride, "send")
        try succeed("MPI_Send", values.withUnsafeBytes { MPISeam.send($0.baseAddress, bytes, to: Int32(destination), tag: Int32(tag)) })
        bytesSent += Int(bytes)
        #endif
    }

    /// Receives `count` elements from rank `source` (MPI_Recv; blocking).
    public func receive<Element: BitwiseCopyable>(_ type: Element.Type = Element.self, count: Int, from source: Int,
                                                  tag: Int = 0) throws(CommunicatorError) -> [Element] {
        try check("receive")
        guard source >= 0, source < size, source != rank, count >= 0 else {
            throw .invalidArgument(function: "receive", reason: "source \(source), count \(count) (rank \(rank) of \(size))")
        }
        var result = [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        #if MPI
        let bytes = try Self.count32(count * MemoryLayout<Element>.stride, "receive")
        try succeed("MPI_Recv", result.withUnsafeMutableBytes { MPISeam.receive($0.baseAddress, bytes, from: Int32(source), tag: Int32(tag)) })
        #endif
        return result
    }

    /// Runs `body` on every rank and agrees on the outcome: when any rank throws, every rank throws (the failing rank
    /// its own error, the others ``CommunicatorError/peerFailed(rank:)`` naming the lowest failing rank), so no rank
    /// is left waiting in a later collective. One all-reduce of one number.
    public func agree<T>(_ body: () throws -> T) throws -> T {
        var outcome: Result<T, any Error>
        do { outcome = .success(try body()) } catch { outcome = .failure(error) }
        guard size > 1 else { return try outcome.get() }
        var failed = 0.0
        if case .failure = outcome { failed = 1 }
        let lowest = try allreduceMaxLoc(value: failed, index: rank)   // ties: the lowest rank
        if lowest.value > 0 {
            if case let .failure(error) = outcome, lowest.index == rank {
                reportedOwnFailure = true
                throw error
            }
            if case let .failure(error) = outcome { throw error }
            throw CommunicatorError.peerFailed(rank: lowest.index)
        }
        return try outcome.get()
    }
}
