import ArgumentParser
import Foundation
import LatentFactors
import LowRankKernels

extension CompleteReport {
    /// The same report with recommendations added.
    func with(recommendations: [Recommendation]) -> CompleteReport {
        var report = self
        report.recommendations = recommendations
        return report
    }
}

extension CompleteCommand {
    func makeReport(all: Ratings, train: Ratings, fitted: CompletionFit, rank: Int, lambda: Double,
                    evaluation: CompletionEvaluation?, grid: [CompleteReport.GridPoint]?, best: CompleteReport.Best?,
                    start: DispatchTime) -> CompleteReport {
        let iterations = zip(fitted.history, fitted.testRMSE + Array(repeating: nil, count: Swift.max(0, fitted.history.count - fitted.testRMSE.count)))
            .map { record, test in
                CompleteReport.Iteration(iteration: record.iteration, objective: record.objective,
                                         trainRmse: Nullable(record.trainRMSE), testRmse: Nullable(test), seconds: record.seconds)
            }
        let implicit = method == .implicit
        let errors = implicit ? nil : evaluation.map { $0.errors(fitted.model) }
        let ranking = implicit ? evaluation.flatMap { $0.ranking(fitted.model, k: top) } : nil
        return CompleteReport(
            method: method.rawValue, users: train.userCount, items: train.itemCount, ratings: train.count, rank: rank,
            lambda: lambda, lambdaScale: Nullable(method == .als ? (lambdaScale ?? .count).rawValue : nil),
            precision: method == .als || method == .implicit ? (precision ?? .double).rawValue : nil,
            threads: workerThreads, iterations: iterations, testRmse: Nullable(errors?.rmse), testMae: Nullable(errors?.mae),
            testUnseen: Nullable(evaluation == nil ? nil : (implicit ? ranking?.unseen : errors?.unseen)),
            k: implicit ? top : nil, precisionAtK: implicit ? Nullable(ranking?.precision) : nil,
            ndcgAtK: implicit ? Nullable(ranking?.ndcg) : nil, certificate: fitted.certificate,
            clip: evaluation?.clip.map { [$0.lowerBound, $0.upperBound] }, grid: grid, best: best,
            recommendations: nil, seconds: secondsSince(start))
    }

    func printHuman(_ r: CompleteReport) {
        print("\(ratings): \(r.users) users × \(r.items) items, \(r.ratings) ratings; \(r.method), rank \(r.rank), λ = \(fmt(r.lambda))"
              + (r.lambdaScale.value.map { " (\($0)-scaled)" } ?? "") + ", \(r.threads) thread(s)")
        if let grid = r.grid, let best = r.best {
            print("cross-validation (\(grid.count) grid points):")
            for p in grid {
                let mark = p.rank == best.rank && p.lambda == best.lambda ? "●" : "○"
                print(String(format: "  %@ rank %4d  λ %-10.4g  RMSE %.4f  MAE %.4f", mark, p.rank, p.lambda, p.cvRmse, p.cvMae))
            }
        }
        for it in r.iterations {
            var line = String(format: "  iteration %3d  objective %-14.8g", it.iteration, it.objective)
            if let t = it.trainRmse.value { line += String(format: "  train RMSE %.4f", t) }
            if let t = it.testRmse.value { line += String(format: "  test RMSE %.4f", t) }
            print(line + String(format: "  %.2f s", it.seconds))
        }
        if let rmse = r.testRmse.value, let mae = r.testMae.value {
            print(String(format: "test RMSE %.4f, MAE %.4f", rmse, mae) + " (\(r.testUnseen.value ?? 0) pairs with an unseen user or item, scored by the bias-only prediction)")
        }
        if let k = r.k, let p = r.precisionAtK?.value, let n = r.ndcgAtK?.value {
            print(String(format: "precision@%d %.4f, nDCG@%d %.4f", k, p, k, n))
        }
        if let c = r.certificate { print(String(format: "optimality certificate %.3e", c)) }
        if let recs = r.recommendations, let user = recommend {
            print("top \(recs.count) for user \(user):")
            for (i, rec) in recs.enumerated() { print(String(format: "  %2d  %@  %.4f", i + 1, rec.item, rec.score)) }
        }
        if let ranks = r.ranks, let bytes = r.bytesCommunicated {
            print("distributed over \(ranks) MPI ranks, \(Self.bytesText(bytes)) sent between them")
        }
        print(String(format: "%.2f s", r.seconds))
    }
}
