import Numerics

/// Data-driven choice of the rank of a noisy matrix `Y = M + Z` (M low rank, Z white noise of
/// variance σ²) from its singular values.
public enum RankSelection {
    /// The outcome of a rank selection.
    public struct Result: Sendable, Equatable {
        /// The selected rank.
        public let rank: Int
        /// The noise variance σ² used (given or estimated); `nil` for the gap rule.
        public let noiseVariance: Double?
        /// `true` when σ² was estimated from the spectrum.
        public let noiseVarianceEstimated: Bool
        /// The criterion value for r = 0, 1, …, min(m, n) (AIC), or the gap ratios σ_r/σ_{r+1}
        /// for r = 1, …, p − 1 (gap rule).
        public let scores: [Double]
    }

    /// Akaike's information criterion for truncated-SVD models:
    ///
    ///   Cost(r) = ‖Y − M̂_r‖²_F / σ² + 2 r (m + n − r),
    ///
    /// where ‖Y − M̂_r‖²_F = Σ_{i>r} σᵢ² (Eckart–Young) and r(m + n − r) is the dimension of the
    /// manifold of rank-r m×n matrices. The rank with the smallest cost wins.
    ///
    /// When `noiseVariance` is `nil`, σ² comes from ``estimateNoiseVariance(singularValues:rows:columns:)``
    /// (Gavish–Donoho median estimator), not from the spectrum's tail: a tail-based estimate
    /// such as Σ_{i>r} σᵢ²/((m−r)(n−r)) is biased low (the largest noise singular values are
    /// removed with the signal), which lowers the cost of every extra component near the noise
    /// edge (√m + √n)σ and makes AIC over-select.
    ///
    /// Even with the exact σ², AIC is marginal for nearly square matrices: the largest noise
    /// singular value squared, ≈ (√m + √n)²σ², about equals the penalty increment 2(m + n − 2r − 1)
    /// when m ≈ n, so the selected rank can exceed the true one by a few there. For clearly
    /// rectangular matrices the penalty exceeds the noise edge and AIC recovers the planted rank.
    public static func aic(singularValues s: [Double], rows m: Int, columns n: Int,
                           noiseVariance: Double? = nil) throws -> Result {
        try validate(s, m, n)
        let estimated = noiseVariance == nil
        let sigma2 = try noiseVariance ?? estimateNoiseVariance(singularValues: s, rows: m, columns: n)
        guard sigma2 > 0, sigma2.isFinite else {
            throw LinearAlgebraError.invalidArgument(argument: "noise-variance",
                                                     reason: "must be finite and > 0 (got \(sigma2))")
        }
        let p = s.count
        var tail = [Double](repeating: 0, count: p + 1)
        for i in stride(from: p - 1, through: 0, by: -1) { tail[i] = tail[i + 1] + s[i] * s[i] }
        var scores = [Double](repeating: 0, count: p + 1)
        var best = 0
        for r in 0...p {
            scores[r] = tail[r] / sigma2 + 2 * Double(r) * Double(m + n - r)
            if scores[r] < scores[best] { best = r }
        }
        return Result(rank: best, noiseVariance: sigma2, noiseVarianceEstimated: estimated, scores: scores)
    }

    /// The largest relative gap: the r ∈ 1…p−1 maximizing σ_r / σ_{r+1} (an exact zero σ_{r+1}
    /// after a non-zero σ_r is an infinite gap, i.e. the exact rank).
    public static func largestGap(singularValues s: [Double]) throws -> Result {
        guard !s.isEmpty else { throw LinearAlgebraError.emptyMatrix(argument: "singular values") }
        guard s.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw LinearAlgebraError.nonFinite(argument: "singular values")
        }
        if s.count == 1 { return Result(rank: s[0] > 0 ? 1 : 0, noiseVariance: nil, noiseVarianceEstimated: false, scores: []) }
        var scores: [Double] = []
        var best = 0
        for r in 1..<s.count {
            let g: Double = s[r] > 0 ? s[r - 1] / s[r] : (s[r - 1] > 0 ? .infinity : 1)
            scores.append(g)
            if g > scores[best] { best = r - 1 }
        }
        return Result(rank: s[0] > 0 ? best + 1 : 0, noiseVariance: nil, noiseVarianceEstimated: false, scores: scores)
    }

    /// The Gavish–Donoho noise estimate (IEEE Trans. Inf. Theory 60 (2014) 5040, eq. (19)):
    ///
    ///   σ̂ = σ_med / √(N · μ_β),   β = min(m, n)/max(m, n),  N = max(m, n),
    ///
    /// where σ_med is the median singular value of Y and μ_β the median of the Marchenko–Pastur
    /// distribution with ratio β. The median is insensitive to the few large signal singular
    /// values, so the estimate is consistent for low-rank-plus-noise matrices. Returns σ̂².
    public static func estimateNoiseVariance(singularValues s: [Double], rows m: Int, columns n: Int) throws -> Double {
        try validate(s, m, n)
        let sorted = s.sorted()
        let p = sorted.count
        let median = p % 2 == 1 ? sorted[p / 2] : 0.5 * (sorted[p / 2 - 1] + sorted[p / 2])
        let big = Double(Swift.max(m, n)), beta = Double(Swift.min(m, n)) / big
        let sigma = median / (big * marchenkoPasturMedian(ratio: beta)).squareRoot()
        return sigma * sigma
    }

    /// The median of the Marchenko–Pastur law with ratio β ∈ (0, 1] and unit variance, whose
    /// density is √((b − x)(x − a)) / (2πβx) on [a, b] = [(1 − √β)², (1 + √β)²]. Computed by
    /// integrating the density in the angle variable x = (a+b)/2 − (b−a)/2·cos t (which removes
    /// the endpoint singularities) and inverting the cumulative integral.
    public static func marchenkoPasturMedian(ratio beta: Double) -> Double {
        let b = (1 + beta.squareRoot()) * (1 + beta.squareRoot())
        let a = (1 - beta.squareRoot()) * (1 - beta.squareRoot())
        let c = (a + b) / 2, h = (b - a) / 2
        let steps = 20_000
        let dt = Double.pi / Double(steps)
        var cumulative = [Double](repeating: 0, count: steps + 1)
        for i in 0..<steps {
            let t = (Double(i) + 0.5) * dt  // midpoint rule
            let x = c - h * Double.cos(t)
            let sinT = Double.sin(t)
            cumulative[i + 1] = cumulative[i] + h * h * sinT * sinT / (2 * Double.pi * beta * x) * dt
        }
        let total = cumulative[steps]  // ≈ 1 (β ≤ 1 has no atom at zero)
        let half = 0.5 * total
        var lo = 0, hi = steps
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cumulative[mid] < half { lo = mid } else { hi = mid }
        }
        let frac = (half - cumulative[lo]) / Swift.max(cumulative[hi] - cumulative[lo], .leastNonzeroMagnitude)
        let t = (Double(lo) + frac) * dt
        return c - h * Double.cos(t)
    }

    private static func validate(_ s: [Double], _ m: Int, _ n: Int) throws {
        guard m > 0, n > 0, !s.isEmpty else { throw LinearAlgebraError.emptyMatrix(argument: "Y") }
        guard s.count == Swift.min(m, n) else {
            throw LinearAlgebraError.dimensionMismatch(operation: "rank selection",
                                                       lhs: "\(m)×\(n) matrix", rhs: "\(s.count) singular values")
        }
        guard s.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw LinearAlgebraError.nonFinite(argument: "singular values")
        }
    }
}
