import Foundation
import LowRankKernels

/// How the weight decay λ enters each row's ridge problem.
public enum RegularizationScaling: String, Sendable, CaseIterable {
    /// λ for every row and column: penalty λ/2 (‖U‖² + ‖V‖² + ‖b‖² + ‖c‖²) (Surprise, softImpute-ALS).
    case plain
    /// λ·n_u for user u and λ·n_i for item i (ALS-WR, Zhou et al. 2008; Spark MLlib and LensKit): penalty
    /// λ/2 (Σ_u n_u (‖u_u‖² + b_u²) + Σ_i n_i (‖v_i‖² + c_i²)). The default, as in Spark.
    case countScaled
}

/// Options of ``ExplicitALS``. Defaults follow Spark MLlib ALS: rank 10, λ = 0.1 count-scaled, 10 iterations.
public struct ExplicitALSOptions: Sendable, Equatable {
    /// Rank k of the factors U (users × k) and V (items × k). Default 10 (Spark `rank`).
    public var rank: Int
    /// Weight decay λ ≥ 0. Default 0.1 (Spark `regParam`).
    public var lambda: Double
    /// Plain or count-scaled (ALS-WR) λ. Default ``RegularizationScaling/countScaled`` (what Spark does).
    public var scaling: RegularizationScaling
    /// Fit the global mean μ and the biases b_u, c_i (r̂_ui = μ + b_u + c_i + u_uᵀv_i); when `false`,
    /// r̂_ui = u_uᵀv_i (μ = b = c = 0). Default `true` (as Surprise SVD and LensKit BiasedMF; Spark has no biases).
    public var biases: Bool
    /// Maximum number of sweeps (each solves every user row, then every item row, then μ). Default 10 (Spark `maxIter`).
    public var maxIterations: Int
    /// Stop early when the objective decreases by at most `tolerance · objective` in one sweep; 0 (the default)
    /// runs all ``maxIterations`` sweeps, as Spark does.
    public var tolerance: Double
    /// Seed of the initial item factors, entries N(0, initialScale²/k). Default 0.
    public var seed: UInt64
    /// Scale of the initial item factors (so ‖v_i‖ ≈ initialScale). Default 1.
    public var initialScale: Double
    /// Worker threads for the row solves (BLAS runs single-threaded inside them). Results are bit-identical for any
    /// value. Default: the active processor count.
    public var threads: Int
    /// Arithmetic of the Gram accumulation: ``GramPrecision/double`` (the default) or ``GramPrecision/mixed``
    /// (float32 gather and Gram, float64 solve and factors).
    public var gramPrecision: GramPrecision

    /// Options with the published defaults unless given.
    public init(rank: Int = 10, lambda: Double = 0.1, scaling: RegularizationScaling = .countScaled,
                biases: Bool = true, maxIterations: Int = 10, tolerance: Double = 0, seed: UInt64 = 0,
                initialScale: Double = 1, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                gramPrecision: GramPrecision = .double) {
        self.rank = rank
        self.lambda = lambda
        self.scaling = scaling
        self.biases = biases
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.initialScale = initialScale
        self.threads = threads
        self.gramPrecision = gramPrecision
    }

    /// Throws ``LinearAlgebraError/invalidArgument(argument:reason:)`` for a rank < 1, a negative or non-finite λ,
    /// tolerance or initial scale, or a negative iteration count.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard rank >= 1 else { throw bad("rank", "must be ≥ 1, got \(rank)") }
        guard lambda.isFinite, lambda >= 0 else { throw bad("lambda", "must be finite and ≥ 0, got \(lambda)") }
        guard maxIterations >= 0 else { throw bad("maxIterations", "must be ≥ 0, got \(maxIterations)") }
        guard tolerance.isFinite, tolerance >= 0 else { throw bad("tolerance", "must be finite and ≥ 0, got \(tolerance)") }
        guard initialScale.isFinite, initialScale > 0 else { throw bad("initialScale", "must be finite and > 0") }
        guard threads >= 1 else { throw bad("threads", "must be ≥ 1, got \(threads)") }
    }
}

/// The outcome of ``ExplicitALS/fit(_:options:initial:observer:)``.
public struct ExplicitALSResult: Sendable {
    /// The fitted model.
    public let model: FactorModel
    /// One record per sweep, in order.
    public let history: [IterationRecord]
    /// `true` when the tolerance stopped the sweeps before ``ExplicitALSOptions/maxIterations``.
    public let converged: Bool

    /// Throws ``LinearAlgebraError/notConverged(routine:iterations:residual:)`` (residual: the last relative objective
    /// decrease) unless ``converged``, for callers that set a tolerance and want non-convergence to be an error.
    public func requireConverged() throws {
        guard !converged else { return }
        var residual = Double.nan
        if history.count >= 2 {
            let a = history[history.count - 2].objective, b = history[history.count - 1].objective
            residual = (a - b) / Swift.max(b, .leastNormalMagnitude)
        }
        throw LinearAlgebraError.notConverged(routine: "ExplicitALS", iterations: history.count, residual: residual)
    }
}
