import ArgumentParser
import Foundation
import LatentFactors
import LowRankKernels

/// Scores a fitted model on the test set: RMSE/MAE with the bias-only cold-start policy (explicit), or precision@k
/// and nDCG@k with training items excluded (implicit).
///
/// Every model scored here is fitted on `train`, so it indexes users and items as `train` does: the test set is
/// aligned once (on the first call) and reused for every iteration's score.
final class CompletionEvaluation {
    let test: Ratings
    let train: Ratings
    /// Predictions are clipped to this range (the training ratings' [min, max]) unless nil.
    let clip: ClosedRange<Double>?
    private var cached: (aligned: AlignedTest, cold: Int)?

    init(test: Ratings, train: Ratings, clip: ClosedRange<Double>?) {
        self.test = test
        self.train = train
        self.clip = clip
    }

    /// The test set in the model's indices, and the known pairs whose user or item has no rating in `train` (a
    /// subset keeps every id, so these are unseen too).
    private func aligned(to model: FactorModel) -> (aligned: AlignedTest, cold: Int) {
        if let cached { return cached }
        let aligned = align(test, to: model)
        var cold = 0
        for k in 0..<aligned.users.count where train.count(user: Int(aligned.users[k])) == 0
            || train.count(item: Int(aligned.items[k])) == 0 { cold += 1 }
        cached = (aligned, cold)
        return (aligned, cold)
    }

    /// RMSE, MAE and the number of test pairs whose user or item has no training rating.
    func errors(_ model: FactorModel) -> (rmse: Double, mae: Double, unseen: Int) {
        let (aligned, cold) = aligned(to: model)
        let m = Metrics.errors(of: model, on: aligned, coldStart: ColdStartPolicy(fallbackMean: train.mean, clamp: clip))
        return (m.rmse, m.mae, m.unseenCount + cold)
    }

    /// precision@k and nDCG@k over the test users (in the model's indices), and the unseen interactions.
    func ranking(_ model: FactorModel, k: Int) -> (precision: Double, ndcg: Double, unseen: Int)? {
        let aligned = aligned(to: model).aligned
        guard let inModel = try? Ratings(userIds: model.userIds, itemIds: model.itemIds,
                                         users: aligned.users.map(Int.init), items: aligned.items.map(Int.init),
                                         values: aligned.values),
              let r = try? Metrics.ranking(of: model, train: train, test: inModel, k: k) else { return nil }
        return (r.precision, r.ndcg, aligned.unseenCount)
    }
}

extension CompleteCommand {
    /// k-fold cross-validation over the --rank × --lambda grid, λ paths warm-started from the largest λ.
    func crossValidate(_ train: Ratings, folds: FoldAssignment) throws
        -> (points: [CompleteReport.GridPoint], best: CompleteReport.Best) {
        let cv = try CrossValidation.grid(ratings: train, folds: folds, ranks: ranks, lambdas: lambdas) { t, rank, lambda, warm in
            try fit(t, rank: rank, lambda: lambda, warm: warm).model
        }
        let points = cv.points.map { CompleteReport.GridPoint(rank: $0.rank, lambda: $0.lambda, cvRmse: $0.meanRMSE, cvMae: $0.meanMAE) }
        let b = cv.best
        return (points, CompleteReport.Best(rank: b.rank, lambda: b.lambda, cvRmse: b.meanRMSE, cvMae: b.meanMAE))
    }

    /// The top --top items for `user`, items rated in training excluded.
    func recommendations(_ model: FactorModel, _ train: Ratings, user: String) throws -> [CompleteReport.Recommendation] {
        guard model.userIndex[user] != nil else {
            throw ValidationError("--recommend '\(user)': no such user in \(ratings)")
        }
        return model.topN(userId: user, n: top, excluding: train).map { .init(item: $0.itemId, score: $0.score) }
    }

    /// The SVG of --plot: train/test RMSE per iteration, and the singular values of the completed matrix U Vᵀ
    /// (from the k×k core R_U R_Vᵀ of the thin QR factors U = Q_U R_U, V = Q_V R_V).
    func writePlot(_ path: String, report: CompleteReport, model: FactorModel) throws {
        let iterations = report.iterations.map { Double($0.iteration) }
        var series: [SVGPlot.Series] = []
        let train = report.iterations.compactMap { $0.trainRmse.value }
        if train.count == iterations.count { series.append(.init(label: "train RMSE", x: iterations, y: train, color: "#1f77b4")) }
        let test = report.iterations.compactMap { $0.testRmse.value }
        if test.count == iterations.count { series.append(.init(label: "test RMSE", x: iterations, y: test, color: "#d62728")) }
        if series.isEmpty {
            series.append(.init(label: "objective", x: iterations, y: report.iterations.map(\.objective), color: "#1f77b4"))
        }
        let ru = try model.userFactors.transposed.qr().r, rv = try model.itemFactors.transposed.qr().r
        let sigma = try Matrix.product(ru, .none, rv, .transpose).singularValues()
        let panels = [
            SVGPlot.Panel(title: "RMSE per iteration", xLabel: "iteration", yLabel: "RMSE", logX: false, series: series),
            SVGPlot.Panel(title: "Singular values of the completed matrix U Vᵀ", xLabel: "index", yLabel: "σᵢ", logX: false,
                          series: [.init(label: "σᵢ", x: sigma.indices.map { Double($0 + 1) }, y: sigma, color: "#2ca02c")]),
        ]
        try SVGPlot(panels: panels).write(to: path)
    }
}

/// `--out DIR`: the model as .npy factors and biases with the id maps (``FactorModel/write(to:)``).
enum CompletionOutput {
    static func write(_ model: FactorModel, to path: String) throws { try model.write(to: path) }
}
