import LowRankKernels

/// Options of ``SVDpp``; the defaults are Surprise `SVDpp`'s (Hug, JOSS 5 (2020), surprise.prediction_algorithms
/// .matrix_factorization.SVDpp): `n_factors = 20`, `n_epochs = 20`, `init_mean = 0`, `init_std_dev = 0.1`,
/// `lr_all = 0.007`, `reg_all = 0.02`.
public struct SVDppOptions: Sendable, Equatable {
    /// Rank k (Surprise `n_factors`). Default 20.
    public var rank: Int
    /// Number of passes over the ratings (`n_epochs`). Default 20.
    public var epochs: Int
    /// Learning rate γ for every parameter (`lr_all`). Default 0.007.
    public var learningRate: Double
    /// Regularisation λ for every parameter (`reg_all`). Default 0.02.
    public var regularization: Double
    /// Regularisation λ_b of the biases b_u, c_i (Surprise `reg_bu`, `reg_bi`). Default `nil`: λ.
    public var biasRegularization: Double?
    /// Regularisation λ_y of the implicit factors y_j (Surprise `reg_yj`). Default `nil`: λ.
    public var implicitRegularization: Double?
    /// Mean of the normal initial factors p_u, q_i, y_j (`init_mean`). Default 0.
    public var initialMean: Double
    /// Standard deviation of the initial factors (`init_std_dev`). Default 0.1.
    public var initialScale: Double
    /// Use the implicit term |N(u)|^{-½} Σ_{j∈N(u)} y_j. Default `true`; `false` holds y ≡ 0, which is biased Funk SVD
    /// (``FunkSVD``) visiting the ratings grouped by user.
    public var implicitFeedback: Bool
    /// Visit the users, and each user's ratings, in a fresh seeded random order each epoch. Default `true`; `false`
    /// uses CSR order (users in index order, each user's ratings in item order) every epoch.
    public var shuffle: Bool
    /// Seed of the initial factors and the shuffles. Default 0.
    public var seed: UInt64

    /// Options with Surprise's defaults unless given.
    public init(rank: Int = 20, epochs: Int = 20, learningRate: Double = 0.007, regularization: Double = 0.02,
                biasRegularization: Double? = nil, implicitRegularization: Double? = nil, initialMean: Double = 0, initialScale: Double = 0.1, implicitFeedback: Bool = true,
                shuffle: Bool = true, seed: UInt64 = 0) {
        self.rank = rank
        self.epochs = epochs
        self.learningRate = learningRate
        self.regularization = regularization
        self.biasRegularization = biasRegularization
        self.implicitRegularization = implicitRegularization
        self.initialMean = initialMean
        self.initialScale = initialScale
        self.implicitFeedback = implicitFeedback
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
        for (name, value) in [("biasRegularization", biasRegularization), ("implicitRegularization", implicitRegularization)] {
            if let value { guard value.isFinite, value >= 0 else { throw bad(name, "must be finite and ≥ 0") } }
        }
        guard initialMean.isFinite else { throw bad("initialMean", "must be finite") }
        guard initialScale.isFinite, initialScale >= 0 else { throw bad("initialScale", "must be finite and ≥ 0") }
    }
}

/// The outcome of ``SVDpp/fit(_:options:observer:)``.
public struct SVDppResult: Sendable {
    /// The fitted model in ``FactorModel``'s form μ + b_u + c_i + u_uᵀ v_i: v_i = q_i, and the user factor is the
    /// effective u_u = p_u + |N(u)|^{-½} Σ_{j∈N(u)} y_j computed after training (see ``SVDpp``).
    public let model: FactorModel
    /// One record per epoch (objective below, evaluated after the epoch).
    public let history: [IterationRecord]
}

