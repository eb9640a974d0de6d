import LowRankKernels

/// How predictions are made for users or items the model has not seen, and whether they are clamped.
///
/// Cold start uses the bias-only part of r̂_ui = μ + b_u + c_i + u_uᵀ v_i:
/// - known user, unknown item: μ + b_u;
/// - unknown user, known item: μ + c_i;
/// - both unknown: μ.
///
/// For a model without biases (μ = 0 and every b_u, c_i = 0, as methods without biases leave them) μ is
/// ``fallbackMean`` when given (typically the training mean, ``Ratings/mean``), else 0; the model's own biases are
/// then all zero, so every cold-start prediction is that μ. Known pairs are predicted by the full model unchanged.
///
/// When ``clamp`` is set every prediction (known or cold) is clamped to that range, e.g. `1...5` for MovieLens.
/// Off by default.
public struct ColdStartPolicy: Sendable, Equatable {
    /// μ for cold-start predictions of a model without biases; `nil` means 0. Ignored for models with biases.
    public var fallbackMean: Double?
    /// The rating range predictions are clamped to; `nil` (the default) leaves them unclamped.
    public var clamp: ClosedRange<Double>?

    /// A policy with the given fallback mean and clamp range (both off by default).
    public init(fallbackMean: Double? = nil, clamp: ClosedRange<Double>? = nil) {
        self.fallbackMean = fallbackMean
        self.clamp = clamp
    }
}

extension FactorModel {
    /// `true` when μ or any user or item bias is nonzero (the model was fitted with biases).
    public var hasBiases: Bool {
        globalMean != 0 || userBiases.contains { $0 != 0 } || itemBiases.contains { $0 != 0 }
    }
}

/// Predictions with the cold-start policy of ``ColdStartPolicy`` for a fixed model (μ resolved once).
public struct ColdStartPredictor: Sendable {
    /// The model.
    public let model: FactorModel
    /// The policy.
    public let policy: ColdStartPolicy
    /// The μ used for cold-start predictions: the model's μ when it has biases, else the policy's fallback (or 0).
    public let coldMean: Double

    /// A predictor for `model` under `policy`.
    public init(model: FactorModel, policy: ColdStartPolicy = ColdStartPolicy()) {
        self.model = model
        self.policy = policy
        coldMean = model.hasBiases ? model.globalMean : (policy.fallbackMean ?? 0)
    }

    /// The prediction for model indices, `nil` standing for an unknown user or item (an out-of-range index counts as
    /// unknown): the full model when both are known, the bias-only part otherwise; clamped when the policy says so.
    public func predict(user: Int?, item: Int?) -> Double {
        let u = user.flatMap { $0 >= 0 && $0 < model.userFactors.columns && $0 < model.userBiases.count ? $0 : nil }
        let i = item.flatMap { $0 >= 0 && $0 < model.itemFactors.columns && $0 < model.itemBiases.count ? $0 : nil }
        let raw: Double
        switch (u, i) {
        case let (u?, i?): raw = model.predict(user: u, item: i) ?? coldMean
        case let (u?, nil): raw = coldMean + model.userBiases[u]
        case let (nil, i?): raw = coldMean + model.itemBiases[i]
        case (nil, nil): raw = coldMean
        }
        guard let range = policy.clamp else { return raw }
        return Swift.min(Swift.max(raw, range.lowerBound), range.upperBound)
    }

    /// The prediction for ids (looked up in the model's maps; unknown ids take the cold-start path).
    public func predict(userId: String, itemId: String) -> Double {
        predict(user: model.userIndex[userId], item: model.itemIndex[itemId])
    }
}
