import LowRankKernels

/// An item recommended to a user, with its predicted score r̂_ui = μ + b_u + c_i + u_uᵀ v_i.
public struct ScoredItem: Sendable, Equatable {
    /// The model's item index.
    public let item: Int
    /// The item id.
    public let itemId: String
    /// The predicted score.
    public let score: Double

    /// A scored item with the given fields.
    public init(item: Int, itemId: String, score: Double) {
        self.item = item
        self.itemId = itemId
        self.score = score
    }
}

extension FactorModel {
    /// The `n` items with the highest predicted score r̂_ui for user `user` (a model index), best first, leaving out
    /// the items the user has in `seen` (normally the training ratings, which must use this model's indices).
    /// Scores come from one product with all item factors and a partial (heap) selection; ties go to the smaller item index.
    /// Fewer than `n` items are returned when fewer remain; none for an unknown user or `n` ≤ 0.
    public func topN(user: Int, n: Int, excluding seen: Ratings) -> [ScoredItem] {
        guard user >= 0, user < userFactors.columns, n > 0 else { return [] }
        var scorer = ItemScorer(model: self)
        scorer.score(users: [user])
        let exclude: ArraySlice<Int32> = user < seen.userCount
            ? seen.rowItems[seen.rowOffsets[user]..<seen.rowOffsets[user + 1]] : []
        return scorer.top(n, column: 0, excluding: exclude).map {
            ScoredItem(item: $0, itemId: $0 < itemIds.count ? itemIds[$0] : String($0),
                       score: scorer.score(item: $0, column: 0))
        }
    }

    /// ``topN(user:n:excluding:)`` for a user id; empty when the model does not know the user.
    public func topN(userId: String, n: Int, excluding seen: Ratings) -> [ScoredItem] {
        guard let u = userIndex[userId] else { return [] }
        return topN(user: u, n: n, excluding: seen)
    }
}
