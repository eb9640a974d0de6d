import Foundation
import Testing
import LowRankKernels
@testable import LatentFactors

/// Ratings holding every entry of `m` (users = rows, items = columns), or only those where `mask` is true.
func ratings(of m: Matrix<Double>, mask: ((Int, Int) -> Bool)? = nil) throws -> Ratings {
    var users: [Int] = [], items: [Int] = [], values: [Double] = []
    for j in 0..<m.columns {
        for i in 0..<m.rows where mask?(i, j) ?? true {
            users.append(i); items.append(j); values.append(m[i, j])
        }
    }
    return try Ratings(userIds: (0..<m.rows).map { "u\($0)" }, itemIds: (0..<m.columns).map { "i\($0)" },
                       users: users, items: items, values: values)
}

/// The prediction matrix U Vᵀ (users × items) of a model without biases.
func prediction(_ model: FactorModel) throws -> Matrix<Double> {
    try Matrix.product(model.userFactors, .transpose, model.itemFactors, .none)
}

@Suite struct ExplicitALSTests {
    /// Fully observed M = Q_a diag(s) Q_bᵀ (30 × 20, rank 8): plain-λ ALS without biases at rank 8 ≥ rank of the
    /// solution converges to the singular value soft-threshold U diag((σ − λ)₊) Vᵀ, the minimiser of
    /// ½‖W − M‖² + λ‖W‖_*, because ‖W‖_* = min over U Vᵀ = W of ½(‖U‖² + ‖V‖²).
    /// With ``GramPrecision/mixed`` the Gram is rounded to float32 (relative error ≈ √n · 6e-8 per entry, n ≤ 30
    /// here), so the fixed point is the same soft threshold to about 1e-6; the bound is 1e-5.
    @Test(arguments: [(GramPrecision.double, 1e-8), (.mixed, 1e-5)])
    func fullyObservedConvergesToSoftThresholdedSVD(precision: GramPrecision, bound: Double) throws {
        var g = SeededGenerator(seed: 11)
        let qa = try Matrix<Double>.randomNormal(rows: 30, columns: 8, using: &g).qr().q
        let qb = try Matrix<Double>.randomNormal(rows: 20, columns: 8, using: &g).qr().q
        let s = [10.0, 8, 6, 4, 3, 0.6, 0.4, 0.2]
        var scaled = qa
        scaled.scaleColumns(by: s)
        let m = try Matrix.product(scaled, .none, qb, .transpose)
        let lambda = 1.5

        // Reference: the kernel layer's SVD of the generated matrix, soft-thresholded.
        let svd = try m.svd()
        var left = svd.u
        left.scaleColumns(by: svd.singularValues.map { Swift.max($0 - lambda, 0) })
        let reference = try Matrix.product(left, .none, svd.vt, .none)

        let options = ExplicitALSOptions(rank: 8, lambda: lambda, scaling: .plain, biases: false, maxIterations: 300,
                                         gramPrecision: precision)
        let result = try ExplicitALS.fit(try ratings(of: m), options: options)
        let x = try prediction(result.model)
        let relative = try x.subtracting(reference).frobeniusNorm / reference.frobeniusNorm
        #expect(relative < bound, "relative error \(relative)")
        #expect(result.history.count == 300)
        // Exact block minimisation: the objective never increases (up to the Gram's rounding in mixed precision).
        for (a, b) in zip(result.history, result.history.dropFirst()) {
            #expect(b.objective <= a.objective * (1 + (precision == .double ? 1e-12 : 1e-6)))
        }
    }

