import LowRankDistributed
import LowRankKernels

/// Explicit ALS (``ExplicitALS``, the same objective, updates and row solver) over the processes of a
/// ``Communicator``, partitioned as Spark MLlib's ALS is: rank p owns a contiguous block of users and a contiguous block
/// of items (each block holding about 1/P of the ratings), with its users' ratings in rows (its "in-blocks" for the
/// user half-sweep) and its items' ratings in columns.
///
/// Before a user half-sweep each rank sends every other rank exactly the item factor columns (and biases) that the
/// other rank's users rated, once per distinct item (its "out-blocks": the lists are fixed at the start), in one
/// all-to-all; the item half-sweep is the same with users. Each rank then solves its own rows with
/// ``ExplicitALS``'s row solver, in the same order and with the same operands as a single process, so the factors
/// equal the single-process run for the same seed up to the summation order of the global sums (the μ step and the
/// objective, one all-reduce per iteration): 1e-12 relative or better.
///
/// Per iteration rank p sends (k + 1) · 8 bytes for each (item, other rank) pair where the other rank's users rated
/// the item, the same for users, plus two small all-reduces: the communication volume of docs/SCALING.md.
public enum DistributedExplicitALS {
    /// One iteration as every rank sees it.
    public struct Record: Sendable {
        /// The single-process record: objective, training RMSE (global), seconds on this rank.
        public var record: IterationRecord
        /// The slowest rank's seconds since the start.
        public var slowestRankSeconds: Double
        /// Bytes sent by all ranks together since the start (``Communicator/bytesSent`` summed).
        public var bytesCommunicated: Int
    }

    /// The fitted model (whole, on every rank), the records and the communication totals.
    public struct Result: Sendable {
        public var model: FactorModel
        public var history: [Record]
        /// Bytes sent by all ranks together, setup and final gather included.
        public var bytesCommunicated: Int
        /// Bytes sent by all ranks together per iteration (the factor exchanges and the all-reduces).
        public var bytesPerIteration: Int
    }

    /// This rank's share of one side: its contiguous rows and their ratings, the other side's columns indexed by
    /// compact slots (this rank's needed columns, grouped by owner rank, increasing within a group).
    struct Side {
        var rows: Range<Int>
        var offsets: [Int]           // rows.count + 1, from 0
        var slots: [Int32]           // per rating: the compact slot of its column
        var values: [Double]
        var slotStart: [Int]         // size + 1: slots received from rank q are slotStart[q] ..< slotStart[q + 1]
        var sendColumns: [[Int]]     // per destination rank: this rank's own columns (global) that it needs, in order
    }

    /// Contiguous ranges of 0 ..< offsets.count − 1 with about equal cost, one per rank: a row costs its number of
    /// entries plus `rowWeight` (the row's fixed work in entries' worth: the k × k solve of implicit ALS).
    static func blocks(_ offsets: [Int], parts: Int, rowWeight: Double = 0) -> [Range<Int>] {
        let rows = offsets.count - 1
        func cost(_ row: Int) -> Double { Double(offsets[row]) + rowWeight * Double(row) }
        let total = cost(rows)
        var bounds = [0]
        var row = 0
        for part in 1..<parts {
            let target = total * Double(part) / Double(parts)
            while row < rows && cost(row) < target { row += 1 }
            bounds.append(Swift.max(bounds[bounds.count - 1], row))
        }
        bounds.append(rows)
        return (0..<parts).map { bounds[$0]..<bounds[$0 + 1] }
    }

    /// Builds this rank's side (rows `own`, columns owned per rank by `columnBlocks`) and learns, by one all-to-all,
    /// which of its own columns every other rank needs.
    static func side(offsets: [Int], indices: [Int32], values: [Double], own: Range<Int>, columnBlocks: [Range<Int>],
                     communicator: Communicator) throws -> Side {
        let size = communicator.size
        let first = offsets[own.lowerBound], last = offsets[own.upperBound]
        var needed = [[Int32]](repeating: [], count: size)
        var seen = Set<Int32>()
        for e in first..<last where seen.insert(indices[e]).inserted {
            let column = Int(indices[e])
            let owner = columnBlocks.firstIndex { $0.contains(column) } ?? 0
            needed[owner].append(indices[e])
        }
        for q in 0..<size { needed[q].sort() }
        var slotOf: [Int32: Int32] = [:]
        var slotStart = [0]
        for q in 0..<size {
            for column in needed[q] { slotOf[column] = Int32(slotOf.count) }
            slotStart.append(slotOf.count)
        }
        let slots = indices[first..<last].map { slotOf[$0] ?? 0 }
        let requests = try communicator.alltoallv(needed)          // requests[q]: my columns rank q needs
        return Side(rows: own, offsets: offsets[own.lowerBound...own.upperBound].map { $0 - first }, slots: slots,
                    values: Array(values[first..<last]), slotStart: slotStart,
                    sendColumns: requests.map { $0.map(Int.init) })
    }

