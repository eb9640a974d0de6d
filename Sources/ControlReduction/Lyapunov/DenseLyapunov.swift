import LowRankKernels

/// Dense continuous-time Lyapunov equations solved directly for a Cholesky factor by
/// Hammarling's method (IMA J. Numer. Anal. 2 (1982) 303), through SLICOT `SB03OD`:
///
/// - controllability: `A X + X Aᵀ + B Bᵀ = 0`, `X = Z Zᵀ`;
/// - observability:   `Aᵀ Y + Y A + Cᵀ C = 0`, `Y = Z Zᵀ`.
///
/// The factor never squares the condition number (unlike forming X and factoring it), so
/// square-root balanced truncation gets Hankel singular values accurate far below √ε·σ₁.
/// `A` must be stable (all eigenvalues in the open left half-plane). Cost O(n³).
public enum DenseLyapunov {
    /// Errors specific to the dense solver.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// `A` has an eigenvalue with non-negative real part (SB03OD `INFO = 2`).
        case unstable
        public var description: String {
            "the Lyapunov equation has no positive semidefinite solution: A is not stable (an eigenvalue has Re λ ≥ 0)"
        }
    }

    /// The n×n factor `Z` (upper triangular) with `A X + X Aᵀ + B Bᵀ = 0`, `X = Z Zᵀ`.
    public static func controllabilityFactor(a: Matrix<Double>, b: Matrix<Double>) throws -> Matrix<Double> {
        try validate(a: a, factor: b, rowsMustMatch: true, name: "B")
        let n = a.rows, m = b.columns
        let ldb = Swift.max(1, n)
        var bb = [Double](repeating: 0, count: ldb * Swift.max(m, n))
        for j in 0..<m { for i in 0..<n { bb[i + j * ldb] = b.elements[i + j * n] } }
        var aa = a.elements
        let (info, scale) = SLICOT.sb03od(trans: "T", n: n, m: m, a: &aa, b: &bb, ldb: ldb)
        try check(info)
        // U (upper, X = U Uᵀ) is the factor; keep it as Z.
        var z = Matrix<Double>(rows: n, columns: n)
        for j in 0..<n { for i in 0...j { z.elements[i + j * n] = bb[i + j * ldb] / scale } }
        return z
    }

    /// The n×n factor `Z` with `Aᵀ Y + Y A + Cᵀ C = 0`, `Y = Z Zᵀ`.
    public static func observabilityFactor(a: Matrix<Double>, c: Matrix<Double>) throws -> Matrix<Double> {
        try validate(a: a, factor: c, rowsMustMatch: false, name: "C")
        let n = a.rows, p = c.rows
        let ldb = Swift.max(1, n, p)
        var bb = [Double](repeating: 0, count: ldb * n)
        for j in 0..<n { for i in 0..<p { bb[i + j * ldb] = c.elements[i + j * p] } }
        var aa = a.elements
        let (info, scale) = SLICOT.sb03od(trans: "N", n: n, m: p, a: &aa, b: &bb, ldb: ldb)
        try check(info)
        // Y = Uᵀ U with U upper triangular, so Z = Uᵀ.
        var z = Matrix<Double>(rows: n, columns: n)
        for j in 0..<n { for i in 0...j { z.elements[j + i * n] = bb[i + j * ldb] / scale } }
        return z
    }

    private static func validate(a: Matrix<Double>, factor: Matrix<Double>, rowsMustMatch: Bool, name: String) throws {
        guard a.isSquare else {
            throw LinearAlgebraError.dimensionMismatch(operation: "Lyapunov equation", lhs: "A \(a.shapeDescription)",
                                                       rhs: "square matrix")
        }
        let matches = rowsMustMatch ? factor.rows == a.rows : factor.columns == a.rows
        guard matches else {
            throw LinearAlgebraError.dimensionMismatch(operation: "Lyapunov equation", lhs: "A \(a.shapeDescription)",
                                                       rhs: "\(name) \(factor.shapeDescription)")
        }
        try a.requireFinite("A"); try factor.requireFinite(name)
        try a.requireNonEmpty("A")
    }

    private static func check(_ info: Int32) throws {
        switch info {
        case 0: return
        case 2: throw Failure.unstable
        default: throw LinearAlgebraError.lapack(routine: "SB03OD", info: Int(info))
        }
    }
}
