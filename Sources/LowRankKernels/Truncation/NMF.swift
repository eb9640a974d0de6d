import Numerics

/// Nonnegative matrix factorization X ≈ W H with W ≥ 0 (m × k) and H ≥ 0 (k × n), minimising the
/// Frobenius loss ½‖X − W H‖²_F, by hierarchical alternating least squares (HALS):
/// Cichocki & Phan 2009, "Fast local algorithms for large scale nonnegative matrix and tensor
/// factorizations", IEICE Trans. Fundamentals E92-A(3); with the inner repetitions of Gillis & Glineur
/// 2012, "Accelerated multiplicative updates and hierarchical ALS algorithms for nonnegative matrix
/// factorization", Neural Computation 24(4) (accelerated HALS, α = 0.5, ε = 0.01).
///
/// One outer iteration forms A = X Hᵀ and B = H Hᵀ (BLAS `dgemm`), then updates the columns of W,
/// wₗ ← max(0, wₗ + (aₗ − W bₗ) / Bₗₗ), a few times; then the same for the rows of H with
/// C = Wᵀ X (formed as Xᵀ W, so that H is updated through its contiguous transpose) and D = Wᵀ W.
/// Each column update is the exact minimiser of the loss over that column
/// subject to ≥ 0, so the loss never increases. Cost per iteration O(mnk) (the products).
public enum NMF {
    /// Options for ``NMF/factorize(_:options:)``.
    public struct Options: Sendable, Equatable {
        /// The inner dimension k, 1 ≤ k ≤ min(m, n).
        public var rank: Int
        /// Maximum number of outer iterations (default 200, as scikit-learn's `NMF(max_iter=200)`).
        public var maxIterations: Int
        /// Stop when the loss decrease of one iteration, relative to the initial loss, falls below this
        /// (default 1e-4, scikit-learn's `NMF(tol=1e-4)` criterion (ℓₖ₋₁ − ℓₖ)/ℓ₀ ≤ tol, ℓ the loss ½‖X − WH‖²_F);
        /// an exact fit (ℓₖ = 0) also stops. With 0 it stops only once an iteration no longer decreases the loss.
        public var tolerance: Double
        /// Seed of the ``SeededGenerator`` that draws the nonnegative random initial W and H (default 0).
        public var seed: UInt64

        /// Creates options; the defaults follow scikit-learn's `NMF` (max_iter 200, tol 1e-4).
        public init(rank: Int, maxIterations: Int = 200, tolerance: Double = 1e-4, seed: UInt64 = 0) {
            self.rank = rank
            self.maxIterations = maxIterations
            self.tolerance = tolerance
            self.seed = seed
        }
    }

