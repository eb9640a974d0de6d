import LowRankKernels

/// Options of ``MaskedNMF``. Defaults follow scikit-learn `NMF` where they apply (`max_iter = 200`, `tol = 1e-4`,
/// random init scaled by √(mean / k)); the rank default is 10.
public struct MaskedNMFOptions: Sendable, Equatable {
    /// Rank k. Default 10.
    public var rank: Int
    /// Ridge weight λ ≥ 0 in λ/2 (‖W‖² + ‖H‖²). Default 0.
    public var lambda: Double
    /// Maximum number of sweeps. Default 200.
    public var maxIterations: Int
    /// Stop when one sweep lowers the objective by at most tolerance · objective. Default 1e-4; 0 runs all sweeps.
    public var tolerance: Double
    /// Seed of the initial factors, entries |N(0, 1)| · √(mean|M_Ω| / k) (scikit-learn's `init = "random"`). Default 0.
    public var seed: UInt64

    /// Options with the defaults unless given.
    public init(rank: Int = 10, lambda: Double = 0, maxIterations: Int = 200, tolerance: Double = 1e-4, seed: UInt64 = 0) {
        self.rank = rank
        self.lambda = lambda
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    /// Throws ``LowRankKernels/LinearAlgebraError/invalidArgument(argument:reason:)`` naming the bad option.
    public func validate() throws {
        func bad(_ name: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: name, reason: reason) }
        guard rank >= 1 else { throw bad("rank", "must be ≥ 1, got \(rank)") }
        guard lambda.isFinite, lambda >= 0 else { throw bad("lambda", "must be finite and ≥ 0, got \(lambda)") }
        guard maxIterations >= 0 else { throw bad("maxIterations", "must be ≥ 0, got \(maxIterations)") }
        guard tolerance.isFinite, tolerance >= 0 else { throw bad("tolerance", "must be finite and ≥ 0") }
    }
}

/// The outcome of ``MaskedNMF/fit(_:options:observer:)``.
public struct MaskedNMFResult: Sendable {
    /// The model: userFactors = Wᵀ (k × users), itemFactors = Hᵀ (k × items), all entries ≥ 0, no biases.
    public let model: FactorModel
    /// One record per sweep (objective below); non-increasing.
    public let history: [IterationRecord]
    /// `true` when the tolerance stopped the sweeps.
    public let converged: Bool

    /// The k non-negative summands w_uf · h_if of r̂_ui = Σ_f w_uf h_if (the additive "parts" of Lee & Seung 1999);
    /// empty when either index is out of range.
    public func parts(user u: Int, item i: Int) -> [Double] {
        let k = model.rank
        guard u >= 0, u < model.userFactors.columns, i >= 0, i < model.itemFactors.columns else { return [] }
        return (0..<k).map { f in model.userFactors.elements[f + u * k] * model.itemFactors.elements[f + i * k] }
    }
}

