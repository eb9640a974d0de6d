import LowRankKernels

/// Which Soft-Impute iteration ``SoftImpute`` runs.
public enum SoftImputeAlgorithm: String, Sendable, CaseIterable {
    /// softImpute-ALS (Hastie, Mazumder, Lee & Zadeh, JMLR 16 (2015), Algorithm 3.1): alternating ridge updates of
    /// A = U D and B = V D on the sparse-plus-low-rank fill, O(|Ω| k + (m + n) k²) per sweep. The default (as R
    /// `softImpute(type = "als")`).
    case als
    /// The original Soft-Impute (Mazumder, Hastie & Tibshirani, JMLR 11 (2010), Algorithm 1):
    /// Z ← S_λ(P_Ω(M) + P_Ω⊥(Z)) with a dense SVD each iteration, keeping at most ``SoftImputeOptions/rank``
    /// singular values. Only for m·n ≤ ``SoftImputeOptions/denseLimit``.
    case svd
}

/// How ``SoftImputeResult/certificate`` was computed.
public enum SoftImputeCertificateMethod: Sendable, Equatable {
    /// A dense SVD of the m × n fill P_Ω(M) + P_Ω⊥(Ŵ) (exact; used when m·n ≤ ``SoftImputeOptions/denseLimit``).
    case dense
    /// A randomized SVD (Halko, Martinsson & Tropp 2011) of rank `rank` of the sparse-plus-low-rank fill. `complete`
    /// is `false` when even the `rank`-th computed singular value exceeds λ, so S_λ may have more terms than were
    /// computed and the certificate is then only a lower bound.
    case randomized(rank: Int, complete: Bool)
}

/// Options of ``SoftImpute``. Defaults are those of the R package softImpute (Hastie & Mazumder):
/// `rank.max = 2`, `lambda = 0`, `type = "als"`, `thresh = 1e-5`, `maxit = 100`.
public struct SoftImputeOptions: Sendable, Equatable {
    /// Maximum rank k of the solution (R `rank.max`), 1 ≤ k ≤ min(users, items). Default 2.
    public var rank: Int
    /// Nuclear-norm weight λ ≥ 0. Default 0 (R `lambda`).
    public var lambda: Double
    /// ALS (default) or dense SVD iteration.
    public var algorithm: SoftImputeAlgorithm
    /// Maximum number of iterations (R `maxit`). Default 100.
    public var maxIterations: Int
    /// Stop when the squared relative change ‖W_new − W_old‖²_F / ‖W_old‖²_F ≤ tolerance (R `thresh`, computed from the
    /// factors as in R's `Frob`, never densely). Default 1e-5; 0 runs all iterations.
    public var tolerance: Double
    /// Subtract the global mean μ of the observed values before fitting and store it as
    /// ``FactorModel/globalMean`` (Soft-Impute has no user or item biases). Default `false`.
    public var centerByMean: Bool
    /// Seed of the random orthonormal start U (and of the randomized SVDs). Default 0.
    public var seed: UInt64
    /// Largest m·n for which dense work is allowed: the ``SoftImputeAlgorithm/svd`` algorithm and the dense
    /// certificate (above it the certificate is computed by randomized SVD of the sparse-plus-low-rank operator).
    /// Default 1 000 000 (8 MB per dense copy).
    public var denseLimit: Int

    /// Options with the published defaults unless given.
    public init(rank: Int = 2, lambda: Double = 0, algorithm: SoftImputeAlgorithm = .als, maxIterations: Int = 100,
                tolerance: Double = 1e-5, centerByMean: Bool = false, seed: UInt64 = 0, denseLimit: Int = 1_000_000) {
        self.rank = rank
        self.lambda = lambda
        self.algorithm = algorithm
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.centerByMean = centerByMean
        self.seed = seed
        self.denseLimit = denseLimit
    }

    /// Throws ``LowRankKernels/LinearAlgebraError/invalidArgument(argument:reason:)`` naming the bad option.
    public func validate(users m: Int, items n: Int) throws {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard rank >= 1, rank <= Swift.min(m, n) else {
            throw bad("rank", "must be in 1…\(Swift.min(m, n)) (min(users, items)), got \(rank)")
        }
        guard lambda.isFinite, lambda >= 0 else { throw bad("lambda", "must be finite and ≥ 0, got \(lambda)") }
        guard maxIterations >= 0 else { throw bad("maxIterations", "must be ≥ 0, got \(maxIterations)") }
        guard tolerance.isFinite, tolerance >= 0 else { throw bad("tolerance", "must be finite and ≥ 0, got \(tolerance)") }
        guard denseLimit >= 0 else { throw bad("denseLimit", "must be ≥ 0, got \(denseLimit)") }
        if algorithm == .svd, m.multipliedReportingOverflow(by: n).overflow || m * n > denseLimit {
            throw bad("algorithm", "the dense SVD iteration needs users·items ≤ denseLimit (\(denseLimit))")
        }
    }
}

/// The outcome of a Soft-Impute fit at one λ.
public struct SoftImputeResult: Sendable {
    /// The fitted model: userFactors = (U D^½)ᵀ and itemFactors = (V D^½)ᵀ, so r̂_ui = μ + u_uᵀ v_i with Ŵ = U D Vᵀ;
    /// biases are zero, μ is the mean when ``SoftImputeOptions/centerByMean`` is set, else 0.
    public let model: FactorModel
    /// One record per iteration; objective ½‖P_Ω(M − W)‖²_F + λ‖W‖_* (for ALS, with ‖W‖_* replaced by its variational
    /// form ½(‖A‖² + ‖B‖²), which equals it at the balanced factors ALS keeps).
    public let history: [IterationRecord]
    /// The λ of this fit.
    public let lambda: Double
    /// The diagonal D of Ŵ = U D Vᵀ after the final soft-thresholding, non-increasing (zeros where σ ≤ λ).
    public let singularValues: [Double]
    /// `true` when the tolerance stopped the iterations before the maximum.
    public let converged: Bool
    /// The optimality certificate ‖Ŵ − S_λ(P_Ω(M) + P_Ω⊥(Ŵ))‖_F / ‖Ŵ‖_F, 0 at a minimiser whose rank is below the
    /// rank cap (Mazumder et al. 2010, Lemma 2: the solution is the fixed point of Z = S_λ(P_Ω(M) + P_Ω⊥(Z))).
    /// When Ŵ = 0 the denominator is ‖S_λ(…)‖_F instead, and the certificate is 0 when both vanish.
    public let certificate: Double
    /// How the certificate was computed.
    public let certificateMethod: SoftImputeCertificateMethod
}

/// A warm-started path of Soft-Impute fits over a geometric grid of λ.
public struct SoftImputePath: Sendable {
    /// λ₀ = σ_max(P_Ω(M)) (of the centred values when centring), the smallest λ with solution 0.
    public let lambdaMax: Double
    /// The grid λ₀ > … > λ (geometric), one per fit.
    public let lambdas: [Double]
    /// One fit per λ, each warm-started from the previous; the last is the fit at the requested λ.
    public let fits: [SoftImputeResult]
}
