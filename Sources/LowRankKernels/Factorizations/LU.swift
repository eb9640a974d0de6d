import Numerics
/// Dense linear solves by LU with partial pivoting (LAPACK `dgesv`/`zgesv`): `A X = B`.
extension Matrix {
    /// Solves `A X = B` for square `A`; throws ``LinearAlgebraError/singular(routine:index:)``
    /// when an exact zero pivot appears.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func solve(_ b: Matrix) throws -> Matrix {
        guard isSquare, b.rows == rows else {
            throw LinearAlgebraError.dimensionMismatch(operation: "solve A X = B", lhs: "A \(shapeDescription)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        try requireFinite("A"); try b.requireFinite("B")
        if rows == 0 || b.columns == 0 { return b }
        var a = self, x = b
        var ipiv = [Int32](repeating: 0, count: rows)
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            x.elements.withUnsafeMutableBufferPointer { px in
                ipiv.withUnsafeMutableBufferPointer { pp in
                    Scalar._gesv(n: rows, nrhs: b.columns, a: pa.baseAddress!, lda: rows, ipiv: pp.baseAddress!,
                                 b: px.baseAddress!, ldb: rows)
                }
            }
        }
        let name = routineName(Scalar.self, "dgesv", "zgesv")
        try checkLAPACK(name, info) { i in .singular(routine: name, index: i) }
        return x
    }

    /// Solves `A x = b` for one right-hand side.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func solve(_ b: [Scalar]) throws -> [Scalar] {
        try solve(Matrix(uncheckedRows: b.count, columns: 1, elements: b)).elements
    }

    /// Least-squares solution of `min ‖A X − B‖_F` for full-rank `A` (LAPACK `dgels`/`zgels`,
    /// QR for m ≥ n, minimum-norm LQ for m < n).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func leastSquares(_ b: Matrix) throws -> Matrix {
        guard b.rows == rows else {
            throw LinearAlgebraError.dimensionMismatch(operation: "least squares", lhs: "A \(shapeDescription)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        try requireFinite("A"); try b.requireFinite("B")
        let m = rows, n = columns, nrhs = b.columns, ldb = Swift.max(1, Swift.max(m, n))
        if m == 0 || n == 0 || nrhs == 0 { return Matrix(rows: n, columns: nrhs) }
        var a = self
        var x = Matrix(rows: ldb, columns: nrhs)
        for j in 0..<nrhs { for i in 0..<m { x.elements[i + j * ldb] = b.elements[i + j * m] } }
        let info = a.elements.withUnsafeMutableBufferPointer { pa in
            x.elements.withUnsafeMutableBufferPointer { px in
                Scalar._gels(m: m, n: n, nrhs: nrhs, a: pa.baseAddress!, lda: m, b: px.baseAddress!, ldb: ldb)
            }
        }
        let name = routineName(Scalar.self, "dgels", "zgels")
        try checkLAPACK(name, info) { i in .singular(routine: name, index: i) }
        return x.submatrix(rows: 0..<n, columns: 0..<nrhs)
    }

    /// The inverse A⁻¹ (prefer ``solve(_:)-(Matrix<Scalar>)`` where possible).
    public func inverse() throws -> Matrix { try solve(Matrix.identity(rows)) }
}

/// A stored LU factorization `P A = L U` with partial pivoting (LAPACK `dgetrf`/`zgetrf`), for
/// repeated solves with `A`, `Aᵀ` or `Aᴴ` (`dgetrs`/`zgetrs`) — e.g. a shifted matrix `A + pE`
/// reused whenever an ADI shift repeats.
public struct LUFactorization<Scalar: LinearAlgebraScalar>: Sendable {
    let factors: Matrix<Scalar>
    let pivots: [Int32]
    /// The order n.
    public var order: Int { factors.rows }

    /// Factors a square matrix; throws ``LinearAlgebraError/singular(routine:index:)`` on an exact zero pivot.
    public init(_ a: Matrix<Scalar>) throws {
        guard a.isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LU factorization", lhs: a.shapeDescription,
                                                       rhs: "square matrix")
        }
        try a.requireFinite("A")
        var f = a
        var piv = [Int32](repeating: 0, count: a.rows)
        let n = a.rows
        if n > 0 {
            let info = f.elements.withUnsafeMutableBufferPointer { pa in
                piv.withUnsafeMutableBufferPointer { pp in
                    Scalar._getrf(m: n, n: n, a: pa.baseAddress!, lda: n, ipiv: pp.baseAddress!)
                }
            }
            let name = routineName(Scalar.self, "dgetrf", "zgetrf")
            try checkLAPACK(name, info) { i in .singular(routine: name, index: i) }
        }
        factors = f
        pivots = piv
    }

    /// Solves `op(A) X = B`.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func solve(_ b: Matrix<Scalar>, _ trans: Transpose = .none) throws -> Matrix<Scalar> {
        guard b.rows == order else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LU solve", lhs: "A \(factors.shapeDescription)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        var x = b
        if b.isEmpty { return x }
        let info = factors.elements.withUnsafeBufferPointer { pa in
            pivots.withUnsafeBufferPointer { pp in
                x.elements.withUnsafeMutableBufferPointer { px in
                    Scalar._getrs(trans: trans, n: order, nrhs: b.columns, a: pa.baseAddress!, lda: order,
                                  ipiv: pp.baseAddress!, b: px.baseAddress!, ldb: order)
                }
            }
        }
        try checkLAPACK(routineName(Scalar.self, "dgetrs", "zgetrs"), info)
        return x
    }
}
