import LowRankKernels

/// Implicit-feedback alternating least squares (Hu, Koren & Volinsky, "Collaborative Filtering for Implicit Feedback
/// Datasets", ICDM 2008).
///
/// Every training rating is an interaction: preference p_ui = 1 with confidence c (``ConfidenceConvention``), and
/// every other pair has p_ui = 0 with confidence 1. The fit minimises
///
///     L = Σ_{u,i} c_ui (p_ui − x_uᵀ y_i)² + λ (Σ_u ‖x_u‖² + Σ_i ‖y_i‖²)
///
/// over all m·n pairs without forming them: with G = Σ_i y_i y_iᵀ = YᵀY computed once per half-sweep (one `dsyrk`),
/// user u's system is (G + (c − 1) Σ_{i∈Ω_u} y_i y_iᵀ + λI) x_u = c Σ_{i∈Ω_u} y_i, solved exactly
/// (``ImplicitRowSolver/cholesky``) or by a few conjugate-gradient steps from the current x_u
/// (``ImplicitRowSolver/conjugateGradient(steps:)``, as `implicit` does). Items are updated the same way with X.
/// Rows are solved in parallel, independently, so results are bit-identical for any thread count.
public enum ImplicitALS {
    /// Fixed number of row chunks for reductions, so sums group the same way whatever the thread count.
    static let reductionPieces = 64

