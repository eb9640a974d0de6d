import LowRankKernels

/// A test rating whose user or item (or both) is not in a model's training data.
public struct UnseenRating: Sendable, Equatable {
    /// The user id, as in the test file.
    public let userId: String
    /// The item id, as in the test file.
    public let itemId: String
    /// The model's index of the user, `nil` when the model does not know the user.
    public let user: Int?
    /// The model's index of the item, `nil` when the model does not know the item.
    public let item: Int?
    /// The test value M_ui.
    public let value: Double

    /// An unseen rating with the given fields.
    public init(userId: String, itemId: String, user: Int?, item: Int?, value: Double) {
        self.userId = userId
        self.itemId = itemId
        self.user = user
        self.item = item
        self.value = value
    }
}

/// A test set expressed in a model's indices: the ratings whose user and item are both known to the model
/// (``users``, ``items``, ``values``, parallel arrays of model indices and values, in the test set's CSR order) and
/// the rest (``unseen``), kept with their ids so the cold-start policy (``ColdStartPredictor``) can score them.
public struct AlignedTest: Sendable {
    /// Model user index of each known pair.
    public let users: [Int32]
    /// Model item index of each known pair.
    public let items: [Int32]
    /// Test value of each known pair.
    public let values: [Double]
    /// Test ratings with an unknown user or item, in the test set's CSR order.
    public let unseen: [UnseenRating]

    /// An aligned test set from its parts (the known arrays must have equal lengths; extra elements are ignored).
    public init(users: [Int32], items: [Int32], values: [Double], unseen: [UnseenRating]) {
        let n = Swift.min(users.count, items.count, values.count)
        self.users = Array(users.prefix(n))
        self.items = Array(items.prefix(n))
        self.values = Array(values.prefix(n))
        self.unseen = unseen
    }

    /// Number of pairs whose user and item are both known.
    public var knownCount: Int { values.count }
    /// Number of pairs with an unknown user or item.
    public var unseenCount: Int { unseen.count }
    /// Number of test ratings in all.
    public var count: Int { knownCount + unseenCount }
    /// Unseen pairs whose user is unknown but whose item is known.
    public var unknownUserCount: Int { unseen.reduce(0) { $0 + ($1.user == nil && $1.item != nil ? 1 : 0) } }
    /// Unseen pairs whose item is unknown but whose user is known.
    public var unknownItemCount: Int { unseen.reduce(0) { $0 + ($1.user != nil && $1.item == nil ? 1 : 0) } }
    /// Unseen pairs whose user and item are both unknown.
    public var unknownBothCount: Int { unseen.reduce(0) { $0 + ($1.user == nil && $1.item == nil ? 1 : 0) } }
}

/// Aligns `test` (read from its own file, with its own id maps) to `model`: each test rating is looked up by user
/// id and item id in the model's maps; pairs with both ids known get the model's indices, the others go to
/// ``AlignedTest/unseen``. A user or item known to the model counts as known even if it had no training ratings.
public func align(_ test: Ratings, to model: FactorModel) -> AlignedTest {
    let userMap = test.userIds.map { model.userIndex[$0] }
    let itemMap = test.itemIds.map { model.itemIndex[$0] }
    var users: [Int32] = [], items: [Int32] = [], values: [Double] = []
    users.reserveCapacity(test.count)
    items.reserveCapacity(test.count)
    values.reserveCapacity(test.count)
    var unseen: [UnseenRating] = []
    for u in 0..<test.userCount {
        for e in test.rowOffsets[u]..<test.rowOffsets[u + 1] {
            let i = Int(test.rowItems[e])
            if let mu = userMap[u], let mi = itemMap[i] {
                users.append(Int32(truncatingIfNeeded: mu))
                items.append(Int32(truncatingIfNeeded: mi))
                values.append(test.rowValues[e])
            } else {
                unseen.append(UnseenRating(userId: test.userIds[u], itemId: test.itemIds[i], user: userMap[u],
                                           item: itemMap[i], value: test.rowValues[e]))
            }
        }
    }
    return AlignedTest(users: users, items: items, values: values, unseen: unseen)
}
