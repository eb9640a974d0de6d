import Foundation
import Testing
import LowRankKernels
@testable import LatentFactors

@Suite struct CrossValidationTests {
    /// A planted rank-3 60 × 50 matrix (factor entries N(0, 1), so entries have variance 3) plus N(0, 0.5²) noise,
    /// 50% observed.
    func planted() throws -> Ratings {
        var g = SeededGenerator(seed: 21)
        let a = Matrix<Double>.randomNormal(rows: 60, columns: 3, using: &g)
        let b = Matrix<Double>.randomNormal(rows: 50, columns: 3, using: &g)
        let noise = Matrix<Double>.randomNormal(rows: 60, columns: 50, using: &g)
        let m = try Matrix.product(a, .none, b, .transpose).adding(noise, scaledBy: 0.5)
        var mask = [Bool](repeating: false, count: 60 * 50)
        for k in mask.indices { mask[k] = g.uniform() < 0.5 }
        return try ratings(of: m) { i, j in mask[i + j * 60] }
    }

    func alsFit(_ train: Ratings, _ rank: Int, _ lambda: Double, _ warm: FactorModel?) throws -> FactorModel {
        try ExplicitALS.fit(train, options: ExplicitALSOptions(rank: rank, lambda: lambda, scaling: .plain, biases: false,
                                                               maxIterations: 40, seed: 4), initial: warm).model
    }

    @Test func gridPicksThePlantedRankAndIsReproducible() throws {
        let r = try planted()
        let folds = try Splits.kFold(r, folds: 3, seed: 8)
        let one = try CrossValidation.grid(ratings: r, folds: folds, ranks: [1, 3, 6], lambdas: [0.1, 3], fit: alsFit)
        let two = try CrossValidation.grid(ratings: r, folds: folds, ranks: [1, 3, 6], lambdas: [0.1, 3], fit: alsFit)
        #expect(one == two)
        #expect(one.points.count == 6 && one.points.allSatisfy { $0.foldRMSE.count == 3 && $0.foldMAE.count == 3 })
        #expect(one.points.map(\.rank) == [1, 1, 3, 3, 6, 6] && one.points.map(\.lambda) == [0.1, 3, 0.1, 3, 0.1, 3])
        #expect(one.best.rank == 3, "\(one.points.map { ($0.rank, $0.lambda, $0.meanRMSE) })")
        // The noise floor is 0.5: the best held-out RMSE is near it, rank 1 far above.
        #expect(one.best.meanRMSE > 0.5 && one.best.meanRMSE < 0.75)
        #expect(one.points[0].meanRMSE > 1)
        for p in one.points { #expect(p.meanMAE <= p.meanRMSE) }
    }

    /// The λ path: per fold and rank, λ from largest to smallest, each fit warm-started from the previous one.
    @Test func lambdasRunFromLargestWithWarmStarts() throws {
        let r = try planted()
        let folds = try Splits.kFold(r, folds: 2, seed: 1)
        var calls: [(rank: Int, lambda: Double, warm: Double?)] = []
        var last: [Int: Double] = [:]
        let result = try CrossValidation.grid(ratings: r, folds: folds, ranks: [2, 1], lambdas: [0.5, 2, 1]) { train, k, l, warm in
            #expect(train.count < r.count)
            calls.append((k, l, warm.map { $0.globalMean }))
            if let warm { #expect(warm.rank == k && warm.globalMean == last[k]) }
            last[k] = l   // tag each model with its λ in μ so the warm start can be identified
            return try handModel(u: [[Double]](repeating: [Double](repeating: 0, count: k), count: 60),
                                 v: [[Double]](repeating: [Double](repeating: 0, count: k), count: 50), mu: l)
        }
        #expect(calls.map(\.lambda) == [2, 1, 0.5, 2, 1, 0.5, 2, 1, 0.5, 2, 1, 0.5])
        #expect(calls.map(\.rank) == [2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1])
        #expect(calls.map(\.warm) == [nil, 2, 1, nil, 2, 1, nil, 2, 1, nil, 2, 1])
        // Every model predicts μ = λ everywhere; the smallest RMSE is the λ closest to the data; a tie between ranks
        // goes to the smaller rank.
        #expect(result.best.rank == 1 && result.best.lambda == 0.5)
        #expect(throws: LinearAlgebraError.self) {
            try CrossValidation.grid(ratings: r, folds: folds, ranks: [], lambdas: [1], fit: alsFit)
        }
        #expect(throws: LinearAlgebraError.self) {
            try CrossValidation.grid(ratings: r, folds: folds, ranks: [1], lambdas: [-1], fit: alsFit)
        }
        let small = try ratings(of: Matrix(rows: 2, columns: 2, repeating: 1))
        #expect(throws: LinearAlgebraError.self) {
            try CrossValidation.grid(ratings: small, folds: folds, ranks: [1], lambdas: [1], fit: alsFit)
        }
    }
}