    /// Factorizes a nonnegative X ≈ W H by (accelerated) HALS.
    ///
    /// Initialisation: W and H with independent entries uniform in [0, 1), scaled by √(mean(X)/k) so
    /// that W H has the magnitude of X (scikit-learn's `init='random'`), then jointly rescaled by the
    /// optimal factor ⟨X, WH⟩/‖WH‖²_F.
    ///
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `x` when it has a negative
    ///   entry, naming `rank` when k < 1 or k > min(m, n), naming `maxIterations`/`tolerance` when those are
    ///   negative; ``LinearAlgebraError/nonFinite(argument:)`` and ``LinearAlgebraError/emptyMatrix(argument:)``
    ///   for NaN/Inf or empty input.
    public static func factorize(_ x: Matrix<Double>, options: Options) throws -> NMFResult {
        try x.requireNonEmpty("x")
        try x.requireFinite("x")
        let m = x.rows, n = x.columns, k = options.rank
        if let idx = x.elements.firstIndex(where: { $0 < 0 }) {
            throw LinearAlgebraError.invalidArgument(
                argument: "x", reason: "NMF needs X ≥ 0, but x[\(idx % m), \(idx / m)] = \(x.elements[idx])")
        }
        guard k >= 1, k <= Swift.min(m, n) else {
            throw LinearAlgebraError.invalidArgument(
                argument: "rank", reason: "must satisfy 1 ≤ rank ≤ min(m, n) = \(Swift.min(m, n)), got \(k)")
        }
        guard options.maxIterations >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "maxIterations", reason: "must be ≥ 0")
        }
        guard options.tolerance >= 0, options.tolerance.isFinite else {
            throw LinearAlgebraError.invalidArgument(argument: "tolerance", reason: "must be finite and ≥ 0")
        }

        // Initialisation.
        var rng = SeededGenerator(seed: options.seed)
        let mean = x.elements.reduce(0, +) / Double(m * n)
        let s = (mean / Double(k)).squareRoot()
        var w = Matrix<Double>(rows: m, columns: k)
        var h = Matrix<Double>(rows: k, columns: n)
        for i in 0..<w.elements.count { w.elements[i] = s * rng.uniform() }
        for i in 0..<h.elements.count { h.elements[i] = s * rng.uniform() }
        if mean == 0 {
            // X = 0: W = 0, H = 0 is exact.
            return NMFResult(w: Matrix(rows: m, columns: k), h: Matrix(rows: k, columns: n),
                             lossHistory: [0], iterations: 0, converged: true)
        }
        let wh0 = try w * h
        let num = zip(x.elements, wh0.elements).reduce(0) { $0 + $1.0 * $1.1 }
        let den = wh0.elements.reduce(0) { $0 + $1 * $1 }
        if den > 0, num > 0 {
            let a = (num / den).squareRoot()
            w = w.scaled(by: a)
            h = h.scaled(by: a)
        }

        func loss() throws -> Double { try frobenius(x, w, h) }

        // Inner repetitions (Gillis & Glineur 2012, §3): ρ = 1 + (mn + nk)/(m(k + 1)) for W,
        // 1 + (mn + mk)/(n(k + 1)) for H, times α = 0.5.
        let innerW = 1 + Int(0.5 * (1 + Double(m * n + n * k) / Double(m * (k + 1))))
        let innerH = 1 + Int(0.5 * (1 + Double(m * n + m * k) / Double(n * (k + 1))))

        var history = [try loss()]
        var converged = false
        var iterations = 0
        var hht = try Matrix.product(h, .none, h, .transpose)
        while iterations < options.maxIterations {
            // W update: A = X Hᵀ, B = H Hᵀ.
            let xht = try Matrix.product(x, .none, h, .transpose)
            var wt = w.transposed
            hals(factorT: &wt, numerator: xht, gram: hht, maxInner: innerW)
            w = wt.transposed
            // H update: H (k × n) is already Hᵀ's transpose, rows of Hᵀ contiguous; Xᵀ W and Wᵀ W.
            let xtw = try Matrix.product(x, .transpose, w, .none)
            let wtw = try Matrix.product(w, .transpose, w, .none)
            hals(factorT: &h, numerator: xtw, gram: wtw, maxInner: innerH)
            hht = try Matrix.product(h, .none, h, .transpose)
            iterations += 1
            let l = try loss()
            let previous = history[history.count - 1]
            history.append(l)
            if l == 0 || (previous - l) <= options.tolerance * history[0] {
                converged = true
                break
            }
        }
        return NMFResult(w: w, h: h, lossHistory: history, iterations: iterations, converged: converged)
    }

    /// HALS sweeps on a factor F (p × k) held transposed, `factorT` = Fᵀ (k × p, so each row f_i of F is contiguous),
    /// minimising ½‖M − F Gᵀ‖² given `numerator` = M G (p × k) and `gram` = Gᵀ G (k × k): column by column,
    /// f_il ← max(0, f_il + (n_il − l1 − f_i·g_l − l2 f_il)/(g_ll + l2)), with an L1 penalty `l1` subtracted from the
    /// numerator and an L2 penalty `l2` added to the Gram's diagonal (scikit-learn's coordinate descent when
    /// `maxInner` = 1). Repeats up to `maxInner` sweeps, stopping once a sweep changes F by less than 1 % (ε = 0.01)
    /// of the first sweep's change (Gillis & Glineur 2012).
    static func hals(factorT: inout Matrix<Double>, numerator: Matrix<Double>, gram: Matrix<Double>,
                     maxInner: Int, l1: Double = 0, l2: Double = 0) {
        let k = factorT.rows, p = factorT.columns
        var firstChange = 0.0
        factorT.elements.withUnsafeMutableBufferPointer { f in
            numerator.elements.withUnsafeBufferPointer { nm in
                gram.elements.withUnsafeBufferPointer { g in
                    for sweep in 0..<Swift.max(1, maxInner) {
                        var change = 0.0
                        for l in 0..<k {
                            let gll = g[l + l * k] + l2
                            if !(gll > 0) { continue }  // the other factor's column l is zero: nothing to fit
                            let inv = 1 / gll
                            let gl = g.baseAddress! + l * k
                            for i in 0..<p {
                                let fi = f.baseAddress! + i * k
                                // Four partial sums: the dot product is latency-bound otherwise.
                                var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
                                var q = 0
                                while q + 4 <= k {
                                    s0 += fi[q] * gl[q]; s1 += fi[q + 1] * gl[q + 1]
                                    s2 += fi[q + 2] * gl[q + 2]; s3 += fi[q + 3] * gl[q + 3]
                                    q += 4
                                }
                                while q < k { s0 += fi[q] * gl[q]; q += 1 }
                                var fg = (s0 + s1) + (s2 + s3)
                                let old = fi[l]
                                fg += l2 * old
                                let new = Swift.max(0, old + (nm[i + l * p] - l1 - fg) * inv)
                                fi[l] = new
                                change += (new - old) * (new - old)
                            }
                        }
                        if sweep == 0 { firstChange = change } else if change <= 1e-4 * firstChange { break }
                    }
                }
            }
        }
    }
}

/// The outcome of ``NMF/factorize(_:options:)``.
public struct NMFResult: Sendable {
    /// The nonnegative left factor W (m × k).
    public var w: Matrix<Double>
    /// The nonnegative right factor H (k × n).
    public var h: Matrix<Double>
    /// The loss ½‖X − W H‖²_F (half the squared Frobenius residual, not a relative error) of the initial
    /// guess (element 0) and after each iteration (element i); `lossHistory.count == iterations + 1`.
    /// Non-increasing up to rounding.
    public var lossHistory: [Double]
    /// Number of outer HALS iterations performed.
    public var iterations: Int
    /// `true` when the stopping test of ``NMF/Options/tolerance`` was met before ``NMF/Options/maxIterations``.
    public var converged: Bool

    /// The relative residual ‖X − W H‖_F / ‖X‖_F of the final iterate, given X.
    public func relativeError(of x: Matrix<Double>) throws -> Double {
        let r = try x - (w * h)
        let nx = x.frobeniusNorm
        return nx == 0 ? r.frobeniusNorm : r.frobeniusNorm / nx
    }

    /// Returns `self`, or throws ``LinearAlgebraError/notConverged(routine:iterations:residual:)`` (residual:
    /// the final loss) when the iteration stopped at its limit.
    public func requireConverged() throws -> NMFResult {
        guard converged else {
            throw LinearAlgebraError.notConverged(routine: "NMF (HALS)", iterations: iterations,
                                                  residual: lossHistory.last ?? .nan)
        }
        return self
    }
}
