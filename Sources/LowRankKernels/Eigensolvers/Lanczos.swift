import Numerics

/// The lowest eigenpair of a real symmetric linear operator by restarted Lanczos with full
/// reorthogonalization (Lanczos 1950; Golub & Van Loan, *Matrix Computations*, 4th ed., §10.1).
///
/// The operator is given only through its action `y = H x` on raw buffers, so callers apply matrix-free
/// operators (the DMRG effective Hamiltonian) without forming them. Each cycle builds an orthonormal Krylov
/// basis v₀ = x/‖x‖, v₁, … of at most ``Options/maxKrylovDimension`` vectors, reorthogonalized twice
/// against all previous ones (classical Gram–Schmidt through `gemv`), and the Ritz pair (θ, y) of the
/// tridiagonal T_j. The residual of the normalized Ritz vector is ‖H x − θ x‖ = β_{j+1} |y_j|; the solver
/// stops when it is ≤ ``Options/tolerance``, otherwise restarts from the Ritz vector.
public enum LanczosEigensolver {
    /// Stopping rules; the defaults suit DMRG updates started from the previous two-site tensor.
    public struct Options: Sendable, Equatable {
        /// Residual-norm target ‖H x − θ x‖ for the normalized Ritz vector x (absolute).
        public var tolerance: Double
        /// Krylov vectors per cycle before a restart (≥ 2; capped by the dimension).
        public var maxKrylovDimension: Int
        /// Restart cycles after the first one before giving up (reported as not converged, never thrown).
        public var maxRestarts: Int

        /// Throws ``LinearAlgebraError/invalidArgument(argument:reason:)`` for a negative or non-finite tolerance,
        /// fewer than 2 vectors per cycle or negative restarts (shared by ``LanczosEigensolver`` and
        /// ``DavidsonEigensolver``).
        func validate() throws {
            guard tolerance >= 0, tolerance.isFinite else {
                throw LinearAlgebraError.invalidArgument(argument: "tolerance", reason: "must be finite and ≥ 0")
            }
            guard maxKrylovDimension >= 2, maxRestarts >= 0 else {
                throw LinearAlgebraError.invalidArgument(argument: "maxKrylovDimension",
                                                         reason: "needs ≥ 2 vectors and ≥ 0 restarts")
            }
        }

        /// Options with `tolerance` 1e-10, 24 Krylov vectors per cycle and 10 restarts.
        public init(tolerance: Double = 1e-10, maxKrylovDimension: Int = 24, maxRestarts: Int = 10) {
            self.tolerance = tolerance
            self.maxKrylovDimension = maxKrylovDimension
            self.maxRestarts = maxRestarts
        }
    }

    /// The Ritz pair found and how it was found.
    public struct Result: Sendable {
        /// The lowest Ritz value θ.
        public var eigenvalue: Double
        /// The normalized Ritz vector x.
        public var eigenvector: [Double]
        /// Number of operator applications H x.
        public var matrixVectorProducts: Int
        /// ‖H x − θ x‖ at exit.
        public var residualNorm: Double
        /// Whether ``residualNorm`` met the tolerance (or the Krylov space became invariant).
        public var converged: Bool
    }

