// The C seam to OpenBLAS (CBLAS) and LAPACKE: the only file of the package that imports either module.
// Each `LinearAlgebraScalar` requirement maps to one CBLAS/LAPACKE routine, `d` for `Double` (first part) and
// `z` for `Complex<Double>` (second part); the OpenBLAS thread controls behind `BLASThreads` come last.
import CBLAS
import CLAPACKE
import Numerics

// MARK: - Real double precision

@usableFromInline let colMajor: Int32 = 102  // LAPACK_COL_MAJOR

@inline(__always) func cblasTrans(_ t: Transpose) -> CBLAS_TRANSPOSE {
    switch t {
    case .none: return CblasNoTrans
    case .transpose: return CblasTrans
    case .adjoint: return CblasConjTrans
    }
}

@inline(__always) func lapackTrans(_ t: Transpose, complex: Bool) -> CChar {
    switch t {
    case .none: return CChar(UInt8(ascii: "N"))
    case .transpose: return CChar(UInt8(ascii: "T"))
    case .adjoint: return CChar(UInt8(ascii: complex ? "C" : "T"))
    }
}

@inline(__always) func i32(_ x: Int) -> Int32 { Int32(truncatingIfNeeded: x) }

extension Double {
    public static func _gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                             alpha: Double, a: UnsafePointer<Double>, lda: Int,
                             b: UnsafePointer<Double>, ldb: Int,
                             beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasColMajor, cblasTrans(transA), cblasTrans(transB), i32(m), i32(n), i32(k),
                    alpha, a, i32(lda), b, i32(ldb), beta, c, i32(ldc))
    }

    public static func _gemv(_ trans: Transpose, m: Int, n: Int, alpha: Double,
                             a: UnsafePointer<Double>, lda: Int, x: UnsafePointer<Double>,
                             beta: Double, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasColMajor, cblasTrans(trans), i32(m), i32(n), alpha, a, i32(lda), x, 1, beta, y, 1)
    }

    public static func _axpy(n: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(i32(n), alpha, x, 1, y, 1)
    }

    public static func _geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                              tau: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dgeqrf(colMajor, i32(m), i32(n), a, i32(lda), tau)
    }

    public static func _orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                              tau: UnsafePointer<Double>) -> Int32 {
        LAPACKE_dorgqr(colMajor, i32(m), i32(n), i32(k), a, i32(lda), tau)
    }

    public static func _gesdd(job: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                              s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>?, ldu: Int,
                              vt: UnsafeMutablePointer<Double>?, ldvt: Int) -> Int32 {
        LAPACKE_dgesdd(colMajor, job, i32(m), i32(n), a, i32(lda), s, u, i32(ldu), vt, i32(ldvt))
    }

    public static func _gesvd(jobu: CChar, jobvt: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Double>,
                              lda: Int, s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>?,
                              ldu: Int, vt: UnsafeMutablePointer<Double>?, ldvt: Int) -> Int32 {
        var superb = [Double](repeating: 0, count: Swift.max(1, Swift.min(m, n)))
        return LAPACKE_dgesvd(colMajor, jobu, jobvt, i32(m), i32(n), a, i32(lda), s, u, i32(ldu),
                              vt, i32(ldvt), &superb)
    }

    public static func _heevd(job: CChar, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                              w: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dsyevd(colMajor, job, CChar(UInt8(ascii: "L")), i32(n), a, i32(lda), w)
    }

    public static func _geev(n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
                             vr: UnsafeMutablePointer<Double>?) -> Int32 {
        let jobvr = CChar(UInt8(ascii: vr == nil ? "N" : "V"))
        return LAPACKE_dgeev(colMajor, CChar(UInt8(ascii: "N")), jobvr, i32(n), a, i32(lda), wr, wi,
                             nil, 1, vr, i32(Swift.max(1, n)))
    }

    public static func _gees(n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
                             vs: UnsafeMutablePointer<Double>, ldvs: Int) -> Int32 {
        var sdim: Int32 = 0
        return LAPACKE_dgees(colMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "N")), nil,
                             i32(n), a, i32(lda), &sdim, wr, wi, vs, i32(ldvs))
    }

    public static func _trsyl(transA: Transpose, transB: Transpose, sign: Int, m: Int, n: Int,
                              a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                              c: UnsafeMutablePointer<Double>, ldc: Int,
                              scale: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_dtrsyl(colMajor, lapackTrans(transA, complex: false), lapackTrans(transB, complex: false),
                       i32(sign), i32(m), i32(n), a, i32(lda), b, i32(ldb), c, i32(ldc), scale)
    }

    public static func _gesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             ipiv: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Double>,
                             ldb: Int) -> Int32 {
        LAPACKE_dgesv(colMajor, i32(n), i32(nrhs), a, i32(lda), ipiv, b, i32(ldb))
    }

    public static func _getrf(m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                              ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_dgetrf(colMajor, i32(m), i32(n), a, i32(lda), ipiv)
    }

    public static func _getrs(trans: Transpose, n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int,
                              ipiv: UnsafePointer<Int32>, b: UnsafeMutablePointer<Double>, ldb: Int) -> Int32 {
        LAPACKE_dgetrs(colMajor, lapackTrans(trans, complex: false), i32(n), i32(nrhs), a, i32(lda), ipiv, b, i32(ldb))
    }

    /// `C ← α A Aᵀ + β C` on the lower triangle of the n×n C, with A n×k (BLAS `dsyrk`).
    public static func _syrkLower(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int, beta: Double,
                                  c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, i32(n), i32(k), alpha, a, i32(lda), beta, c, i32(ldc))
    }

    /// `C ← α Aᵀ A + β C` on the lower triangle of the n×n C, with A k×n (BLAS `dsyrk`, transposed).
    public static func _syrkLowerTransposed(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int, beta: Double,
                                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, i32(n), i32(k), alpha, a, i32(lda), beta, c, i32(ldc))
    }

    // The _work entry points skip LAPACKE's NaN scan of the input; callers check finiteness (Matrix.cholesky) or own
    // the data (BufferLAPACK's engines).
    public static func _potrf(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int32 {
        LAPACKE_dpotrf_work(colMajor, CChar(UInt8(ascii: "L")), i32(n), a, i32(lda))
    }

    /// With one right-hand side, the two triangular solves L y = b, Lᵀ x = y run as level-2 `dtrsv` (what `dpotrs`
    /// computes, without the level-3 `dtrsm` set-up that dominates for small n).
    public static func _potrs(n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int,
                              b: UnsafeMutablePointer<Double>, ldb: Int) -> Int32 {
        if nrhs == 1 {
            cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, i32(n), a, i32(lda), b, 1)
            cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, i32(n), a, i32(lda), b, 1)
            return 0
        }
        return LAPACKE_dpotrs_work(colMajor, CChar(UInt8(ascii: "L")), i32(n), i32(nrhs), a, i32(lda), b, i32(ldb))
    }

    public static func _pstrf(n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                              piv: UnsafeMutablePointer<Int32>, rank: UnsafeMutablePointer<Int32>,
                              tol: Double) -> Int32 {
        LAPACKE_dpstrf(colMajor, CChar(UInt8(ascii: "L")), i32(n), a, i32(lda), piv, rank, tol)
    }

    public static func _gels(m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
                             b: UnsafeMutablePointer<Double>, ldb: Int) -> Int32 {
        LAPACKE_dgels(colMajor, CChar(UInt8(ascii: "N")), i32(m), i32(n), i32(nrhs), a, i32(lda), b, i32(ldb))
    }
}