/// SVD++ (Y. Koren, "Factorization meets the neighborhood: a multifaceted collaborative filtering model", KDD 2008,
/// §4 eq. 15; Surprise `SVDpp`). The model is
///
///     r̂_ui = μ + b_u + c_i + q_iᵀ (p_u + z_u),   z_u = |N(u)|^{-½} Σ_{j∈N(u)} y_j,
///
/// with N(u) the items u rated in the training set and μ the training mean (not learned). It is fitted by SGD on
///
///     ½ Σ_{(u,i)∈Ω} [ e_ui² + λ_b (b_u² + c_i²) + λ (‖p_u‖² + ‖q_i‖²) + λ_y Σ_{j∈N(u)} ‖y_j‖² ],
///     e_ui = r_ui − r̂_ui
///
/// (Koren's eq. 15 halved, where λ_b = λ_y = λ; the objective reported per epoch). Each epoch visits the users in a
/// seeded random order and each user's ratings in a seeded random order. Per rating, with e = r_ui − r̂_ui,
///
///     b_u ← b_u + γ (e − λ_b b_u),   c_i ← c_i + γ (e − λ_b c_i),
///     p_u ← p_u + γ (e q_i − λ p_u),   q_i ← q_i + γ (e (p_u + z_u) − λ q_i)   (from the old p_u, q_i),
///
/// as in Surprise. The implicit part uses the standard fast variant: z_u is computed once when the user's turn
/// begins and held fixed over the user's ratings, the y-gradient g = |N(u)|^{-½} Σ_{i∈R(u)} e_ui q_i is accumulated
/// over them, and at the end of the user every j ∈ N(u) takes one step y_j ← y_j + γ (g − |R(u)| λ_y y_j). Surprise
/// instead recomputes z_u and updates every y_j after every rating, costing O(|N(u)| k) per rating (O(Σ_u |N(u)|² k)
/// per epoch); the fast variant is O(|Ω| k) per epoch and to first order in γ takes the same total y step (the
/// |R(u)| λ_y term is the user's share of the regulariser above).
///
/// The returned ``FactorModel`` stores v_i = q_i and u_u = p_u + z_u (from the final y), so its formula
/// μ + b_u + c_i + u_uᵀ v_i reproduces r̂_ui exactly for the training users; y itself is not kept (a fold-in of a new
/// user therefore uses the plain biased-MF form).
public enum SVDpp {
    /// Fits the model; `observer` is called after every epoch with the record and the model at that point.
    /// - Throws: ``LowRankKernels/LinearAlgebraError`` for invalid options or empty ratings;
    ///   ``CompletionError/diverged(method:iteration:objective:)`` when after an epoch the objective is non-finite or
    ///   above ten times its initial value.
    public static func fit(_ r: Ratings, options: SVDppOptions = SVDppOptions(),
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> SVDppResult {
        try options.validate()
        guard r.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        let start = ContinuousClock.now
        let k = options.rank, m = r.userCount, n = r.itemCount
        let gamma = options.learningRate, lambda = options.regularization
        let lambdaB = options.biasRegularization ?? lambda, lambdaY = options.implicitRegularization ?? lambda
        let implicit = options.implicitFeedback
        var g = SeededGenerator(seed: options.seed)
        var p = (0..<(k * m)).map { _ in options.initialMean + g.normal() * options.initialScale }
        var q = (0..<(k * n)).map { _ in options.initialMean + g.normal() * options.initialScale }
        var y = implicit ? (0..<(k * n)).map { _ in options.initialMean + g.normal() * options.initialScale }
                         : [Double](repeating: 0, count: k * n)
        var bu = [Double](repeating: 0, count: m), bi = [Double](repeating: 0, count: n)
        let mu = r.mean
        let offsets = r.rowOffsets
        let scale = (0..<m).map { u in
            let c = offsets[u + 1] - offsets[u]
            return c > 0 ? 1 / Double(c).squareRoot() : 0
        }

        /// z (k × users): column u is |N(u)|^{-½} Σ_{j∈N(u)} y_j.
        func implicitSums() -> [Double] {
            var z = [Double](repeating: 0, count: k * m)
            guard implicit else { return z }
            y.withUnsafeBufferPointer { py in
                r.rowItems.withUnsafeBufferPointer { items in
                    z.withUnsafeMutableBufferPointer { pz in
                        for u in 0..<m {
                            let zu = u * k
                            for e in offsets[u]..<offsets[u + 1] {
                                let yj = Int(items[e]) * k
                                for f in 0..<k { pz[zu + f] += py[yj + f] }
                            }
                            for f in 0..<k { pz[zu + f] *= scale[u] }
                        }
                    }
                }
            }
            return z
        }

        /// The objective above and the training RMSE.
        func objective() -> (Double, Double) {
            let z = implicitSums()
            var sq = 0.0, reg = 0.0
            p.withUnsafeBufferPointer { pp in
                q.withUnsafeBufferPointer { pq in
                    y.withUnsafeBufferPointer { py in
                        r.rowItems.withUnsafeBufferPointer { items in
                            for u in 0..<m {
                                let pu = u * k
                                var userNorm = lambdaB * bu[u] * bu[u], yNorm = 0.0
                                for f in 0..<k { userNorm += lambda * pp[pu + f] * pp[pu + f] }
                                if implicit {
                                    for e in offsets[u]..<offsets[u + 1] {
                                        let yj = Int(items[e]) * k
                                        for f in 0..<k { yNorm += lambdaY * py[yj + f] * py[yj + f] }
                                    }
                                }
                                for e in offsets[u]..<offsets[u + 1] {
                                    let i = Int(items[e]), qi = i * k
                                    var dot = 0.0, norms = userNorm + yNorm + lambdaB * bi[i] * bi[i]
                                    for f in 0..<k {
                                        dot += pq[qi + f] * (pp[pu + f] + z[pu + f])
                                        norms += lambda * pq[qi + f] * pq[qi + f]
                                    }
                                    let err = r.rowValues[e] - (mu + bu[u] + bi[i] + dot)
                                    sq += err * err
                                    reg += norms
                                }
                            }
                        }
                    }
                }
            }
            return (0.5 * sq + 0.5 * reg, (sq / Double(r.count)).squareRoot())
        }

        /// The model with user factors p_u + z_u.
        func model() throws -> FactorModel {
            let z = implicitSums()
            let effective = (0..<(k * m)).map { p[$0] + z[$0] }
            return try SparseSupport.model(r, k: k, users: effective, items: q, mean: mu, userBiases: bu, itemBiases: bi)
        }

        let initial = objective().0
        var history: [IterationRecord] = []
        var userOrder = Array(0..<m)
        var local: [Int] = []
        var zu = [Double](repeating: 0, count: k), grad = [Double](repeating: 0, count: k)
        for epoch in 1...Swift.max(1, options.epochs) where options.epochs > 0 {
            if options.shuffle { userOrder.shuffle(using: &g) }
            p.withUnsafeMutableBufferPointer { pp in
                q.withUnsafeMutableBufferPointer { pq in
                    y.withUnsafeMutableBufferPointer { py in
                        zu.withUnsafeMutableBufferPointer { pz in
                            grad.withUnsafeMutableBufferPointer { pg in
                                r.rowItems.withUnsafeBufferPointer { items in
                                    for u in userOrder {
                                        let lo = offsets[u], hi = offsets[u + 1]
                                        guard hi > lo else { continue }
                                        local.removeAll(keepingCapacity: true)
                                        local.append(contentsOf: lo..<hi)
                                        if options.shuffle { local.shuffle(using: &g) }
                                        let pu = u * k, s = scale[u]
                                        for f in 0..<k { pz[f] = 0; pg[f] = 0 }
                                        if implicit {
                                            for e in lo..<hi {
                                                let yj = Int(items[e]) * k
                                                for f in 0..<k { pz[f] += py[yj + f] }
                                            }
                                            for f in 0..<k { pz[f] *= s }
                                        }
                                        for e in local {
                                            let i = Int(items[e]), qi = i * k
                                            var dot = 0.0
                                            for f in 0..<k { dot += pq[qi + f] * (pp[pu + f] + pz[f]) }
                                            let err = r.rowValues[e] - (mu + bu[u] + bi[i] + dot)
                                            bu[u] += gamma * (err - lambdaB * bu[u])
                                            bi[i] += gamma * (err - lambdaB * bi[i])
                                            for f in 0..<k {
                                                let a = pp[pu + f], b = pq[qi + f]
                                                pp[pu + f] += gamma * (err * b - lambda * a)
                                                pq[qi + f] += gamma * (err * (a + pz[f]) - lambda * b)
                                                pg[f] += err * b
                                            }
                                        }
                                        if implicit {
                                            let decay = Double(hi - lo) * lambdaY
                                            for e in lo..<hi {
                                                let yj = Int(items[e]) * k
                                                for f in 0..<k { py[yj + f] += gamma * (s * pg[f] - decay * py[yj + f]) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let (f, rmse) = objective()
            if !f.isFinite || f > 10 * initial {
                throw CompletionError.diverged(method: "SVDpp", iteration: epoch, objective: f)
            }
            let record = IterationRecord(iteration: epoch, objective: f, trainRMSE: rmse,
                                         seconds: SparseSupport.seconds(since: start))
            history.append(record)
            observer(record, try model())
        }
        return SVDppResult(model: try model(), history: history)
    }
}
