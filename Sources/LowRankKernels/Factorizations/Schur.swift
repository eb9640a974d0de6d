import Numerics

/// Schur decomposition `A = Z T Zᴴ`: for real matrices the real Schur form (T quasi-upper
/// triangular with 1×1 and 2×2 blocks, Z orthogonal), for complex ones T upper triangular.
/// LAPACK `dgees`/`zgees` without eigenvalue reordering.
public struct SchurResult<Scalar: LinearAlgebraScalar>: Sendable {
    /// The (quasi-)triangular factor T.
    public let t: Matrix<Scalar>
    /// The unitary (orthogonal) Schur vectors Z.
    public let z: Matrix<Scalar>
    /// The eigenvalues read off T.
    public let eigenvalues: [Complex<Double>]
}

extension Matrix {
    /// The Schur decomposition (see ``SchurResult``).
    public func schur() throws -> SchurResult<Scalar> {
        guard isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "schur", lhs: shapeDescription, rhs: "square matrix")
        }
        try requireFinite("A")
        let n = rows
        var t = self
        var z = Matrix(rows: n, columns: n)
        var wr = [Double](repeating: 0, count: Swift.max(1, n)), wi = wr
        if n == 0 { return SchurResult(t: t, z: z, eigenvalues: []) }
        let info = t.elements.withUnsafeMutableBufferPointer { pt in
            z.elements.withUnsafeMutableBufferPointer { pz in
                wr.withUnsafeMutableBufferPointer { pr in
                    wi.withUnsafeMutableBufferPointer { pi in
                        Scalar._gees(n: n, a: pt.baseAddress!, lda: n, wr: pr.baseAddress!, wi: pi.baseAddress!,
                                     vs: pz.baseAddress!, ldvs: n)
                    }
                }
            }
        }
        let name = routineName(Scalar.self, "dgees", "zgees")
        try checkLAPACK(name, info) { i in .notConverged(routine: name, iterations: i, residual: .nan) }
        return SchurResult(t: t, z: z, eigenvalues: (0..<n).map { Complex(wr[$0], wi[$0]) })
    }
}

/// Solves the triangular Sylvester equation `op(A) X ± X op(B) = scale · C` for (quasi-)
/// triangular A and B in Schur form (LAPACK `dtrsyl`/`ztrsyl`). Returns X and the scale factor
/// (≤ 1) LAPACK chose to avoid overflow.
public func solveTriangularSylvester<Scalar: LinearAlgebraScalar>(
    _ a: Matrix<Scalar>, _ transA: Transpose = .none, _ b: Matrix<Scalar>, _ transB: Transpose = .none,
    sign: Int = 1, _ c: Matrix<Scalar>
) throws -> (x: Matrix<Scalar>, scale: Double) {
    guard a.isSquare, b.isSquare, c.rows == a.rows, c.columns == b.rows else {
        throw LinearAlgebraError.dimensionMismatch(operation: "trsyl",
                                                   lhs: "A \(a.shapeDescription), B \(b.shapeDescription)",
                                                   rhs: "C \(c.shapeDescription)")
    }
    var x = c
    var scale = 1.0
    if c.isEmpty { return (x, scale) }
    let info = a.elements.withUnsafeBufferPointer { pa in
        b.elements.withUnsafeBufferPointer { pb in
            x.elements.withUnsafeMutableBufferPointer { px in
                Scalar._trsyl(transA: transA, transB: transB, sign: sign >= 0 ? 1 : -1, m: a.rows, n: b.rows,
                              a: pa.baseAddress!, lda: a.rows, b: pb.baseAddress!, ldb: b.rows,
                              c: px.baseAddress!, ldc: c.rows, scale: &scale)
            }
        }
    }
    // info = 1 means A and −B have (nearly) common eigenvalues; LAPACK perturbed them: report it.
    let name = routineName(Scalar.self, "dtrsyl", "ztrsyl")
    try checkLAPACK(name, info) { _ in .singular(routine: name, index: 1) }
    return (x, scale)
}
