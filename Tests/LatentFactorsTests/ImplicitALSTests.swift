import Foundation
import LowRankKernels
import Testing
@testable import LatentFactors

/// Implicit ALS against a dense reference of the Hu–Koren–Volinsky updates, and the thread-count identity of both ALS
/// variants.
@Suite struct ImplicitALSTests {
    /// A 9 × 7 interaction pattern (about 40 % observed) with a seed.
    static func interactions(seed: UInt64 = 3) throws -> Ratings {
        var g = SeededGenerator(seed: seed)
        let m = try Matrix<Double>.randomNormal(rows: 9, columns: 7, using: &g)
        return try ratings(of: m) { u, i in (u * 7 + i) % 5 < 2 }
    }

    /// One dense HKV half-sweep: for each row r, x_r = (Fᵀ C_r F + λI)⁻¹ Fᵀ C_r p_r with C_r = diag(c on observed, 1
    /// elsewhere) and p_r the 0/1 indicator, F the other side's factors (count × k). Written from the paper's
    /// equations with dense matrices, independently of the library's Gram/rank-update formulation.
    static func denseHalfSweep(observed: [[Bool]], other f: Matrix<Double>, c: Double, lambda: Double) throws -> Matrix<Double> {
        let k = f.columns
        var out = Matrix<Double>(rows: observed.count, columns: k)
        for (r, row) in observed.enumerated() {
            var cf = f  // C_r F
            var cp = Matrix<Double>(rows: f.rows, columns: 1)  // C_r p_r
            for j in 0..<f.rows where row[j] {
                for a in 0..<k { cf[j, a] *= c }
                cp[j, 0] = c
            }
            var a = try Matrix.product(f, .transpose, cf, .none)
            for t in 0..<k { a[t, t] += lambda }
            let x = try a.cholesky().solve(try Matrix.product(f, .transpose, cp, .none))
            for t in 0..<k { out[r, t] = x[t, 0] }
        }
        return out
    }

    /// Float64 row products agree with the dense reference to rounding; float32 ones (``GramPrecision/mixed``) to the
    /// float32 rounding of k-term sums of O(1) factors, a few 2⁻²⁴ ≈ 6e-8 amplified by the row systems' conditioning.
    @Test(arguments: [(GramPrecision.double, 1e-10), (.mixed, 1e-5)])
    func choleskyMatchesTheDenseReference(precision: GramPrecision, tolerance: Double) throws {
        let data = try Self.interactions()
        let observed = (0..<data.userCount).map { u in
            (0..<data.itemCount).map { i in (data.rowOffsets[u]..<data.rowOffsets[u + 1]).contains { Int(data.rowItems[$0]) == i } }
        }
        let itemObserved = (0..<data.itemCount).map { i in observed.map { $0[i] } }
        for (confidence, alpha) in [(ConfidenceConvention.implicit, 4.0), (.hkv, 3.0)] {
            var options = ImplicitALSOptions(rank: 3, lambda: 0.1, alpha: alpha, confidence: confidence, solver: .cholesky,
                                             maxIterations: 0, seed: 5, threads: 1, precision: precision)
            let start = try ImplicitALS.fit(data, options: options).model
            options.maxIterations = 3
            let fitted = try ImplicitALS.fit(data, options: options).model
            let c = confidence == .implicit ? alpha : 1 + alpha
            var y = start.itemFactors.transposed  // n × k
            var x = Matrix<Double>(rows: data.userCount, columns: 3)
            for _ in 0..<3 {
                x = try Self.denseHalfSweep(observed: observed, other: y, c: c, lambda: 0.1)
                y = try Self.denseHalfSweep(observed: itemObserved, other: x, c: c, lambda: 0.1)
            }
            #expect(try x.subtracting(fitted.userFactors.transposed).maxAbs < tolerance)
            #expect(try y.subtracting(fitted.itemFactors.transposed).maxAbs < tolerance)
        }
    }