// MARK: - Double-complex
// `Complex<Double>` and `_lapack_complex_double` share size, stride and alignment (16/16/8).

typealias LC = _lapack_complex_double

@inline(__always) func lc(_ p: UnsafeMutablePointer<Complex<Double>>) -> UnsafeMutablePointer<LC> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: LC.self)
}
@inline(__always) func lco(_ p: UnsafeMutablePointer<Complex<Double>>?) -> UnsafeMutablePointer<LC>? {
    p.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: LC.self) }
}
@inline(__always) func lc(_ p: UnsafePointer<Complex<Double>>) -> UnsafePointer<LC> {
    UnsafeRawPointer(p).assumingMemoryBound(to: LC.self)
}

/// Single-precision BLAS used by mixed-precision engines (float32 Gram accumulation, float64 solves).
extension Float {
    /// `C ← α A Aᵀ + β C` on the lower triangle of the n×n C, with A n×k (BLAS `ssyrk`).
    public static func _syrkLower(n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int, beta: Float,
                                  c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_ssyrk(CblasColMajor, CblasLower, CblasNoTrans, i32(n), i32(k), alpha, a, i32(lda), beta, c, i32(ldc))
    }

    /// `y ← α op(A) x + β y` (BLAS `sgemv`).
    public static func _gemv(_ trans: Transpose, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasColMajor, cblasTrans(trans), i32(m), i32(n), alpha, a, i32(lda), x, 1, beta, y, 1)
    }
}