    /// The lowest eigenpair of the symmetric operator `apply` (y ← H x on buffers of length `start.count`),
    /// starting from `start` (need not be normalized; a zero start vector is replaced by a fixed
    /// pseudo-random one).
    ///
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` for an empty start vector or bad
    ///   options, ``LinearAlgebraError/nonFinite(argument:)`` when the operator produces NaN or ±Inf, and
    ///   errors thrown by `apply`. Failure to converge is *not* thrown: see ``Result/converged``.
    public static func lowest(
        start: [Double], options: Options = Options(),
        apply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) throws -> Void
    ) throws -> Result {
        let n = start.count
        guard n > 0 else { throw LinearAlgebraError.invalidArgument(argument: "start", reason: "empty vector") }
        try options.validate()
        let kmax = Swift.min(options.maxKrylovDimension, n)
        var x = usableStart(start)
        var basis = [Double](unsafeUninitializedCapacity: n * kmax) { _, c in c = n * kmax }  // written before read
        var w = [Double](unsafeUninitializedCapacity: n) { _, c in c = n }                    // written by apply
        var coefficients = [Double](repeating: 0, count: kmax)
        var products = 0
        var theta = 0.0, residual = Double.infinity
        for _ in 0...options.maxRestarts {
            var alpha: [Double] = [], beta: [Double] = []        // beta[j] couples v_j and v_{j+1}
            let nx = norm2(x)
            var ritz: [Double] = [1]
            var invariant = false
            try basis.withUnsafeMutableBufferPointer { vb in
                let v = vb.baseAddress!
                for i in 0..<n { v[i] = x[i] / nx }
                var j = 0
                while true {
                    let vj = v + j * n
                    try w.withUnsafeMutableBufferPointer { try apply(UnsafePointer(vj), $0.baseAddress!) }
                    products += 1
                    try w.withUnsafeMutableBufferPointer { wb in
                        let wp = wb.baseAddress!
                        var a = 0.0
                        for i in 0..<n { a += vj[i] * wp[i] }
                        guard a.isFinite else { throw LinearAlgebraError.nonFinite(argument: "H·x (Lanczos)") }
                        alpha.append(a)
                        // Full reorthogonalization against v_0 … v_j, twice (Kahan's "twice is enough").
                        try coefficients.withUnsafeMutableBufferPointer { cb in
                            for _ in 0..<2 {
                                BufferBLAS.gemv(.transpose, m: n, n: j + 1, a: UnsafePointer(v), lda: n,
                                                x: UnsafePointer(wp), y: cb.baseAddress!)
                                BufferBLAS.gemv(.none, m: n, n: j + 1, alpha: -1, a: UnsafePointer(v), lda: n,
                                                x: UnsafePointer(cb.baseAddress!), beta: 1, y: wp)
                            }
                            guard cb[0].isFinite else { throw LinearAlgebraError.nonFinite(argument: "H·x (Lanczos)") }
                        }
                        var b2 = 0.0
                        for i in 0..<n { b2 += wp[i] * wp[i] }
                        let b = b2.squareRoot()
                        let (t, y) = try lowestRitzPair(alpha: alpha, beta: beta)
                        theta = t
                        ritz = y
                        residual = b * Swift.abs(y[j])
                        beta.append(b)
                        if b <= 1e-14 * Swift.max(1, Swift.abs(t)) { invariant = true }
                        if invariant || residual <= options.tolerance || j + 1 == kmax { return }
                        let vn = v + (j + 1) * n
                        let inv = 1 / b
                        for i in 0..<n { vn[i] = wp[i] * inv }
                    }
                    if invariant || residual <= options.tolerance || j + 1 == kmax { break }
                    j += 1
                }
            }
            // Ritz vector x = V y.
            x.withUnsafeMutableBufferPointer { xb in
                basis.withUnsafeBufferPointer { vb in
                    ritz.withUnsafeBufferPointer { yb in
                        BufferBLAS.gemv(.none, m: n, n: ritz.count, a: vb.baseAddress!, lda: n,
                                        x: yb.baseAddress!, y: xb.baseAddress!)
                    }
                }
            }
            let nrm = norm2(x)
            for i in 0..<n { x[i] /= nrm }
            if invariant { residual = Swift.min(residual, 0) }
            if invariant || residual <= options.tolerance || kmax == n {
                return Result(eigenvalue: theta, eigenvector: x, matrixVectorProducts: products,
                              residualNorm: Swift.max(residual, 0), converged: true)
            }
        }
        return Result(eigenvalue: theta, eigenvector: x, matrixVectorProducts: products,
                      residualNorm: residual, converged: false)
    }

    /// `start`, or a fixed pseudo-random vector when it is zero or not finite (shared with ``DavidsonEigensolver``).
    static func usableStart(_ start: [Double]) -> [Double] {
        let nrm = norm2(start)
        if nrm != 0, nrm.isFinite { return start }
        var g = SeededGenerator(seed: 0x5EED)
        return start.map { _ in g.normal() }
    }

    /// ‖x‖₂ by a plain sum of squares (Lanczos vectors are O(1); no scaling needed).
    @inline(__always) static func norm2(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { p in
            var s = 0.0
            for v in p { s += v * v }
            return s.squareRoot()
        }
    }

    /// The lowest eigenvalue of the symmetric tridiagonal matrix (diagonal `alpha`, off-diagonal `beta`)
    /// and its normalized eigenvector (LAPACK `dsyevd` on the small dense matrix).
    static func lowestRitzPair(alpha: [Double], beta: [Double]) throws -> (Double, [Double]) {
        let k = alpha.count
        if k == 1 { return (alpha[0], [1]) }
        var t = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            t[i + k * i] = alpha[i]
            if i + 1 < k { t[i + 1 + k * i] = beta[i]; t[i + k * (i + 1)] = beta[i] }
        }
        let e = try Matrix(rows: k, columns: k, elements: t).symmetricEigen(vectors: true)
        return (e.eigenvalues[0], Array(e.eigenvectors.elements[0..<k]))
    }
}
