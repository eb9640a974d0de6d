/// A matrix held through thin factors in SVD form, `A = U Σ Vᴴ` with `U` (m×r) and `V` (n×r)
/// having orthonormal columns and `Σ = diag(σ₁ ≥ … ≥ σ_r ≥ 0)`.
///
/// Storage and every operation cost O((m + n) r²) or less: the m×n matrix is never formed
/// (except by ``dense()``). Sums and products are recompressed by QR of the stacked factors
/// and an SVD of the small core.
public struct LowRankMatrix<Scalar: LinearAlgebraScalar>: Sendable {
    /// m×r left factor with orthonormal columns.
    public private(set) var u: Matrix<Scalar>
    /// The r singular values, non-increasing.
    public private(set) var singularValues: [Double]
    /// n×r right factor with orthonormal columns.
    public private(set) var v: Matrix<Scalar>

    /// Number of rows m.
    public var rows: Int { u.rows }
    /// Number of columns n.
    public var columns: Int { v.rows }
    /// The rank r of the representation.
    public var rank: Int { singularValues.count }

    init(uncheckedU u: Matrix<Scalar>, singularValues: [Double], v: Matrix<Scalar>) {
        self.u = u
        self.singularValues = singularValues
        self.v = v
    }

    /// Wraps factors already in SVD form; throws when the shapes disagree.
    /// (Orthonormality of `u` and `v` is the caller's promise; use ``init(left:right:truncation:)``
    /// for arbitrary factors.)
    public init(u: Matrix<Scalar>, singularValues: [Double], v: Matrix<Scalar>) throws {
        guard u.columns == singularValues.count, v.columns == singularValues.count else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "LowRankMatrix(u:singularValues:v:)",
                lhs: "U \(u.shapeDescription), V \(v.shapeDescription)", rhs: "\(singularValues.count) singular values")
        }
        self.init(uncheckedU: u, singularValues: singularValues, v: v)
    }

    /// `A = L Rᴴ` from arbitrary factors L (m×k) and R (n×k), brought to SVD form by
    /// `L = Q₁R₁`, `R = Q₂R₂`, `R₁R₂ᴴ = X Σ Yᴴ`, `U = Q₁X`, `V = Q₂Y`, then truncated.
    public init(left: Matrix<Scalar>, right: Matrix<Scalar>,
                truncation: TruncationCriterion = .relativeTolerance(0)) throws {
        guard left.columns == right.columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LowRankMatrix(left:right:)",
                                                       lhs: "L \(left.shapeDescription)", rhs: "R \(right.shapeDescription)")
        }
        self = try LowRankMatrix.recompress(left: left, right: right, rightIsOrthonormal: false, truncation: truncation)
    }

    /// Recompression of `L Rᴴ`; when `rightIsOrthonormal` the QR of R is skipped.
    static func recompress(left: Matrix<Scalar>, right: Matrix<Scalar>, rightIsOrthonormal: Bool,
                           truncation: TruncationCriterion) throws -> LowRankMatrix {
        let m = left.rows, n = right.rows
        if left.columns == 0 || m == 0 || n == 0 {
            return LowRankMatrix(uncheckedU: Matrix(rows: m, columns: 0), singularValues: [],
                                 v: Matrix(rows: n, columns: 0))
        }
        let ql = try left.qr()
        let (q2, core): (Matrix<Scalar>, Matrix<Scalar>)
        if rightIsOrthonormal {
            q2 = right
            core = ql.r
        } else {
            let qr = try right.qr()
            q2 = qr.q
            core = try Matrix.product(ql.r, .none, qr.r, .adjoint)
        }
        let small = try core.svd()
        let k = try truncation.rank(for: small.singularValues)
        let u = try Matrix.product(ql.q, .none, small.u.columns(0..<k), .none)
        let v = try Matrix.product(q2, .none, small.vt.rows(0..<k), .adjoint)
        return LowRankMatrix(uncheckedU: u, singularValues: Array(small.singularValues.prefix(k)), v: v)
    }

    /// The dense m×n matrix `U Σ Vᴴ` (O(mnr); for checks and small cases).
    public func dense() throws -> Matrix<Scalar> {
        var us = u
        us.scaleColumns(by: singularValues)
        return try Matrix.product(us, .none, v, .adjoint)
    }

    /// `A x = U (Σ (Vᴴ x))`, O((m + n) r).
    public func apply(_ x: [Scalar]) throws -> [Scalar] {
        var t = try v.apply(x, .adjoint)
        for i in 0..<t.count { t[i] *= Scalar(real: singularValues[i]) }
        return try u.apply(t)
    }

    /// `Aᴴ y = V (Σ (Uᴴ y))`.
    public func applyAdjoint(_ y: [Scalar]) throws -> [Scalar] {
        var t = try u.apply(y, .adjoint)
        for i in 0..<t.count { t[i] *= Scalar(real: singularValues[i]) }
        return try v.apply(t)
    }

    /// `A + B` recompressed: `[UΣ, U'Σ'] [V, V']ᴴ`, truncated by `truncation`
    /// (default: drop only exact zeros).
    public func adding(_ other: LowRankMatrix, truncation: TruncationCriterion = .relativeTolerance(0)) throws
        -> LowRankMatrix {
        guard rows == other.rows, columns == other.columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LowRankMatrix addition",
                                                       lhs: "\(rows)×\(columns)", rhs: "\(other.rows)×\(other.columns)")
        }
        var l = u; l.scaleColumns(by: singularValues)
        var l2 = other.u; l2.scaleColumns(by: other.singularValues)
        try l.appendColumns(l2)
        var r = v
        try r.appendColumns(other.v)
        return try LowRankMatrix.recompress(left: l, right: r, rightIsOrthonormal: false, truncation: truncation)
    }

    /// `A B = U (Σ Vᴴ U' Σ') V'ᴴ`, cost O(m r r' + n r'²); the product of two low-rank matrices.
    public func multiplied(by other: LowRankMatrix, truncation: TruncationCriterion = .relativeTolerance(0)) throws
        -> LowRankMatrix {
        guard columns == other.rows else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LowRankMatrix product",
                                                       lhs: "\(rows)×\(columns)", rhs: "\(other.rows)×\(other.columns)")
        }
        var core = try Matrix.product(v, .adjoint, other.u, .none)  // r×r'
        core.scaleRows(by: singularValues)
        core.scaleColumns(by: other.singularValues)
        let left = try Matrix.product(u, .none, core, .none)
        return try LowRankMatrix.recompress(left: left, right: other.v, rightIsOrthonormal: true, truncation: truncation)
    }

    /// `A · X` for a dense n×k block.
    public func multiplied(by x: Matrix<Scalar>) throws -> Matrix<Scalar> {
        var t = try Matrix.product(v, .adjoint, x, .none)
        t.scaleRows(by: singularValues)
        return try Matrix.product(u, .none, t, .none)
    }

    /// The integer power `Aⁿ` (n ≥ 1) of a square low-rank matrix by the small-core identity
    /// `Aⁿ = U Σ (Vᴴ U Σ)ⁿ⁻¹ Vᴴ`: the r×r core is raised by repeated squaring, so the cost is
    /// O(r³ log n + (m + n) r²) and the m×m matrix is never formed.
    public func power(_ n: Int, truncation: TruncationCriterion = .relativeTolerance(0)) throws -> LowRankMatrix {
        guard rows == columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "LowRankMatrix power", lhs: "\(rows)×\(columns)",
                                                       rhs: "square matrix")
        }
        guard n >= 1 else {
            throw LinearAlgebraError.invalidArgument(argument: "exponent", reason: "must be ≥ 1 (got \(n))")
        }
        if n == 1 || rank == 0 { return self }
        var c = try Matrix.product(v, .adjoint, u, .none)  // Vᴴ U
        c.scaleColumns(by: singularValues)                   // Vᴴ U Σ
        var result = Matrix<Scalar>.identity(rank)
        var base = c
        var e = n - 1
        while e > 0 {
            if e & 1 == 1 { result = try Matrix.product(result, .none, base, .none) }
            e >>= 1
            if e > 0 { base = try Matrix.product(base, .none, base, .none) }
        }
        result.scaleRows(by: singularValues)                 // Σ Cⁿ⁻¹
        let left = try Matrix.product(u, .none, result, .none)
        return try LowRankMatrix.recompress(left: left, right: v, rightIsOrthonormal: true, truncation: truncation)
    }

    /// Frobenius norm ‖A‖_F = (Σ σᵢ²)^½.
    public var frobeniusNorm: Double { Vector.norm(singularValues) }
}