extension Complex where RealType == Double {
    public static func _gemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                             alpha: Complex<Double>, a: UnsafePointer<Complex<Double>>, lda: Int,
                             b: UnsafePointer<Complex<Double>>, ldb: Int,
                             beta: Complex<Double>, c: UnsafeMutablePointer<Complex<Double>>, ldc: Int) {
        var al = alpha, be = beta
        cblas_zgemm(CblasColMajor, cblasTrans(transA), cblasTrans(transB), i32(m), i32(n), i32(k),
                    &al, a, i32(lda), b, i32(ldb), &be, c, i32(ldc))
    }

    public static func _gemv(_ trans: Transpose, m: Int, n: Int, alpha: Complex<Double>,
                             a: UnsafePointer<Complex<Double>>, lda: Int, x: UnsafePointer<Complex<Double>>,
                             beta: Complex<Double>, y: UnsafeMutablePointer<Complex<Double>>) {
        var al = alpha, be = beta
        cblas_zgemv(CblasColMajor, cblasTrans(trans), i32(m), i32(n), &al, a, i32(lda), x, 1, &be, y, 1)
    }

    public static func _axpy(n: Int, alpha: Complex<Double>, x: UnsafePointer<Complex<Double>>,
                             y: UnsafeMutablePointer<Complex<Double>>) {
        var al = alpha
        cblas_zaxpy(i32(n), &al, x, 1, y, 1)
    }

    public static func _geqrf(m: Int, n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              tau: UnsafeMutablePointer<Complex<Double>>) -> Int32 {
        LAPACKE_zgeqrf(colMajor, i32(m), i32(n), lc(a), i32(lda), lc(tau))
    }

    public static func _orgqr(m: Int, n: Int, k: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              tau: UnsafePointer<Complex<Double>>) -> Int32 {
        LAPACKE_zungqr(colMajor, i32(m), i32(n), i32(k), lc(a), i32(lda), lc(tau))
    }

    public static func _gesdd(job: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Complex<Double>>?,
                              ldu: Int, vt: UnsafeMutablePointer<Complex<Double>>?, ldvt: Int) -> Int32 {
        LAPACKE_zgesdd(colMajor, job, i32(m), i32(n), lc(a), i32(lda), s, lco(u), i32(ldu), lco(vt), i32(ldvt))
    }

    public static func _gesvd(jobu: CChar, jobvt: CChar, m: Int, n: Int,
                              a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              s: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Complex<Double>>?,
                              ldu: Int, vt: UnsafeMutablePointer<Complex<Double>>?, ldvt: Int) -> Int32 {
        var superb = [Double](repeating: 0, count: Swift.max(1, Swift.min(m, n)))
        return LAPACKE_zgesvd(colMajor, jobu, jobvt, i32(m), i32(n), lc(a), i32(lda), s, lco(u), i32(ldu),
                              lco(vt), i32(ldvt), &superb)
    }

    public static func _heevd(job: CChar, n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              w: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_zheevd(colMajor, job, CChar(UInt8(ascii: "L")), i32(n), lc(a), i32(lda), w)
    }

    public static func _geev(n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                             wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
                             vr: UnsafeMutablePointer<Complex<Double>>?) -> Int32 {
        var w = [Complex<Double>](repeating: .zero, count: Swift.max(1, n))
        let jobvr = CChar(UInt8(ascii: vr == nil ? "N" : "V"))
        let info = w.withUnsafeMutableBufferPointer { wp in
            LAPACKE_zgeev(colMajor, CChar(UInt8(ascii: "N")), jobvr, i32(n), lc(a), i32(lda),
                          lc(wp.baseAddress!), nil, 1, lco(vr), i32(Swift.max(1, n)))
        }
        for i in 0..<n { wr[i] = w[i].real; wi[i] = w[i].imaginary }
        return info
    }

    public static func _gees(n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                             wr: UnsafeMutablePointer<Double>, wi: UnsafeMutablePointer<Double>,
                             vs: UnsafeMutablePointer<Complex<Double>>, ldvs: Int) -> Int32 {
        var sdim: Int32 = 0
        var w = [Complex<Double>](repeating: .zero, count: Swift.max(1, n))
        let info = w.withUnsafeMutableBufferPointer { wp in
            LAPACKE_zgees(colMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "N")), nil,
                          i32(n), lc(a), i32(lda), &sdim, lc(wp.baseAddress!), lc(vs), i32(ldvs))
        }
        for i in 0..<n { wr[i] = w[i].real; wi[i] = w[i].imaginary }
        return info
    }

    public static func _trsyl(transA: Transpose, transB: Transpose, sign: Int, m: Int, n: Int,
                              a: UnsafePointer<Complex<Double>>, lda: Int, b: UnsafePointer<Complex<Double>>,
                              ldb: Int, c: UnsafeMutablePointer<Complex<Double>>, ldc: Int,
                              scale: UnsafeMutablePointer<Double>) -> Int32 {
        LAPACKE_ztrsyl(colMajor, lapackTrans(transA, complex: true), lapackTrans(transB, complex: true),
                       i32(sign), i32(m), i32(n), lc(a), i32(lda), lc(b), i32(ldb), lc(c), i32(ldc), scale)
    }

    public static func _gesv(n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                             ipiv: UnsafeMutablePointer<Int32>, b: UnsafeMutablePointer<Complex<Double>>,
                             ldb: Int) -> Int32 {
        LAPACKE_zgesv(colMajor, i32(n), i32(nrhs), lc(a), i32(lda), ipiv, lc(b), i32(ldb))
    }

    public static func _getrf(m: Int, n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              ipiv: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_zgetrf(colMajor, i32(m), i32(n), lc(a), i32(lda), ipiv)
    }

    public static func _getrs(trans: Transpose, n: Int, nrhs: Int, a: UnsafePointer<Complex<Double>>, lda: Int,
                              ipiv: UnsafePointer<Int32>, b: UnsafeMutablePointer<Complex<Double>>, ldb: Int) -> Int32 {
        LAPACKE_zgetrs(colMajor, lapackTrans(trans, complex: true), i32(n), i32(nrhs), lc(a), i32(lda), ipiv, lc(b),
                       i32(ldb))
    }

    public static func _potrf(n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int) -> Int32 {
        LAPACKE_zpotrf_work(colMajor, CChar(UInt8(ascii: "L")), i32(n), lc(a), i32(lda))
    }

    /// With one right-hand side, L y = b and Lᴴ x = y by level-2 `ztrsv` (see the real case).
    public static func _potrs(n: Int, nrhs: Int, a: UnsafePointer<Complex<Double>>, lda: Int,
                              b: UnsafeMutablePointer<Complex<Double>>, ldb: Int) -> Int32 {
        if nrhs == 1 {
            cblas_ztrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, i32(n), a, i32(lda), b, 1)
            cblas_ztrsv(CblasColMajor, CblasLower, CblasConjTrans, CblasNonUnit, i32(n), a, i32(lda), b, 1)
            return 0
        }
        return LAPACKE_zpotrs_work(colMajor, CChar(UInt8(ascii: "L")), i32(n), i32(nrhs), lc(a), i32(lda), lc(b), i32(ldb))
    }

    public static func _pstrf(n: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                              piv: UnsafeMutablePointer<Int32>, rank: UnsafeMutablePointer<Int32>,
                              tol: Double) -> Int32 {
        LAPACKE_zpstrf(colMajor, CChar(UInt8(ascii: "L")), i32(n), lc(a), i32(lda), piv, rank, tol)
    }

    public static func _gels(m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Complex<Double>>, lda: Int,
                             b: UnsafeMutablePointer<Complex<Double>>, ldb: Int) -> Int32 {
        LAPACKE_zgels(colMajor, CChar(UInt8(ascii: "N")), i32(m), i32(n), i32(nrhs), lc(a), i32(lda),
                      lc(b), i32(ldb))
    }
}

// MARK: - OpenBLAS threads (used by `BLASThreads`)

enum OpenBLAS {
    static var threadCount: Int { Int(openblas_get_num_threads()) }
    static func setThreadCount(_ n: Int32) { openblas_set_num_threads(n) }
    static var configuration: String { String(cString: openblas_get_config()) }
}
