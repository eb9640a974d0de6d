import LowRankKernels

/// A fitted latent factor model r̂_ui = μ + b_u + c_i + u_uᵀ v_i, shared by every method of the module (ALS,
/// implicit ALS, Soft-Impute, gradient descent, non-negative completion). Methods without biases leave μ, b and c at 0.
public struct FactorModel: Sendable {
    /// The global offset μ (0 without biases).
    public var globalMean: Double
    /// User biases b_u (zeros without biases).
    public var userBiases: [Double]
    /// Item biases c_i (zeros without biases).
    public var itemBiases: [Double]
    /// User factors as a k × users matrix: column u is u_u (this is Uᵀ).
    public var userFactors: Matrix<Double>
    /// Item factors as a k × items matrix: column i is v_i (this is Vᵀ).
    public var itemFactors: Matrix<Double>
    /// User ids of the dense user indices (from the training ``Ratings``).
    public let userIds: [String]
    /// Item ids of the dense item indices.
    public let itemIds: [String]
    /// Dense index of each user id.
    public let userIndex: [String: Int]
    /// Dense index of each item id.
    public let itemIndex: [String: Int]

    /// A model over the users and items of `ratings` (ids and maps taken from it).
    public init(globalMean: Double, userBiases: [Double], itemBiases: [Double], userFactors: Matrix<Double>,
                itemFactors: Matrix<Double>, userIds: [String], itemIds: [String], userIndex: [String: Int],
                itemIndex: [String: Int]) {
        self.globalMean = globalMean
        self.userBiases = userBiases
        self.itemBiases = itemBiases
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.userIds = userIds
        self.itemIds = itemIds
        self.userIndex = userIndex
        self.itemIndex = itemIndex
    }

    /// The rank k.
    public var rank: Int { userFactors.rows }

    /// r̂_ui = μ + b_u + c_i + u_uᵀ v_i for dense indices; `nil` when either index is out of range.
    public func predict(user u: Int, item i: Int) -> Double? {
        guard u >= 0, u < userFactors.columns, i >= 0, i < itemFactors.columns else { return nil }
        let k = rank
        var dot = 0.0
        userFactors.elements.withUnsafeBufferPointer { pu in
            itemFactors.elements.withUnsafeBufferPointer { pv in
                for r in 0..<k { dot += pu[r + u * k] * pv[r + i * k] }
            }
        }
        return globalMean + userBiases[u] + itemBiases[i] + dot
    }

    /// r̂ for ids; `nil` when the user or the item was not in the training data (no cold-start fallback).
    public func predict(userId: String, itemId: String) -> Double? {
        guard let u = userIndex[userId], let i = itemIndex[itemId] else { return nil }
        return predict(user: u, item: i)
    }

    /// √((1/|Ω|) Σ_Ω (r̂_ui − M_ui)²) over `ratings`, which must use this model's indices (e.g. the test side of a
    /// ``RatingsSplit``); entries outside the model's users/items are skipped. 0 for no entries.
    public func rmse(on ratings: Ratings) -> Double {
        var sum = 0.0, n = 0
        for u in 0..<ratings.userCount {
            for k in ratings.rowOffsets[u]..<ratings.rowOffsets[u + 1] {
                guard let p = predict(user: u, item: Int(ratings.rowItems[k])) else { continue }
                let r = p - ratings.rowValues[k]
                sum += r * r
                n += 1
            }
        }
        return n == 0 ? 0 : (sum / Double(n)).squareRoot()
    }
}
