import LowRankKernels

/// Soft-Impute: nuclear-norm regularised matrix completion (Mazumder, Hastie & Tibshirani, "Spectral
/// Regularization Algorithms for Learning Large Incomplete Matrices", JMLR 11 (2010); Hastie, Mazumder, Lee & Zadeh,
/// "Matrix Completion and Low-Rank SVD via Fast Alternating Least Squares", JMLR 16 (2015)).
///
/// Minimises
///
///     ½ ‖P_Ω(M − W)‖²_F + λ ‖W‖_*     subject to rank W ≤ k
///
/// over W = U D Vᵀ. The iterate is never formed densely: the fill X* = P_Ω(M) + P_Ω⊥(W) is applied as the
/// ``SparsePlusLowRank`` operator S + U D Vᵀ with S = P_Ω(M − W), so each product with a thin block costs
/// O(|Ω| k + (m + n) k²).
///
/// The ``SoftImputeAlgorithm/als`` iteration is Algorithm 3.1 of the 2015 paper: with A = U D^½, B = V D^½,
/// the B-step solves the ridge problem min_B ½‖X* − A Bᵀ‖² + λ/2 ‖B‖², i.e. (B D^½)ᵀ ∝ diag(d/(d + λ)) Uᵀ X*, then
/// re-orthogonalises by a k × n SVD (V ← Ũ, D ← Σ, U ← U Ṽ); the A-step is symmetric. After the loop, the final step
/// computes the SVD of X* V = Ũ Σ Rᵀ and sets U ← Ũ, V ← V R, D ← (Σ − λ)₊, which is the exact soft-thresholded
/// SVD restricted to the row space found. The ``SoftImputeAlgorithm/svd`` iteration is Algorithm 1 of the 2010
/// paper with a dense SVD (small problems only).
///
/// No user or item biases are fitted; ``SoftImputeOptions/centerByMean`` optionally subtracts the global mean.
public enum SoftImpute {
    /// Internal state: Ŵ = U diag(d) Vᵀ with Uᵀ (k × m) and Vᵀ (k × n) stored column-major.
    struct State {
        var ut: [Double]
        var d: [Double]
        var vt: [Double]
    }

