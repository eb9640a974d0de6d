import Foundation
import Testing
import LowRankKernels
@testable import LatentFactors

/// A model built by hand: `u[j]` and `v[j]` are the factor vectors of user/item j.
func handModel(u: [[Double]], v: [[Double]], mu: Double = 0, b: [Double]? = nil, c: [Double]? = nil,
               userIds: [String]? = nil, itemIds: [String]? = nil) throws -> FactorModel {
    let k = u.first?.count ?? v.first?.count ?? 1
    let users = userIds ?? (0..<u.count).map { "u\($0)" }
    let items = itemIds ?? (0..<v.count).map { "i\($0)" }
    var ui: [String: Int] = [:], ii: [String: Int] = [:]
    for (n, id) in users.enumerated() { ui[id] = n }
    for (n, id) in items.enumerated() { ii[id] = n }
    return FactorModel(globalMean: mu, userBiases: b ?? [Double](repeating: 0, count: u.count),
                       itemBiases: c ?? [Double](repeating: 0, count: v.count),
                       userFactors: try Matrix(rows: k, columns: u.count, elements: u.flatMap { $0 }),
                       itemFactors: try Matrix(rows: k, columns: v.count, elements: v.flatMap { $0 }),
                       userIds: users, itemIds: items, userIndex: ui, itemIndex: ii)
}

@Suite struct EvaluationTests {
    /// Users a, b, c and items x, y, z, with μ = 3, b = (0.5, −1, 0), c = (0.2, −0.3, 1), rank 2.
    func biasedModel() throws -> FactorModel {
        try handModel(u: [[1, 0], [0, 1], [1, 1]], v: [[1, 2], [0.5, 0], [2, -1]], mu: 3, b: [0.5, -1, 0],
                      c: [0.2, -0.3, 1], userIds: ["a", "b", "c"], itemIds: ["x", "y", "z"])
    }

    @Test func alignmentCountsKnownAndUnseenPairs() throws {
        // Known: (a, x), (c, z). Unseen: (b, w) unknown item, (d, x) unknown user, (d, w) both unknown.
        let test = try RatingsReader.read(try ratingsFile("a x 4\nb w 3\nd x 2\nd w 1\nc z 5\n"))
        let aligned = align(test, to: try biasedModel())
        #expect(aligned.knownCount == 2 && aligned.unseenCount == 3 && aligned.count == 5)
        #expect(aligned.unknownItemCount == 1 && aligned.unknownUserCount == 1 && aligned.unknownBothCount == 1)
        #expect(aligned.users == [0, 2] && aligned.items == [0, 2] && aligned.values == [4, 5])
        #expect(aligned.unseen.contains(UnseenRating(userId: "d", itemId: "x", user: nil, item: 0, value: 2)))
        #expect(aligned.unseen.contains(UnseenRating(userId: "b", itemId: "w", user: 1, item: nil, value: 3)))
    }

    @Test func coldStartUsesTheBiasOnlyPart() throws {
        let model = try biasedModel()
        let p = ColdStartPredictor(model: model)
        #expect(p.coldMean == 3)
        #expect(p.predict(userId: "a", itemId: "w") == 3 + 0.5)         // μ + b_a
        #expect(p.predict(userId: "d", itemId: "y") == 3 - 0.3)         // μ + c_y
        #expect(p.predict(userId: "d", itemId: "w") == 3)               // μ
        // Known pair: the full model, μ + b_c + c_z + (1, 1)·(2, −1) = 3 + 0 + 1 + 1 = 5.
        #expect(p.predict(userId: "c", itemId: "z") == 5)
        #expect(p.predict(userId: "c", itemId: "z") == model.predict(userId: "c", itemId: "z"))
        // Clamping: a x = 3 + 0.5 + 0.2 + 1 = 4.7 stays; b y would be 3 − 1 − 0.3 + 0 = 1.7 stays; clamp to 2…4.5.
        let clamped = ColdStartPredictor(model: model, policy: ColdStartPolicy(clamp: 2...4.5))
        #expect(clamped.predict(userId: "a", itemId: "x") == 4.5)
        #expect(clamped.predict(userId: "b", itemId: "y") == 2)
        #expect(clamped.predict(userId: "d", itemId: "w") == 3)
        // A model without biases: μ is the caller's fallback (0 when none).
        let plain = try handModel(u: [[1]], v: [[2]])
        #expect(!plain.hasBiases && model.hasBiases)
        #expect(ColdStartPredictor(model: plain, policy: ColdStartPolicy(fallbackMean: 3.25)).predict(userId: "u0", itemId: "zz") == 3.25)
        #expect(ColdStartPredictor(model: plain, policy: ColdStartPolicy(fallbackMean: 3.25)).predict(userId: "zz", itemId: "i0") == 3.25)
        #expect(ColdStartPredictor(model: plain).predict(userId: "zz", itemId: "i0") == 0)
        #expect(ColdStartPredictor(model: plain, policy: ColdStartPolicy(fallbackMean: 3.25)).predict(userId: "u0", itemId: "i0") == 2)
    }

