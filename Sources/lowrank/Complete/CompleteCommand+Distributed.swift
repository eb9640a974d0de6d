import ArgumentParser
import Foundation
import LatentFactors
import LowRankDistributed
import LowRankKernels

extension CompleteCommand {
    /// Explicit ALS (``DistributedExplicitALS``) or implicit ALS (``DistributedImplicitALS``) over the ranks of
    /// `mpirun`: every rank reads the ratings and makes the same split, fits its blocks, and ends with the whole model;
    /// the progress line (rank 0) shows the slowest rank's time and the bytes all ranks have sent. Test RMSE is
    /// measured once, on the final model (explicit only, as in a single-process run).
    func fitDistributed(_ train: Ratings, rank: Int, lambda: Double, communicator: Communicator,
                        evaluation: CompletionEvaluation?, progress: ProgressLine) throws -> (CompletionFit, DistributedExplicitALS.Result) {
        let observer: (DistributedExplicitALS.Record) -> Void = { entry in
            var line = String(format: "iteration %d  objective %.6g", entry.record.iteration, entry.record.objective)
            if let rmse = entry.record.trainRMSE { line += String(format: "  train RMSE %.4f", rmse) }
            line += String(format: "  %.1f s (slowest of %d ranks)  %@ sent", entry.slowestRankSeconds, communicator.size,
                           Self.bytesText(entry.bytesCommunicated))
            progress.update(line)
        }
        let r: DistributedExplicitALS.Result
        if method == .implicit {
            r = try DistributedImplicitALS.fit(train, options: implicitOptions(rank: rank, lambda: lambda),
                                               communicator: communicator, observer: observer)
        } else {
            r = try DistributedExplicitALS.fit(train, options: explicitOptions(rank: rank, lambda: lambda),
                                               communicator: communicator, observer: observer)
        }
        let history = r.history.map(\.record)
        var tests = [Double?](repeating: nil, count: history.count)
        if !tests.isEmpty, method != .implicit, let evaluation { tests[tests.count - 1] = evaluation.errors(r.model).rmse }
        return (CompletionFit(model: r.model, history: history, testRMSE: tests, certificate: nil), r)
    }

    /// "12.3 MB" style (decimal units).
    static func bytesText(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(bytes) B"
    }
}
