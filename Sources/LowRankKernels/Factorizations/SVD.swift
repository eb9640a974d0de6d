import Numerics
/// Singular value decomposition `A = U Σ Vᴴ` with singular values in non-increasing order.
///
/// Thin form: `U` is m×k, `Vᴴ` is k×n, k = min(m, n). Computed by LAPACK `dgesdd`/`zgesdd`
/// (divide and conquer); if it reports a convergence failure the routine falls back to the
/// slower but more robust QR-iteration driver `dgesvd`/`zgesvd`.
public struct SVDResult<Scalar: LinearAlgebraScalar>: Sendable {
    /// Left singular vectors, m×k.
    public let u: Matrix<Scalar>
    /// Singular values σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0.
    public let singularValues: [Double]
    /// Conjugate-transposed right singular vectors, k×n.
    public let vt: Matrix<Scalar>
    /// Which LAPACK driver produced the result (`"dgesdd"`, `"dgesvd"`, …).
    public let driver: String
}

extension Matrix {
    /// The thin SVD `A = U Σ Vᴴ` (see ``SVDResult``). Throws on NaN/Inf input or LAPACK failure.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func svd() throws -> SVDResult<Scalar> {
        try requireFinite("A")
        let m = rows, n = columns, k = Swift.min(m, n)
        if k == 0 {
            return SVDResult(u: Matrix(rows: m, columns: 0), singularValues: [],
                             vt: Matrix(rows: 0, columns: n), driver: "none")
        }
        var s = [Double](repeating: 0, count: k)
        var u = Matrix(rows: m, columns: k)
        var vt = Matrix(rows: k, columns: n)
        var a = self
        let sdd = routineName(Scalar.self, "dgesdd", "zgesdd")
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.elements.withUnsafeMutableBufferPointer { pu in
                    vt.elements.withUnsafeMutableBufferPointer { pv in
                        Scalar._gesdd(job: lapackChar("S"), m: m, n: n, a: pa.baseAddress!, lda: m,
                                      s: ps.baseAddress!, u: pu.baseAddress!, ldu: m,
                                      vt: pv.baseAddress!, ldvt: k)
                    }
                }
            }
        }
        if info == 0 { return SVDResult(u: u, singularValues: s, vt: vt, driver: sdd) }
        if info < 0 { throw LinearAlgebraError.lapack(routine: sdd, info: Int(info)) }
        // Divide and conquer failed to converge: fall back to QR iteration.
        a = self
        let svdName = routineName(Scalar.self, "dgesvd", "zgesvd")
        let info2 = a.elements.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.elements.withUnsafeMutableBufferPointer { pu in
                    vt.elements.withUnsafeMutableBufferPointer { pv in
                        Scalar._gesvd(jobu: lapackChar("S"), jobvt: lapackChar("S"), m: m, n: n,
                                      a: pa.baseAddress!, lda: m, s: ps.baseAddress!, u: pu.baseAddress!,
                                      ldu: m, vt: pv.baseAddress!, ldvt: k)
                    }
                }
            }
        }
        try checkLAPACK(svdName, info2)
        return SVDResult(u: u, singularValues: s, vt: vt, driver: svdName)
    }

    /// The singular values only (σ₁ ≥ … ≥ σ_k), by `dgesdd` with `jobz = 'N'` (falls back to `dgesvd`).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func singularValues() throws -> [Double] {
        try requireFinite("A")
        let m = rows, n = columns, k = Swift.min(m, n)
        if k == 0 { return [] }
        var s = [Double](repeating: 0, count: k)
        var a = self
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                Scalar._gesdd(job: lapackChar("N"), m: m, n: n, a: pa.baseAddress!, lda: m,
                              s: ps.baseAddress!, u: nil, ldu: 1, vt: nil, ldvt: 1)
            }
        }
        if info == 0 { return s }
        a = self
        let info2 = a.elements.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                Scalar._gesvd(jobu: lapackChar("N"), jobvt: lapackChar("N"), m: m, n: n, a: pa.baseAddress!,
                              lda: m, s: ps.baseAddress!, u: nil, ldu: 1, vt: nil, ldvt: 1)
            }
        }
        try checkLAPACK(routineName(Scalar.self, "dgesvd", "zgesvd"), info2)
        return s
    }

    /// The spectral norm ‖A‖₂ = σ₁.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func spectralNorm() throws -> Double { try singularValues().first ?? 0 }
}