    /// The other side's factors and biases in this side's compact slots: one all-to-all of the columns each rank
    /// needs from this one ((k + 1) doubles per column, biases last; k doubles and no biases when `ownBiases` is nil,
    /// as implicit ALS has none).
    static func exchange(_ side: Side, ownFactors: Matrix<Double>, ownBiases: [Double]?, ownFirst: Int, k: Int,
                         communicator: Communicator) throws -> (Matrix<Double>, [Double]) {
        let width = ownBiases == nil ? k : k + 1
        let packed: [[Double]] = side.sendColumns.map { columns in
            var block = [Double]()
            block.reserveCapacity(columns.count * width)
            for column in columns {
                let local = column - ownFirst
                block.append(contentsOf: ownFactors.elements[(local * k)..<((local + 1) * k)])
                if let ownBiases { block.append(ownBiases[local]) }
            }
            return block
        }
        let received = try communicator.alltoallv(packed)
        let slots = side.slotStart[communicator.size]
        var factors = [Double](repeating: 0, count: slots * k)
        var biases = [Double](repeating: 0, count: ownBiases == nil ? 0 : slots)
        for q in 0..<communicator.size {
            let block = received[q]
            for (n, slot) in (side.slotStart[q]..<side.slotStart[q + 1]).enumerated() {
                let base = n * width
                guard base + width <= block.count else { break }
                for a in 0..<k { factors[slot * k + a] = block[base + a] }
                if ownBiases != nil { biases[slot] = block[base + k] }
            }
        }
        return (try Matrix(rows: k, columns: slots, elements: factors), biases)
    }

    /// Fits the model; every rank passes the same `ratings` (read by each) and options, and gets the same model.
    /// `observer` runs on every rank after each iteration.
    /// - Throws: as ``ExplicitALS/fit(_:options:initial:observer:)``, with every rank throwing when one does
    ///   (``Communicator/agree(_:)``), and ``CommunicatorError`` for MPI failures.
    public static func fit(_ ratings: Ratings, options: ExplicitALSOptions, communicator: Communicator,
                           observer: (Record) -> Void = { _ in }) throws -> Result {
        try options.validate()
        guard ratings.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        return try RowParallel.withSingleThreadedBLAS {
            try fitSingleThreadedBLAS(ratings, options: options, communicator: communicator, observer: observer)
        }
    }

