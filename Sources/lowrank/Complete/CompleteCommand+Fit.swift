import ArgumentParser
import Foundation
import LatentFactors
import LowRankKernels

extension CompleteCommand {
    /// Fits `method` at one (rank, λ), optionally warm-started; `observer` returns the test RMSE it measured (if any).
    func fit(_ train: Ratings, rank: Int, lambda: Double, warm: FactorModel?,
             observer: (IterationRecord, FactorModel) -> Double? = { _, _ in nil }) throws -> CompletionFit {
        var tests: [Double?] = []
        let watch: (IterationRecord, FactorModel) -> Void = { record, model in tests.append(observer(record, model)) }
        switch method {
        case .als:
            var options = ExplicitALSOptions(rank: rank, lambda: lambda,
                                             scaling: (lambdaScale ?? .count) == .count ? .countScaled : .plain,
                                             biases: biases, maxIterations: iterations ?? 10, seed: seed,
                                             threads: workerThreads)
            options.tolerance = 0
            let r = try ExplicitALS.fit(train, options: options, initial: warm, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .implicit:
            let steps = cgSteps ?? 3
            let options = ImplicitALSOptions(rank: rank, lambda: lambda, alpha: alpha ?? 1,
                                             confidence: confidence == .hkv ? .hkv : .implicit,
                                             solver: steps == 0 ? .cholesky : .conjugateGradient(steps: steps),
                                             maxIterations: iterations ?? 15, seed: seed, threads: workerThreads)
            let r = try ImplicitALS.fit(train, options: options, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .softImpute, .gd, .sgd, .nmf:
            throw ValidationError("--method \(method.rawValue) is not available in this build")
        }
    }
}
