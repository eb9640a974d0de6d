import Foundation
import Testing
import LowRankKernels
import LowRankIO
@testable import LatentFactors

/// A random sparse users × items rating set (values 1…5 with a planted rank-2 structure), about `density` observed.
func randomRatings(users: Int, items: Int, density: Double, seed: UInt64) throws -> Ratings {
    var g = SeededGenerator(seed: seed)
    let a = Matrix<Double>.randomNormal(rows: users, columns: 2, using: &g)
    let b = Matrix<Double>.randomNormal(rows: items, columns: 2, using: &g)
    var us: [Int] = [], its: [Int] = [], vs: [Double] = []
    for u in 0..<users {
        for i in 0..<items where g.uniform() < density {
            us.append(u); its.append(i)
            vs.append(Swift.min(5, Swift.max(1, 3 + a[u, 0] * b[i, 0] + a[u, 1] * b[i, 1] + 0.3 * (g.uniform() - 0.5))))
        }
    }
    return try Ratings(userIds: (0..<users).map { "u\($0)" }, itemIds: (0..<items).map { "i\($0)" },
                       users: us, items: its, values: vs)
}

@Suite struct UseTests {
    /// Each ALS sweep solves every user row (against V, c, μ of the previous sweep), then every item row, then μ —
    /// so the LAST half-sweep is the items', and the final user factors are the row solves against the item factors,
    /// item biases and μ left by sweep N − 1 (what the observer saw after that sweep), not against the final ones.
    /// Folding a user's ratings into the sweep-(N − 1) model therefore reproduces that user's final row exactly.
    @Test(arguments: [(true, RegularizationScaling.countScaled), (false, .plain), (true, .plain)])
    func foldInReproducesTheLastUserRowSolve(biases: Bool, scaling: RegularizationScaling) throws {
        let r = try randomRatings(users: 25, items: 20, density: 0.4, seed: 7)
        let options = ExplicitALSOptions(rank: 3, lambda: 0.2, scaling: scaling, biases: biases, maxIterations: 6, seed: 2)
        var models: [FactorModel] = []
        let fitted = try ExplicitALS.fit(r, options: options) { _, model in models.append(model) }
        #expect(models.count == 6)
        let previous = models[4], final = fitted.model
        for u in 0..<r.userCount {
            let lo = r.rowOffsets[u], hi = r.rowOffsets[u + 1]
            let folded = try previous.foldIn(items: r.rowItems[lo..<hi].map { Int($0) }, values: Array(r.rowValues[lo..<hi]),
                                             options: FoldInOptions(options))
            #expect(folded.used == hi - lo)
            for a in 0..<3 { #expect(abs(folded.factors[a] - final.userFactors[a, u]) < 1e-10) }
            #expect(abs(folded.bias - final.userBiases[u]) < 1e-10)
        }
        // Against the FINAL item factors the solve is the next sweep's, which (6 sweeps, not converged) differs.
        let lo0 = r.rowOffsets[0], hi0 = r.rowOffsets[1]
        let next = try final.foldIn(items: r.rowItems[lo0..<hi0].map { Int($0) }, values: Array(r.rowValues[lo0..<hi0]),
                                    options: FoldInOptions(options))
        #expect((0..<3).contains { abs(next.factors[$0] - final.userFactors[$0, 0]) > 1e-8 })
        // By ids, unknown items skipped.
        let lo = r.rowOffsets[0], hi = r.rowOffsets[1]
        let ids = r.rowItems[lo..<hi].map { r.itemIds[Int($0)] } + ["nope"]
        let byId = try previous.foldIn(itemIds: ids, values: Array(r.rowValues[lo..<hi]) + [4], options: FoldInOptions(options))
        #expect(byId.skipped == 1 && byId.used == hi - lo)
        for a in 0..<3 { #expect(abs(byId.factors[a] - final.userFactors[a, 0]) < 1e-10) }
    }

    @Test func foldInRejectsBadInput() throws {
        let model = try handModel(u: [[1]], v: [[1], [2]])
        #expect(throws: LinearAlgebraError.self) { try model.foldIn(items: [0, 0], values: [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try model.foldIn(items: [5], values: [1]) }
        #expect(throws: LinearAlgebraError.self) { try model.foldIn(items: [0], values: [.nan]) }
        #expect(throws: LinearAlgebraError.self) { try model.foldIn(items: [0], values: [1, 2]) }
        #expect(throws: LinearAlgebraError.self) { try model.foldIn(items: [0], values: [1], options: FoldInOptions(lambda: -1)) }
        let empty = try model.foldIn(items: [], values: [])
        #expect(empty.factors == [0] && empty.bias == 0)
        // One item, no biases, plain λ: (v² + λ) x = v r → x = 2·3 / (4 + 0.5) = 4/3.
        let one = try model.foldIn(items: [1], values: [3], options: FoldInOptions(lambda: 0.5, scaling: .plain, biases: false))
        #expect(abs(one.factors[0] - 6 / 4.5) < 1e-15)
    }

    @Test func explainSumsToThePrediction() throws {
        let r = try randomRatings(users: 15, items: 12, density: 0.5, seed: 3)
        let model = try ExplicitALS.fit(r, options: ExplicitALSOptions(rank: 4, lambda: 0.1, maxIterations: 5)).model
        for u in 0..<r.userCount {
            for i in 0..<r.itemCount {
                let e = try #require(model.explain(user: u, item: i))
                let sum = e.globalMean + e.userBias + e.itemBias + e.contributions.reduce(0) { $0 + $1.value }
                #expect(abs(sum - e.prediction) < 1e-12)
                #expect(e.prediction == model.predict(user: u, item: i))
                #expect(e.contributions.count == 4 && Set(e.contributions.map(\.factor)) == [0, 1, 2, 3])
                for (p, q) in zip(e.contributions, e.contributions.dropFirst()) { #expect(abs(p.value) >= abs(q.value)) }
            }
        }
        // By hand: μ 3, b 0.5, c 0.2, u (1, −2), v (0.5, 3): terms 0.5 and −6 → sorted (−6, 0.5); 3.7 − 5.5 = −1.8.
        let hand = try handModel(u: [[1, -2]], v: [[0.5, 3]], mu: 3, b: [0.5], c: [0.2])
        let e = try #require(hand.explain(userId: "u0", itemId: "i0"))
        #expect(e.contributions.map(\.factor) == [1, 0] && e.contributions.map(\.value) == [-6, 0.5])
        #expect(abs(e.prediction - -1.8) < 1e-15)
        #expect(hand.explain(user: 1, item: 0) == nil && hand.explain(userId: "x", itemId: "i0") == nil)
    }

    @Test func writtenModelReadsBack() throws {
        let r = try randomRatings(users: 9, items: 7, density: 0.6, seed: 5)
        let model = try ExplicitALS.fit(r, options: ExplicitALSOptions(rank: 3, maxIterations: 4)).model
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lf-model-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try model.write(to: dir)
        let u = try NumPy.readMatrix(dir + "/user_factors.npy", as: Double.self)
        let v = try NumPy.readMatrix(dir + "/item_factors.npy", as: Double.self)
        #expect(u.rows == 9 && u.columns == 3 && v.rows == 7 && v.columns == 3)
        for j in 0..<9 { for a in 0..<3 { #expect(u[j, a] == model.userFactors[a, j]) } }
        for j in 0..<7 { for a in 0..<3 { #expect(v[j, a] == model.itemFactors[a, j]) } }
        let b = try NumPy.read(dir + "/user_biases.npy", as: Double.self)
        let c = try NumPy.read(dir + "/item_biases.npy", as: Double.self)
        #expect(b.shape == [9] && b.elements == model.userBiases && c.shape == [7] && c.elements == model.itemBiases)
        let mu = try String(contentsOfFile: dir + "/global_mean.txt", encoding: .utf8)
        #expect(Double(mu.trimmingCharacters(in: .whitespacesAndNewlines)) == model.globalMean)
        let users = try String(contentsOfFile: dir + "/user_ids.txt", encoding: .utf8)
        #expect(users == model.userIds.map { $0 + "\n" }.joined())
        let items = try String(contentsOfFile: dir + "/item_ids.txt", encoding: .utf8)
        #expect(items.split(separator: "\n").map(String.init) == model.itemIds)
        // Read back whole.
        let back = try FactorModel.read(from: dir)
        #expect(back.userFactors == model.userFactors && back.itemFactors == model.itemFactors)
        #expect(back.userBiases == model.userBiases && back.itemBiases == model.itemBiases)
        #expect(back.globalMean == model.globalMean && back.userIds == model.userIds && back.itemIds == model.itemIds)
        #expect(back.userIndex == model.userIndex && back.predict(userId: "u3", itemId: "i2") == model.predict(userId: "u3", itemId: "i2"))
        // An earlier output is replaced; a folder with other files is refused; ids with line breaks are refused.
        try model.write(to: dir)
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("lf-other-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: other) }
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: other + "/mine.txt"))
        #expect(throws: FileWriteError.self) { try model.write(to: other) }
        let odd = try handModel(u: [[1]], v: [[1]], userIds: ["a\nb"], itemIds: ["x"])
        #expect(throws: FileWriteError.self) { try odd.write(to: dir + "-odd") }
        // A folder whose id list disagrees with the factors is refused on reading.
        try Data("u0\nu1\n".utf8).write(to: URL(fileURLWithPath: dir + "/user_ids.txt"))
        #expect(throws: ModelFolderError.self) { try FactorModel.read(from: dir) }
        #expect(throws: NumPyError.self) { try FactorModel.read(from: other) }   // no user_factors.npy
    }

    /// Warm start: one sweep from a converged model stays at its objective; one sweep from the seeded random
    /// start does not get there.
    @Test func alsWarmStartStartsFromTheGivenFactors() throws {
        let r = try randomRatings(users: 30, items: 25, density: 0.4, seed: 9)
        let options = ExplicitALSOptions(rank: 3, lambda: 0.1, maxIterations: 300)
        let converged = try ExplicitALS.fit(r, options: options)
        var one = options
        one.maxIterations = 1
        let warm = try ExplicitALS.fit(r, options: one, initial: converged.model)
        let cold = try ExplicitALS.fit(r, options: one)
        let target = try #require(converged.history.last?.objective)
        let warmObjective = try #require(warm.history.first?.objective)
        let coldObjective = try #require(cold.history.first?.objective)
        #expect(warmObjective <= target * (1 + 1e-9))
        #expect(coldObjective > target * 1.01)
        // A model of another rank is ignored (seeded start, same as without it).
        var rank2 = options
        rank2.rank = 2
        rank2.maxIterations = 2
        let small = try ExplicitALS.fit(r, options: rank2)
        #expect(try ExplicitALS.fit(r, options: rank2, initial: converged.model).model.userFactors == small.model.userFactors)
    }
}
