import LowRankKernels

/// Options of ``FunkSVD``; the defaults are Surprise `SVD`'s (Hug, JOSS 5 (2020), surprise.prediction_algorithms
/// .matrix_factorization.SVD): `n_factors = 100`, `n_epochs = 20`, `biased = True`, `init_mean = 0`,
/// `init_std_dev = 0.1`, `lr_all = 0.005`, `reg_all = 0.02`.
public struct FunkSVDOptions: Sendable, Equatable {
    /// Rank k (Surprise `n_factors`). Default 100.
    public var rank: Int
    /// Number of passes over the ratings (`n_epochs`). Default 20.
    public var epochs: Int
    /// Fit μ, b_u, c_i (`biased`). Default `true`; when `false`, r̂ = q_iᵀ p_u.
    public var biased: Bool
    /// Learning rate γ for every parameter (`lr_all`). Default 0.005.
    public var learningRate: Double
    /// Regularisation λ for every parameter (`reg_all`). Default 0.02.
    public var regularization: Double
    /// Mean of the normal initial factors (`init_mean`). Default 0.
    public var initialMean: Double
    /// Standard deviation of the initial factors (`init_std_dev`). Default 0.1.
    public var initialScale: Double
    /// Visit the ratings in a fresh seeded random order each epoch. Default `true`; `false` uses CSR order every epoch
    /// (Surprise iterates its trainset in a fixed order).
    public var shuffle: Bool
    /// Seed of the initial factors and the shuffles. Default 0.
    public var seed: UInt64

    /// Options with Surprise's defaults unless given.
    public init(rank: Int = 100, epochs: Int = 20, biased: Bool = true, learningRate: Double = 0.005,
                regularization: Double = 0.02, initialMean: Double = 0, initialScale: Double = 0.1,
                shuffle: Bool = true, seed: UInt64 = 0) {
        self.rank = rank
        self.epochs = epochs
        self.biased = biased
        self.learningRate = learningRate
        self.regularization = regularization
        self.initialMean = initialMean
        self.initialScale = initialScale
        self.shuffle = shuffle
        self.seed = seed
    }

    /// Throws ``LowRankKernels/LinearAlgebraError/invalidArgument(argument:reason:)`` naming the bad option.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard rank >= 1 else { throw bad("rank", "must be ≥ 1, got \(rank)") }
        guard epochs >= 0 else { throw bad("epochs", "must be ≥ 0, got \(epochs)") }
        guard learningRate.isFinite, learningRate > 0 else { throw bad("learningRate", "must be finite and > 0") }
        guard regularization.isFinite, regularization >= 0 else { throw bad("regularization", "must be finite and ≥ 0") }
        guard initialMean.isFinite else { throw bad("initialMean", "must be finite") }
        guard initialScale.isFinite, initialScale >= 0 else { throw bad("initialScale", "must be finite and ≥ 0") }
    }
}

/// The outcome of ``FunkSVD/fit(_:options:observer:)``.
public struct FunkSVDResult: Sendable {
    /// The fitted model (μ = mean of the training ratings when biased, fixed; b_u, c_i, p_u, q_i learned).
    public let model: FactorModel
    /// One record per epoch (objective below, evaluated after the epoch).
    public let history: [IterationRecord]
}

