import Numerics
/// Thin QR factorization `A = Q R` of an m×n matrix (m ≥ n or not): `Q` is m×k with
/// orthonormal columns, `R` is k×n upper trapezoidal, k = min(m, n).
///
/// The corresponding LAPACK routines are `dgeqrf`/`zgeqrf` followed by `dorgqr`/`zungqr`.
public struct QRFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// m×k factor with orthonormal columns.
    public let q: Matrix<Scalar>
    /// k×n upper-trapezoidal factor.
    public let r: Matrix<Scalar>
}

extension Matrix {
    /// The thin QR factorization (see ``QRFactorization``).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func qr() throws -> QRFactorization<Scalar> {
        try requireFinite("A")
        let m = rows, n = columns, k = Swift.min(m, n)
        if k == 0 {
            return QRFactorization(q: Matrix(rows: m, columns: 0), r: Matrix(rows: 0, columns: n))
        }
        var a = self
        var tau = [Scalar](repeating: .zero, count: k)
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                Scalar._geqrf(m: m, n: n, a: pa.baseAddress!, lda: m, tau: pt.baseAddress!)
            }
        }
        try checkLAPACK(routineName(Scalar.self, "dgeqrf", "zgeqrf"), info)
        var r = Matrix(rows: k, columns: n)
        for j in 0..<n { for i in 0...Swift.min(j, k - 1) { r.elements[i + j * k] = a.elements[i + j * m] } }
        var q = a.columns(0..<k)
        let info2 = q.elements.withUnsafeMutableBufferPointer { pq in
            tau.withUnsafeBufferPointer { pt in
                Scalar._orgqr(m: m, n: k, k: k, a: pq.baseAddress!, lda: m, tau: pt.baseAddress!)
            }
        }
        try checkLAPACK(routineName(Scalar.self, "dorgqr", "zungqr"), info2)
        return QRFactorization(q: q, r: r)
    }

    /// An orthonormal basis of the column space (the `Q` of the thin QR).
    public func orthonormalized() throws -> Matrix { try qr().q }

    /// An orthonormal basis of the column space from the Gram matrix, for tall blocks (m ≫ n): two passes of
    /// X ← X V Λ^(−1/2) with XᴴX = V Λ Vᴴ (SVQB; Stathopoulos & Wu, SIAM J. Sci. Comput. 23 (2002); the second pass
    /// restores orthogonality to rounding, as in CholeskyQR2, Fukaya et al. 2014). Only GEMMs touch the tall matrix,
    /// where LAPACK's Householder QR runs unblocked (BLAS-2) below 128 columns. The basis spans the same space as
    /// ``orthonormalized()`` but is another orthonormal basis of it. Falls back to ``orthonormalized()`` when X is
    /// ill-conditioned (λ_min ≤ 10⁻¹² λ_max, i.e. κ(X) ≥ 10⁶) or wide. One pass (`passes: 1`) leaves a loss of
    /// orthogonality of about ε κ(X)², enough for a basis that is orthonormalized again later.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func orthonormalizedByGram(passes: Int = 2) throws -> Matrix {
        guard columns > 0, rows >= columns else { return try orthonormalized() }
        try requireFinite("A")
        var q = self
        for _ in 0..<Swift.max(1, passes) {
            let e = try q.gram().symmetricEigen(vectors: true)
            guard let smallest = e.eigenvalues.first, let largest = e.eigenvalues.last, largest > 0,
                  smallest > 1e-12 * largest else { return try orthonormalized() }
            var v = e.eigenvectors
            v.scaleColumns(by: e.eigenvalues.map { 1 / $0.squareRoot() })
            q = try Matrix.product(q, .none, v, .none)
        }
        return q
    }
}
