// Recommendation and latent structure with LatentFactors.
//
//   swift run -c release Recommendation                    # the generated set Data/recsys/planted_ratings.tsv
//   swift run -c release Recommendation PATH/TO/ml-100k   # a MovieLens folder of your own (u.data, items.tsv)
//
// 1. Explicit ALS with biases on an 80/20 split: test RMSE, and a user's top 10 unrated items.
// 2. Factors as profiles: the items at both ends of the first factor, and why one prediction is what it is.
// 3. Fold-in: a new user's five ratings give a profile without refitting.
// 4. Implicit feedback: the same ratings as interactions, scored by precision@10 on held-out items.
// 5. Non-negative parts: masked NMF, each part read against the item genres (MovieLens folder only).
// 6. The benign landscape: gradient descent from ten random starts on a fully observed rank-3 + noise matrix ends at
//    the Eckart–Young error every time.
import Foundation
import LatentFactors
import LowRankKernels

/// Item titles and genres from a MovieLens `items.tsv` (id, title, year, genres), when present.
func itemInfo(_ folder: String?) -> [String: (title: String, genres: [String])] {
    guard let folder, let text = try? String(contentsOfFile: folder + "/items.tsv", encoding: .utf8) else { return [:] }
    var info: [String: (String, [String])] = [:]
    for line in text.split(separator: "\n") {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 4 else { continue }
        info[f[0]] = ("\(f[1]) (\(f[2]))", f[3].split(separator: " ").map(String.init))
    }
    return info
}