    @Test func objectiveIsTheDenseSumOverAllPairs() throws {
        let data = try Self.interactions()
        let options = ImplicitALSOptions(rank: 3, lambda: 0.2, alpha: 2, solver: .cholesky, maxIterations: 2, seed: 1, threads: 1)
        let result = try ImplicitALS.fit(data, options: options)
        let model = result.model
        var dense = 0.0
        for u in 0..<data.userCount {
            let seen = Set(data.rowItems[data.rowOffsets[u]..<data.rowOffsets[u + 1]].map(Int.init))
            for i in 0..<data.itemCount {
                let s = model.predict(user: u, item: i) ?? .nan
                let (c, p) = seen.contains(i) ? (2.0, 1.0) : (1.0, 0.0)
                dense += c * (p - s) * (p - s)
            }
        }
        dense += 0.2 * (model.userFactors.elements.reduce(0) { $0 + $1 * $1 } + model.itemFactors.elements.reduce(0) { $0 + $1 * $1 })
        let reported = try #require(result.history.last).objective
        #expect(Swift.abs(reported - dense) <= 1e-10 * dense)
        // Exact row solves never increase the objective.
        for (a, b) in zip(result.history, result.history.dropFirst()) { #expect(b.objective <= a.objective * (1 + 1e-12)) }
    }

    @Test func conjugateGradientWithKStepsSolvesExactly() throws {
        // CG on a k × k SPD system terminates in at most k steps (exact arithmetic): with k steps per row, each sweep
        // equals the Cholesky sweep up to rounding.
        let data = try Self.interactions()
        let base = ImplicitALSOptions(rank: 3, lambda: 0.1, alpha: 4, solver: .cholesky, maxIterations: 4, seed: 2, threads: 1)
        var cg = base
        cg.solver = .conjugateGradient(steps: 3)
        let exact = try ImplicitALS.fit(data, options: base).model, iterative = try ImplicitALS.fit(data, options: cg).model
        #expect(try exact.userFactors.subtracting(iterative.userFactors).maxAbs < 1e-8)
        #expect(try exact.itemFactors.subtracting(iterative.itemFactors).maxAbs < 1e-8)
        // The same with float32 row products on both sides (CG's operator and Cholesky's matrix round alike).
        var exactMixed = base, cgMixed = cg
        exactMixed.precision = .mixed
        cgMixed.precision = .mixed
        let a = try ImplicitALS.fit(data, options: exactMixed).model, b = try ImplicitALS.fit(data, options: cgMixed).model
        #expect(try a.userFactors.subtracting(b.userFactors).maxAbs < 1e-5)
    }

    @Test func hkvIsTheImplicitConventionShiftedByOne() throws {
        // c = 1 + α (HKV) equals c = α' (implicit) with α' = 1 + α.
        let data = try Self.interactions()
        let a = try ImplicitALS.fit(data, options: .init(rank: 2, alpha: 2, confidence: .hkv, maxIterations: 3, threads: 1)).model
        let b = try ImplicitALS.fit(data, options: .init(rank: 2, alpha: 3, confidence: .implicit, maxIterations: 3, threads: 1)).model
        #expect(a.userFactors == b.userFactors && a.itemFactors == b.itemFactors)
    }

    @Test func everyALSIsBitIdenticalAtOneAndTwoThreads() throws {
        var g = SeededGenerator(seed: 11)
        let m = try Matrix<Double>.randomNormal(rows: 60, columns: 45, using: &g)
        let data = try ratings(of: m) { u, i in (u * 31 + i * 17) % 4 == 0 }
        for solver in [ImplicitRowSolver.cholesky, .conjugateGradient(steps: 3)] {
            let one = try ImplicitALS.fit(data, options: .init(rank: 5, solver: solver, maxIterations: 3, seed: 4, threads: 1))
            let two = try ImplicitALS.fit(data, options: .init(rank: 5, solver: solver, maxIterations: 3, seed: 4, threads: 2))
            #expect(one.model.userFactors.elements == two.model.userFactors.elements)
            #expect(one.model.itemFactors.elements == two.model.itemFactors.elements)
            #expect(one.history.map(\.objective) == two.history.map(\.objective))
        }
        for biases in [false, true] {
            let one = try ExplicitALS.fit(data, options: .init(rank: 5, biases: biases, maxIterations: 3, seed: 4, threads: 1))
            let two = try ExplicitALS.fit(data, options: .init(rank: 5, biases: biases, maxIterations: 3, seed: 4, threads: 2))
            #expect(one.model.userFactors.elements == two.model.userFactors.elements)
            #expect(one.model.itemFactors.elements == two.model.itemFactors.elements)
            #expect(one.model.globalMean == two.model.globalMean && one.model.userBiases == two.model.userBiases)
            #expect(one.history.map(\.objective) == two.history.map(\.objective))
        }
    }
}

/// The training loss ALS reports comes from the item solves (‖y − Bᵀz‖² = ‖y‖² − zᵀBy − λw‖z‖²); it must equal a
/// direct pass over the ratings with the final model.
@Suite struct ExplicitALSLossIdentityTests {
    @Test(arguments: [false, true])
    func reportedTrainingErrorEqualsTheDirectResidual(biases: Bool) throws {
        var g = SeededGenerator(seed: 21)
        let m = try Matrix<Double>.randomNormal(rows: 50, columns: 40, using: &g)
        let data = try ratings(of: m) { u, i in (u * 13 + i * 7) % 3 == 0 }
        for scaling in [RegularizationScaling.plain, .countScaled] {
            let fit = try ExplicitALS.fit(data, options: .init(rank: 4, lambda: 0.3, scaling: scaling, biases: biases,
                                                               maxIterations: 4, seed: 2, threads: 2))
            let model = fit.model
            let direct = ExplicitALS.residualSum(data, model.userFactors, model.itemFactors, model.userBiases,
                                                 model.itemBiases, model.globalMean, threads: 1)
            let reported = try #require(fit.history.last?.trainRMSE)
            let directRMSE = (direct.squares / Double(data.count)).squareRoot()
            #expect(Swift.abs(reported - directRMSE) <= 1e-9 * directRMSE)
            if biases { #expect(Swift.abs(direct.sum) <= 1e-9 * Double(data.count)) }  // μ makes the residual mean 0
        }
    }
}