/// Stochastic gradient descent in the Funk / Surprise form (S. Funk, "Netflix Update: Try This at Home", 2006;
/// Koren, Bell & Volinsky, IEEE Computer 42 (2009), eq. 5; Surprise `SVD`). The model is
/// r̂_ui = μ + b_u + c_i + q_iᵀ p_u, and for each rating in turn, with e = r_ui − r̂_ui,
///
///     b_u ← b_u + γ (e − λ b_u),   c_i ← c_i + γ (e − λ c_i),
///     p_u ← p_u + γ (e q_i − λ p_u),   q_i ← q_i + γ (e p_u − λ q_i)   (p_u and q_i updated from the old values),
///
/// a stochastic step on ½ Σ_Ω e² + λ/2 Σ_Ω (b_u² + c_i² + ‖p_u‖² + ‖q_i‖²) (the objective reported per epoch).
/// μ is the training mean and is not learned.
public enum FunkSVD {
    /// Fits the model; `observer` is called after every epoch.
    /// - Throws: ``LowRankKernels/LinearAlgebraError`` for invalid options or empty ratings;
    ///   ``CompletionError/diverged(method:iteration:objective:)`` when after an epoch the objective is non-finite or
    ///   above ten times its initial value.
    public static func fit(_ r: Ratings, options: FunkSVDOptions = FunkSVDOptions(),
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> FunkSVDResult {
        try options.validate()
        guard r.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        let start = ContinuousClock.now
        let k = options.rank, m = r.userCount, n = r.itemCount
        let gamma = options.learningRate, lambda = options.regularization
        var g = SeededGenerator(seed: options.seed)
        var p = (0..<(k * m)).map { _ in options.initialMean + g.normal() * options.initialScale }
        var q = (0..<(k * n)).map { _ in options.initialMean + g.normal() * options.initialScale }
        var bu = [Double](repeating: 0, count: m), bi = [Double](repeating: 0, count: n)
        let mu = options.biased ? r.mean : 0
        let users = r.entryUsers
        var order = Array(0..<r.count)

        func objective() -> (Double, Double) {
            var sq = 0.0, reg = 0.0
            p.withUnsafeBufferPointer { pp in
                q.withUnsafeBufferPointer { pq in
                    for e in 0..<r.count {
                        let u = Int(users[e]), i = Int(r.rowItems[e])
                        var dot = 0.0, norms = bu[u] * bu[u] + bi[i] * bi[i]
                        for f in 0..<k {
                            dot += pp[u * k + f] * pq[i * k + f]
                            norms += pp[u * k + f] * pp[u * k + f] + pq[i * k + f] * pq[i * k + f]
                        }
                        let err = r.rowValues[e] - (mu + bu[u] + bi[i] + dot)
                        sq += err * err
                        reg += norms
                    }
                }
            }
            return (0.5 * sq + 0.5 * lambda * reg, (sq / Double(r.count)).squareRoot())
        }
        let initial = objective().0
        var history: [IterationRecord] = []
        for epoch in 1...Swift.max(1, options.epochs) where options.epochs > 0 {
            if options.shuffle { order.shuffle(using: &g) }
            p.withUnsafeMutableBufferPointer { pp in
                q.withUnsafeMutableBufferPointer { pq in
                    for e in order {
                        let u = Int(users[e]), i = Int(r.rowItems[e])
                        let pu = u * k, qi = i * k
                        var dot = 0.0
                        for f in 0..<k { dot += pp[pu + f] * pq[qi + f] }
                        let err = r.rowValues[e] - (mu + bu[u] + bi[i] + dot)
                        if options.biased {
                            bu[u] += gamma * (err - lambda * bu[u])
                            bi[i] += gamma * (err - lambda * bi[i])
                        }
                        for f in 0..<k {
                            let a = pp[pu + f], b = pq[qi + f]
                            pp[pu + f] += gamma * (err * b - lambda * a)
                            pq[qi + f] += gamma * (err * a - lambda * b)
                        }
                    }
                }
            }
            let (f, rmse) = objective()
            if !f.isFinite || f > 10 * initial {
                throw CompletionError.diverged(method: "FunkSVD", iteration: epoch, objective: f)
            }
            let record = IterationRecord(iteration: epoch, objective: f, trainRMSE: rmse,
                                         seconds: SparseSupport.seconds(since: start))
            history.append(record)
            observer(record, try SparseSupport.model(r, k: k, users: p, items: q, mean: mu, userBiases: bu, itemBiases: bi))
        }
        return FunkSVDResult(model: try SparseSupport.model(r, k: k, users: p, items: q, mean: mu, userBiases: bu,
                                                            itemBiases: bi), history: history)
    }
}
