import Testing
import LowRankDistributed
import LowRankKernels
@testable import LatentFactors

@Suite struct DistributedExplicitALSTests {
    /// With one process the distributed driver partitions into one block and exchanges nothing, so it must do the
    /// single-process ``ExplicitALS`` arithmetic exactly: the same factors, biases and objectives, bit for bit (an
    /// identity; the multi-rank runs are compared with this one by scripts/test-mpi under mpirun).
    @Test func oneProcessEqualsExplicitALS() throws {
        var g = SeededGenerator(seed: 5)
        let truth = try Matrix.product(Matrix<Double>.randomNormal(rows: 40, columns: 3, using: &g), .none,
                                       Matrix<Double>.randomNormal(rows: 25, columns: 3, using: &g), .transpose)
        var mask = SeededGenerator(seed: 6)
        let observed = (0..<(40 * 25)).map { _ in Double.random(in: 0..<1, using: &mask) < 0.4 }
        let r = try ratings(of: truth) { i, j in observed[i + 40 * j] }
        for biases in [false, true] {
            let options = ExplicitALSOptions(rank: 4, lambda: 0.1, scaling: .countScaled, biases: biases,
                                             maxIterations: 4, seed: 9)
            var serialOptions = options
            serialOptions.tolerance = 0
            let serial = try ExplicitALS.fit(r, options: serialOptions)
            let distributed = try DistributedExplicitALS.fit(r, options: serialOptions, communicator: .single())
            #expect(distributed.model.userFactors.elements == serial.model.userFactors.elements)
            #expect(distributed.model.itemFactors.elements == serial.model.itemFactors.elements)
            #expect(distributed.model.userBiases == serial.model.userBiases)
            #expect(distributed.model.itemBiases == serial.model.itemBiases)
            #expect(distributed.model.globalMean == serial.model.globalMean)
            #expect(distributed.history.map(\.record.objective) == serial.history.map(\.objective))
            #expect(distributed.bytesCommunicated == 0)
        }
    }

    /// The same identity for implicit ALS: one process, one block, the Gram all-reduce of one term, so
    /// ``DistributedImplicitALS`` must reproduce ``ImplicitALS`` bit for bit, with conjugate-gradient rows (warm
    /// started from the previous factors) and exact Cholesky rows.
    @Test func oneProcessEqualsImplicitALS() throws {
        var g = SeededGenerator(seed: 7)
        var mask = SeededGenerator(seed: 8)
        let truth = Matrix<Double>.randomNormal(rows: 30, columns: 20, using: &g)
        let observed = (0..<(30 * 20)).map { _ in Double.random(in: 0..<1, using: &mask) < 0.3 }
        let r = try ratings(of: truth) { i, j in observed[i + 30 * j] }
        for solver in [ImplicitRowSolver.conjugateGradient(steps: 3), .cholesky] {
            let options = ImplicitALSOptions(rank: 4, lambda: 0.1, alpha: 2, solver: solver, maxIterations: 3, seed: 4)
            let serial = try ImplicitALS.fit(r, options: options)
            let distributed = try DistributedImplicitALS.fit(r, options: options, communicator: .single())
            #expect(distributed.model.userFactors.elements == serial.model.userFactors.elements)
            #expect(distributed.model.itemFactors.elements == serial.model.itemFactors.elements)
            #expect(distributed.history.map(\.record.objective) == serial.history.map(\.objective))
            #expect(distributed.bytesCommunicated == 0)
        }
    }

    /// Blocks are contiguous, cover every row once, and split the entries as evenly as row boundaries allow:
    /// rows of 5 entries each, 4 rows into 2 parts, give 2 + 2; a heavy first row takes a block of its own unless the
    /// rows carry a fixed cost too.
    @Test func blocksBalanceTheEntries() {
        #expect(DistributedExplicitALS.blocks([0, 5, 10, 15, 20], parts: 2) == [0..<2, 2..<4])
        #expect(DistributedExplicitALS.blocks([0, 90, 95, 100], parts: 2) == [0..<1, 1..<3])
        #expect(DistributedExplicitALS.blocks([0, 1, 2], parts: 3).reduce(0) { $0 + $1.count } == 2)
        // A fixed cost per row (implicit ALS's k × k work): one row of 10 entries and three of 1, weight 10 per row,
        // cost 20 + 11 + 11 + 11 = 53: the first half (26.5) ends after row 1, not after row 0 as by entries alone.
        #expect(DistributedExplicitALS.blocks([0, 10, 11, 12, 13], parts: 2) == [0..<1, 1..<4])
        #expect(DistributedExplicitALS.blocks([0, 10, 11, 12, 13], parts: 2, rowWeight: 10) == [0..<2, 2..<4])
    }
}