    /// Fits at ``SoftImputeOptions/lambda``; `observer` is called after every iteration with the current model.
    /// - Throws: ``LowRankKernels/LinearAlgebraError`` for invalid options, empty ratings, or a LAPACK failure.
    public static func fit(_ ratings: Ratings, options: SoftImputeOptions = SoftImputeOptions(),
                           observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> SoftImputeResult {
        let (values, mean) = try prepare(ratings, options)
        return try fit(ratings, values: values, mean: mean, lambda: options.lambda, options: options, warm: nil,
                       observer: observer)
    }

    /// The warm-started path: λ₀ = σ_max(P_Ω(M)) (randomized SVD with 8 power iterations of the sparse operator,
    /// accurate to a few digits, enough to start a grid), then `steps` values geometrically from λ₀ down to
    /// ``SoftImputeOptions/lambda`` (which must be > 0), each fit warm-started from the previous one (the 2010 paper's
    /// "pathwise" strategy, §5.1). A grid point with λ ≥ λ₀ has solution 0 and runs no iterations. `observer` sees
    /// every iteration of every fit.
    /// - Throws: ``LowRankKernels/LinearAlgebraError/invalidArgument(argument:reason:)`` for λ ≤ 0 or steps < 1, and
    ///   whatever ``fit(_:options:observer:)`` throws.
    public static func path(_ ratings: Ratings, options: SoftImputeOptions = SoftImputeOptions(lambda: 1),
                            steps: Int = 10,
                            observer: (IterationRecord, FactorModel) -> Void = { _, _ in }) throws -> SoftImputePath {
        guard steps >= 1 else { throw LinearAlgebraError.invalidArgument(argument: "steps", reason: "must be ≥ 1") }
        guard options.lambda > 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "lambda", reason: "the path needs a final λ > 0")
        }
        let (values, mean) = try prepare(ratings, options)
        let zero = try SparsePlusLowRank(
            pattern: ratings, sparseValues: values, userFactors: Matrix(rows: 0, columns: ratings.userCount),
            weights: [], itemFactors: Matrix(rows: 0, columns: ratings.itemCount))
        let top = try RandomizedSVD.compute(zero, options: .init(rank: 1, oversampling: Swift.min(10, Swift.min(zero.rows, zero.columns) - 1),
                                                                 powerIterations: 8, seed: options.seed))
        let lambdaMax = top.singularValues.first ?? 0
        let start = Swift.max(lambdaMax, options.lambda)
        let lambdas: [Double] = steps == 1 ? [options.lambda] : (0..<steps).map { j in
            j == steps - 1 ? options.lambda
                : start * Double.pow(options.lambda / start, Double(j) / Double(steps - 1))
        }
        var fits: [SoftImputeResult] = []
        var warm: State? = nil
        for lambda in lambdas {
            var state: State? = nil
            // For λ ≥ λ₀ the solution is 0 (2010, §5.1); ALS would only approach it geometrically at rate ≈ σ_max/λ,
            // so that point runs no iterations (just the final thresholding, which returns 0 from the cold start).
            var pointOptions = options
            if lambda >= lambdaMax { pointOptions.maxIterations = 0 }
            let result = try fit(ratings, values: values, mean: mean, lambda: lambda, options: pointOptions, warm: warm,
                                 observer: observer, finalState: &state)
            fits.append(result)
            warm = state
        }
        return SoftImputePath(lambdaMax: lambdaMax, lambdas: lambdas, fits: fits)
    }

    static func prepare(_ ratings: Ratings, _ options: SoftImputeOptions) throws -> ([Double], Double) {
        guard ratings.count > 0 else { throw LinearAlgebraError.emptyMatrix(argument: "ratings") }
        try options.validate(users: ratings.userCount, items: ratings.itemCount)
        let mean = options.centerByMean ? ratings.mean : 0
        return (mean == 0 ? ratings.rowValues : ratings.rowValues.map { $0 - mean }, mean)
    }

    static func fit(_ r: Ratings, values: [Double], mean: Double, lambda: Double, options: SoftImputeOptions,
                    warm: State?, observer: (IterationRecord, FactorModel) -> Void) throws -> SoftImputeResult {
        var unused: State? = nil
        return try fit(r, values: values, mean: mean, lambda: lambda, options: options, warm: warm,
                       observer: observer, finalState: &unused)
    }

    static func fit(_ r: Ratings, values: [Double], mean: Double, lambda: Double, options: SoftImputeOptions,
                    warm: State?, observer: (IterationRecord, FactorModel) -> Void,
                    finalState: inout State?) throws -> SoftImputeResult {
        let start = ContinuousClock.now
        let k = options.rank, m = r.userCount, n = r.itemCount
        var state: State
        if var warm {
            // A component thresholded to d = 0 would stay dead under the ALS shrink factor d/(d + λ); restart it as
            // the cold start does (U column kept, V row 0, d = 1), which leaves Ŵ unchanged.
            if options.algorithm == .als {
                for f in 0..<k where !(warm.d[f] > 0) {
                    warm.d[f] = 1
                    for i in 0..<n { warm.vt[f + i * k] = 0 }
                }
            }
            state = warm
        } else {
            var g = SeededGenerator(seed: options.seed)
            let q = try Matrix<Double>.randomNormal(rows: m, columns: k, using: &g).qr().q
            if options.algorithm == .als {
                state = State(ut: q.transposed.elements, d: [Double](repeating: 1, count: k),
                              vt: [Double](repeating: 0, count: k * n))
            } else {
                state = State(ut: q.transposed.elements, d: [Double](repeating: 0, count: k),
                              vt: [Double](repeating: 0, count: k * n))
            }
        }
        var history: [IterationRecord] = []
        var converged = false
        for iteration in 1...Swift.max(1, options.maxIterations) where options.maxIterations > 0 {
            let old = state
            if options.algorithm == .als {
                try alsSweep(r, values: values, lambda: lambda, k: k, state: &state)
            } else {
                try svdStep(r, values: values, lambda: lambda, k: k, state: &state)
            }
            let residual = residuals(r, values, k, state)
            let squares = SparseSupport.sumOfSquares(residual)
            let objective = 0.5 * squares + lambda * state.d.reduce(0, +)
            let record = IterationRecord(iteration: iteration, objective: objective,
                                         trainRMSE: (squares / Double(r.count)).squareRoot(),
                                         seconds: SparseSupport.seconds(since: start))
            history.append(record)
            observer(record, try model(r, k, state, mean))
            if relativeChange(k: k, old: old, new: state) <= options.tolerance, options.tolerance > 0 {
                converged = true
                break
            }
        }
        if options.algorithm == .als { try finalThreshold(r, values: values, lambda: lambda, k: k, state: &state) }
        let (certificate, method) = try certify(r, values: values, lambda: lambda, k: k, state: state, options: options)
        finalState = state
        return SoftImputeResult(model: try model(r, k, state, mean), history: history, lambda: lambda,
                                singularValues: state.d, converged: converged, certificate: certificate,
                                certificateMethod: method)
    }

    /// s_e = M_e − (U diag(d) Vᵀ)_e on Ω.
    static func residuals(_ r: Ratings, _ values: [Double], _ k: Int, _ s: State) -> [Double] {
        var out = SparseSupport.lowRankOnOmega(r, k: k, a: s.ut, b: s.vt, weights: s.d)
        for e in out.indices { out[e] = values[e] - out[e] }
        return out
    }

    /// One B-step and one A-step of softImpute-ALS (2015, Algorithm 3.1, step 2).
    static func alsSweep(_ r: Ratings, values: [Double], lambda: Double, k: Int, state: inout State) throws {
        let m = r.userCount, n = r.itemCount
        // B-step: Yᵀ = Uᵀ X* = Uᵀ S + D Vᵀ (UᵀU = I), rows scaled by d/(d + λ); SVD Yᵀ = P Σ Qᵀ.
        var s = residuals(r, values, k, state)
        var yt = SparseSupport.sparseTransposeTimes(r, s: s, k: k, a: state.ut)
        addScaledAndShrink(&yt, state.vt, d: state.d, lambda: lambda, k: k, count: n)
        let b = try Matrix(rows: k, columns: n, elements: yt).svd()
        state.vt = b.vt.elements
        state.d = b.singularValues
        state.ut = SparseSupport.gemm(true, p: k, n: m, k: k, a: b.u.elements, b: state.ut)
        // A-step: Zᵀ = Vᵀ X*ᵀ = Vᵀ Sᵀ + D Uᵀ, scaled; SVD Zᵀ = P Σ Qᵀ.
        s = residuals(r, values, k, state)
        var zt = SparseSupport.sparseTimes(r, s: s, k: k, b: state.vt)
        addScaledAndShrink(&zt, state.ut, d: state.d, lambda: lambda, k: k, count: m)
        let a = try Matrix(rows: k, columns: m, elements: zt).svd()
        state.ut = a.vt.elements
        state.d = a.singularValues
        state.vt = SparseSupport.gemm(true, p: k, n: n, k: k, a: a.u.elements, b: state.vt)
    }

    /// y[:, j] ← (y[:, j] + d ⊙ x[:, j]) ⊙ d/(d + λ) (a zero factor where d + λ = 0).
    static func addScaledAndShrink(_ y: inout [Double], _ x: [Double], d: [Double], lambda: Double, k: Int, count: Int) {
        let shrink = d.map { $0 + lambda > 0 ? $0 / ($0 + lambda) : 0 }
        y.withUnsafeMutableBufferPointer { py in
            x.withUnsafeBufferPointer { px in
                for j in 0..<count {
                    for f in 0..<k { py[f + j * k] = (py[f + j * k] + d[f] * px[f + j * k]) * shrink[f] }
                }
            }
        }
    }

    /// 2015, Algorithm 3.1, step 3: SVD of X* V = Ũ Σ Rᵀ; U ← Ũ, V ← V R, D ← (Σ − λ)₊.
    static func finalThreshold(_ r: Ratings, values: [Double], lambda: Double, k: Int, state: inout State) throws {
        let m = r.userCount, n = r.itemCount
        let s = residuals(r, values, k, state)
        var zt = SparseSupport.sparseTimes(r, s: s, k: k, b: state.vt)   // (S V)ᵀ, k × m
        addScaledAndShrink(&zt, state.ut, d: state.d, lambda: 0, k: k, count: m)
        // With λ = 0 in addScaledAndShrink the shrink factor is 1 (or 0 where d = 0, where the term vanishes anyway).
        let f = try Matrix(rows: k, columns: m, elements: zt).svd()     // (X* V)ᵀ = P Σ Qᵀ: X* V = Q Σ Pᵀ
        state.ut = f.vt.elements
        state.vt = SparseSupport.gemm(true, p: k, n: n, k: k, a: f.u.elements, b: state.vt)
        state.d = f.singularValues.map { Swift.max($0 - lambda, 0) }
    }

    /// 2010, Algorithm 1, one step: Z ← S_λ(P_Ω(M) + P_Ω⊥(Z)) by a dense SVD, keeping the top k terms.
    static func svdStep(_ r: Ratings, values: [Double], lambda: Double, k: Int, state: inout State) throws {
        let s = residuals(r, values, k, state)
        let op = try operatorOf(r, s, k, state)
        let f = try op.dense().svd()
        state.ut = f.u.columns(0..<k).transposed.elements
        state.vt = f.vt.rows(0..<k).elements
        state.d = f.singularValues.prefix(k).map { Swift.max($0 - lambda, 0) }
    }

    static func operatorOf(_ r: Ratings, _ s: [Double], _ k: Int, _ state: State) throws -> SparsePlusLowRank {
        try SparsePlusLowRank(pattern: r, sparseValues: s,
                              userFactors: Matrix(rows: k, columns: r.userCount, elements: state.ut),
                              weights: state.d, itemFactors: Matrix(rows: k, columns: r.itemCount, elements: state.vt))
    }

    /// ‖W_new − W_old‖²_F / max(‖W_old‖²_F, 1e-9) from the factors (R softImpute's `Frob`).
    static func relativeChange(k: Int, old: State, new: State) -> Double {
        let denom = old.d.reduce(0) { $0 + $1 * $1 }
        let now = new.d.reduce(0) { $0 + $1 * $1 }
        let m = old.ut.count / k, n = old.vt.count / k
        // UᵀU_old (k × k) = ut_new · ut_oldᵀ; V_oldᵀ V = vt_old · vt_newᵀ.
        let uu = gramAB(new.ut, old.ut, k: k, count: m), vv = gramAB(old.vt, new.vt, k: k, count: n)
        var cross = 0.0
        for a in 0..<k { for b in 0..<k { cross += new.d[a] * uu[a + b * k] * old.d[b] * vv[b + a * k] } }
        return Swift.max(0, denom + now - 2 * cross) / Swift.max(denom, 1e-9)
    }

    /// x yᵀ for k × count arrays (k × k result) by BLAS.
    static func gramAB(_ x: [Double], _ y: [Double], k: Int, count: Int) -> [Double] {
        var c = [Double](repeating: 0, count: k * k)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let a = px.baseAddress, let b = py.baseAddress, let z = pc.baseAddress, count > 0 else { return }
                    BufferBLAS.gemm(.none, .transpose, m: k, n: k, k: count, a: a, lda: k, b: b, ldb: k, c: z, ldc: k)
                }
            }
        }
        return c
    }

    /// The certificate ‖Ŵ − S_λ(X*)‖_F / ‖Ŵ‖_F with X* = P_Ω(M) + P_Ω⊥(Ŵ): dense SVD when m·n ≤ denseLimit, else a
    /// randomized SVD of rank min(2k + 10, min(m, n)) of the sparse-plus-low-rank X*, with
    /// ‖Ŵ − Z‖² = ‖Ŵ‖² + ‖Z‖² − 2 tr(Ŵᵀ Z) evaluated on the factors.
    static func certify(_ r: Ratings, values: [Double], lambda: Double, k: Int, state: State,
                        options: SoftImputeOptions) throws -> (Double, SoftImputeCertificateMethod) {
        let m = r.userCount, n = r.itemCount
        let s = residuals(r, values, k, state)
        let op = try operatorOf(r, s, k, state)
        let wNorm2 = state.d.reduce(0) { $0 + $1 * $1 }
        func ratio(_ diff2: Double, _ z2: Double) -> Double {
            let den = wNorm2 > 0 ? wNorm2 : z2
            return den > 0 ? (Swift.max(diff2, 0) / den).squareRoot() : 0
        }
        if !m.multipliedReportingOverflow(by: n).overflow, m * n <= options.denseLimit {
            let x = try op.dense()
            let f = try x.svd()
            var left = f.u
            left.scaleColumns(by: f.singularValues.map { Swift.max($0 - lambda, 0) })
            let z = try Matrix.product(left, .none, f.vt, .none)
            let w = try Matrix.product(op.userFactors, .transpose,
                                       Matrix(rows: k, columns: n, elements: scaled(state.vt, state.d, k)), .none)
            let diff = try w.subtracting(z).frobeniusNorm
            return (ratio(diff * diff, z.frobeniusNorm * z.frobeniusNorm), .dense)
        }
        let rank = Swift.min(2 * k + 10, Swift.min(m, n))
        let t = try RandomizedSVD.compute(op, options: .init(rank: rank, oversampling: Swift.min(10, Swift.min(m, n) - rank),
                                                             powerIterations: 4, seed: options.seed &+ 1))
        let dz = t.singularValues.map { Swift.max($0 - lambda, 0) }
        let complete = (t.singularValues.last ?? 0) <= lambda || rank == Swift.min(m, n)
        let up = try Matrix.product(op.userFactors, .none, t.u, .none)          // k × rank: Uᵀ P
        let qv = try Matrix.product(t.vt, .none, op.itemFactors, .transpose)     // rank × k: Qᵀ V
        var cross = 0.0
        for a in 0..<k { for b in 0..<rank { cross += state.d[a] * up[a, b] * dz[b] * qv[b, a] } }
        let z2 = dz.reduce(0) { $0 + $1 * $1 }
        return (ratio(wNorm2 + z2 - 2 * cross, z2), .randomized(rank: rank, complete: complete))
    }

    static func scaled(_ x: [Double], _ d: [Double], _ k: Int) -> [Double] {
        var y = x
        for j in 0..<(k == 0 ? 0 : x.count / k) { for f in 0..<k { y[f + j * k] *= d[f] } }
        return y
    }

    /// userFactors = (U D^½)ᵀ, itemFactors = (V D^½)ᵀ.
    static func model(_ r: Ratings, _ k: Int, _ state: State, _ mean: Double) throws -> FactorModel {
        let root = state.d.map { Swift.max($0, 0).squareRoot() }
        return try SparseSupport.model(r, k: k, users: scaled(state.ut, root, k), items: scaled(state.vt, root, k),
                                       mean: mean)
    }
}
