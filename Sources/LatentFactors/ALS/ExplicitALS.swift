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
/// rated by u and y_i = M_ui − μ − c_i: B is gathered into a contiguous buffer and the lower triangle of its Gram
/// formed by one BLAS `syrk` (not by n_u rank-1 updates), in float64 or, with ``GramPrecision/mixed``, in float32;
/// the system is solved by Cholesky (LAPACK `potrf`/`potrs`) in float64. A row without ratings gets zero factors and
/// bias. Without biases the block is k × n_u and y_i = M_ui.
///
/// Rows of one side are solved in parallel (``ExplicitALSOptions/threads``, BLAS single-threaded inside); each row's
/// solve depends only on the other side's factors, so results are bit-identical for any thread count and
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
    /// over chunks of rows (``RowParallel``). Per row: y_j = M_rj − μ − c_j (with biases; else M_rj), then the
    /// normal equations G = B Bᵀ, B y and B 1 in the options' ``GramPrecision`` (``RowNormalEquations``: gather B into
    /// the chunk's workspace, one `syrk` and two `gemv`), then LAPACK Cholesky (`dpotrf`/`dpotrs`) in float64.
    ///
    /// It also returns Σ_r (Σ_j y_j − zᵀ B 1) (with biases, for the μ step; 0 without) and Σ_r ‖y − Bᵀz‖², the residual
    /// sum and squares of this side's fit:
    /// with G = B Bᵀ and (G + λw I) z = B y, ‖y − Bᵀz‖² = ‖y‖² − 2 zᵀB y + zᵀG z = ‖y‖² − zᵀ B y − λw‖z‖², so the
    /// training loss after the half-sweep costs O(d) per row instead of a pass over the ratings. Row sums are added
    /// in row order (the same for any thread count).
    @discardableResult
    static func solveRows(offsets: [Int], indices: [Int32], values: [Double], other: Matrix<Double>,
                          otherBiases: [Double], mu: Double, options: ExplicitALSOptions,
                          factors: inout Matrix<Double>, biases: inout [Double]) throws -> (sum: Double, squares: Double) {
        let k = options.rank
        let d = options.biases ? k + 1 : k
        switch options.gramPrecision {
        case .double:
            return try other.elements.withUnsafeBufferPointer { po in
                let source = RowGramSource(rank: k, dimension: d, double: po.baseAddress, single: nil)
                return try solveRows(DoubleRowNormalEquations.self, source: source, offsets: offsets, indices: indices,
                                     values: values, otherBiases: otherBiases, mu: mu, options: options,
                                     factors: &factors, biases: &biases)
            }
        case .mixed:
            let single = other.elements.map(Float.init)
            return try single.withUnsafeBufferPointer { po in
                let source = RowGramSource(rank: k, dimension: d, double: nil, single: po.baseAddress)
                return try solveRows(MixedRowNormalEquations.self, source: source, offsets: offsets, indices: indices,
                                     values: values, otherBiases: otherBiases, mu: mu, options: options,
                                     factors: &factors, biases: &biases)
            }
        }
    }

    /// The row loop of ``solveRows(offsets:indices:values:other:otherBiases:mu:options:factors:biases:)``, written
    /// once for every ``RowNormalEquations``.
    static func solveRows<Equations: RowNormalEquations>(
        _: Equations.Type, source: RowGramSource, offsets: [Int], indices: [Int32], values: [Double],
        otherBiases: [Double], mu: Double, options: ExplicitALSOptions,
        factors: inout Matrix<Double>, biases: inout [Double]
    ) throws -> (sum: Double, squares: Double) {
        let rowCount = Swift.max(0, offsets.count - 1)
        let k = source.rank, d = source.dimension
        let useBiases = d > k
        let lambda = options.lambda, countScaled = options.scaling == .countScaled
        let parts = RowParallel.chunks(offsets: offsets, pieces: 8 * options.threads)
        var stats = [Double](repeating: 0, count: 2 * rowCount)
        var newBiases = [Double](repeating: 0, count: rowCount)
        let solved = try [Double](unsafeUninitializedCapacity: k * rowCount) { pf, initialized in
            try newBiases.withUnsafeMutableBufferPointer { pb in
                try stats.withUnsafeMutableBufferPointer { ps in
                    try indices.withUnsafeBufferPointer { pi in
                        try values.withUnsafeBufferPointer { pv in
                            try otherBiases.withUnsafeBufferPointer { pc in
                                nonisolated(unsafe) let (pf, pb, ps, pi, pv, pc) = (pf, pb, ps, pi, pv, pc)
                                try RowParallel.run(threads: options.threads, chunks: parts) { rows in
                                    guard let out = pf.baseAddress, let columns = pi.baseAddress else { return }
                                    var maxCount = 1
                                    for r in rows { maxCount = Swift.max(maxCount, offsets[r + 1] - offsets[r]) }
                                    var equations = Equations(source: source, maxCount: maxCount)
                                    let workspace = UnsafeMutablePointer<Double>.allocate(capacity: maxCount + d * d + 3 * d)
                                    defer { equations.deallocate(); workspace.deallocate() }
                                    let y = workspace, gram = y + maxCount, x = gram + d * d
                                    let rhs = x + d, column = rhs + d
                                    for r in rows {
                                        let lo = offsets[r], count = offsets[r + 1] - lo
                                        let solution = out + r * k
                                        guard count > 0 else {
                                            solution.update(repeating: 0, count: k)
                                            continue
                                        }
                                        var ySum = 0.0, ySquares = 0.0
                                        for j in 0..<count {
                                            let target = useBiases ? pv[lo + j] - mu - pc[Int(pi[lo + j])] : pv[lo + j]
                                            y[j] = target
                                            ySum += target
                                            ySquares += target * target
                                        }
                                        equations.form(columns: columns + lo, count: count, y: y, gram: gram, rhs: rhs,
                                                       column: column)
                                        let shift = lambda * (countScaled ? Double(count) : 1)
                                        for a in 0..<d {
                                            gram[a + a * d] += shift
                                            x[a] = rhs[a]
                                        }
                                        let info = BufferLAPACK.choleskySolve(n: d, nrhs: 1, a: gram, lda: d, b: x, ldb: d)
                                        guard info == 0 else {
                                            throw LinearAlgebraError.notPositiveDefinite(routine: "ALS row \(r) (dpotrf)",
                                                                                         order: info)
                                        }
                                        solution.update(from: x, count: k)
                                        pb[r] = useBiases ? x[k] : 0
                                        var zRhs = 0.0, zNorm = 0.0, zColumn = 0.0
                                        for a in 0..<d {
                                            zRhs += x[a] * rhs[a]
                                            zNorm += x[a] * x[a]
                                        }
                                        if useBiases { for a in 0..<d { zColumn += x[a] * column[a] } }
                                        ps[2 * r] = useBiases ? ySum - zColumn : 0
                                        ps[2 * r + 1] = Swift.max(0, ySquares - zRhs - shift * zNorm)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = k * rowCount
        }
        factors = try Matrix(rows: k, columns: rowCount, elements: solved)
        biases = newBiases
        var sum = 0.0, squares = 0.0
        for r in 0..<rowCount { sum += stats[2 * r]; squares += stats[2 * r + 1] }
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
        let reg = penalty(uf, b, first: 0, options) { ratings.count(user: $0) }
            + penalty(vf, c, first: 0, options) { ratings.count(item: $0) }
        return (0.5 * squares + 0.5 * options.lambda * reg, (squares / Double(ratings.count)).squareRoot())
    }

    /// Σ_r w_r (‖f_r‖² + b_r²) over the columns of `factors` (rows `first`, `first + 1`, … of the side; w_r = n_r
    /// when count-scaled, else 1), the regularization term of the objective.
    static func penalty(_ factors: Matrix<Double>, _ biases: [Double], first: Int, _ options: ExplicitALSOptions,
                        _ count: (Int) -> Int) -> Double {
        let k = factors.rows
        var total = 0.0
        factors.elements.withUnsafeBufferPointer { f in
            for r in 0..<factors.columns {
                var s = biases[r] * biases[r]
                for a in 0..<k { s += f[a + r * k] * f[a + r * k] }
                total += (options.scaling == .countScaled ? Double(count(first + r)) : 1) * s
            }
        }
        return total
    }
}
