import Numerics

/// How many singular triplets a truncated SVD keeps.
///
/// With singular values σ₁ ≥ σ₂ ≥ … ≥ σ_p (p = min(m, n)) and kept rank k:
/// - ``rank(_:)``: exactly k.
/// - ``absoluteTolerance(_:)``: keep every σᵢ > ε.
/// - ``relativeTolerance(_:)``: keep every σᵢ > ε·σ₁.
/// - ``discardedWeight(_:)``: the smallest k whose *relative discarded weight*
///   Σ_{i>k} σᵢ² / Σᵢ σᵢ² is at most ε. This is the squared relative Frobenius error
///   ‖A − A_k‖²_F / ‖A‖²_F (ITensor's `cutoff` convention).
public enum TruncationCriterion: Sendable, Equatable {
    case rank(Int)
    case absoluteTolerance(Double)
    case relativeTolerance(Double)
    case discardedWeight(Double)

    /// The kept rank for the singular values `s` (non-increasing).
    public func rank(for s: [Double]) throws -> Int {
        switch self {
        case .rank(let k):
            guard k >= 0, k <= s.count else {
                throw LinearAlgebraError.invalidArgument(
                    argument: "rank", reason: "requested rank \(k) is outside 0…\(s.count) (min(m, n))")
            }
            return k
        case .absoluteTolerance(let eps):
            guard eps >= 0, eps.isFinite else {
                throw LinearAlgebraError.invalidArgument(argument: "tolerance", reason: "must be finite and ≥ 0")
            }
            return s.prefix { $0 > eps }.count
        case .relativeTolerance(let eps):
            guard eps >= 0, eps.isFinite else {
                throw LinearAlgebraError.invalidArgument(argument: "tolerance", reason: "must be finite and ≥ 0")
            }
            let cut = eps * (s.first ?? 0)
            return s.prefix { $0 > cut }.count
        case .discardedWeight(let eps):
            guard eps >= 0, eps.isFinite else {
                throw LinearAlgebraError.invalidArgument(argument: "discarded weight", reason: "must be finite and ≥ 0")
            }
            let total = s.reduce(0) { $0 + $1 * $1 }
            if total == 0 { return 0 }
            var tail = 0.0
            var k = s.count
            // Walk from the smallest value up while the discarded weight stays within the budget.
            while k > 0 {
                let next = tail + s[k - 1] * s[k - 1]
                if next / total > eps { break }
                tail = next
                k -= 1
            }
            return k
        }
    }
}

/// What a truncation kept and threw away.
///
/// By the Eckart–Young–Mirsky theorem the best rank-k approximation error is exactly the
/// tail of the spectrum: ‖A − A_k‖_F = (Σ_{i>k} σᵢ²)^½ and ‖A − A_k‖₂ = σ_{k+1}.
public struct TruncationReport: Sendable, Equatable, Codable {
    /// Kept rank k.
    public let rank: Int
    /// Discarded weight Σ_{i>k} σᵢ².
    public let discardedWeight: Double
    /// Relative discarded weight Σ_{i>k} σᵢ² / Σᵢ σᵢ².
    public let relativeDiscardedWeight: Double
    /// Frobenius-norm error ‖A − A_k‖_F = √(discarded weight).
    public let frobeniusError: Double
    /// Relative Frobenius error ‖A − A_k‖_F / ‖A‖_F.
    public let relativeError: Double
    /// Spectral-norm error ‖A − A_k‖₂ = σ_{k+1} (0 when nothing is discarded).
    public let spectralError: Double

    /// The report for keeping the first `rank` of the non-increasing singular values `s`.
    public init(singularValues s: [Double], rank: Int) {
        let k = Swift.max(0, Swift.min(rank, s.count))
        // Sum smallest first for accuracy.
        var tail = 0.0
        for i in stride(from: s.count - 1, through: k, by: -1) { tail += s[i] * s[i] }
        var head = 0.0
        for i in stride(from: k - 1, through: 0, by: -1) { head += s[i] * s[i] }
        let total = head + tail
        self.rank = k
        self.discardedWeight = tail
        self.relativeDiscardedWeight = total > 0 ? tail / total : 0
        self.frobeniusError = tail.squareRoot()
        self.relativeError = total > 0 ? (tail / total).squareRoot() : 0
        self.spectralError = k < s.count ? s[k] : 0
    }
}

/// A truncated SVD `A ≈ U_k Σ_k V_kᴴ` with its truncation report and the full spectrum.
public struct TruncatedSVD<Scalar: LinearAlgebraScalar>: Sendable {
    /// m×k left singular vectors.
    public let u: Matrix<Scalar>
    /// The k kept singular values.
    public let singularValues: [Double]
    /// k×n conjugate-transposed right singular vectors.
    public let vt: Matrix<Scalar>
    /// Every singular value that was computed (all min(m, n) for the exact SVD).
    public let allSingularValues: [Double]
    /// What was kept and discarded.
    public let report: TruncationReport

    /// The truncation as a ``LowRankMatrix``.
    public var lowRankMatrix: LowRankMatrix<Scalar> {
        LowRankMatrix(uncheckedU: u, singularValues: singularValues, v: vt.adjoint)
    }

    /// The dense rank-k approximation `U_k Σ_k V_kᴴ`.
    public func dense() throws -> Matrix<Scalar> {
        var us = u
        us.scaleColumns(by: singularValues)
        return try Matrix.product(us, .none, vt, .none)
    }
}

extension Matrix {
    /// The best approximation of the rank chosen by `criterion` (Eckart–Young), from the full SVD
    /// (`gesdd`, see ``svd()``).
    public func truncatedSVD(_ criterion: TruncationCriterion) throws -> TruncatedSVD<Scalar> {
        try requireNonEmpty("A")
        let full = try svd()
        let k = try criterion.rank(for: full.singularValues)
        return TruncatedSVD(u: full.u.columns(0..<k), singularValues: Array(full.singularValues.prefix(k)),
                            vt: full.vt.rows(0..<k), allSingularValues: full.singularValues,
                            report: TruncationReport(singularValues: full.singularValues, rank: k))
    }
}