do {
    let folder = CommandLine.arguments.dropFirst().first
    let path = folder.map { $0 + "/u.data" } ?? "Data/recsys/planted_ratings.tsv"
    let info = itemInfo(folder)
    func name(_ id: String) -> String { info[id]?.title ?? "item \(id)" }

    // --- 1. ALS with biases ------------------------------------------------------------
    let all = try RatingsReader.read(path)
    let split = try Splits.trainTest(all, testFraction: 0.2, seed: 1)
    let options = ExplicitALSOptions(rank: 20, lambda: 0.1, scaling: .countScaled, biases: true, maxIterations: 15, seed: 1)
    let fit = try ExplicitALS.fit(split.train, options: options)
    let model = fit.model
    let errors = Metrics.errors(of: model, on: align(split.test, to: model), coldStart: ColdStartPolicy(fallbackMean: split.train.mean))
    print("\(path): \(all.userCount) users × \(all.itemCount) items, \(all.count) ratings")
    print(String(format: "ALS rank 20, λ = 0.1 (count-scaled), biases: test RMSE %.4f, MAE %.4f after %d sweeps", errors.rmse,
                 errors.mae, fit.history.count))
    let user = all.userIds[0]
    print("\ntop 10 for user \(user) (items the user rated excluded):")
    for (k, s) in model.topN(userId: user, n: 10, excluding: split.train).enumerated() {
        print(String(format: "  %2d  %-50@ %.2f", k + 1, name(s.itemId), s.score))
    }

    // --- 2. Factors as profiles ------------------------------------------------------------
    // The first right singular direction of U Vᵀ orders the items along the model's strongest axis of taste.
    let vt = model.itemFactors  // k × items
    let ut = model.userFactors  // k × users
    let core = try Matrix.product(ut.transposed.qr().r, .none, vt.transposed.qr().r, .transpose)
    let axis = try core.svd().vt  // rows: directions in the item QR basis
    let q = try vt.transposed.qr().q  // items × k, orthonormal
    let direction = try Matrix.product(q, .none, axis.rows(0..<1).transposed, .none)  // items × 1
    let order = (0..<all.itemCount).filter { split.train.count(item: $0) >= 20 }.sorted { direction[$0, 0] < direction[$1, 0] }
    print("\nthe strongest axis of taste (first singular vector of U Vᵀ), items with ≥ 20 ratings:")
    print("  one end:   " + order.prefix(4).map { name(model.itemIds[$0]) }.joined(separator: "; "))
    print("  other end: " + order.suffix(4).reversed().map { name(model.itemIds[$0]) }.joined(separator: "; "))
    if let top = model.topN(userId: user, n: 1, excluding: split.train).first,
       let why = model.explain(userId: user, itemId: top.itemId) {
        print(String(format: "\nwhy %@ scores %.2f for user %@: μ %.2f + b_u %.2f + c_i %.2f + factors", name(top.itemId),
                     why.prediction, user, why.globalMean, why.userBias, why.itemBias))
        for c in why.contributions.prefix(3) { print(String(format: "  factor %2d contributes %+.3f", c.factor, c.value)) }
    }

    // --- 3. Fold-in ------------------------------------------------------------------------
    let liked = (0..<all.itemCount).filter { split.train.count(item: $0) >= 50 }.prefix(5).map { model.itemIds[$0] }
    let newcomer = try model.foldIn(itemIds: Array(liked), values: [5, 5, 4, 1, 1], options: FoldInOptions(options))
    print("\na new user rates " + liked.map(name).joined(separator: ", ") + " as 5, 5, 4, 1, 1:")
    print(String(format: "  folded in without refitting: bias %.2f, ‖profile‖ %.3f (%d ratings used)", newcomer.bias,
                 newcomer.factors.map { $0 * $0 }.reduce(0, +).squareRoot(), newcomer.used))

    // --- 4. Implicit feedback ---------------------------------------------------------------
    let implicit = try ImplicitALS.fit(split.train, options: ImplicitALSOptions(rank: 32, lambda: 0.01, alpha: 1, maxIterations: 10))
    let ranking = try Metrics.ranking(of: implicit.model, train: split.train, test: split.test, k: 10)
    print(String(format: "\nimplicit ALS (rank 32, α 1, CG): precision@10 %.4f, nDCG@10 %.4f over %d users", ranking.precision,
                 ranking.ndcg, ranking.users))

    // --- 5. Non-negative parts ------------------------------------------------------------------
    let nmf = try MaskedNMF.fit(split.train, options: MaskedNMFOptions(rank: 8, lambda: 1, maxIterations: 100, seed: 1))
    let nmfErrors = Metrics.errors(of: nmf.model, on: align(split.test, to: nmf.model))
    print(String(format: "\nmasked NMF rank 8 (unobserved entries never enter the objective): test RMSE %.4f", nmfErrors.rmse))
    if !info.isEmpty {
        print("each part's heaviest items (≥ 20 ratings), and the genre most over-represented among its top 30:")
        let h = nmf.model.itemFactors  // k × items, non-negative
        var genreShare: [String: Double] = [:]
        for (_, v) in info { for g in v.genres { genreShare[g, default: 0] += 1 / Double(info.count) } }
        for part in 0..<h.rows {
            let top = (0..<all.itemCount).filter { split.train.count(item: $0) >= 20 }.sorted { h[part, $0] > h[part, $1] }.prefix(30)
            var counts: [String: Double] = [:]
            for i in top { for g in info[model.itemIds[i]]?.genres ?? [] { counts[g, default: 0] += 1 / 30 } }
            let lift = counts.map { ($0.key, $0.value / Swift.max(genreShare[$0.key] ?? 1, 1e-9)) }.max { $0.1 < $1.1 }
            print(String(format: "  part %d: %@ — %@ (×%.1f)", part + 1, top.prefix(3).map { name(model.itemIds[$0]) }.joined(separator: "; "),
                         lift?.0 ?? "-", lift?.1 ?? 0))
        }
    }
    if let u = split.train.userIndex[user], let i = (0..<all.itemCount).first(where: { split.train.count(item: $0) > 100 }) {
        let parts = nmf.parts(user: u, item: i)
        print(String(format: "  user %@ on %@: %.2f = ", user, name(model.itemIds[i]), parts.reduce(0, +))
              + parts.map { String(format: "%.2f", $0) }.joined(separator: " + "))
    }

    // --- 6. The benign landscape ----------------------------------------------------------------
    var g = SeededGenerator(seed: 3)
    let a = try Matrix<Double>.randomNormal(rows: 40, columns: 3, using: &g), b = try Matrix<Double>.randomNormal(rows: 30, columns: 3, using: &g)
    var full = try Matrix.product(a, .none, b, .transpose)
    let noise = try Matrix<Double>.randomNormal(rows: 40, columns: 30, using: &g)
    full = try full.adding(noise, scaledBy: 0.01)
    let sigma = try full.singularValues()
    let eckartYoung = sigma.dropFirst(3).reduce(0) { $0 + $1 * $1 }.squareRoot()
    var users: [Int] = [], items: [Int] = [], values: [Double] = []
    for i in 0..<30 { for u in 0..<40 { users.append(u); items.append(i); values.append(full[u, i]) } }
    let dense = try Ratings(userIds: (0..<40).map(String.init), itemIds: (0..<30).map(String.init), users: users, items: items,
                            values: values)
    var ends: [Double] = []
    for seed in UInt64(1)...10 {
        let fit = try GradientDescent.fit(dense, options: GradientDescentOptions(rank: 3, lambda: 0, maxIterations: 3000,
                                                                                 tolerance: 1e-10, seed: seed))
        let p = try Matrix.product(fit.model.userFactors, .transpose, fit.model.itemFactors, .none)
        ends.append(try full.subtracting(p).frobeniusNorm)
    }
    print(String(format: "\ngradient descent from 10 random starts (λ = 0, rank 3, fully observed): final ‖M − UVᵀ‖_F in [%.6f, %.6f]; Eckart–Young %.6f",
                 ends.min() ?? .nan, ends.max() ?? .nan, eckartYoung))
} catch {
    FileHandle.standardError.write(Data("Recommendation: \(error)\n".utf8))
    exit(1)
}
