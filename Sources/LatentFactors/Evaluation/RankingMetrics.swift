#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LowRankKernels

/// Top-k ranking quality on held-out interactions (implicit feedback), with binary relevance.
///
/// For each user with at least one relevant test item, all items are ranked by predicted score with the items the
/// user has in TRAINING removed; with hits h = number of test items among the top k (positions 0…k−1):
/// - precision@k = h / k (k in the denominator even when fewer than k items remain or are relevant);
/// - nDCG@k = DCG / IDCG with DCG = Σ_{pos<k} rel_pos / log2(pos + 2) and IDCG = Σ_{pos<min(k, |test items|)}
///   1 / log2(pos + 2).
/// Both are averaged over those users; users without test items are left out. Test items the user also has in
/// training cannot be ranked and are not counted as relevant.
public struct RankingMetrics: Sendable, Equatable {
    /// The cut-off k.
    public let k: Int
    /// Mean precision@k.
    public let precision: Double
    /// Mean nDCG@k.
    public let ndcg: Double
    /// Number of users averaged over (those with at least one relevant test item).
    public let users: Int

    /// Metrics with the given values.
    public init(k: Int, precision: Double, ndcg: Double, users: Int) {
        self.k = k
        self.precision = precision
        self.ndcg = ndcg
        self.users = users
    }
}

extension Metrics {
    /// Precision@k and nDCG@k of `model` (see ``RankingMetrics``). `train` and `test` must use the model's indices
    /// (e.g. the two sides of a ``RatingsSplit`` the model was fitted on): every test entry is a relevant
    /// interaction, whatever its value. Users are scored in blocks by one `gemm` with the item factors, then each by a
    /// heap selection.
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` when k < 1, or when `train` or `test` has
    ///   more users or items than the model.
    public static func ranking(of model: FactorModel, train: Ratings, test: Ratings, k: Int) throws -> RankingMetrics {
        guard k >= 1 else { throw LinearAlgebraError.invalidArgument(argument: "k", reason: "must be ≥ 1, got \(k)") }
        let users = model.userFactors.columns, items = model.itemFactors.columns
        for (name, r) in [("train", train), ("test", test)] where r.userCount > users || r.itemCount > items {
            throw LinearAlgebraError.invalidArgument(
                argument: name, reason: "has \(r.userCount) users and \(r.itemCount) items; the model has \(users) and \(items)")
        }
        // At most `items` positions exist, so k beyond that allocates nothing more (hits/k still divides by k).
        let positions = Swift.min(k, items)
        var discount = [Double](repeating: 0, count: positions)
        for p in 0..<positions { discount[p] = 1 / log2(Double(p + 2)) }
        var scorer = ItemScorer(model: model)
        var relevant = [Bool](repeating: false, count: items)
        var inTrain = [Bool](repeating: false, count: items)
        var precisionSum = 0.0, ndcgSum = 0.0, counted = 0
        func seenItems(_ u: Int) -> ArraySlice<Int32> {
            u < train.userCount ? train.rowItems[train.rowOffsets[u]..<train.rowOffsets[u + 1]] : []
        }
        /// Marks user u's relevant test items (those not in training) and returns them.
        func markRelevant(_ u: Int) -> [Int] {
            let seen = seenItems(u)
            for i in seen { inTrain[Int(i)] = true }
            var marked: [Int] = []
            for e in test.rowOffsets[u]..<test.rowOffsets[u + 1] {
                let i = Int(test.rowItems[e])
                if !inTrain[i], !relevant[i] { relevant[i] = true; marked.append(i) }
            }
            for i in seen { inTrain[Int(i)] = false }
            return marked
        }
        // Users with at least one relevant test item, with those items, scored a block at a time.
        var block: [(user: Int, relevant: [Int])] = []
        func evaluateBlock() {
            scorer.score(users: block.map(\.user))
            for (column, entry) in block.enumerated() {
                for i in entry.relevant { relevant[i] = true }
                var hits = 0, dcg = 0.0
                for (p, i) in scorer.top(positions, column: column, excluding: seenItems(entry.user)).enumerated() where relevant[i] {
                    hits += 1
                    dcg += discount[p]
                }
                var idcg = 0.0
                for p in 0..<Swift.min(positions, entry.relevant.count) { idcg += discount[p] }
                precisionSum += Double(hits) / Double(k)
                ndcgSum += dcg / idcg
                counted += 1
                for i in entry.relevant { relevant[i] = false }
            }
            block.removeAll(keepingCapacity: true)
        }
        for u in 0..<test.userCount {
            let marked = markRelevant(u)
            for i in marked { relevant[i] = false }
            guard !marked.isEmpty else { continue }
            block.append((u, marked))
            if block.count == scorer.blockSize { evaluateBlock() }
        }
        if !block.isEmpty { evaluateBlock() }
        guard counted > 0 else { return RankingMetrics(k: k, precision: 0, ndcg: 0, users: 0) }
        return RankingMetrics(k: k, precision: precisionSum / Double(counted), ndcg: ndcgSum / Double(counted),
                              users: counted)
    }
}
