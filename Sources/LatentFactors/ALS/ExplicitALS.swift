import LowRankKernels

/// Explicit-feedback alternating least squares with weight decay.
///
/// Minimises
///
///     ½ Σ_{(u,i)∈Ω} (μ + b_u + c_i + u_uᵀ v_i − M_ui)² + λ/2 (Σ_u w_u (‖u_u‖² + b_u²) + Σ_i w_i (‖v_i‖² + c_i²))
///
/// with w = 1 (``RegularizationScaling/plain``) or w_u = n_u, w_i = n_i (``RegularizationScaling/countScaled``,
/// ALS-WR); μ is not penalised. Each sweep solves exactly for every user's (u_u, b_u) with V, c, μ fixed, then for
/// every item's (v_i, c_i), then for μ (the mean residual), so the objective never increases. The row problem of user
/// u is the ridge system (B Bᵀ + λ w_u I) x = B y, where B is the (k+1) × n_u block gathering [v_i; 1] for the items
/// rated by u and y_i = M_ui − μ − c_i: B is gathered into a contiguous buffer and its Gram formed by one BLAS `gemm`
/// (not by n_u rank-1 updates), then solved by Cholesky (LAPACK `potrf`/`potrs`). A row without ratings gets zero
/// factors and bias. Without biases the block is k × n_u and y_i = M_ui.
///
/// The fit is single-threaded and each row's solve depends only on the other side's factors, so results are
/// reproducible from ``ExplicitALSOptions/seed``.
public enum ExplicitALS {
    /// Fits the model to `ratings`; `observer` is called after every sweep.
    ///
    /// Warm start: when `initial` is given and its item factors are k × itemCount (the options' rank and these
    /// ratings' items) with finite entries, the first sweep starts from them instead of the seeded random factors;
    /// with ``ExplicitALSOptions/biases`` it also starts from `initial`'s item biases (when there is one per item)
    /// and μ. Only the shapes are checked: `initial` must index items as `ratings` does (e.g. a model fitted on the
    /// same training set with another λ). Otherwise the seeded start is used, as without `initial`.
    /// - Throws: ``LinearAlgebraError`` for invalid options (see ``ExplicitALSOptions/validate()``), empty ratings, or a
    ///   row system that is not positive definite (possible only with λ = 0).
    public static func fit(_ ratings: Ratings, options: ExplicitALSOptions = ExplicitALSOptions(),
                           initial: FactorModel? = nil,
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> ExplicitALSResult {
        try options.validate()
        guard ratings.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        let start = ContinuousClock.now
        let k = options.rank
        let m = ratings.userCount, n = ratings.itemCount
        var rng = SeededGenerator(seed: options.seed)
        var itemFactors = Matrix<Double>.randomNormal(rows: k, columns: n, using: &rng)
            .scaled(by: options.initialScale / Double(k).squareRoot())
        var userFactors = Matrix<Double>(rows: k, columns: m)
        var userBiases = [Double](repeating: 0, count: m)
        var itemBiases = [Double](repeating: 0, count: n)
        var mu = options.biases ? ratings.mean : 0
        if let initial, initial.itemFactors.rows == k, initial.itemFactors.columns == n, initial.itemFactors.isFinite {
            itemFactors = initial.itemFactors
            if options.biases, initial.itemBiases.count == n, initial.itemBiases.allSatisfy(\.isFinite),
               initial.globalMean.isFinite {
                itemBiases = initial.itemBiases
                mu = initial.globalMean
            }
        }
        var history: [IterationRecord] = []
        var converged = false
        var previous = Double.infinity

        for iteration in 0..<options.maxIterations {
            try solveRows(offsets: ratings.rowOffsets, indices: ratings.rowItems, values: ratings.rowValues,
                          other: itemFactors, otherBiases: itemBiases, mu: mu, options: options,
                          factors: &userFactors, biases: &userBiases)
            try solveRows(offsets: ratings.columnOffsets, indices: ratings.columnUsers, values: ratings.columnValues,
                          other: userFactors, otherBiases: userBiases, mu: mu, options: options,
                          factors: &itemFactors, biases: &itemBiases)
            if options.biases {
                mu += residualSum(ratings, userFactors, itemFactors, userBiases, itemBiases, mu).sum / Double(ratings.count)
            }
            let (objective, rmse) = evaluate(ratings, userFactors, itemFactors, userBiases, itemBiases, mu, options)
            let record = IterationRecord(iteration: iteration + 1, objective: objective, trainRMSE: rmse,
                                         seconds: seconds(since: start))
            history.append(record)
            observer(record, FactorModel(globalMean: mu, userBiases: userBiases, itemBiases: itemBiases,
                                         userFactors: userFactors, itemFactors: itemFactors, userIds: ratings.userIds,
                                         itemIds: ratings.itemIds, userIndex: ratings.userIndex,
                                         itemIndex: ratings.itemIndex))
            if options.tolerance > 0, previous - objective <= options.tolerance * Swift.max(objective, .leastNormalMagnitude) {
                converged = true
                break
            }
            previous = objective
        }
        let model = FactorModel(globalMean: mu, userBiases: userBiases, itemBiases: itemBiases,
                                     userFactors: userFactors, itemFactors: itemFactors, userIds: ratings.userIds,
                                     itemIds: ratings.itemIds, userIndex: ratings.userIndex,
                                     itemIndex: ratings.itemIndex)
        return ExplicitALSResult(model: model, history: history, converged: converged)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Solves every row of one side: for row r, (B Bᵀ + λ w_r I) x = B y with B = [F_{:,j}; 1]_{j∈Ω_r}.
    static func solveRows(offsets: [Int], indices: [Int32], values: [Double], other: Matrix<Double>,
                          otherBiases: [Double], mu: Double, options: ExplicitALSOptions,
                          factors: inout Matrix<Double>, biases: inout [Double]) throws {
        let k = options.rank
        let d = options.biases ? k + 1 : k
        let rows = offsets.count - 1
        var maxCount = 0
        for r in 0..<rows { maxCount = Swift.max(maxCount, offsets[r + 1] - offsets[r]) }
        var block = [Double](repeating: 0, count: d * Swift.max(1, maxCount))
        var y = [Double](repeating: 0, count: Swift.max(1, maxCount))
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        let otherElements = other.elements
        for r in 0..<rows {
            let lo = offsets[r], count = offsets[r + 1] - lo
            if count == 0 {
                for a in 0..<k { factors[a, r] = 0 }
                biases[r] = 0
                continue
            }
            // Gather the d × n_r block and the targets.
            for j in 0..<count {
                let c = Int(indices[lo + j])
                for a in 0..<k { block[a + j * d] = otherElements[a + c * k] }
                if options.biases {
                    block[k + j * d] = 1
                    y[j] = values[lo + j] - mu - otherBiases[c]
                } else {
                    y[j] = values[lo + j]
                }
            }
            // Gram B Bᵀ by one gemm, right-hand side B y by one gemv (all buffers hold at least one element).
            block.withUnsafeBufferPointer { pb in
                gram.withUnsafeMutableBufferPointer { pg in
                    guard let b = pb.baseAddress, let c = pg.baseAddress else { return }
                    BufferBLAS.gemm(.none, .transpose, m: d, n: d, k: count, a: b, lda: d, b: b, ldb: d, c: c, ldc: d)
                }
                y.withUnsafeBufferPointer { py in
                    rhs.withUnsafeMutableBufferPointer { pr in
                        guard let b = pb.baseAddress, let x = py.baseAddress, let r = pr.baseAddress else { return }
                        BufferBLAS.gemv(.none, m: d, n: count, a: b, lda: d, x: x, y: r)
                    }
                }
            }
            let weight = options.scaling == .countScaled ? Double(count) : 1
            for a in 0..<d { gram[a + a * d] += options.lambda * weight }
            let g = try Matrix<Double>(rows: d, columns: d, elements: gram)
            let x = try g.cholesky().solve(try Matrix<Double>(rows: d, columns: 1, elements: rhs))
            for a in 0..<k { factors[a, r] = x.elements[a] }
            biases[r] = options.biases ? x.elements[k] : 0
        }
    }

    /// Σ_Ω (M_ui − r̂_ui) and Σ_Ω (M_ui − r̂_ui)².
    static func residualSum(_ ratings: Ratings, _ uf: Matrix<Double>, _ vf: Matrix<Double>, _ b: [Double],
                            _ c: [Double], _ mu: Double) -> (sum: Double, squares: Double) {
        let k = uf.rows
        var sum = 0.0, squares = 0.0
        uf.elements.withUnsafeBufferPointer { pu in
            vf.elements.withUnsafeBufferPointer { pv in
                for u in 0..<ratings.userCount {
                    for e in ratings.rowOffsets[u]..<ratings.rowOffsets[u + 1] {
                        let i = Int(ratings.rowItems[e])
                        var dot = 0.0
                        for a in 0..<k { dot += pu[a + u * k] * pv[a + i * k] }
                        let r = ratings.rowValues[e] - (mu + b[u] + c[i] + dot)
                        sum += r
                        squares += r * r
                    }
                }
            }
        }
        return (sum, squares)
    }

    /// The objective and the training RMSE.
    static func evaluate(_ ratings: Ratings, _ uf: Matrix<Double>, _ vf: Matrix<Double>, _ b: [Double],
                         _ c: [Double], _ mu: Double, _ options: ExplicitALSOptions) -> (Double, Double) {
        let squares = residualSum(ratings, uf, vf, b, c, mu).squares
        let k = uf.rows
        func penalty(_ f: Matrix<Double>, _ bias: [Double], _ count: (Int) -> Int) -> Double {
            var total = 0.0
            for r in 0..<f.columns {
                var s = bias[r] * bias[r]
                for a in 0..<k { s += f.elements[a + r * k] * f.elements[a + r * k] }
                total += (options.scaling == .countScaled ? Double(count(r)) : 1) * s
            }
            return total
        }
        let reg = penalty(uf, b) { ratings.count(user: $0) } + penalty(vf, c) { ratings.count(item: $0) }
        return (0.5 * squares + 0.5 * options.lambda * reg, (squares / Double(ratings.count)).squareRoot())
    }
}
