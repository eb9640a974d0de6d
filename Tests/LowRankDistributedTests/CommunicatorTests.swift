import Testing
import LowRankDistributed

@Suite struct CommunicatorTests {
    /// One process: rank 0 of 1, every collective returns its input and nothing is sent (the identities the
    /// distributed algorithms rely on to share their code with the serial run).
    @Test func oneProcessCollectivesAreIdentities() throws {
        let c = Communicator.single()
        #expect(c.rank == 0 && c.size == 1 && !c.usesMPI)
        #expect(try c.allreduceSum([1.5, -2]) == [1.5, -2])
        #expect(try c.allreduceMax([3, 4]) == [3, 4])
        let best = try c.allreduceMaxLoc(value: 2.5, index: 7)
        #expect(best.value == 2.5 && best.index == 7)
        #expect(try c.allgatherv([1, 2, 3]) == [1, 2, 3])
        #expect(try c.alltoallv([[4.0, 5.0]]) == [[4.0, 5.0]])
        #expect(try c.broadcast([9, 8], root: 0) == [9, 8])
        try c.barrier()
        #expect(c.bytesSent == 0)
    }

    /// Arguments that do not fit the communicator are typed errors, not crashes.
    @Test func badArgumentsAreTypedErrors() {
        let c = Communicator.single()
        #expect(throws: CommunicatorError.self) { _ = try c.alltoallv([[1.0], [2.0]]) }
        #expect(throws: CommunicatorError.self) { _ = try c.broadcast([1.0], root: 1) }
        #expect(throws: CommunicatorError.self) { try c.send([1.0], to: 0) }
        #expect(throws: CommunicatorError.self) { _ = try c.allreduceMaxLoc(value: 1, index: Int(Int32.max) + 1) }
    }

    /// Tasks run in order on one process and come back in task order; a throwing task's error reaches the caller.
    @Test func tasksRunInOrderAndErrorsPropagate() throws {
        let c = Communicator.single()
        var seen: [Int] = []
        let results = try c.shareTasks(count: 4) { task in seen.append(task); return [Double(task * task)] }
        #expect(seen == [0, 1, 2, 3])
        #expect(results == [[0], [1], [4], [9]])
        struct Boom: Error {}
        #expect(throws: Boom.self) { _ = try c.shareTasks(count: 2) { task in if task == 1 { throw Boom() }; return [] } }
    }

    /// The BLACS grid is pr × pc = P with pr the largest divisor of P not above √P (ScaLAPACK's usual near-square
    /// choice): 1 → 1 × 1, 2 → 1 × 2, 4 → 2 × 2, 6 → 2 × 3, 7 → 1 × 7, 12 → 3 × 4.
    @Test func processGridIsNearSquare() {
        let grids = [1, 2, 4, 6, 7, 12].map { DistributedSymmetricEigen.grid($0) }
        #expect(grids.map(\.rows) == [1, 1, 2, 2, 1, 3])
        #expect(grids.map(\.columns) == [1, 2, 2, 3, 7, 4])
        #expect(!DistributedSymmetricEigen.isWorthDistributing(order: 1000, communicator: .single()))
    }

    /// Without MPI the ScaLAPACK path is refused with a typed error.
    @Test func scalapackNeedsMPI() {
        #expect(throws: CommunicatorError.self) {
            _ = try DistributedSymmetricEigen.eigendecomposition([2, 1, 1, 2], order: 2, communicator: .single())
        }
    }
}