/// Non-negative matrix completion by masked HALS (hierarchical alternating least squares; Cichocki & Phan, IEICE
/// Trans. Fundamentals E92-A (2009); Gillis & Glineur, Neural Computation 24 (2012)) restricted to Ω:
///
///     min_{W ≥ 0, H ≥ 0}  ½ ‖P_Ω(M − W Hᵀ)‖²_F + λ/2 (‖W‖²_F + ‖H‖²_F).
///
/// For component f the problem in column W_{:,f} separates over users, and each scalar is minimised exactly:
/// w_uf ← max(0, Σ_{i∈Ω_u} h_if (R_ui + w_uf h_if) / (λ + Σ_{i∈Ω_u} h_if²)), with R = P_Ω(M − W Hᵀ) kept up to
/// date; then the same for every column of H. A sweep costs O(|Ω| k), never increases the objective, and unobserved
/// entries never enter it: the method sees only the values of the ``Ratings``.
public enum MaskedNMF {
    /// Fits the model; `observer` is called after every sweep.
    /// - Throws: ``LowRankKernels/LinearAlgebraError`` for invalid options or empty ratings.
    public static func fit(_ r: Ratings, options: MaskedNMFOptions = MaskedNMFOptions(),
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> MaskedNMFResult {
        try options.validate()
        guard r.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        let start = ContinuousClock.now
        let k = options.rank, m = r.userCount, n = r.itemCount, lambda = options.lambda
        let meanAbs = r.rowValues.reduce(0) { $0 + abs($1) } / Double(r.count)
        let scale = (meanAbs / Double(k)).squareRoot()
        var g = SeededGenerator(seed: options.seed)
        var w = (0..<(k * m)).map { _ in abs(g.normal()) * scale }
        var h = (0..<(k * n)).map { _ in abs(g.normal()) * scale }
        var res = SparseSupport.lowRankOnOmega(r, k: k, a: w, b: h)
        for e in res.indices { res[e] = r.rowValues[e] - res[e] }
        let csc = SparseSupport.cscToCsr(r)
        var history: [IterationRecord] = []
        var converged = false
        var previous = Double.infinity
        for iteration in 1...Swift.max(1, options.maxIterations) where options.maxIterations > 0 {
            res.withUnsafeMutableBufferPointer { pr in
                w.withUnsafeMutableBufferPointer { pw in
                    h.withUnsafeMutableBufferPointer { ph in
                        // W columns: users by CSR.
                        for f in 0..<k {
                            for u in 0..<m {
                                var num = 0.0, den = lambda
                                let old = pw[f + u * k]
                                for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
                                    let x = ph[f + Int(r.rowItems[e]) * k]
                                    num += x * (pr[e] + old * x)
                                    den += x * x
                                }
                                let new = den > 0 ? Swift.max(0, num / den) : 0
                                let delta = new - old
                                if delta != 0 {
                                    for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
                                        pr[e] -= delta * ph[f + Int(r.rowItems[e]) * k]
                                    }
                                }
                                pw[f + u * k] = new
                            }
                        }
                        // H columns: items by CSC (residual addressed through the CSR entry number).
                        for f in 0..<k {
                            for i in 0..<n {
                                var num = 0.0, den = lambda
                                let old = ph[f + i * k]
                                for p in r.columnOffsets[i]..<r.columnOffsets[i + 1] {
                                    let x = pw[f + Int(r.columnUsers[p]) * k]
                                    num += x * (pr[csc[p]] + old * x)
                                    den += x * x
                                }
                                let new = den > 0 ? Swift.max(0, num / den) : 0
                                let delta = new - old
                                if delta != 0 {
                                    for p in r.columnOffsets[i]..<r.columnOffsets[i + 1] {
                                        pr[csc[p]] -= delta * pw[f + Int(r.columnUsers[p]) * k]
                                    }
                                }
                                ph[f + i * k] = new
                            }
                        }
                    }
                }
            }
            // Recompute the residual exactly once per sweep so rounding cannot drift.
            res = SparseSupport.lowRankOnOmega(r, k: k, a: w, b: h)
            for e in res.indices { res[e] = r.rowValues[e] - res[e] }
            let sq = SparseSupport.sumOfSquares(res)
            let objective = 0.5 * sq + 0.5 * lambda * (SparseSupport.sumOfSquares(w) + SparseSupport.sumOfSquares(h))
            let record = IterationRecord(iteration: iteration, objective: objective,
                                         trainRMSE: (sq / Double(r.count)).squareRoot(),
                                         seconds: SparseSupport.seconds(since: start))
            history.append(record)
            observer(record, try SparseSupport.model(r, k: k, users: w, items: h))
            if options.tolerance > 0, previous - objective <= options.tolerance * Swift.max(objective, .leastNormalMagnitude) {
                converged = true
                break
            }
            previous = objective
        }
        return MaskedNMFResult(model: try SparseSupport.model(r, k: k, users: w, items: h), history: history,
                               converged: converged)
    }
}
