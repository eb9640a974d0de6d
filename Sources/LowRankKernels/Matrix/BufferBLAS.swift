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
}
