import LowRankKernels
import LowRankIO

/// A partition of the entries of ``Ratings`` into a training and a test set sharing the same users, items and id
/// maps (so indices agree between them).
public struct RatingsSplit: Sendable {
    /// The training ratings.
    public let train: Ratings
    /// The held-out ratings.
    public let test: Ratings
    /// Entry numbers (CSR positions in the full ratings) of the training set, increasing.
    public let trainEntries: [Int]
    /// Entry numbers of the test set, increasing.
    public let testEntries: [Int]
}

/// An assignment of every entry of ``Ratings`` to one of k folds, for k-fold cross-validation.
public struct FoldAssignment: Sendable, Equatable {
    /// Fold labels in increasing order (0..<k for seeded folds; the distinct numbers of a fold file otherwise).
    public let labels: [Int]
    /// For each entry (CSR position), the index into ``labels`` of its fold.
    public let foldOfEntry: [Int]

    /// The number of folds k.
    public var count: Int { labels.count }

    /// Entry numbers of fold `f` (an index into ``labels``), increasing.
    public func entries(inFold f: Int) -> [Int] {
        foldOfEntry.indices.filter { foldOfEntry[$0] == f }
    }

    /// Fold `f` (an index into ``labels``) as the test set, the other folds as the training set.
    public func split(_ ratings: Ratings, fold f: Int) -> RatingsSplit {
        var train: [Int] = [], test: [Int] = []
        for (e, g) in foldOfEntry.enumerated() where e < ratings.count {
            if g == f { test.append(e) } else { train.append(e) }
        }
        return RatingsSplit(train: ratings.subset(entries: train), test: ratings.subset(entries: test),
                            trainEntries: train, testEntries: test)
    }
}

/// Deterministic splits of ratings from a seed, or from a fold file.
///
/// The entries are shuffled by a Fisher–Yates permutation drawn from ``SeededGenerator`` (xoshiro256**) with unbiased
/// bounded integers (Lemire's multiply-and-reject), so a seed gives the same split on every platform and thread count.
public enum Splits {
    /// A uniformly random permutation of 0..<n from `seed`.
    public static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var g = SeededGenerator(seed: seed)
        var p = Array(0..<Swift.max(0, n))
        if n < 2 { return p }
        for k in stride(from: n - 1, to: 0, by: -1) {
            let j = bounded(UInt64(k + 1), &g)
            p.swapAt(k, j)
        }
        return p
    }

    /// A uniform integer in 0..<bound (bound ≥ 1), without modulo bias.
    static func bounded(_ bound: UInt64, _ g: inout SeededGenerator) -> Int {
        let threshold = (0 &- bound) % bound
        while true {
            let (high, low) = g.next().multipliedFullWidth(by: bound)
            if low >= threshold { return Int(high) }
        }
    }

    /// A train/test split: the test set is the first round(testFraction · |Ω|) entries of the seeded permutation.
    /// - Throws: ``RatingsError`` when `testFraction` is not in (0, 1) or either side would be empty.
    public static func trainTest(_ ratings: Ratings, testFraction: Double = 0.2, seed: UInt64 = 0) throws(RatingsError) -> RatingsSplit {
        let path = ratings.source ?? "ratings"
        guard testFraction > 0, testFraction < 1 else {
            throw RatingsError(path: path, line: nil, reason: "the test fraction must lie in (0, 1), got \(testFraction)")
        }
        let n = ratings.count
        let testCount = Int((testFraction * Double(n)).rounded())
        guard testCount >= 1, testCount < n else {
            throw RatingsError(path: path, line: nil,
                               reason: "too few ratings (\(n)) for a test fraction of \(testFraction)")
        }
        let p = permutation(n, seed: seed)
        let test = p[0..<testCount].sorted()
        let train = p[testCount...].sorted()
        return RatingsSplit(train: ratings.subset(entries: train), test: ratings.subset(entries: test),
                            trainEntries: train, testEntries: test)
    }

    /// k folds from a seed: the entry at position p of the seeded permutation goes to fold p mod k, so fold sizes
    /// differ by at most one.
    /// - Throws: ``RatingsError`` when k < 2 or there are fewer ratings than folds.
    public static func kFold(_ ratings: Ratings, folds k: Int, seed: UInt64 = 0) throws(RatingsError) -> FoldAssignment {
        let path = ratings.source ?? "ratings"
        guard k >= 2 else { throw RatingsError(path: path, line: nil, reason: "need at least 2 folds, got \(k)") }
        guard ratings.count >= k else {
            throw RatingsError(path: path, line: nil, reason: "too few ratings (\(ratings.count)) for \(k) folds")
        }
        var fold = [Int](repeating: 0, count: ratings.count)
        for (position, entry) in permutation(ratings.count, seed: seed).enumerated() { fold[entry] = position % k }
        return FoldAssignment(labels: Array(0..<k), foldOfEntry: fold)
    }

    /// Folds read from a fold file: one integer fold number per line, line r for the r-th rating record of the
    /// ratings file (blank lines skipped in both files; BOM and CRLF tolerated). Records merged as duplicates must
    /// carry the same fold number. The folds are the distinct numbers, in increasing order.
    /// - Throws: ``RatingsError`` naming the fold file and line for a non-integer, a missing or extra line, or
    ///   conflicting folds; and when the ratings were not read from a file or fewer than 2 folds appear.
    public static func folds(fromFile path: String, for ratings: Ratings) throws(RatingsError) -> FoldAssignment {
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch { throw RatingsError(path: path, line: nil, reason: error.reason) }
        let records = ratings.entryOfRecord
        guard !records.isEmpty else {
            throw RatingsError(path: path, line: nil, reason: "the ratings were not read from a file, so records cannot be matched to lines")
        }
        var foldNumber = [Int?](repeating: nil, count: ratings.count)
        var lineOfEntry = [Int](repeating: 0, count: ratings.count)
        var record = 0
        for (number, line) in RatingsReader.Lines(bytes) where !RatingsReader.isBlank(line) {
            let text = String(decoding: RatingsReader.trim(line), as: UTF8.self)
            guard let f = Int(text) else {
                throw RatingsError(path: path, line: number, reason: "fold '\(text)' is not an integer")
            }
            guard record < records.count else {
                throw RatingsError(path: path, line: number, reason: "more fold lines than the \(records.count) ratings")
            }
            let e = Int(records[record])
            guard e >= 0, e < ratings.count else {
                throw RatingsError(path: path, line: number, reason: "rating record \(record + 1) has no entry")
            }
            if let previous = foldNumber[e], previous != f {
                throw RatingsError(path: path, line: number,
                                   reason: "fold \(f) differs from fold \(previous) of line \(lineOfEntry[e]) for the same merged (user, item) rating")
            }
            foldNumber[e] = f
            lineOfEntry[e] = number
            record += 1
        }
        guard record == records.count else {
            throw RatingsError(path: path, line: nil, reason: "\(record) fold lines for \(records.count) ratings")
        }
        let labels = Array(Set(foldNumber.compactMap { $0 })).sorted()
        guard labels.count >= 2 else {
            throw RatingsError(path: path, line: nil, reason: "need at least 2 distinct folds, found \(labels.count)")
        }
        var index: [Int: Int] = [:]
        for (k, l) in labels.enumerated() { index[l] = k }
        return FoldAssignment(labels: labels, foldOfEntry: foldNumber.map { f in f.flatMap { index[$0] } ?? 0 })
    }
}
