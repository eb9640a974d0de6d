import Foundation
import LowRankKernels
import Testing
@testable import LatentFactors

/// SVD++ (Koren, KDD 2008): r̂_ui = μ + b_u + c_i + q_iᵀ (p_u + |N(u)|^{-½} Σ_{j∈N(u)} y_j).
@Suite struct SVDppTests {
    static let small = "a x 5\na y 3\nb x 4\nb z 1\nc y 2\nc z 1\nd x 5\nd y 4\n"

    /// Planted data: 60 users × 40 items, r_ui = 3 + a_u b_i + 0.5 (a_u, b_i ~ N(0,1)), 50% observed by a seeded mask.
    /// A rank-1 signal no bias-only model can express.
    static func planted() throws -> Ratings {
        var g = SeededGenerator(seed: 11)
        let a = (0..<60).map { _ in g.normal() }, b = (0..<40).map { _ in g.normal() }
        var users: [Int] = [], items: [Int] = [], values: [Double] = []
        for u in 0..<60 {
            for i in 0..<40 where Double.random(in: 0..<1, using: &g) < 0.5 {
                users.append(u); items.append(i); values.append(3 + a[u] * b[i] + 0.5)
            }
        }
        return try Ratings(userIds: (0..<60).map { "u\($0)" }, itemIds: (0..<40).map { "i\($0)" },
                           users: users, items: items, values: values)
    }

    /// Identity: with y ≡ 0 and CSR order the SGD sequence is exactly biased Funk SVD's (same seed draws p then q,
    /// same per-rating updates in the same order), so the two models agree bit for bit.
    @Test func withoutImplicitTermReducesToBiasedFunkSVD() throws {
        let r = try Self.planted()
        let svdpp = try SVDpp.fit(r, options: SVDppOptions(rank: 3, epochs: 15, learningRate: 0.01,
                                                           implicitFeedback: false, shuffle: false, seed: 5))
        let funk = try FunkSVD.fit(r, options: FunkSVDOptions(rank: 3, epochs: 15, biased: true, learningRate: 0.01,
                                                              regularization: 0.02, shuffle: false, seed: 5))
        #expect(svdpp.model.globalMean == funk.model.globalMean)
        #expect(svdpp.model.userBiases == funk.model.userBiases)
        #expect(svdpp.model.itemBiases == funk.model.itemBiases)
        for u in 0..<r.userCount {
            for i in 0..<r.itemCount {
                #expect(svdpp.model.predict(user: u, item: i) == funk.model.predict(user: u, item: i))
            }
        }
    }

    /// The returned model's training RMSE through FactorModel's formula equals the RMSE the fit itself reports
    /// through the SVD++ formula (user factor stored as p_u + z_u).
    @Test func storedUserFactorsReproduceTheSVDppPrediction() throws {
        let r = try Self.planted()
        let fit = try SVDpp.fit(r, options: SVDppOptions(rank: 4, epochs: 10, seed: 2))
        let last = try #require(fit.history.last?.trainRMSE)
        #expect(Swift.abs(fit.model.rmse(on: r) - last) < 1e-12)
    }

    @Test func defaultsAndReproducibility() throws {
        #expect(SVDppOptions() == SVDppOptions(rank: 20, epochs: 20, learningRate: 0.007, regularization: 0.02,
                                               biasRegularization: nil, implicitRegularization: nil, initialMean: 0, initialScale: 0.1, implicitFeedback: true,
                                               shuffle: true, seed: 0))
        let r = try RatingsReader.read(try ratingsFile(Self.small))
        let options = SVDppOptions(rank: 4, epochs: 50, seed: 3)
        let one = try SVDpp.fit(r, options: options)
        let two = try SVDpp.fit(r, options: options)
        #expect(one.history.count == 50 && one.history.map(\.objective) == two.history.map(\.objective))
        #expect(one.model.globalMean == r.mean)
        let other = try SVDpp.fit(r, options: SVDppOptions(rank: 4, epochs: 50, seed: 4))
        #expect(other.history.map(\.objective) != one.history.map(\.objective))
        #expect(throws: LinearAlgebraError.self) { try SVDpp.fit(r, options: SVDppOptions(learningRate: 0)) }
        #expect(throws: LinearAlgebraError.self) { try SVDpp.fit(r, options: SVDppOptions(rank: 0)) }
        #expect(throws: LinearAlgebraError.self) { try SVDpp.fit(r, options: SVDppOptions(biasRegularization: -1)) }
        #expect(throws: LinearAlgebraError.self) {
            try SVDpp.fit(r, options: SVDppOptions(implicitRegularization: .nan))
        }
        // λ_b = λ_y = λ given explicitly is the same fit as leaving them nil.
        let explicit = try SVDpp.fit(r, options: SVDppOptions(rank: 4, epochs: 50, biasRegularization: 0.02,
                                                              implicitRegularization: 0.02, seed: 3))
        #expect(explicit.history.map(\.objective) == one.history.map(\.objective))
    }

    @Test func divergesWithHugeLearningRate() throws {
        let r = try RatingsReader.read(try ratingsFile(Self.small))
        #expect {
            try SVDpp.fit(r, options: SVDppOptions(rank: 5, learningRate: 50))
        } throws: { error in
            if case .diverged(let method, let iteration, _) = error as? CompletionError {
                return method == "SVDpp" && iteration >= 1
            }
            return false
        }
    }

    /// On the planted rank-1 signal the factors capture what biases cannot: the SVD++ training RMSE is below the
    /// bias-only fit (same SGD, rank 1 with zero initial factors never leaves 0: the factor gradient vanishes).
    @Test func fitsPlantedSignalBetterThanBiasesAlone() throws {
        let r = try Self.planted()
        let biasOnly = try SVDpp.fit(r, options: SVDppOptions(rank: 1, epochs: 200, learningRate: 0.01, initialScale: 0,
                                                              implicitFeedback: false, seed: 1))
        let full = try SVDpp.fit(r, options: SVDppOptions(rank: 2, epochs: 200, learningRate: 0.01, seed: 1))
        // With zero initial factors and y ≡ 0, every factor gradient is zero, so the bias-only model is exact.
        #expect(biasOnly.model.userFactors.elements.allSatisfy { $0 == 0 })
        #expect(full.model.rmse(on: r) < 0.5 * biasOnly.model.rmse(on: r))
    }
}
