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
            let r = try ExplicitALS.fit(train, options: explicitOptions(rank: rank, lambda: lambda), initial: warm,
                                        observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .implicit:
            let r = try ImplicitALS.fit(train, options: implicitOptions(rank: rank, lambda: lambda), observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .softImpute:
            // Centred by the training mean (μ is then the model's global mean): the nuclear norm shrinks deviations from μ.
            let options = SoftImputeOptions(rank: rank, lambda: lambda, maxIterations: iterations ?? 100, centerByMean: true,
                                            seed: seed)
            let r = try SoftImpute.fit(train, options: options, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: r.certificate)
        case .gd:
            let options = GradientDescentOptions(rank: rank, lambda: lambda, stepSize: learningRate,
                                                 maxIterations: iterations ?? 1000, seed: seed)
            let r = try GradientDescent.fit(train, options: options, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .sgd:
            let options = FunkSVDOptions(rank: rank, epochs: iterations ?? 20, biased: biases,
                                         learningRate: learningRate ?? 0.005, regularization: lambda, seed: seed)
            let r = try FunkSVD.fit(train, options: options, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .svdpp:
            var options = SVDppOptions(rank: rank, epochs: iterations ?? 20, learningRate: learningRate ?? 0.007,
                                       regularization: lambda, seed: seed)
            options.biasRegularization = biasLambda
            options.implicitRegularization = implicitLambda
            let r = try SVDpp.fit(train, options: options, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        case .nmf:
            let options = MaskedNMFOptions(rank: rank, lambda: lambda, maxIterations: iterations ?? 200, seed: seed)
            let r = try MaskedNMF.fit(train, options: options, observer: watch)
            return CompletionFit(model: r.model, history: r.history, testRMSE: tests, certificate: nil)
        }
    }

    /// The explicit-ALS options of the command line (a fixed number of iterations), for both fits.
    func explicitOptions(rank: Int, lambda: Double) -> ExplicitALSOptions {
        var options = ExplicitALSOptions(rank: rank, lambda: lambda,
                                         scaling: (lambdaScale ?? .count) == .count ? .countScaled : .plain,
                                         biases: biases, maxIterations: iterations ?? 10, seed: seed,
                                         threads: workerThreads, gramPrecision: precision ?? .double)
        options.tolerance = 0
        return options
    }

    /// The implicit-ALS options of the command line (one place for the single-process and the distributed fit).
    func implicitOptions(rank: Int, lambda: Double) -> ImplicitALSOptions {
        let steps = cgSteps ?? 3
        return ImplicitALSOptions(rank: rank, lambda: lambda, alpha: alpha ?? 1,
                                  confidence: confidence == .hkv ? .hkv : .implicit,
                                  solver: steps == 0 ? .cholesky : .conjugateGradient(steps: steps),
                                  maxIterations: iterations ?? 15, seed: seed, threads: workerThreads,
                                  precision: precision ?? .double)
    }
}
