#if !RATINGS_FUZZ
import LowRankKernels
#endif

/// A set of observed entries M_ui of a users × items matrix (the index set Ω), stored twice: row-compressed
/// (CSR, by user) and column-compressed (CSC, by item).
///
/// Ids are arbitrary tokens (`"196"`, `"alice"`) mapped to dense indices 0..<userCount and 0..<itemCount in order of
/// first appearance; ``userIds`` and ``itemIds`` map back for output. Entry k (0 ≤ k < ``count``) is the k-th entry of
/// the CSR orientation: users in index order, items increasing within a user. Splits and fold assignments refer to
/// entries by this number.
///
/// Memory: 12 bytes per rating in each orientation (a 32-bit index and a 64-bit value) plus 4 bytes per input record
/// (``entryOfRecord``), 28 bytes per rating in all — under twice the 16 bytes a (user, item, value) triple needs.
public struct Ratings: Sendable {
    /// User id of each dense user index.
    public let userIds: [String]
    /// Item id of each dense item index.
    public let itemIds: [String]
    /// Dense index of each user id.
    public let userIndex: [String: Int]
    /// Dense index of each item id.
    public let itemIndex: [String: Int]
    /// CSR row pointers: user u's entries are `rowOffsets[u] ..< rowOffsets[u + 1]` (userCount + 1 values).
    public let rowOffsets: [Int]
    /// CSR item index of each entry (increasing within a user).
    public let rowItems: [Int32]
    /// CSR value of each entry.
    public let rowValues: [Double]
    /// CSC column pointers: item i's entries are `columnOffsets[i] ..< columnOffsets[i + 1]` (itemCount + 1 values).
    public let columnOffsets: [Int]
    /// CSC user index of each entry (increasing within an item).
    public let columnUsers: [Int32]
    /// CSC value of each entry.
    public let columnValues: [Double]
    /// For each rating record of the source file, in file order, the entry (CSR position) it contributed to; several
    /// records share an entry when duplicates were merged. Empty for ratings not read from a file (e.g. subsets).
    public let entryOfRecord: [Int32]
    /// The file the ratings were read from, used in error messages; `nil` when built in memory.
    public let source: String?

    /// Number of users (rows).
    public var userCount: Int { userIds.count }
    /// Number of items (columns).
    public var itemCount: Int { itemIds.count }
    /// Number of observed entries |Ω|.
    public var count: Int { rowValues.count }

    /// Number of ratings of user `u` (n_u = |Ω_u|); 0 when `u` is out of range.
    public func count(user u: Int) -> Int {
        u >= 0 && u < userCount ? rowOffsets[u + 1] - rowOffsets[u] : 0
    }

    /// Number of ratings of item `i` (n_i); 0 when `i` is out of range.
    public func count(item i: Int) -> Int {
        i >= 0 && i < itemCount ? columnOffsets[i + 1] - columnOffsets[i] : 0
    }

    /// The mean (1/|Ω|) Σ M_ui of the observed values; 0 when empty.
    public var mean: Double { count == 0 ? 0 : rowValues.reduce(0, +) / Double(count) }

    /// The user index of each entry, in CSR order.
    public var entryUsers: [Int32] {
        var users = [Int32](repeating: 0, count: count)
        for u in 0..<userCount { for k in rowOffsets[u]..<rowOffsets[u + 1] { users[k] = Int32(u) } }
        return users
    }

