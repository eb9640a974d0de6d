import LowRankKernels

/// One (rank, λ) point of a cross-validation grid with its held-out errors.
public struct CVPoint: Sendable, Equatable {
    /// The rank k.
    public let rank: Int
    /// The weight decay λ.
    public let lambda: Double
    /// Held-out RMSE of each fold, in fold order.
    public let foldRMSE: [Double]
    /// Held-out MAE of each fold, in fold order.
    public let foldMAE: [Double]

    /// Mean of ``foldRMSE`` over the folds.
    public var meanRMSE: Double { foldRMSE.isEmpty ? .nan : foldRMSE.reduce(0, +) / Double(foldRMSE.count) }
    /// Mean of ``foldMAE`` over the folds.
    public var meanMAE: Double { foldMAE.isEmpty ? .nan : foldMAE.reduce(0, +) / Double(foldMAE.count) }
}

/// The outcome of ``CrossValidation/grid(ratings:folds:ranks:lambdas:fit:)``.
public struct CVResult: Sendable, Equatable {
    /// Every grid point, ranks in the given order, and for each rank the λ values in the given order.
    public let points: [CVPoint]
    /// The point with the lowest mean RMSE; ties go to the smaller rank, then the larger λ.
    public let best: CVPoint
}

/// k-fold cross-validation of a (rank, λ) grid for any method that fits a ``FactorModel``.
public enum CrossValidation {
    /// Fits and scores every (rank, λ) on every fold of `folds` (one assignment reused for the whole grid).
    ///
    /// For each fold f the training set is the other folds and the test set fold f (``FoldAssignment/split(_:fold:)``,
    /// so both share the full ratings' indices). For each rank, the λ values are fitted from the LARGEST to the
    /// smallest, each fit receiving the previous λ's model as warm start (`nil` for the largest λ): a strongly
    /// regularised solution is a good start for a weaker one (the usual regularisation path). Each model is scored on
    /// the held-out fold by RMSE and MAE over all its ratings; a test user or item without training ratings is
    /// predicted by whatever the method leaves for it (ALS: zero factors and bias, i.e. the bias-only cold-start
    /// prediction). The point's score is the mean over folds.
    ///
    /// `fit(train, rank, λ, warmStart)` must return a model indexed like `train`.
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` for an empty grid, a rank < 1, a negative
    ///   or non-finite λ, or a fold assignment not made for `ratings`; rethrows `fit`'s errors.
    public static func grid(ratings: Ratings, folds: FoldAssignment, ranks: [Int], lambdas: [Double],
                            fit: (Ratings, Int, Double, FactorModel?) throws -> FactorModel) throws -> CVResult {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard !ranks.isEmpty, ranks.allSatisfy({ $0 >= 1 }) else { throw bad("ranks", "need at least one rank, each ≥ 1") }
        guard !lambdas.isEmpty, lambdas.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw bad("lambdas", "need at least one λ, each finite and ≥ 0")
        }
        guard folds.count >= 2, folds.foldOfEntry.count == ratings.count,
              folds.foldOfEntry.allSatisfy({ $0 >= 0 && $0 < folds.count }) else {
            throw bad("folds", "the fold assignment has \(folds.foldOfEntry.count) entries; the ratings have \(ratings.count)")
        }
        // Largest λ first; ties keep the given order (a repeated λ is fitted again, warm).
        let path = lambdas.indices.sorted { lambdas[$0] != lambdas[$1] ? lambdas[$0] > lambdas[$1] : $0 < $1 }
        var rmse = [[Double]](repeating: [], count: ranks.count * lambdas.count)
        var mae = rmse
        for f in 0..<folds.count {
            let split = folds.split(ratings, fold: f)
            for (r, rank) in ranks.enumerated() {
                var warm: FactorModel? = nil
                for l in path {
                    let model = try fit(split.train, rank, lambdas[l], warm)
                    let e = heldOutErrors(model, split.test)
                    rmse[r * lambdas.count + l].append(e.rmse)
                    mae[r * lambdas.count + l].append(e.mae)
                    warm = model
                }
            }
        }
        var points: [CVPoint] = []
        for (r, rank) in ranks.enumerated() {
            for (l, lambda) in lambdas.enumerated() {
                points.append(CVPoint(rank: rank, lambda: lambda, foldRMSE: rmse[r * lambdas.count + l],
                                      foldMAE: mae[r * lambdas.count + l]))
            }
        }
        var best = points[0]
        for p in points.dropFirst() {
            let a = p.meanRMSE, b = best.meanRMSE
            if a < b || (a == b && (p.rank < best.rank || (p.rank == best.rank && p.lambda > best.lambda)))
                || (b.isNaN && !a.isNaN) {
                best = p
            }
        }
        return CVResult(points: points, best: best)
    }

    /// RMSE and MAE of `model` on `test` (same indices); entries outside the model score by the model's μ.
    static func heldOutErrors(_ model: FactorModel, _ test: Ratings) -> (rmse: Double, mae: Double) {
        let predictor = ColdStartPredictor(model: model)
        var squares = 0.0, absolute = 0.0
        for u in 0..<test.userCount {
            for e in test.rowOffsets[u]..<test.rowOffsets[u + 1] {
                let r = predictor.predict(user: u, item: Int(test.rowItems[e])) - test.rowValues[e]
                squares += r * r
                absolute += Swift.abs(r)
            }
        }
        let n = Double(Swift.max(test.count, 1))
        return ((squares / n).squareRoot(), absolute / n)
    }
}
