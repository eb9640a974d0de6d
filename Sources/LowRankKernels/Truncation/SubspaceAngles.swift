import Numerics

/// Principal angles between the column spaces of two matrices (Björck & Golub 1973), computed
/// stably for small angles by the sine–cosine combination of Knyazev & Argentati
/// (SIAM J. Sci. Comput. 23 (2002) 2008): cosines from the SVD of `Q_Aᴴ Q_B`, sines from the SVD of
/// `Q_B − Q_A (Q_Aᴴ Q_B)`; each angle uses the cosine when cos²θ < ½ and the sine otherwise.
public enum SubspaceAngles {
    /// The q = min(rank A, rank B) principal angles θ₁ ≤ … ≤ θ_q in [0, π/2].
    public static func principalAngles<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws -> [Double] {
        guard a.rows == b.rows else {
            throw LinearAlgebraError.dimensionMismatch(operation: "principal angles", lhs: "A \(a.shapeDescription)",
                                                       rhs: "B \(b.shapeDescription)")
        }
        try a.requireNonEmpty("A"); try b.requireNonEmpty("B")
        var qa = try a.orthonormalized(), qb = try b.orthonormalized()
        if qb.columns > qa.columns { swap(&qa, &qb) }  // angles are symmetric; make B the smaller basis
        let m = try Matrix.product(qa, .adjoint, qb, .none)
        let cosines = try m.singularValues()                 // descending → angles ascending
        let residual = try qb.subtracting(Matrix.product(qa, .none, m, .none))
        let sines = try residual.singularValues().sorted()   // ascending → angles ascending
        let q = qb.columns
        return (0..<q).map { i in
            let c = Swift.min(1, cosines[i])
            let s = Swift.min(1, i < sines.count ? sines[i] : 1)
            return c * c < 0.5 ? Double.acos(c) : Double.asin(s)
        }
    }

    /// The subspace distance sin θ_max = ‖P_A − P_B‖₂ for subspaces of equal dimension (the gap
    /// metric; Golub & Van Loan, Matrix Computations, §2.5.3).
    public static func distance<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws -> Double {
        let theta = try principalAngles(a, b)
        return Double.sin(theta.last ?? 0)
    }
}