    /// A planted rank-3 60 × 50 matrix with ~30% of entries observed (about 15 per row, 18 per column, far above the
    /// 3 a rank-3 row needs): ALS at rank 3 with small plain λ recovers the unobserved entries. Without noise the only
    /// error left is the ridge (shrinkage) bias, which is first order in λ: it measures ≈ 2.6e-4 relative at λ = 1e-3
    /// and ≈ 2.6e-5 at λ = 1e-4 on this instance. We assert < 2e-3 at λ = 1e-3 (a wrong completion would be O(1)) and
    /// that dividing λ by 10 divides the error by more than 5 (the bias is O(λ), not an optimisation floor).
    @Test func plantedLowRankIsRecoveredOnUnobservedEntries() throws {
        var g = SeededGenerator(seed: 3)
        let a = Matrix<Double>.randomNormal(rows: 60, columns: 3, using: &g)
        let b = Matrix<Double>.randomNormal(rows: 50, columns: 3, using: &g)
        let m = try Matrix.product(a, .none, b, .transpose)
        var mask = [Bool](repeating: false, count: 60 * 50)
        for k in mask.indices { mask[k] = g.uniform() < 0.3 }
        let observed = try ratings(of: m) { i, j in mask[i + j * 60] }
        let options = ExplicitALSOptions(rank: 3, lambda: 1e-3, scaling: .plain, biases: false, maxIterations: 300,
                                         tolerance: 1e-14, seed: 1)
        var calls = 0
        let result = try ExplicitALS.fit(observed, options: options) { record, _ in
            calls += 1
            #expect(record.iteration == calls && record.seconds >= 0)
        }
        #expect(calls == result.history.count)
        func unobservedError(_ model: FactorModel) throws -> Double {
            let x = try prediction(model)
            var err = 0.0, norm = 0.0
            for j in 0..<50 { for i in 0..<60 where !mask[i + j * 60] {
                err += (x[i, j] - m[i, j]) * (x[i, j] - m[i, j]); norm += m[i, j] * m[i, j]
            } }
            return (err / norm).squareRoot()
        }
        let relative = try unobservedError(result.model)
        #expect(relative < 2e-3, "relative error on unobserved entries \(relative)")
        var smaller = options
        smaller.lambda = 1e-4
        let relativeSmaller = try unobservedError(try ExplicitALS.fit(observed, options: smaller).model)
        #expect(relativeSmaller < relative / 5, "λ = 1e-4: \(relativeSmaller), λ = 1e-3: \(relative)")
        #expect(result.history.last.flatMap { $0.trainRMSE }.map { $0 < 1e-2 } == true)
    }

    @Test func biasesDefaultsPredictAndDeterminism() throws {
        let path = try ratingsFile("a x 5\na y 3\nb x 4\nb z 1\nc y 2\nc z 1\nd x 5\nd y 4\n")
        let r = try RatingsReader.read(path)
        let options = ExplicitALSOptions(rank: 2, lambda: 0.05, maxIterations: 25)
        #expect(ExplicitALSOptions().rank == 10 && ExplicitALSOptions().lambda == 0.1)
        #expect(ExplicitALSOptions().scaling == .countScaled && ExplicitALSOptions().biases)
        let one = try ExplicitALS.fit(r, options: options)
        let two = try ExplicitALS.fit(r, options: options)
        #expect(one.model.userFactors == two.model.userFactors && one.model.itemFactors == two.model.itemFactors)
        #expect(one.history.map(\.objective) == two.history.map(\.objective))
        for (p, q) in zip(one.history, one.history.dropFirst()) { #expect(q.objective <= p.objective * (1 + 1e-12)) }
        let p = one.model.predict(userId: "a", itemId: "x")
        #expect(p != nil && p == one.model.predict(user: 0, item: 0))
        #expect(one.model.predict(userId: "nobody", itemId: "x") == nil)
        #expect(one.model.predict(user: 99, item: 0) == nil)
        #expect(one.model.rmse(on: r) < 1)
        #expect(throws: LinearAlgebraError.self) { try ExplicitALS.fit(r, options: ExplicitALSOptions(rank: 0)) }
        #expect(throws: LinearAlgebraError.self) { try ExplicitALS.fit(r, options: ExplicitALSOptions(lambda: .nan)) }
        let stopped = try ExplicitALS.fit(r, options: ExplicitALSOptions(rank: 2, maxIterations: 500, tolerance: 1e-6))
        #expect(stopped.converged && stopped.history.count < 500)
        try stopped.requireConverged()
        let cut = try ExplicitALS.fit(r, options: ExplicitALSOptions(rank: 2, maxIterations: 1, tolerance: 1e-6))
        #expect(!cut.converged)
        #expect(throws: LinearAlgebraError.self) { try cut.requireConverged() }
        let split = try Splits.trainTest(r, testFraction: 0.25, seed: 1)
        let fitted = try ExplicitALS.fit(split.train, options: options)
        #expect(fitted.model.rmse(on: split.test).isFinite)
    }
}
