import Foundation
import LowRankKernels
import Testing
@testable import LatentFactors

/// Planted low-rank completion under uniform and power-law masks.
///
/// The statement from theory: a rank-r matrix with incoherent factors is determined by its entries on Ω once
/// |Ω| ≳ r (m + n) log n (Candès & Recht 2009; Keshavan, Montanari & Oh 2010), and a row or column with fewer than r
/// observations cannot be recovered by any method. With noise-free entries, a weight-decay fit at small λ then
/// differs from the planted matrix only by the shrinkage, which is O(λ) relative. The assertions apply to the entries
/// whose row and column each hold at least 2r observations.
@Suite struct PlantedRecoveryTests {
    static let (m, n, r) = (160, 120, 3)

    /// The planted matrix P = A Bᵀ (entries O(1)).
    static func planted(seed: UInt64) throws -> Matrix<Double> {
        var g = SeededGenerator(seed: seed)
        let a = try Matrix<Double>.randomNormal(rows: m, columns: r, using: &g)
        let b = try Matrix<Double>.randomNormal(rows: n, columns: r, using: &g)
        return try Matrix.product(a, .none, b, .transpose)
    }

    /// A mask with about `fraction` of the entries: uniform, or with row/column probabilities ∝ rank^(-0.6) (power law).
    static func mask(fraction: Double, powerLaw: Bool, seed: UInt64) -> [[Bool]] {
        var g = SeededGenerator(seed: seed)
        let pu = (0..<m).map { powerLaw ? 1 / Double.pow(Double($0 + 1), 0.6) : 1 }
        let pi = (0..<n).map { powerLaw ? 1 / Double.pow(Double($0 + 1), 0.6) : 1 }
        let scale = fraction * Double(m * n) / (pu.reduce(0, +) * pi.reduce(0, +))
        return (0..<m).map { u in (0..<n).map { i in Double.random(in: 0..<1, using: &g) < Swift.min(1, scale * pu[u] * pi[i]) } }
    }

    /// Relative Frobenius error on the unobserved entries whose row and column have ≥ 2r observations.
    static func unobservedError(_ model: FactorModel, _ p: Matrix<Double>, _ mask: [[Bool]]) -> Double {
        let rowCount = mask.map { $0.filter { $0 }.count }
        let columnCount = (0..<n).map { i in mask.filter { $0[i] }.count }
        var num = 0.0, den = 0.0
        for u in 0..<m where rowCount[u] >= 2 * r {
            for i in 0..<n where !mask[u][i] && columnCount[i] >= 2 * r {
                let d = (model.predict(user: u, item: i) ?? .nan) - p[u, i]
                num += d * d
                den += p[u, i] * p[u, i]
            }
        }
        return (num / den).squareRoot()
    }

    @Test(arguments: [(0.15, false), (0.2, true)])
    func alsRecoversThePlantedMatrix(fraction: Double, powerLaw: Bool) throws {
        let p = try Self.planted(seed: 7)
        let observed = Self.mask(fraction: fraction, powerLaw: powerLaw, seed: 9)
        let data = try ratings(of: p) { u, i in observed[u][i] }
        #expect(Double(data.count) > 2.5 * Double(Self.r * (Self.m + Self.n)))  // well above the degrees of freedom
        var best = Double.infinity
        for seed in UInt64(1)...3 {  // ALS from a random start can stall; the best of three starts is the estimate
            let fit = try ExplicitALS.fit(data, options: .init(rank: Self.r, lambda: 1e-4, scaling: .plain, biases: false,
                                                               maxIterations: 300, seed: seed, threads: 1))
            best = Swift.min(best, Self.unobservedError(fit.model, p, observed))
        }
        #expect(best < 1e-3, "relative error \(best) on recoverable unobserved entries")
    }
}
