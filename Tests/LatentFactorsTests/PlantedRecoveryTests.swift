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

    /// The same recovery with the Gram accumulated in float32 (``GramPrecision/mixed``) and with biases fitted (the
    /// planted matrix has none, so μ, b and c must come out ≈ 0): the float32 rounding (≈ 1e-7 relative) is far below
    /// the 1e-3 bound, and rows with biases exercise the (k + 1)-dimensional block.
    @Test(arguments: [false, true])
    func alsInMixedPrecisionRecoversThePlantedMatrix(biases: Bool) throws {
        let p = try Self.planted(seed: 7)
        let observed = Self.mask(fraction: 0.2, powerLaw: true, seed: 9)
        let data = try ratings(of: p) { u, i in observed[u][i] }
        var best = Double.infinity
        for seed in UInt64(1)...3 {
            let fit = try ExplicitALS.fit(data, options: .init(rank: Self.r, lambda: 1e-4, scaling: .plain, biases: biases,
                                                               maxIterations: 300, seed: seed, threads: 2,
                                                               gramPrecision: .mixed))
            best = Swift.min(best, Self.unobservedError(fit.model, p, observed))
        }
        #expect(best < 1e-3, "relative error \(best) on recoverable unobserved entries")
    }

    @Test(arguments: [(0.15, false), (0.2, true)])
    func gradientDescentRecoversThePlantedMatrix(fraction: Double, powerLaw: Bool) throws {
        let p = try Self.planted(seed: 7)
        let observed = Self.mask(fraction: fraction, powerLaw: powerLaw, seed: 9)
        let data = try ratings(of: p) { u, i in observed[u][i] }
        // Gradient descent on the factors with λ = 1e-4 (weight decay): shrinkage O(λ).
        var best = Double.infinity
        for seed in UInt64(1)...3 {
            let gd = try GradientDescent.fit(data, options: .init(rank: Self.r, lambda: 1e-4, maxIterations: 5000, tolerance: 1e-10,
                                                                 seed: seed))
            best = Swift.min(best, Self.unobservedError(gd.model, p, observed))
        }
        #expect(best < 1e-3, "gradient descent: \(best)")
    }

    @Test(arguments: [(0.15, false), (0.2, true)])
    func maskedNMFRecoversAPlantedNonNegativeMatrix(fraction: Double, powerLaw: Bool) throws {
        var g = SeededGenerator(seed: 5)
        let w = try Matrix<Double>(rows: Self.m, columns: Self.r, elements: (0..<(Self.m * Self.r)).map { _ in Double.random(in: 0..<1, using: &g) })
        let h = try Matrix<Double>(rows: Self.n, columns: Self.r, elements: (0..<(Self.n * Self.r)).map { _ in Double.random(in: 0..<1, using: &g) })
        let p = try Matrix.product(w, .none, h, .transpose)
        let observed = Self.mask(fraction: fraction, powerLaw: powerLaw, seed: 9)
        let data = try ratings(of: p) { u, i in observed[u][i] }
        var best = Double.infinity
        for seed in UInt64(1)...3 {
            let fit = try MaskedNMF.fit(data, options: .init(rank: Self.r, maxIterations: 3000, tolerance: 1e-12, seed: seed))
            best = Swift.min(best, Self.unobservedError(fit.model, p, observed))
        }
        #expect(best < 1e-2, "masked NMF: \(best)")
    }

    @Test func funkSGDApproachesThePlantedMatrix() throws {
        // Constant-step SGD stops in a noise ball of radius O(learning rate); with rate 0.01 and 400 epochs the
        // recoverable entries are within a few per cent.
        let p = try Self.planted(seed: 7)
        let observed = Self.mask(fraction: 0.2, powerLaw: false, seed: 9)
        let data = try ratings(of: p) { u, i in observed[u][i] }
        let fit = try FunkSVD.fit(data, options: .init(rank: Self.r, epochs: 400, biased: false, learningRate: 0.01,
                                                       regularization: 1e-4, seed: 1))
        #expect(Self.unobservedError(fit.model, p, observed) < 5e-2)
    }

    /// Soft-Impute is the convex (nuclear-norm) estimator: it needs more samples than alternating minimization,
    /// |Ω| ≳ C r (m + n) log(m + n) with a larger constant (Candès & Recht 2009), so it is checked on a 400 × 300 matrix,
    /// where 15 % of the entries are about four times r (m + n) log(m + n).
    @Test(arguments: [false, true])
    func softImputeRecoversALargerPlantedMatrix(powerLaw: Bool) throws {
        let (m, n) = (400, 300)
        var g = SeededGenerator(seed: 17)
        let a = try Matrix<Double>.randomNormal(rows: m, columns: Self.r, using: &g)
        let b = try Matrix<Double>.randomNormal(rows: n, columns: Self.r, using: &g)
        let p = try Matrix.product(a, .none, b, .transpose)
        let pu = (0..<m).map { powerLaw ? 1 / Double.pow(Double($0 + 1), 0.3) : 1 }
        let pi = (0..<n).map { powerLaw ? 1 / Double.pow(Double($0 + 1), 0.3) : 1 }
        let scale = 0.15 * Double(m * n) / (pu.reduce(0, +) * pi.reduce(0, +))
        let observed = (0..<m).map { u in (0..<n).map { i in Double.random(in: 0..<1, using: &g) < Swift.min(1, scale * pu[u] * pi[i]) } }
        let data = try ratings(of: p) { u, i in observed[u][i] }
        let soft = try SoftImpute.fit(data, options: .init(rank: Self.r + 2, lambda: 0.05, maxIterations: 1000, tolerance: 1e-12))
        var num = 0.0, den = 0.0
        for u in 0..<m { for i in 0..<n where !observed[u][i] {
            let d = (soft.model.predict(user: u, item: i) ?? .nan) - p[u, i]
            num += d * d; den += p[u, i] * p[u, i]
        } }
        #expect((num / den).squareRoot() < 5e-3, "Soft-Impute relative error \((num / den).squareRoot())")
        #expect(soft.certificate < 1e-3)
    }
}
