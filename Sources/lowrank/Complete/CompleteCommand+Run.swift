import ArgumentParser
import Foundation
import LatentFactors
import LowRankDistributed
import LowRankKernels

/// A fitted model with its per-iteration records and method diagnostics.
struct CompletionFit {
    var model: FactorModel
    var history: [IterationRecord]
    var testRMSE: [Double?]
    var certificate: Double?
}

extension CompleteCommand {
    func run() throws {
        try Output.reportingErrors {
            common.apply()
            // Under mpirun (with the MPI trait) every rank runs this command; rank 0 alone prints and writes.
            let communicator = try Communicator.world()
            defer { communicator.finalize() }
            Output.printErrors(of: communicator)
            let distributed = communicator.size > 1, leader = communicator.rank == 0
            if distributed && (![.als, .implicit].contains(method) || isGrid) {
                throw ValidationError("mpirun with \(communicator.size) ranks: distributed runs support --method als or implicit with one --rank and one --lambda")
            }
            try OutputTarget.checkFolder(out, option: "--out", inputs: [ratings] + (test.map { [$0] } ?? []))
            try OutputTarget.checkFile(plot, option: "--plot")
            let start = DispatchTime.now()
            // Under mpirun each rank parses its byte range of the file; all ranks end with the same ratings.
            let all = try DistributedRatingsReader.read(ratings, format: ratingsFormat, duplicates: duplicates,
                                                        communicator: communicator)
            var train = all
            var testSet: Ratings?
            if let test {
                testSet = try DistributedRatingsReader.read(test, format: ratingsFormat, duplicates: duplicates,
                                                            communicator: communicator)
            } else if let f = testFraction {
                let split = try Splits.trainTest(all, testFraction: f, seed: seed)
                train = split.train
                testSet = split.test
            }
            let largestRank = Swift.min(train.userCount, train.itemCount)
            if let r = ranks.first(where: { $0 > largestRank }) {
                throw ValidationError("--rank \(r): must be ≤ min(users, items) = \(largestRank)")
            }
            var chosenRank = ranks[0], chosenLambda = lambdas[0]
            var gridReport: [CompleteReport.GridPoint]?
            var best: CompleteReport.Best?
            if isGrid {
                let assignment = try foldFile.map { try Splits.folds(fromFile: $0, for: all) }
                    ?? Splits.kFold(train, folds: folds ?? 5, seed: seed)
                let cv = try crossValidate(train, folds: assignment)
                gridReport = cv.points
                best = cv.best
                chosenRank = cv.best.rank
                chosenLambda = cv.best.lambda
            }
            let progress = ProgressLine(enabled: leader)
            let range = train.rowValues.min().flatMap { lo in train.rowValues.max().map { lo...$0 } }
            let clip = noClip || method == .implicit ? nil : range
            let evaluation = testSet.map { CompletionEvaluation(test: $0, train: train, clip: clip) }
            var distributedResult: DistributedExplicitALS.Result?
            let fitted: CompletionFit
            if distributed {
                let (distributedFit, result) = try fitDistributed(train, rank: chosenRank, lambda: chosenLambda,
                                                                 communicator: communicator, evaluation: evaluation,
                                                                 progress: progress)
                fitted = distributedFit
                distributedResult = result
            } else {
                fitted = try fit(train, rank: chosenRank, lambda: chosenLambda, warm: nil) { record, model in
                    let testRMSE = evaluation.flatMap { method == .implicit ? nil : $0.errors(model).rmse }
                    var line = String(format: "iteration %d  objective %.6g", record.iteration, record.objective)
                    if let r = record.trainRMSE { line += String(format: "  train RMSE %.4f", r) }
                    if let r = testRMSE { line += String(format: "  test RMSE %.4f", r) }
                    progress.update(line + String(format: "  %.1f s", record.seconds))
                    return testRMSE
                }
            }
            progress.finish()
            guard leader else { return }
            var report = makeReport(all: all, train: train, fitted: fitted, rank: chosenRank, lambda: chosenLambda,
                                    evaluation: evaluation, grid: gridReport, best: best, start: start)
            if let distributedResult {
                report.ranks = communicator.size
                report.bytesCommunicated = distributedResult.bytesCommunicated
                report.bytesPerIteration = distributedResult.bytesPerIteration
            }
            if let user = recommend { report = report.with(recommendations: try recommendations(fitted.model, train, user: user)) }
            if let out { try CompletionOutput.write(fitted.model, to: out) }
            if let plot { try writePlot(plot, report: report, model: fitted.model) }
            if json { try Output.printJSON(report) } else { printHuman(report) }
        }
    }
}