    static func fitSingleThreadedBLAS(_ ratings: Ratings, options: ExplicitALSOptions, communicator: Communicator,
                                      observer: (Record) -> Void) throws -> Result {
        let start = ContinuousClock.now
        let k = options.rank, size = communicator.size, me = communicator.rank
        let userBlocks = blocks(ratings.rowOffsets, parts: size), itemBlocks = blocks(ratings.columnOffsets, parts: size)
        let users = userBlocks[me], items = itemBlocks[me]
        let bytesAtStart = communicator.bytesSent
        let userSide = try side(offsets: ratings.rowOffsets, indices: ratings.rowItems, values: ratings.rowValues,
                                own: users, columnBlocks: itemBlocks, communicator: communicator)
        let itemSide = try side(offsets: ratings.columnOffsets, indices: ratings.columnUsers, values: ratings.columnValues,
                                own: items, columnBlocks: userBlocks, communicator: communicator)
        // The single-process start: the whole seeded k × n matrix on every rank, of which this rank keeps its items.
        var rng = SeededGenerator(seed: options.seed)
        let allItems = Matrix<Double>.randomNormal(rows: k, columns: ratings.itemCount, using: &rng)
            .scaled(by: options.initialScale / Double(k).squareRoot())
        var itemFactors = try Matrix(rows: k, columns: items.count,
                                     elements: Array(allItems.elements[(items.lowerBound * k)..<(items.upperBound * k)]))
        var itemBiases = [Double](repeating: 0, count: items.count)
        var userFactors = Matrix<Double>(rows: k, columns: users.count)
        var userBiases = [Double](repeating: 0, count: users.count)
        var mu = options.biases ? ratings.mean : 0
        var history: [Record] = []
        var previous = Double.infinity
        var bytesPerIteration = 0
        for iteration in 0..<options.maxIterations {
            let bytesBefore = communicator.bytesSent
            let (itemsHere, itemBiasesHere) = try exchange(userSide, ownFactors: itemFactors, ownBiases: itemBiases,
                                                           ownFirst: items.lowerBound, k: k, communicator: communicator)
            try communicator.agree {
                try ExplicitALS.solveRows(offsets: userSide.offsets, indices: userSide.slots, values: userSide.values,
                                          other: itemsHere, otherBiases: itemBiasesHere, mu: mu, options: options,
                                          factors: &userFactors, biases: &userBiases)
            }
            let (usersHere, userBiasesHere) = try exchange(itemSide, ownFactors: userFactors, ownBiases: userBiases,
                                                           ownFirst: users.lowerBound, k: k, communicator: communicator)
            let (partialSum, partialSquares) = try communicator.agree {
                try ExplicitALS.solveRows(offsets: itemSide.offsets, indices: itemSide.slots, values: itemSide.values,
                                          other: usersHere, otherBiases: userBiasesHere, mu: mu, options: options,
                                          factors: &itemFactors, biases: &itemBiases)
            }
            let penalty = ExplicitALS.penalty(userFactors, userBiases, first: users.lowerBound, options) { ratings.count(user: $0) }
                + ExplicitALS.penalty(itemFactors, itemBiases, first: items.lowerBound, options) { ratings.count(item: $0) }
            let elapsed = ExplicitALS.seconds(since: start)
            let sums = try communicator.allreduceSum([partialSum, partialSquares, penalty,
                                                      Double(communicator.bytesSent - bytesAtStart)])
            let slowest = try communicator.allreduceMax([elapsed])[0]
            var (sum, squares) = (sums[0], sums[1])
            if options.biases {
                let delta = sum / Double(ratings.count)
                mu += delta
                squares = Swift.max(0, squares - delta * sum)
            }
            let objective = 0.5 * squares + 0.5 * options.lambda * sums[2]
            let rmse = (squares / Double(ratings.count)).squareRoot()
            let record = IterationRecord(iteration: iteration + 1, objective: objective, trainRMSE: rmse, seconds: elapsed)
            let entry = Record(record: record, slowestRankSeconds: slowest, bytesCommunicated: Int(sums[3]))
            history.append(entry)
            observer(entry)
            if iteration == 0 {
                bytesPerIteration = Int(try communicator.allreduceSum([Double(communicator.bytesSent - bytesBefore)])[0])
            }
            if options.tolerance > 0, previous - objective <= options.tolerance * Swift.max(objective, .leastNormalMagnitude) {
                break
            }
            previous = objective
        }
        // The whole model on every rank: blocks are contiguous, so rank order is index order.
        let allUsers = try communicator.allgatherv(userFactors.elements)
        let allUserBiases = try communicator.allgatherv(userBiases)
        let allItemFactors = try communicator.allgatherv(itemFactors.elements)
        let allItemBiases = try communicator.allgatherv(itemBiases)
        let total = Int(try communicator.allreduceSum([Double(communicator.bytesSent - bytesAtStart)])[0])
        let model = FactorModel(globalMean: mu, userBiases: allUserBiases, itemBiases: allItemBiases,
                                userFactors: try Matrix(rows: k, columns: ratings.userCount, elements: allUsers),
                                itemFactors: try Matrix(rows: k, columns: ratings.itemCount, elements: allItemFactors),
                                userIds: ratings.userIds, itemIds: ratings.itemIds, userIndex: ratings.userIndex,
                                itemIndex: ratings.itemIndex)
        return Result(model: model, history: history, bytesCommunicated: total, bytesPerIteration: bytesPerIteration)
    }
}
