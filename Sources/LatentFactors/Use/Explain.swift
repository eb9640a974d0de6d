import LowRankKernels

/// The terms of one prediction r̂_ui = μ + b_u + c_i + Σ_f u_uf v_if, so that
/// ``globalMean`` + ``userBias`` + ``itemBias`` + Σ ``contributions`` = ``prediction``.
public struct Explanation: Sendable, Equatable {
    /// One latent factor's term u_uf · v_if.
    public struct Contribution: Sendable, Equatable {
        /// The factor index f (0-based).
        public let factor: Int
        /// u_uf · v_if.
        public let value: Double
    }

    /// μ.
    public let globalMean: Double
    /// b_u.
    public let userBias: Double
    /// c_i.
    public let itemBias: Double
    /// The k factor terms, sorted by decreasing |value| (ties by factor index).
    public let contributions: [Contribution]
    /// r̂_ui as ``FactorModel/predict(user:item:)`` computes it.
    public let prediction: Double
}

extension FactorModel {
    /// The per-factor contributions u_uf · v_if of r̂_ui (sorted by magnitude) together with μ, b_u and c_i; `nil`
    /// when either index is out of range.
    public func explain(user u: Int, item i: Int) -> Explanation? {
        guard let p = predict(user: u, item: i), u < userBiases.count, i < itemBiases.count else { return nil }
        let k = rank
        var terms: [Explanation.Contribution] = []
        terms.reserveCapacity(k)
        userFactors.elements.withUnsafeBufferPointer { pu in
            itemFactors.elements.withUnsafeBufferPointer { pv in
                for f in 0..<k { terms.append(.init(factor: f, value: pu[f + u * k] * pv[f + i * k])) }
            }
        }
        terms.sort { Swift.abs($0.value) != Swift.abs($1.value) ? Swift.abs($0.value) > Swift.abs($1.value) : $0.factor < $1.factor }
        return Explanation(globalMean: globalMean, userBias: userBiases[u], itemBias: itemBiases[i],
                           contributions: terms, prediction: p)
    }

    /// ``explain(user:item:)`` for ids; `nil` when the model does not know the user or the item.
    public func explain(userId: String, itemId: String) -> Explanation? {
        guard let u = userIndex[userId], let i = itemIndex[itemId] else { return nil }
        return explain(user: u, item: i)
    }
}
