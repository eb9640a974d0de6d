import Numerics

/// Level-3 and level-1 BLAS on raw column-major buffers, for engines (DMRG, ADI) whose hot loops work on
/// slices of preallocated workspaces rather than on whole ``Matrix`` values.
///
/// These are thin, allocation-free entries to the same `dgemm`/`zgemm` the ``Matrix`` products use, so the
/// layers above the kernel never import CBLAS themselves. Leading dimensions follow BLAS: `lda ≥ rows of
/// op(A)` stored, at least 1.
public enum BufferBLAS {
    /// `C ← α op(A) op(B) + β C` with op(A) m×k, op(B) k×n and C m×n (BLAS `gemm`; 2mnk flops).
    /// Does nothing when m or n is 0; scales C by β when k is 0.
    @inlinable
    public static func gemm<Scalar: LinearAlgebraScalar>(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Scalar = .one, a: UnsafePointer<Scalar>, lda: Int,
        b: UnsafePointer<Scalar>, ldb: Int,
        beta: Scalar = .zero, c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for j in 0..<n { for i in 0..<m { c[i + j * ldc] = beta == .zero ? .zero : beta * c[i + j * ldc] } }
            return
        }
        Scalar._gemm(transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: Swift.max(1, lda),
                     b: b, ldb: Swift.max(1, ldb), beta: beta, c: c, ldc: Swift.max(1, ldc))
    }

    /// `y ← α op(A) x + β y` with A m×n column-major (BLAS `gemv`).
    @inlinable
    public static func gemv<Scalar: LinearAlgebraScalar>(
        _ trans: Transpose, m: Int, n: Int, alpha: Scalar = .one, a: UnsafePointer<Scalar>, lda: Int,
        x: UnsafePointer<Scalar>, beta: Scalar = .zero, y: UnsafeMutablePointer<Scalar>
    ) {
        let outCount = trans == .none ? m : n
        if outCount == 0 { return }
        if m == 0 || n == 0 {
            for i in 0..<outCount { y[i] = beta == .zero ? .zero : beta * y[i] }
            return
        }
        Scalar._gemv(trans, m: m, n: n, alpha: alpha, a: a, lda: Swift.max(1, lda), x: x, beta: beta, y: y)
    }

    /// `C ← α A Aᵀ + β C` on the lower triangle of the n×n C (the upper triangle is not touched), with A n×k
    /// column-major, or `C ← α Aᵀ A + β C` with A k×n when `transposed` (BLAS `dsyrk`; n(n+1)k flops). Does nothing
    /// when n is 0; scales C by β when k is 0.
    @inlinable
    public static func syrkLower(n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                                 beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int, transposed: Bool = false) {
        if n == 0 { return }
        if k == 0 {
            for j in 0..<n { for i in j..<n { c[i + j * ldc] = beta == 0 ? 0 : beta * c[i + j * ldc] } }
            return
        }
        if transposed {
            Double._syrkLowerTransposed(n: n, k: k, alpha: alpha, a: a, lda: Swift.max(1, lda), beta: beta, c: c,
                                        ldc: Swift.max(1, ldc))
        } else {
            Double._syrkLower(n: n, k: k, alpha: alpha, a: a, lda: Swift.max(1, lda), beta: beta, c: c, ldc: Swift.max(1, ldc))
        }
    }

    /// Copies the lower triangle of the n×n C onto its upper triangle (what `syrkLower` leaves untouched), so that C
    /// holds the whole symmetric matrix.
    @inlinable
    public static func mirrorLower(n: Int, c: UnsafeMutablePointer<Double>, ldc: Int) {
        for j in 0..<n { for i in (j + 1)..<Swift.max(j + 1, n) { c[j + i * ldc] = c[i + j * ldc] } }
    }

    /// Single-precision `C ← α A Aᵀ + β C` on the lower triangle of the n×n C, with A n×k column-major (BLAS
    /// `ssyrk`), for mixed-precision engines that accumulate a Gram matrix in float32 and solve in float64. Does
    /// nothing when n is 0; scales C by β when k is 0.
    @inlinable
    public static func syrkLower(n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if n == 0 { return }
        if k == 0 {
            for j in 0..<n { for i in j..<n { c[i + j * ldc] = beta == 0 ? 0 : beta * c[i + j * ldc] } }
            return
        }
        Float._syrkLower(n: n, k: k, alpha: alpha, a: a, lda: Swift.max(1, lda), beta: beta, c: c, ldc: Swift.max(1, ldc))
    }

    /// Single-precision `y ← α op(A) x + β y` with A m×n column-major (BLAS `sgemv`).
    @inlinable
    public static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                            x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        let outCount = trans == .none ? m : n
        if outCount == 0 { return }
        if m == 0 || n == 0 {
            for i in 0..<outCount { y[i] = beta == 0 ? 0 : beta * y[i] }
            return
        }
        Float._gemv(trans, m: m, n: n, alpha: alpha, a: a, lda: Swift.max(1, lda), x: x, beta: beta, y: y)
    }
}

/// LAPACK on raw column-major buffers, for engines that solve many small systems from preallocated workspaces.
public enum BufferLAPACK {
    /// Solves A X = B in place for a symmetric positive definite n×n A (lower triangle referenced, overwritten by its
    /// Cholesky factor L, A = L Lᴴ) and n×nrhs B (overwritten by X): LAPACK `potrf` then `potrs`. Returns LAPACK's
    /// `info`: 0 on success, k > 0 when the leading minor of order k is not positive definite (B then untouched).
    @inlinable
    public static func choleskySolve<Scalar: LinearAlgebraScalar>(n: Int, nrhs: Int, a: UnsafeMutablePointer<Scalar>,
                                                                  lda: Int, b: UnsafeMutablePointer<Scalar>,
                                                                  ldb: Int) -> Int {
        if n == 0 { return 0 }
        let info = Scalar._potrf(n: n, a: a, lda: Swift.max(1, lda))
        if info != 0 { return Int(info) }
        return Int(Scalar._potrs(n: n, nrhs: nrhs, a: a, lda: Swift.max(1, lda), b: b, ldb: Swift.max(1, ldb)))
    }
}