    /// Builds ratings from (user, item, value) triples of dense indices.
    ///
    /// - Throws: ``RatingsError`` when an index is outside `0..<userIds.count` / `0..<itemIds.count`, a value is not
    ///   finite, a (user, item) pair repeats, or the counts do not fit 32-bit indices.
    public init(userIds: [String], itemIds: [String], users: [Int], items: [Int], values: [Double],
                source: String? = nil) throws(RatingsError) {
        let where_ = source ?? "ratings"
        guard users.count == items.count, users.count == values.count else {
            throw RatingsError(path: where_, line: nil, reason: "users, items and values differ in length")
        }
        guard userIds.count < Int(Int32.max), itemIds.count < Int(Int32.max), values.count < Int(Int32.max) else {
            throw RatingsError(path: where_, line: nil, reason: "too many users, items or ratings for 32-bit indices")
        }
        for k in 0..<users.count {
            guard users[k] >= 0, users[k] < userIds.count, items[k] >= 0, items[k] < itemIds.count else {
                throw RatingsError(path: where_, line: nil, reason: "entry \(k): index out of range")
            }
            guard values[k].isFinite else {
                throw RatingsError(path: where_, line: nil, reason: "entry \(k): value is not finite")
            }
        }
        // Sort entries by (user, item).
        let order = (0..<users.count).sorted { a, b in
            users[a] != users[b] ? users[a] < users[b] : items[a] < items[b]
        }
        for p in order.indices.dropFirst() where users[order[p]] == users[order[p - 1]] && items[order[p]] == items[order[p - 1]] {
            throw RatingsError(path: where_, line: nil,
                               reason: "duplicate rating for user \(userIds[users[order[p]]]), item \(itemIds[items[order[p]]])")
        }
        var offsets = [Int](repeating: 0, count: userIds.count + 1)
        for u in users { offsets[u + 1] += 1 }
        for u in 0..<userIds.count { offsets[u + 1] += offsets[u] }
        self.init(userIds: userIds, itemIds: itemIds, rowOffsets: offsets,
                  rowItems: order.map { Int32(items[$0]) }, rowValues: order.map { values[$0] },
                  entryOfRecord: [], source: source)
    }

    /// Internal: CSR arrays already sorted and duplicate-free; builds the CSC orientation by a counting sort.
    init(userIds: [String], itemIds: [String], rowOffsets: [Int], rowItems: [Int32], rowValues: [Double],
         entryOfRecord: [Int32], source: String?) {
        self.userIds = userIds
        self.itemIds = itemIds
        var ui = [String: Int](minimumCapacity: userIds.count)
        for (k, id) in userIds.enumerated() { ui[id] = k }
        var ii = [String: Int](minimumCapacity: itemIds.count)
        for (k, id) in itemIds.enumerated() { ii[id] = k }
        userIndex = ui
        itemIndex = ii
        self.rowOffsets = rowOffsets
        self.rowItems = rowItems
        self.rowValues = rowValues
        self.entryOfRecord = entryOfRecord
        self.source = source
        var cOffsets = [Int](repeating: 0, count: itemIds.count + 1)
        for i in rowItems { cOffsets[Int(i) + 1] += 1 }
        for i in 0..<itemIds.count { cOffsets[i + 1] += cOffsets[i] }
        var next = cOffsets
        var cUsers = [Int32](repeating: 0, count: rowItems.count)
        var cValues = [Double](repeating: 0, count: rowItems.count)
        for u in 0..<userIds.count {
            for k in rowOffsets[u]..<rowOffsets[u + 1] {
                let i = Int(rowItems[k])
                cUsers[next[i]] = Int32(u)
                cValues[next[i]] = rowValues[k]
                next[i] += 1
            }
        }
        columnOffsets = cOffsets
        columnUsers = cUsers
        columnValues = cValues
    }

    /// The entries numbered `entries` (CSR positions, any order, repeats ignored), with the same users, items and id
    /// maps — so a model fitted on one subset predicts on another with the same indices. Out-of-range numbers are
    /// ignored.
    public func subset(entries: [Int]) -> Ratings {
        var keep = [Bool](repeating: false, count: count)
        for e in entries where e >= 0 && e < count { keep[e] = true }
        var offsets = [Int](repeating: 0, count: userCount + 1)
        var items: [Int32] = []
        var values: [Double] = []
        for u in 0..<userCount {
            for k in rowOffsets[u]..<rowOffsets[u + 1] where keep[k] {
                items.append(rowItems[k])
                values.append(rowValues[k])
            }
            offsets[u + 1] = items.count
        }
        return Ratings(userIds: userIds, itemIds: itemIds, rowOffsets: offsets, rowItems: items, rowValues: values,
                       entryOfRecord: [], source: source)
    }
}
