import Foundation
import LowRankKernels

/// How a training interaction's confidence c_ui is formed (every training rating counts as one interaction, r = 1).
public enum ConfidenceConvention: String, Sendable, CaseIterable {
    /// c_ui = α·r = α for an interaction and 1 elsewhere: the convention of the `implicit` library (its user matrix
    /// holds the confidences), so α = 1 here matches `implicit` with α = 1.
    case implicit
    /// c_ui = 1 + α·r = 1 + α for an interaction and 1 elsewhere: Hu, Koren & Volinsky, ICDM 2008, eq. (2).
    case hkv
}

/// The row solver of implicit ALS.
public enum ImplicitRowSolver: Sendable, Equatable {
    /// Exact: Cholesky of (YᵀY + Yᵀ(C_u − I)Y + λI), O(k³ + n_u k²) per row (Hu, Koren & Volinsky 2008).
    case cholesky
    /// `steps` conjugate-gradient iterations warm-started from the current row, O(steps (k² + n_u k)) per row
    /// (Takács, Pilászy & Tikk, RecSys 2011; the default of `implicit` and of Spark's implicitPrefs-style solvers).
    case conjugateGradient(steps: Int)
}

/// Options of ``ImplicitALS``; defaults are those of the `implicit` library (factors 100, regularization 0.01,
/// α 1, 15 iterations, 3 CG steps, initial factors uniform·0.01).
public struct ImplicitALSOptions: Sendable, Equatable {
    /// Rank k. Default 100.
    public var rank: Int
    /// λ in λ(Σ‖x_u‖² + Σ‖y_i‖²) (plain, not count-scaled). Default 0.01.
    public var lambda: Double
    /// α of the confidence. Default 1.
    public var alpha: Double
    /// How the confidence is formed from α. Default ``ConfidenceConvention/implicit``.
    public var confidence: ConfidenceConvention
    /// Row solver. Default ``ImplicitRowSolver/conjugateGradient(steps:)`` with 3 steps.
    public var solver: ImplicitRowSolver
    /// Sweeps (users then items). Default 15.
    public var maxIterations: Int
    /// Seed of the initial factors, entries uniform in [0, initialScale). Default 0.
    public var seed: UInt64
    /// Scale of the initial factors. Default 0.01 (as `implicit`).
    public var initialScale: Double
    /// Worker threads for the row solves; results are bit-identical for any value. Default: active processors.
    public var threads: Int
    /// Arithmetic of the per-row products with the gathered factors: ``GramPrecision/double`` (the default) or
    /// ``GramPrecision/mixed`` (float32 gather and `sgemv`/`ssyrk`, float64 solve and factors).
    public var precision: GramPrecision

    /// Options with the `implicit` library's defaults unless given.
    public init(rank: Int = 100, lambda: Double = 0.01, alpha: Double = 1, confidence: ConfidenceConvention = .implicit,
                solver: ImplicitRowSolver = .conjugateGradient(steps: 3), maxIterations: Int = 15, seed: UInt64 = 0,
                initialScale: Double = 0.01, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                precision: GramPrecision = .double) {
        self.rank = rank
        self.lambda = lambda
        self.alpha = alpha
        self.confidence = confidence
        self.solver = solver
        self.maxIterations = maxIterations
        self.seed = seed
        self.initialScale = initialScale
        self.threads = threads
        self.precision = precision
    }

    /// The confidence c of an interaction under ``confidence``.
    public var interactionConfidence: Double { confidence == .implicit ? alpha : 1 + alpha }

    /// Throws ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming the first invalid option.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard rank >= 1 else { throw bad("rank", "must be ≥ 1, got \(rank)") }
        guard lambda.isFinite, lambda >= 0 else { throw bad("lambda", "must be finite and ≥ 0, got \(lambda)") }
        guard alpha.isFinite, alpha > 0 else { throw bad("alpha", "must be finite and > 0, got \(alpha)") }
        if case .conjugateGradient(let steps) = solver, steps < 1 { throw bad("cg-steps", "must be ≥ 1, got \(steps)") }
        guard maxIterations >= 0 else { throw bad("iterations", "must be ≥ 0, got \(maxIterations)") }
        guard initialScale.isFinite, initialScale > 0 else { throw bad("initialScale", "must be finite and > 0") }
        guard threads >= 1 else { throw bad("threads", "must be ≥ 1, got \(threads)") }
    }
}

/// The outcome of ``ImplicitALS/fit(_:options:observer:)``.
public struct ImplicitALSResult: Sendable {
    /// The fitted model (no biases; r̂_ui = x_uᵀ y_i is a preference score).
    public let model: FactorModel
    /// One record per sweep (objective of ``ImplicitALS``; `trainRMSE` is nil).
    public let history: [IterationRecord]
}