    @Test func rmseAndMaeIncludeUnseenPairs() throws {
        let model = try biasedModel()
        let test = try RatingsReader.read(try ratingsFile("a x 4\nb w 3\nd x 2\nd w 1\nc z 5\n"))
        let m = Metrics.errors(of: model, on: align(test, to: model))
        // Predictions: a x = 4.7 (full model), b w = μ + b_b = 2, d x = μ + c_x = 3.2, d w = μ = 3, c z = 5.
        // Errors: 0.7, −1, 1.2, 2, 0.
        let errors = [0.7, -1, 1.2, 2, 0.0]
        let rmse = (errors.map { $0 * $0 }.reduce(0, +) / 5).squareRoot()
        let mae = errors.map(abs).reduce(0, +) / 5
        #expect(abs(m.rmse - rmse) < 1e-14 && abs(m.mae - mae) < 1e-14)
        #expect(m.count == 5 && m.unseenCount == 3)
        #expect(Metrics.rmse(of: model, on: align(test, to: model)).unseen == 3)
        // Clamped to 1…4.5: a x becomes 4.5 (error 0.5), c z becomes 4.5 (error −0.5).
        let c = Metrics.errors(of: model, on: align(test, to: model), coldStart: ColdStartPolicy(clamp: 1...4.5))
        let clampedErrors = [0.5, -1, 1.2, 2, -0.5]
        #expect(abs(c.mae - clampedErrors.map(abs).reduce(0, +) / 5) < 1e-14)
        let empty = try Ratings(userIds: [], itemIds: [], users: [], items: [], values: [])
        #expect(Metrics.errors(of: model, on: align(empty, to: model)) == ErrorMetrics(rmse: 0, mae: 0, count: 0, unseenCount: 0))
    }

    /// Rank 1, every user factor 1, item factors (5, 4, 3, 2, 1): every user ranks i0 > i1 > i2 > i3 > i4.
    /// Train: u0–i0, u2–i3. Test: u0–{i2, i4}, u1–{i1}; u2 has no test item and is left out. k = 2:
    /// - u0 ranks (i0 removed) i1, i2 | i3, i4: hit i2 at position 1. precision 1/2; DCG = 1/log2(3) = 0.6309297535714575,
    ///   IDCG over min(2, 2) = 1 + 1/log2(3), nDCG = 0.6309297535714575 / 1.6309297535714575 = 0.38685280723454163.
    /// - u1 ranks i0, i1: hit i1 at position 1. precision 1/2; DCG = 0.6309297535714575, IDCG over min(2, 1) = 1.
    /// Means: precision 0.5, nDCG (0.38685280723454163 + 0.6309297535714575) / 2 = 0.5088912804029996.
    /// k = 1: u0 gets i1, u1 gets i0 — no hits: both 0.
    @Test func precisionAndNDCGOnAHandExample() throws {
        let model = try handModel(u: [[1], [1], [1]], v: [[5], [4], [3], [2], [1]])
        let users = ["u0", "u1", "u2"], items = (0..<5).map { "i\($0)" }
        let train = try Ratings(userIds: users, itemIds: items, users: [0, 2], items: [0, 3], values: [1, 1])
        let test = try Ratings(userIds: users, itemIds: items, users: [0, 0, 1], items: [2, 4, 1], values: [1, 1, 1])
        let r2 = try Metrics.ranking(of: model, train: train, test: test, k: 2)
        #expect(r2.users == 2)
        #expect(abs(r2.precision - 0.5) < 1e-15)
        #expect(abs(r2.ndcg - 0.5088912804029996) < 1e-15)
        let r1 = try Metrics.ranking(of: model, train: train, test: test, k: 1)
        #expect(r1.precision == 0 && r1.ndcg == 0 && r1.users == 2)
        // k = 5: u0 keeps 4 rankable items i1 i2 i3 i4, hits at positions 1 and 3: precision 2/5;
        // DCG = 1/log2(3) + 1/log2(5) = 0.6309297535714575 + 0.43067655807339306, IDCG = 1 + 0.6309297535714575.
        // u1: hit at position 1, precision 1/5, nDCG 0.6309297535714575.
        let r5 = try Metrics.ranking(of: model, train: train, test: test, k: 5)
        let u0 = (0.6309297535714575 + 0.43067655807339306) / 1.6309297535714575
        #expect(abs(r5.precision - 0.3) < 1e-15)
        #expect(abs(r5.ndcg - (u0 + 0.6309297535714575) / 2) < 1e-14)
        #expect(throws: LinearAlgebraError.self) { try Metrics.ranking(of: model, train: train, test: test, k: 0) }
    }

    /// Item biases enter the ranking: c = (0, 0, 10, 0, 0) lifts i2 to the top for every user.
    @Test func topNExcludesSeenItemsAndUsesBiases() throws {
        let model = try handModel(u: [[1], [1], [1]], v: [[5], [4], [3], [2], [1]])
        let users = ["u0", "u1", "u2"], items = (0..<5).map { "i\($0)" }
        let train = try Ratings(userIds: users, itemIds: items, users: [0, 0, 2], items: [0, 2, 3], values: [1, 1, 1])
        #expect(model.topN(user: 0, n: 2, excluding: train).map(\.item) == [1, 3])
        #expect(model.topN(user: 1, n: 2, excluding: train).map(\.itemId) == ["i0", "i1"])
        #expect(model.topN(userId: "u2", n: 10, excluding: train).map(\.item) == [0, 1, 2, 4])
        #expect(model.topN(user: 0, n: 1, excluding: train).first?.score == 4)
        #expect(model.topN(userId: "nobody", n: 3, excluding: train).isEmpty)
        var biased = model
        biased.itemBiases = [0, 0, 10, 0, 0]
        #expect(biased.topN(user: 1, n: 2, excluding: train).map(\.item) == [2, 0])
        #expect(biased.topN(user: 0, n: 2, excluding: train).map(\.item) == [1, 3])
        // Ties go to the smaller item index.
        let flat = try handModel(u: [[1]], v: [[1], [1], [1]])
        let none = try Ratings(userIds: ["u0"], itemIds: ["i0", "i1", "i2"], users: [], items: [], values: [])
        #expect(flat.topN(user: 0, n: 2, excluding: none).map(\.item) == [0, 1])
    }
}
