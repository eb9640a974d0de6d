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
            for iteration in 0..<options.maxIterations {
                try halfSweep(offsets: ratings.rowOffsets, indices: ratings.rowItems, other: y, factors: &x, options: options)
                try halfSweep(offsets: ratings.columnOffsets, indices: ratings.columnUsers, other: x, factors: &y,
                              options: options)
                let record = IterationRecord(iteration: iteration + 1,
                                             objective: objective(ratings, x, y, options), trainRMSE: nil,
                                             seconds: ExplicitALS.seconds(since: start))
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
                for j in 0..<k { for i in (j + 1)..<Swift.max(j + 1, k) { c[j + i * k] = c[i + j * k] } }
            }
        }
        return g
    }

    /// Updates every row of one side against the other side's fixed factors `other` (k × count, column j = f_j).
    static func halfSweep(offsets: [Int], indices: [Int32], other: [Double], factors: inout [Double],
                          options: ImplicitALSOptions) throws {
        let k = options.rank
        let g = gram(other, k: k)
        let c = options.interactionConfidence, cMinusOne = c - 1, lambda = options.lambda
        let solver = options.solver
        let parts = RowParallel.chunks(offsets: offsets, pieces: reductionPieces)
        try factors.withUnsafeMutableBufferPointer { pfac in
            try other.withUnsafeBufferPointer { pother in
                try g.withUnsafeBufferPointer { pgram in
                    try indices.withUnsafeBufferPointer { pind in
                        nonisolated(unsafe) let (pfac, pother, pgram, pind) = (pfac, pother, pgram, pind)
                        try RowParallel.run(threads: options.threads, chunks: parts) { rows in
                            var maxCount = 1
                            for r in rows { maxCount = Swift.max(maxCount, offsets[r + 1] - offsets[r]) }
                            var work = [Double](repeating: 0, count: k * maxCount + k * k + 5 * k + 2 * maxCount)
                            try work.withUnsafeMutableBufferPointer { pw in
                                guard let base = pw.baseAddress, let gram = pgram.baseAddress,
                                      let others = pother.baseAddress, let fac = pfac.baseAddress else { return }
                                let block = base, a = base + k * maxCount, rhs = a + k * k, rv = rhs + k, pv = rv + k
                                let av = pv + k, tmp = av + k, ones = tmp + maxCount
                                for j in 0..<maxCount { ones[j] = 1 }
                                for row in rows {
                                    let lo = offsets[row], count = offsets[row + 1] - lo
                                    let xr = fac + row * k
                                    if count == 0 {
                                        for t in 0..<k { xr[t] = 0 }
                                        continue
                                    }
                                    for j in 0..<count {
                                        let src = others + Int(pind[lo + j]) * k, dst = block + j * k
                                        for t in 0..<k { dst[t] = src[t] }
                                    }
                                    // b = c Σ_{i∈Ω} f_i
                                    BufferBLAS.gemv(.none, m: k, n: count, alpha: c, a: block, lda: k, x: ones, y: rhs)
                                    switch solver {
                                    case .cholesky:
                                        for t in 0..<(k * k) { a[t] = gram[t] }
                                        BufferBLAS.syrkLower(n: k, k: count, alpha: cMinusOne, a: block, lda: k, beta: 1, c: a, ldc: k)
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
                                            BufferBLAS.gemv(.transpose, m: k, n: count, a: block, lda: k, x: v, y: tmp)
                                            BufferBLAS.gemv(.none, m: k, n: count, alpha: cMinusOne, a: block, lda: k, x: tmp,
                                                            beta: 1, y: out)
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
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// L = Σ_u x_uᵀ G x_u + Σ_Ω [c (1 − s_ui)² − s_ui²] + λ(‖X‖² + ‖Y‖²) with s_ui = x_uᵀ y_i and G = YᵀY: the sum
    /// over all pairs, with the observed pairs corrected. Partial sums per fixed chunk, added in chunk order.
    static func objective(_ ratings: Ratings, _ x: [Double], _ y: [Double], _ options: ImplicitALSOptions) -> Double {
        let k = options.rank, c = options.interactionConfidence
        let gy = gram(y, k: k), gx = gram(x, k: k)
        var all = 0.0
        for t in 0..<(k * k) { all += gy[t] * gx[t] }  // Σ_u x_uᵀ G x_u = ⟨G_Y, G_X⟩
        let parts = RowParallel.chunks(offsets: ratings.rowOffsets, pieces: reductionPieces)
        var partial = [Double](repeating: 0, count: parts.count)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                ratings.rowItems.withUnsafeBufferPointer { pi in
                    partial.withUnsafeMutableBufferPointer { pp in
                        nonisolated(unsafe) let (px, py, pi, pp) = (px, py, pi, pp)
                        try? RowParallel.run(threads: options.threads, chunks: parts) { rows in
                            guard let x0 = px.baseAddress, let y0 = py.baseAddress else { return }
                            var sum = 0.0
                            for u in rows {
                                for e in ratings.rowOffsets[u]..<ratings.rowOffsets[u + 1] {
                                    let s = dot(x0 + u * k, y0 + Int(pi[e]) * k, k)
                                    sum += c * (1 - s) * (1 - s) - s * s
                                }
                            }
                            if let index = parts.firstIndex(of: rows) { pp[index] = sum }
                        }
                    }
                }
            }
        }
        let norms = x.reduce(0) { $0 + $1 * $1 } + y.reduce(0) { $0 + $1 * $1 }
        return all + partial.reduce(0, +) + options.lambda * norms
    }
}
