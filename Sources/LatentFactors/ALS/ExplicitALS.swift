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
        return try RowParallel.withSingleThreadedBLAS {
            try fitSingleThreadedBLAS(ratings, options: options, initial: initial, observer: observer)
        }
    }

    static func fitSingleThreadedBLAS(_ ratings: Ratings, options: ExplicitALSOptions, initial: FactorModel?,
                                      observer: (IterationRecord, FactorModel) -> Void) throws -> ExplicitALSResult {
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
            // The item half-sweep returns the residual sum and squares of the fit it leaves (see solveRows); the μ step
            // δ = Σr/|Ω| then lowers the squares by δΣr (Σ(r − δ)² = Σr² − δΣr).
            var (sum, squares) = try solveRows(offsets: ratings.columnOffsets, indices: ratings.columnUsers,
                                               values: ratings.columnValues, other: userFactors, otherBiases: userBiases,
                                               mu: mu, options: options, factors: &itemFactors, biases: &itemBiases)
            if options.biases {
                let delta = sum / Double(ratings.count)
                mu += delta
                squares = Swift.max(0, squares - delta * sum)
            }
            let (objective, rmse) = evaluate(ratings, userFactors, itemFactors, userBiases, itemBiases, squares: squares,
                                             options)
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

    /// Solves every row of one side: for row r, (B Bᵀ + λ w_r I) x = B y with B = [F_{:,j}; 1]_{j∈Ω_r}, in parallel
    /// over chunks of rows (``RowParallel``). Per row: gather B (d × n_r) into the chunk's workspace, form the lower
    /// triangle of B Bᵀ by one `dsyrk` and B y by one `dgemv`, then solve by LAPACK Cholesky (`dpotrf`/`dpotrs`).
    ///
    /// It also returns Σ_r (Σ_j y_j − zᵀ B 1) and Σ_r ‖y − Bᵀz‖², the residual sum and squares of this side's fit:
    /// with G = B Bᵀ and (G + λw I) z = B y, ‖y − Bᵀz‖² = ‖y‖² − 2 zᵀB y + zᵀG z = ‖y‖² − zᵀ B y − λw‖z‖², so the
    /// training loss after the half-sweep costs O(d) per row instead of a pass over the ratings. Row sums are added
    /// in row order (the same for any thread count).
    @discardableResult
    static func solveRows(offsets: [Int], indices: [Int32], values: [Double], other: Matrix<Double>,
                          otherBiases: [Double], mu: Double, options: ExplicitALSOptions,
                          factors: inout Matrix<Double>, biases: inout [Double]) throws -> (sum: Double, squares: Double) {
        var stats = [Double](repeating: 0, count: 2 * Swift.max(0, offsets.count - 1))
        let k = options.rank
        let useBiases = options.biases
        let d = useBiases ? k + 1 : k
        let lambda = options.lambda, countScaled = options.scaling == .countScaled
        let parts = RowParallel.chunks(offsets: offsets, pieces: 8 * options.threads)
        var out = factors.elements
        try out.withUnsafeMutableBufferPointer { pf in
            try biases.withUnsafeMutableBufferPointer { pb in
                try other.elements.withUnsafeBufferPointer { po in
                    try otherBiases.withUnsafeBufferPointer { pc in
                        try indices.withUnsafeBufferPointer { pi in
                            try values.withUnsafeBufferPointer { pv in
                              try stats.withUnsafeMutableBufferPointer { ps in
                                nonisolated(unsafe) let (pf, pb, po, pc, pi, pv, ps) = (pf, pb, po, pc, pi, pv, ps)
                                try RowParallel.run(threads: options.threads, chunks: parts) { rows in
                                    var maxCount = 1
                                    for r in rows { maxCount = Swift.max(maxCount, offsets[r + 1] - offsets[r]) }
                                    var block = [Double](repeating: 0, count: d * maxCount)
                                    var y = [Double](repeating: 0, count: maxCount)
                                    var gram = [Double](repeating: 0, count: d * d)
                                    var rhs = [Double](repeating: 0, count: d)
                                    var rhs0 = [Double](repeating: 0, count: d)
                                    var ones = [Double](repeating: 1, count: maxCount)
                                    var column = [Double](repeating: 0, count: d)
                                    for r in rows {
                                        let lo = offsets[r], count = offsets[r + 1] - lo
                                        if count == 0 {
                                            for a in 0..<k { pf[a + r * k] = 0 }
                                            pb[r] = 0
                                            continue
                                        }
                                        try block.withUnsafeMutableBufferPointer { bb in
                                            try y.withUnsafeMutableBufferPointer { yy in
                                                try gram.withUnsafeMutableBufferPointer { gg in
                                                    try rhs.withUnsafeMutableBufferPointer { rr in
                                                        guard let b = bb.baseAddress, let yv = yy.baseAddress,
                                                              let g = gg.baseAddress, let x = rr.baseAddress else { return }
                                                        guard let others = po.baseAddress else { return }
                                                        for j in 0..<count {
                                                            let c = Int(pi[lo + j])
                                                            (b + j * d).update(from: others + c * k, count: k)
                                                            if useBiases {
                                                                b[j * d + k] = 1
                                                                yv[j] = pv[lo + j] - mu - pc[c]
                                                            } else {
                                                                yv[j] = pv[lo + j]
                                                            }
                                                        }
                                                        BufferBLAS.syrkLower(n: d, k: count, a: b, lda: d, c: g, ldc: d)
                                                        BufferBLAS.gemv(.none, m: d, n: count, a: b, lda: d, x: yv, y: x)
                                                        let shift = lambda * (countScaled ? Double(count) : 1)
                                                        for a in 0..<d { g[a + a * d] += shift }
                                                        for a in 0..<d { rhs0[a] = x[a] }
                                                        ones.withUnsafeBufferPointer { po1 in
                                                            column.withUnsafeMutableBufferPointer { pcol in
                                                                guard let o1 = po1.baseAddress, let cs = pcol.baseAddress else { return }
                                                                BufferBLAS.gemv(.none, m: d, n: count, a: b, lda: d, x: o1, y: cs)
                                                            }
                                                        }
                                                        var ySum = 0.0, ySquares = 0.0
                                                        for j in 0..<count { ySum += yv[j]; ySquares += yv[j] * yv[j] }
                                                        let info = BufferLAPACK.choleskySolve(n: d, nrhs: 1, a: g, lda: d,
                                                                                              b: x, ldb: d)
                                                        guard info == 0 else {
                                                            throw LinearAlgebraError.notPositiveDefinite(routine: "ALS row \(r) (dpotrf)",
                                                                                                         order: info)
                                                        }
                                                        for a in 0..<k { pf[a + r * k] = x[a] }
                                                        pb[r] = useBiases ? x[k] : 0
                                                        var zRhs = 0.0, zNorm = 0.0, zColumn = 0.0
                                                        for a in 0..<d {
                                                            zRhs += x[a] * rhs0[a]
                                                            zNorm += x[a] * x[a]
                                                            zColumn += x[a] * column[a]
                                                        }
                                                        ps[2 * r] = ySum - zColumn
                                                        ps[2 * r + 1] = Swift.max(0, ySquares - zRhs - shift * zNorm)
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
          }
        }
        factors = try Matrix(rows: k, columns: offsets.count - 1, elements: out)
        var sum = 0.0, squares = 0.0
        for r in 0..<(offsets.count - 1) { sum += stats[2 * r]; squares += stats[2 * r + 1] }
        return (sum, squares)
    }

    /// Σ_Ω (M_ui − r̂_ui) and Σ_Ω (M_ui − r̂_ui)², in parallel over a fixed set of row chunks whose partial sums
    /// are added in chunk order (the same grouping for any thread count).
    static func residualSum(_ ratings: Ratings, _ uf: Matrix<Double>, _ vf: Matrix<Double>, _ b: [Double],
                            _ c: [Double], _ mu: Double, threads: Int = 1) -> (sum: Double, squares: Double) {
        let k = uf.rows
        let parts = RowParallel.chunks(offsets: ratings.rowOffsets, pieces: ImplicitALS.reductionPieces)
        var sums = [Double](repeating: 0, count: 2 * parts.count)
        uf.elements.withUnsafeBufferPointer { pu in
            vf.elements.withUnsafeBufferPointer { pv in
                ratings.rowItems.withUnsafeBufferPointer { pi in
                    ratings.rowValues.withUnsafeBufferPointer { px in
                        ratings.rowOffsets.withUnsafeBufferPointer { po in
                            sums.withUnsafeMutableBufferPointer { ps in
                                nonisolated(unsafe) let (pu, pv, pi, px, po, ps) = (pu, pv, pi, px, po, ps)
                                try? RowParallel.run(threads: threads, chunks: parts) { rows in
                                    guard let u0 = pu.baseAddress, let v0 = pv.baseAddress else { return }
                                    var sum = 0.0, squares = 0.0
                                    for u in rows {
                                        let bu = mu + b[u]
                                        for e in po[u]..<po[u + 1] {
                                            let i = Int(pi[e])
                                            let r = px[e] - (bu + c[i] + dot(u0 + u * k, v0 + i * k, k))
                                            sum += r
                                            squares += r * r
                                        }
                                    }
                                    if let index = parts.firstIndex(of: rows) { ps[2 * index] = sum; ps[2 * index + 1] = squares }
                                }
                            }
                        }
                    }
                }
            }
        }
        var sum = 0.0, squares = 0.0
        for index in 0..<parts.count { sum += sums[2 * index]; squares += sums[2 * index + 1] }
        return (sum, squares)
    }

    /// The objective and the training RMSE.
    static func evaluate(_ ratings: Ratings, _ uf: Matrix<Double>, _ vf: Matrix<Double>, _ b: [Double],
                         _ c: [Double], squares: Double, _ options: ExplicitALSOptions) -> (Double, Double) {
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