    /// Fits the model; `observer` is called after every sweep with the record and the current model.
    /// - Throws: ``LinearAlgebraError`` for invalid options or empty ratings, or a row system that is not positive
    ///   definite (possible only with λ = 0).
    public static func fit(_ ratings: Ratings, options: ImplicitALSOptions = ImplicitALSOptions(),
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> ImplicitALSResult {
        try options.validate()
        guard ratings.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        return try RowParallel.withSingleThreadedBLAS {
            let start = ContinuousClock.now
            let k = options.rank, m = ratings.userCount, n = ratings.itemCount
            var rng = SeededGenerator(seed: options.seed)
            var x = (0..<(k * m)).map { _ in Double.random(in: 0..<1, using: &rng) * options.initialScale }
            var y = (0..<(k * n)).map { _ in Double.random(in: 0..<1, using: &rng) * options.initialScale }
            var history: [IterationRecord] = []
            func model() throws -> FactorModel {
                FactorModel(globalMean: 0, userBiases: [Double](repeating: 0, count: m),
                            itemBiases: [Double](repeating: 0, count: n),
                            userFactors: try Matrix(rows: k, columns: m, elements: x),
                            itemFactors: try Matrix(rows: k, columns: n, elements: y), userIds: ratings.userIds,
                            itemIds: ratings.itemIds, userIndex: ratings.userIndex, itemIndex: ratings.itemIndex)
            }
            var gramY = gram(y, k: k)
            for iteration in 0..<options.maxIterations {
                _ = try halfSweep(offsets: ratings.rowOffsets, indices: ratings.rowItems, other: y, gram: gramY,
                                  factors: &x, options: options)
                let gramX = gram(x, k: k)
                let observed = try halfSweep(offsets: ratings.columnOffsets, indices: ratings.columnUsers, other: x,
                                             gram: gramX, factors: &y, options: options, observedTerms: true)
                gramY = gram(y, k: k)
                let record = IterationRecord(iteration: iteration + 1,
                                             objective: objective(gramX: gramX, gramY: gramY, observedTerms: observed,
                                                                  x, y, options),
                                             trainRMSE: nil, seconds: ExplicitALS.seconds(since: start))
                history.append(record)
                observer(record, try model())
            }
            return ImplicitALSResult(model: try model(), history: history)
        }
    }

    /// G = Σ_j f_j f_jᵀ (k×k, both triangles filled) of the k × count factor block `f`.
    static func gram(_ f: [Double], k: Int) -> [Double] {
        var g = [Double](repeating: 0, count: k * k)
        let count = f.count / k
        f.withUnsafeBufferPointer { pf in
            g.withUnsafeMutableBufferPointer { pg in
                guard let a = pf.baseAddress, let c = pg.baseAddress else { return }
                BufferBLAS.syrkLower(n: k, k: count, a: a, lda: k, c: c, ldc: k)
                BufferBLAS.mirrorLower(n: k, c: c, ldc: k)
            }
        }
        return g
    }

    /// Updates every row of one side against the other side's fixed factors `other` (k × count, column j = f_j), whose
    /// Gram `g` = Σ_j f_j f_jᵀ (both triangles) the caller computed, in the arithmetic of
    /// ``ImplicitALSOptions/precision`` (the row products only; G and the row solve stay float64).
    ///
    /// With `observedTerms`, it also returns Σ_r Σ_{j∈Ω_r} [c (1 − s_rj)² − s_rj²] with s_rj = f_jᵀ x_r for the new x_r
    /// (one `gemv` on the gathered block per row; the observed-pair part of the objective, see
    /// ``objective(gramX:gramY:observedTerms:_:_:_:)``), added in row order; otherwise 0.
    static func halfSweep(offsets: [Int], indices: [Int32], other: [Double], gram g: [Double], factors: inout [Double],
                          options: ImplicitALSOptions, observedTerms: Bool = false) throws -> Double {
        let k = options.rank
        switch options.precision {
        case .double:
            return try other.withUnsafeBufferPointer { po in
                let source = RowGramSource(rank: k, dimension: k, double: po.baseAddress, single: nil)
                return try halfSweep(DoubleImplicitRowBlock.self, source: source, offsets: offsets, indices: indices,
                                     gram: g, factors: &factors, options: options, observedTerms: observedTerms)
            }
        case .mixed:
            let single = other.map(Float.init)
            return try single.withUnsafeBufferPointer { po in
                let source = RowGramSource(rank: k, dimension: k, double: nil, single: po.baseAddress)
                return try halfSweep(MixedImplicitRowBlock.self, source: source, offsets: offsets, indices: indices,
                                     gram: g, factors: &factors, options: options, observedTerms: observedTerms)
            }
        }
    }

    /// The row loop of ``halfSweep(offsets:indices:other:gram:factors:options:observedTerms:)``, once for every
    /// ``ImplicitRowBlock``.
    private static func halfSweep<Block: ImplicitRowBlock>(
        _: Block.Type, source: RowGramSource, offsets: [Int], indices: [Int32], gram g: [Double],
        factors: inout [Double], options: ImplicitALSOptions, observedTerms: Bool) throws -> Double {
        let k = options.rank
        let c = options.interactionConfidence, cMinusOne = c - 1, lambda = options.lambda
        let solver = options.solver
        let parts = RowParallel.chunks(offsets: offsets, pieces: reductionPieces)
        var terms = [Double](repeating: 0, count: observedTerms ? Swift.max(0, offsets.count - 1) : 0)
        try terms.withUnsafeMutableBufferPointer { pterms in
        nonisolated(unsafe) let pterms = pterms
        try factors.withUnsafeMutableBufferPointer { pfac in
            try g.withUnsafeBufferPointer { pgram in
                try indices.withUnsafeBufferPointer { pind in
                    nonisolated(unsafe) let (pfac, pgram, pind) = (pfac, pgram, pind)
                    try RowParallel.run(threads: options.threads, chunks: parts) { rows in
                        var maxCount = 1
                        for r in rows { maxCount = Swift.max(maxCount, offsets[r + 1] - offsets[r]) }
                        var block = Block(source: source, maxCount: maxCount)
                        defer { block.deallocate() }
                        var work = [Double](repeating: 0, count: k * k + 5 * k + maxCount)
                        try work.withUnsafeMutableBufferPointer { pw in
                            guard let base = pw.baseAddress, let gram = pgram.baseAddress, let fac = pfac.baseAddress,
                                  let ind = pind.baseAddress else { return }
                            let a = base, rhs = a + k * k, rv = rhs + k, pv = rv + k, av = pv + k, tmp = av + k
                            for row in rows {
                                let lo = offsets[row], count = offsets[row + 1] - lo
                                let xr = fac + row * k
                                if count == 0 {
                                    for t in 0..<k { xr[t] = 0 }
                                    continue
                                }
                                block.load(columns: ind + lo, count: count)
                                block.scaledSum(c, into: rhs)                       // b = c Σ_{i∈Ω} f_i
                                switch solver {
                                case .cholesky:
                                    for t in 0..<(k * k) { a[t] = gram[t] }
                                    block.addGram(cMinusOne, into: a)
                                    for t in 0..<k { a[t + t * k] += lambda }
                                    let info = BufferLAPACK.choleskySolve(n: k, nrhs: 1, a: a, lda: k, b: rhs, ldb: k)
                                    guard info == 0 else {
                                        throw LinearAlgebraError.notPositiveDefinite(routine: "implicit ALS row \(row) (dpotrf)", order: info)
                                    }
                                    for t in 0..<k { xr[t] = rhs[t] }
                                case .conjugateGradient(let steps):
                                    // A v = G v + (c − 1) B (Bᵀ v) + λ v.
                                    func apply(_ v: UnsafeMutablePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
                                        BufferBLAS.gemv(.none, m: k, n: k, a: gram, lda: k, x: v, y: out)
                                        block.addGramProduct(cMinusOne, v, into: out)
                                        for t in 0..<k { out[t] += lambda * v[t] }
                                    }
                                    apply(xr, av)
                                    var rs = 0.0
                                    for t in 0..<k { rv[t] = rhs[t] - av[t]; pv[t] = rv[t]; rs += rv[t] * rv[t] }
                                    for _ in 0..<steps {
                                        if rs < 1e-20 { break }
                                        apply(pv, av)
                                        var pap = 0.0
                                        for t in 0..<k { pap += pv[t] * av[t] }
                                        guard pap > 0 else { break }
                                        let step = rs / pap
                                        var next = 0.0
                                        for t in 0..<k {
                                            xr[t] += step * pv[t]
                                            rv[t] -= step * av[t]
                                            next += rv[t] * rv[t]
                                        }
                                        if next < 1e-20 { break }
                                        let beta = next / rs
                                        for t in 0..<k { pv[t] = rv[t] + beta * pv[t] }
                                        rs = next
                                    }
                                }
                                if observedTerms {
                                    block.scores(xr, into: tmp)
                                    var sum = 0.0
                                    for j in 0..<count { sum += c * (1 - tmp[j]) * (1 - tmp[j]) - tmp[j] * tmp[j] }
                                    pterms[row] = sum
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        return terms.reduce(0, +)
    }

    /// L = Σ_u x_uᵀ G_Y x_u + Σ_Ω [c (1 − s_ui)² − s_ui²] + λ(‖X‖² + ‖Y‖²) with s_ui = x_uᵀ y_i: the sum over all
    /// pairs, with the observed pairs corrected. Σ_u x_uᵀ G_Y x_u = ⟨G_Y, G_X⟩ (Frobenius), from the two Grams the
    /// sweep forms anyway; the observed part comes from the item half-sweep (`observedTerms`).
    static func objective(gramX: [Double], gramY: [Double], observedTerms: Double, _ x: [Double], _ y: [Double],
                          _ options: ImplicitALSOptions) -> Double {
        var all = 0.0
        for t in 0..<Swift.min(gramX.count, gramY.count) { all += gramY[t] * gramX[t] }
        let norms = x.reduce(0) { $0 + $1 * $1 } + y.reduce(0) { $0 + $1 * $1 }
        return all + observedTerms + options.lambda * norms
    }
}
