import LowRankDistributed
import LowRankKernels

/// Implicit-feedback ALS (``ImplicitALS``: Hu, Koren & Volinsky 2008, the same objective, row solver and options)
/// over the processes of a ``Communicator``, partitioned as ``DistributedExplicitALS`` is: rank p owns a contiguous
/// block of users and one of items (about 1/P of the interactions each), and before each half-sweep receives, in one
/// all-to-all, exactly the k-double factor columns its rows interact with.
///
/// The one global quantity of implicit ALS is the Gram matrix G = Σ_j f_j f_jᵀ of the fixed side over *all* its
/// columns (every unobserved pair has confidence 1): each rank forms its block's Gram with `dsyrk` and one all-reduce
/// of k² doubles sums them; the same all-reduce carries the objective's observed-pair terms and ‖X‖², ‖Y‖². The rows
/// are then solved with ``ImplicitALS``'s row loop, in the same order and from the same starting values as one process,
/// so the factors equal the single-process run for the same seed up to the summation order of G and the objective
/// (1e-12 relative or better).
///
/// Per iteration rank p sends k · 8 bytes for each (item, other rank) pair where the other rank's users interacted
/// with the item, the same for users, and two all-reduces of k² + 4 doubles (docs/SCALING.md).
public enum DistributedImplicitALS {
    /// Fits the model; every rank passes the same `ratings` (read by each) and options, and gets the same model.
    /// `observer` runs on every rank after each iteration (the record's objective is global; ``IterationRecord``'s
    /// training RMSE is nil, as for ``ImplicitALS``).
    /// - Throws: as ``ImplicitALS/fit(_:options:observer:)``, with every rank throwing when one does
    ///   (``Communicator/agree(_:)``), and ``CommunicatorError`` for MPI failures.
    public static func fit(_ ratings: Ratings, options: ImplicitALSOptions, communicator: Communicator,
                           observer: (DistributedExplicitALS.Record) -> Void = { _ in }) throws
        -> DistributedExplicitALS.Result {
        try options.validate()
        guard ratings.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        return try RowParallel.withSingleThreadedBLAS {
            try fitSingleThreadedBLAS(ratings, options: options, communicator: communicator, observer: observer)
        }
    }

    static func fitSingleThreadedBLAS(_ ratings: Ratings, options: ImplicitALSOptions, communicator: Communicator,
                                      observer: (DistributedExplicitALS.Record) -> Void) throws
        -> DistributedExplicitALS.Result {
        let start = ContinuousClock.now
        let k = options.rank, size = communicator.size, me = communicator.rank
        let m = ratings.userCount, n = ratings.itemCount
        // A row's fixed work (the k × k products of its solve) is worth about k/2 entries (each entry costs O(k) per
        // conjugate-gradient step, the Gram product O(k²)): blocks balance both, not the entries alone.
        let rowWeight = Double(k) / 2
        let userBlocks = DistributedExplicitALS.blocks(ratings.rowOffsets, parts: size, rowWeight: rowWeight)
        let itemBlocks = DistributedExplicitALS.blocks(ratings.columnOffsets, parts: size, rowWeight: rowWeight)
        let users = userBlocks[me], items = itemBlocks[me]
        let bytesAtStart = communicator.bytesSent
        let userSide = try DistributedExplicitALS.side(offsets: ratings.rowOffsets, indices: ratings.rowItems,
                                                       values: ratings.rowValues, own: users, columnBlocks: itemBlocks,
                                                       communicator: communicator)
        let itemSide = try DistributedExplicitALS.side(offsets: ratings.columnOffsets, indices: ratings.columnUsers,
                                                       values: ratings.columnValues, own: items, columnBlocks: userBlocks,
                                                       communicator: communicator)
        // The single-process start (X drawn first, then Y, from one generator), of which this rank keeps its blocks.
        var rng = SeededGenerator(seed: options.seed)
        let allX = (0..<(k * m)).map { _ in Double.random(in: 0..<1, using: &rng) * options.initialScale }
        let allY = (0..<(k * n)).map { _ in Double.random(in: 0..<1, using: &rng) * options.initialScale }
        var x = Array(allX[(users.lowerBound * k)..<(users.upperBound * k)])
        var y = Array(allY[(items.lowerBound * k)..<(items.upperBound * k)])
        var gramY = try communicator.allreduceSum(ImplicitALS.gram(y, k: k))
        var history: [DistributedExplicitALS.Record] = []
        var bytesPerIteration = 0
        for iteration in 0..<options.maxIterations {
            let bytesBefore = communicator.bytesSent
            let (itemsHere, _) = try DistributedExplicitALS.exchange(
                userSide, ownFactors: try Matrix(rows: k, columns: items.count, elements: y), ownBiases: nil,
                ownFirst: items.lowerBound, k: k, communicator: communicator)
            _ = try communicator.agree {
                try ImplicitALS.halfSweep(offsets: userSide.offsets, indices: userSide.slots, other: itemsHere.elements,
                                          gram: gramY, factors: &x, options: options)
            }
            let gramX = try communicator.allreduceSum(ImplicitALS.gram(x, k: k))
            let (usersHere, _) = try DistributedExplicitALS.exchange(
                itemSide, ownFactors: try Matrix(rows: k, columns: users.count, elements: x), ownBiases: nil,
                ownFirst: users.lowerBound, k: k, communicator: communicator)
            let observed = try communicator.agree {
                try ImplicitALS.halfSweep(offsets: itemSide.offsets, indices: itemSide.slots, other: usersHere.elements,
                                          gram: gramX, factors: &y, options: options, observedTerms: true)
            }
            let squares = x.reduce(0) { $0 + $1 * $1 } + y.reduce(0) { $0 + $1 * $1 }
            let elapsed = ExplicitALS.seconds(since: start)
            let sums = try communicator.allreduceSum(ImplicitALS.gram(y, k: k)
                + [observed, squares, Double(communicator.bytesSent - bytesAtStart)])
            gramY = Array(sums[0..<(k * k)])
            let slowest = try communicator.allreduceMax([elapsed])[0]
            var all = 0.0
            for t in 0..<(k * k) { all += gramY[t] * gramX[t] }
            let objective = all + sums[k * k] + options.lambda * sums[k * k + 1]
            let record = IterationRecord(iteration: iteration + 1, objective: objective, trainRMSE: nil, seconds: elapsed)
            let entry = DistributedExplicitALS.Record(record: record, slowestRankSeconds: slowest,
                                                      bytesCommunicated: Int(sums[k * k + 2]))
            history.append(entry)
            observer(entry)
            if iteration == 0 {
                bytesPerIteration = Int(try communicator.allreduceSum([Double(communicator.bytesSent - bytesBefore)])[0])
            }
        }
        // The whole model on every rank: blocks are contiguous, so rank order is index order.
        let allUsers = try communicator.allgatherv(x)
        let allItems = try communicator.allgatherv(y)
        let total = Int(try communicator.allreduceSum([Double(communicator.bytesSent - bytesAtStart)])[0])
        let model = FactorModel(globalMean: 0, userBiases: [Double](repeating: 0, count: m),
                                itemBiases: [Double](repeating: 0, count: n),
                                userFactors: try Matrix(rows: k, columns: m, elements: allUsers),
                                itemFactors: try Matrix(rows: k, columns: n, elements: allItems),
                                userIds: ratings.userIds, itemIds: ratings.itemIds, userIndex: ratings.userIndex,
                                itemIndex: ratings.itemIndex)
        return DistributedExplicitALS.Result(model: model, history: history, bytesCommunicated: total,
                                             bytesPerIteration: bytesPerIteration)
    }
}
