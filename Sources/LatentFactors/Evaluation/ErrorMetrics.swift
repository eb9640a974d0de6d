import LowRankKernels

/// Rating-prediction errors over a test set: RMSE = √((1/N) Σ (r̂ − r)²) and MAE = (1/N) Σ |r̂ − r| over all N test
/// ratings, unseen pairs included and scored by the cold-start policy (``ColdStartPredictor``).
public struct ErrorMetrics: Sendable, Equatable {
    /// Root mean squared error (0 for an empty test set).
    public let rmse: Double
    /// Mean absolute error (0 for an empty test set).
    public let mae: Double
    /// Number of test ratings N.
    public let count: Int
    /// How many of them had an unknown user or item (scored by the cold-start policy).
    public let unseenCount: Int

    /// Metrics with the given values.
    public init(rmse: Double, mae: Double, count: Int, unseenCount: Int) {
        self.rmse = rmse
        self.mae = mae
        self.count = count
        self.unseenCount = unseenCount
    }
}

/// Evaluation metrics of fitted models.
public enum Metrics {
    /// RMSE and MAE of `model` on `test` (see ``ErrorMetrics``): known pairs by the full model, unseen ones by the
    /// cold-start policy; all predictions clamped when `coldStart.clamp` is set.
    public static func errors(of model: FactorModel, on test: AlignedTest,
                              coldStart: ColdStartPolicy = ColdStartPolicy()) -> ErrorMetrics {
        let predictor = ColdStartPredictor(model: model, policy: coldStart)
        var squares = 0.0, absolute = 0.0
        test.users.withUnsafeBufferPointer { pu in
            test.items.withUnsafeBufferPointer { pi in
                test.values.withUnsafeBufferPointer { pv in
                    for e in 0..<pv.count {
                        let r = predictor.predict(user: Int(pu[e]), item: Int(pi[e])) - pv[e]
                        squares += r * r
                        absolute += Swift.abs(r)
                    }
                }
            }
        }
        for x in test.unseen {
            let r = predictor.predict(user: x.user, item: x.item) - x.value
            squares += r * r
            absolute += Swift.abs(r)
        }
        let n = test.count
        guard n > 0 else { return ErrorMetrics(rmse: 0, mae: 0, count: 0, unseenCount: 0) }
        return ErrorMetrics(rmse: (squares / Double(n)).squareRoot(), mae: absolute / Double(n), count: n,
                            unseenCount: test.unseenCount)
    }

    /// RMSE of `model` on `test` with the unseen count (see ``errors(of:on:coldStart:)``).
    public static func rmse(of model: FactorModel, on test: AlignedTest,
                            coldStart: ColdStartPolicy = ColdStartPolicy()) -> (value: Double, unseen: Int) {
        let m = errors(of: model, on: test, coldStart: coldStart)
        return (m.rmse, m.unseenCount)
    }

    /// MAE of `model` on `test` with the unseen count (see ``errors(of:on:coldStart:)``).
    public static func mae(of model: FactorModel, on test: AlignedTest,
                           coldStart: ColdStartPolicy = ColdStartPolicy()) -> (value: Double, unseen: Int) {
        let m = errors(of: model, on: test, coldStart: coldStart)
        return (m.mae, m.unseenCount)
    }
}
