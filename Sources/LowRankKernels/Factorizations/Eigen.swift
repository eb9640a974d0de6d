import Numerics

/// Eigendecomposition `A = V Λ Vᴴ` of a symmetric (Hermitian) matrix; eigenvalues ascending.
///
/// LAPACK `dsyevd`/`zheevd` (divide and conquer), reading the lower triangle.
public struct SymmetricEigenResult<Scalar: LinearAlgebraScalar>: Sendable {
    /// Eigenvalues λ₁ ≤ … ≤ λₙ.
    public let eigenvalues: [Double]
    /// Orthonormal eigenvectors as columns (empty when only values were requested).
    public let eigenvectors: Matrix<Scalar>

    /// The eigenvectors of the `count` largest eigenvalues, largest first, as the columns of an n × `count`
    /// column-major array: column j is eigenvector n − 1 − j of ``eigenvectors`` (LAPACK returns λ ascending).
    /// This is the kept basis of a reduced density matrix ρ = θθᵀ (White, PRL 69, 2863 (1992)).
    /// `count` is clamped to [0, n]; empty when only values were computed.
    public func leadingEigenvectors(_ count: Int) -> [Scalar] {
        let n = eigenvectors.rows
        guard n > 0, eigenvectors.columns == n else { return [] }
        let kept = Swift.min(Swift.max(count, 0), n)
        var top = [Scalar]()
        top.reserveCapacity(n * kept)
        eigenvectors.elements.withUnsafeBufferPointer { v in
            for j in 0..<kept { top.append(contentsOf: v[(n - 1 - j) * n ..< (n - j) * n]) }
        }
        return top
    }
}

/// Eigenvalues (and optionally right eigenvectors) of a general square matrix, `A v = λ v`.
/// LAPACK `dgeev`/`zgeev`. Eigenvalues are returned as complex numbers in LAPACK's order.
public struct EigenResult: Sendable {
    /// The eigenvalues λᵢ.
    public let eigenvalues: [Complex<Double>]
    /// Right eigenvectors as complex columns (normalized to unit 2-norm), when requested.
    public let eigenvectors: Matrix<Complex<Double>>?
}

extension Matrix {
    /// Eigenvalues and eigenvectors of a symmetric/Hermitian matrix (lower triangle is read).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func symmetricEigen(vectors: Bool = true) throws -> SymmetricEigenResult<Scalar> {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "symmetricEigen", lhs: shapeDescription,
                                                       rhs: "square matrix")
        }
        try requireFinite("A")
        let n = rows
        if n == 0 { return SymmetricEigenResult(eigenvalues: [], eigenvectors: Matrix(rows: 0, columns: 0)) }
        var a = self
        var w = [Double](repeating: 0, count: n)
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                Scalar._heevd(job: lapackChar(vectors ? "V" : "N"), n: n, a: pa.baseAddress!, lda: n,
                              w: pw.baseAddress!)
            }
        }
        try checkLAPACK(routineName(Scalar.self, "dsyevd", "zheevd"), info) { i in
            .notConverged(routine: routineName(Scalar.self, "dsyevd", "zheevd"), iterations: i, residual: .nan)
        }
        return SymmetricEigenResult(eigenvalues: w, eigenvectors: vectors ? a : Matrix(rows: 0, columns: 0))
    }

    /// Eigenvalues (and right eigenvectors when `vectors`) of a general square matrix.
    public func eigen(vectors: Bool = false) throws -> EigenResult {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "eigen", lhs: shapeDescription, rhs: "square matrix")
        }
        try requireFinite("A")
        let n = rows
        if n == 0 { return EigenResult(eigenvalues: [], eigenvectors: vectors ? Matrix<Complex<Double>>(rows: 0, columns: 0) : nil) }
        var a = self
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var vr = Matrix(rows: vectors ? n : 0, columns: vectors ? n : 0)
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            wr.withUnsafeMutableBufferPointer { pr in
                wi.withUnsafeMutableBufferPointer { pi in
                    vr.elements.withUnsafeMutableBufferPointer { pv in
                        Scalar._geev(n: n, a: pa.baseAddress!, lda: n, wr: pr.baseAddress!, wi: pi.baseAddress!,
                                     vr: vectors ? pv.baseAddress! : nil)
                    }
                }
            }
        }
        let name = routineName(Scalar.self, "dgeev", "zgeev")
        try checkLAPACK(name, info) { i in .notConverged(routine: name, iterations: i, residual: .nan) }
        let lambda = (0..<n).map { Complex(wr[$0], wi[$0]) }
        guard vectors else { return EigenResult(eigenvalues: lambda, eigenvectors: nil) }
        var v = Matrix<Complex<Double>>(rows: n, columns: n)
        if Scalar.isComplex {
            for idx in 0..<(n * n) { v.elements[idx] = Complex(vr.elements[idx].realPart, vr.elements[idx].imaginaryPart) }
        } else {
            // dgeev packs a conjugate pair (λ, λ̄) as columns (re, im) of the first eigenvector.
            var j = 0
            while j < n {
                if wi[j] != 0 && j + 1 < n {
                    for i in 0..<n {
                        let re = vr.elements[i + j * n].realPart, im = vr.elements[i + (j + 1) * n].realPart
                        v.elements[i + j * n] = Complex(re, im)
                        v.elements[i + (j + 1) * n] = Complex(re, -im)
                    }
                    j += 2
                } else {
                    for i in 0..<n { v.elements[i + j * n] = Complex(vr.elements[i + j * n].realPart, 0) }
                    j += 1
                }
            }
        }
        return EigenResult(eigenvalues: lambda, eigenvectors: v)
    }
}
