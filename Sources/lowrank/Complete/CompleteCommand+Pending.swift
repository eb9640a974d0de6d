import ArgumentParser
import Foundation
import LatentFactors
import LowRankKernels

/// Test-set scoring (to be replaced by the library's evaluation).
struct CompletionEvaluation {
    let test: Ratings
    let train: Ratings
    func errors(_ model: FactorModel) -> (rmse: Double, mae: Double, unseen: Int) {
        var se = 0.0, ae = 0.0, unseen = 0
        for u in 0..<test.userCount {
            for e in test.rowOffsets[u]..<test.rowOffsets[u + 1] {
                let uid = test.userIds[u], iid = test.itemIds[Int(test.rowItems[e])]
                var p = model.globalMean
                let ku = model.userIndex[uid], ki = model.itemIndex[iid]
                if let ku, let ki, let q = model.predict(user: ku, item: ki) { p = q } else {
                    unseen += 1
                    if let ku { p += model.userBiases[ku] }
                    if let ki { p += model.itemBiases[ki] }
                }
                let d = p - test.rowValues[e]
                se += d * d
                ae += Swift.abs(d)
            }
        }
        let n = Double(Swift.max(1, test.count))
        return ((se / n).squareRoot(), ae / n, unseen)
    }
    func ranking(_ model: FactorModel, k: Int) -> (precision: Double, ndcg: Double, unseen: Int) { (0, 0, 0) }
}

extension CompleteCommand {
    func crossValidate(_ train: Ratings, folds: FoldAssignment) throws -> (points: [CompleteReport.GridPoint], best: CompleteReport.Best) {
        throw ValidationError("cross-validation is not available in this build")
    }
    func recommendations(_ model: FactorModel, _ train: Ratings, user: String) throws -> [CompleteReport.Recommendation] { [] }
    func writePlot(_ path: String, report: CompleteReport, model: FactorModel) throws {}
}

enum CompletionOutput {
    static func write(_ model: FactorModel, to path: String) throws {}
}
