import Numerics
/// Cholesky factorization `A = L Lᴴ` of a symmetric (Hermitian) positive definite matrix
/// (LAPACK `dpotrf`/`zpotrf`, lower triangle).
public struct CholeskyFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// The lower-triangular factor L (strict upper triangle zero).
    public let l: Matrix<Scalar>

    /// Solves `A X = B` with the factor (LAPACK `dpotrs`/`zpotrs`).
    public func solve(_ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard b.rows == l.rows else {
            throw LinearAlgebraError.dimensionMismatch(operation: "Cholesky solve", lhs: "A \(l.shapeDescription)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        var x = b
        if b.isEmpty { return x }
        let info = l.elements.withUnsafeBufferPointer { pl in
            x.elements.withUnsafeMutableBufferPointer { px in
                Scalar._potrs(n: l.rows, nrhs: b.columns, a: pl.baseAddress!, lda: l.rows, b: px.baseAddress!,
                              ldb: l.rows)
            }
        }
        try checkLAPACK(routineName(Scalar.self, "dpotrs", "zpotrs"), info)
        return x
    }
}

/// Pivoted (rank-revealing) Cholesky `Pᵀ A P = L Lᴴ` of a positive semidefinite matrix
/// (LAPACK `dpstrf`/`zpstrf`): stops when the largest remaining diagonal falls below `tolerance`.
public struct PivotedCholeskyFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    /// The n×rank lower-trapezoidal factor L, in pivoted order.
    public let l: Matrix<Scalar>
    /// The permutation: row `k` of `L` belongs to index `pivots[k]` of `A` (0-based).
    public let pivots: [Int]
    /// The numerical rank found.
    public let rank: Int

    /// The factor in the original ordering, `F` with `A ≈ F Fᴴ` (n×rank).
    public var factor: Matrix<Scalar> {
        var f = Matrix<Scalar>(rows: l.rows, columns: rank)
        for j in 0..<rank { for k in 0..<l.rows { f[pivots[k], j] = l[k, j] } }
        return f
    }
}

extension Matrix {
    /// The Cholesky factor of a symmetric/Hermitian positive definite matrix.
    public func cholesky() throws -> CholeskyFactorization<Scalar> {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "cholesky", lhs: shapeDescription, rhs: "square matrix")
        }
        try requireFinite("A")
        var a = self
        let n = rows
        if n > 0 {
            let info = a.elements.withUnsafeMutableBufferPointer { pa in Scalar._potrf(n: n, a: pa.baseAddress!, lda: n) }
            let name = routineName(Scalar.self, "dpotrf", "zpotrf")
            try checkLAPACK(name, info) { i in .notPositiveDefinite(routine: name, order: i) }
        }
        for j in 0..<n { for i in 0..<j { a.elements[i + j * n] = .zero } }
        return CholeskyFactorization(l: a)
    }

    /// Pivoted Cholesky with stopping tolerance on the remaining diagonal (`tolerance < 0` uses
    /// LAPACK's default n·ε·max(diag)).
    public func pivotedCholesky(tolerance: Double = -1) throws -> PivotedCholeskyFactorization<Scalar> {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "pivotedCholesky", lhs: shapeDescription,
                                                       rhs: "square matrix")
        }
        try requireFinite("A")
        let n = rows
        if n == 0 { return PivotedCholeskyFactorization(l: Matrix(rows: 0, columns: 0), pivots: [], rank: 0) }
        var a = self
        var piv = [Int32](repeating: 0, count: n)
        var rank: Int32 = 0
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            piv.withUnsafeMutableBufferPointer { pp in
                Scalar._pstrf(n: n, a: pa.baseAddress!, lda: n, piv: pp.baseAddress!, rank: &rank, tol: tolerance)
            }
        }
        // info = 1: A is rank deficient (the normal case here); info < 0: illegal argument.
        let name = routineName(Scalar.self, "dpstrf", "zpstrf")
        if info < 0 { throw LinearAlgebraError.lapack(routine: name, info: Int(info)) }
        let r = Int(rank)
        var l = Matrix(rows: n, columns: r)
        for j in 0..<r { for i in j..<n { l.elements[i + j * n] = a.elements[i + j * n] } }
        return PivotedCholeskyFactorization(l: l, pivots: piv.map { Int($0) - 1 }, rank: r)
    }
}
