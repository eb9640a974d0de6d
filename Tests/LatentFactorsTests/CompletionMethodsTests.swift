import Foundation
import Testing
import LowRankKernels
@testable import LatentFactors

/// Q_a diag(s) Q_bᵀ with random orthonormal Q_a (rows × s.count), Q_b (columns × s.count).
func spectrumMatrix(rows: Int, columns: Int, singularValues s: [Double], seed: UInt64) throws -> Matrix<Double> {
    var g = SeededGenerator(seed: seed)
    var qa = try Matrix<Double>.randomNormal(rows: rows, columns: s.count, using: &g).qr().q
    let qb = try Matrix<Double>.randomNormal(rows: columns, columns: s.count, using: &g).qr().q
    qa.scaleColumns(by: s)
    return try Matrix.product(qa, .none, qb, .transpose)
}

/// √(Σ (x − y)² / Σ y²) over the entries where `mask` is false.
func unobservedRelativeError(_ x: Matrix<Double>, _ y: Matrix<Double>, mask: [Bool]) -> Double {
    var err = 0.0, norm = 0.0
    for j in 0..<y.columns { for i in 0..<y.rows where !mask[i + j * y.rows] {
        err += (x[i, j] - y[i, j]) * (x[i, j] - y[i, j]); norm += y[i, j] * y[i, j]
    } }
    return (err / norm).squareRoot()
}

@Suite struct SoftImputeTests {
    /// Fully observed M (30 × 20, spectrum 10, 8, 6, 4, 3, 1, 0.8, …): the minimiser of ½‖M − W‖² + λ‖W‖_* is the
    /// singular value soft-threshold U diag((σ − λ)₊) Vᵀ (Cai, Candès & Shen, SIAM J. Optim. 20 (2010), Thm 2.1);
    /// at λ = 1.5 it has rank 5 ≤ k = 6, so both iterations must reach it; reference from the kernel SVD.
    @Test(arguments: [SoftImputeAlgorithm.als, .svd])
    func fullyObservedReachesSoftThresholdedSVD(_ algorithm: SoftImputeAlgorithm) throws {
        let s = [10.0, 8, 6, 4, 3, 1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1]
        let m = try spectrumMatrix(rows: 30, columns: 20, singularValues: s, seed: 5)
        let lambda = 1.5
        let svd = try m.svd()
        var left = svd.u
        left.scaleColumns(by: svd.singularValues.map { Swift.max($0 - lambda, 0) })
        let reference = try Matrix.product(left, .none, svd.vt, .none)
        var calls = 0
        let result = try SoftImpute.fit(try ratings(of: m),
                                        options: SoftImputeOptions(rank: 6, lambda: lambda, algorithm: algorithm,
                                                                   maxIterations: 500, tolerance: 1e-24, seed: 2)) { _, _ in
            calls += 1
        }
        #expect(calls == result.history.count)
        let relative = try prediction(result.model).subtracting(reference).frobeniusNorm / reference.frobeniusNorm
        #expect(relative < 1e-8, "relative error \(relative)")
        #expect(result.certificate <= 1e-8, "certificate \(result.certificate)")
        #expect(result.certificateMethod == .dense)
        for (a, b) in zip(result.singularValues.prefix(5), svd.singularValues) { #expect(abs(a - (b - lambda)) < 1e-8) }
        #expect(result.singularValues[5] == 0)
    }

    /// X = S + U diag(d) Vᵀ applied to thin blocks agrees with the dense matrix it represents (built entry by entry).
    @Test func sparsePlusLowRankProductsMatchDense() throws {
        var g = SeededGenerator(seed: 30)
        let (m, n, k) = (9, 7, 2)
        var users: [Int] = [], items: [Int] = [], values: [Double] = []
        for j in 0..<n { for i in 0..<m where g.uniform() < 0.4 { users.append(i); items.append(j); values.append(g.normal()) } }
        let r = try Ratings(userIds: (0..<m).map { "u\($0)" }, itemIds: (0..<n).map { "i\($0)" }, users: users,
                            items: items, values: values)
        let ut = Matrix<Double>.randomNormal(rows: k, columns: m, using: &g)
        let vt = Matrix<Double>.randomNormal(rows: k, columns: n, using: &g)
        let d = [2.0, 0.5]
        let s = (0..<r.count).map { Double($0) - 3 }
        let op = try SparsePlusLowRank(pattern: r, sparseValues: s, userFactors: ut, weights: d, itemFactors: vt)
        var dense = Matrix<Double>(rows: m, columns: n)
        for i in 0..<m { for j in 0..<n { dense[i, j] = (0..<k).reduce(0) { $0 + ut[$1, i] * d[$1] * vt[$1, j] } } }
        for u in 0..<m { for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] { dense[u, Int(r.rowItems[e])] += s[e] } }
        #expect(try op.dense().subtracting(dense).maxAbs < 1e-12)
        let x = Matrix<Double>.randomNormal(rows: n, columns: 3, using: &g)
        let y = Matrix<Double>.randomNormal(rows: m, columns: 3, using: &g)
        #expect(try op.applied(to: x).subtracting(Matrix.product(dense, .none, x, .none)).maxAbs < 1e-12)
        #expect(try op.adjointApplied(to: y).subtracting(Matrix.product(dense, .transpose, y, .none)).maxAbs < 1e-12)
        #expect(throws: LinearAlgebraError.self) { try op.applied(to: y) }
    }

    /// The randomized certificate of the sparse-plus-low-rank fill agrees with the dense one (denseLimit 0 forces it).
    @Test func randomizedCertificateMatchesDense() throws {
        let m = try spectrumMatrix(rows: 30, columns: 20, singularValues: [10, 8, 6, 4, 3, 1, 0.5], seed: 6)
        var g = SeededGenerator(seed: 9)
        var mask = [Bool](repeating: false, count: 600)
        for j in mask.indices { mask[j] = g.uniform() < 0.6 }
        let r = try ratings(of: m) { i, j in mask[i + j * 30] }
        // Stop early so the certificate is visibly non-zero.
        let options = SoftImputeOptions(rank: 6, lambda: 1, maxIterations: 3, tolerance: 0)
        let dense = try SoftImpute.fit(r, options: options)
        var sparse = options
        sparse.denseLimit = 0
        let randomized = try SoftImpute.fit(r, options: sparse)
        #expect(randomized.certificateMethod == .randomized(rank: 20, complete: true))
        #expect(dense.certificate > 1e-6)
        #expect(abs(randomized.certificate - dense.certificate) < 1e-6 * Swift.max(1, dense.certificate))
        #expect(throws: LinearAlgebraError.self) { try SoftImpute.fit(r, options: SoftImputeOptions(rank: 21)) }
        #expect(throws: LinearAlgebraError.self) { try SoftImpute.fit(r, options: SoftImputeOptions(lambda: -1)) }
        #expect(throws: LinearAlgebraError.self) {
            try SoftImpute.fit(r, options: SoftImputeOptions(algorithm: .svd, denseLimit: 10))
        }
    }

    /// Planted rank 3, 120 × 100 Gaussian factors, ~20% observed (≈ 2400 entries, 20 per row and 24 per column, for
    /// 3·(120 + 100 − 3) = 651 degrees of freedom): the warm-started path down to λ = 0.01 recovers the unobserved
    /// entries. Without noise the only error left is the nuclear-norm shrinkage bias, first order in λ/σ_min
    /// (σ ≈ 100 here): measured 1.05e-3 relative at λ = 0.01 and 1.04e-2 at λ = 0.1 (linear in λ, so a bias, not an
    /// optimisation floor); we assert < 3e-3 (a failed completion is O(1)). The first grid value must be
    /// σ_max(P_Ω(M)) (the kernel SVD of the zero-filled matrix). (At 60 × 50 with 20% observed, softImpute-ALS
    /// stagnates — its EM-type rate degrades with few entries per row — so the larger size is deliberate.)
    @Test func plantedRecoveryWithTwentyPercentObserved() throws {
        let (rows, cols) = (120, 100)
        var g = SeededGenerator(seed: 21)
        let a = Matrix<Double>.randomNormal(rows: rows, columns: 3, using: &g)
        let b = Matrix<Double>.randomNormal(rows: cols, columns: 3, using: &g)
        let m = try Matrix.product(a, .none, b, .transpose)
        var mask = [Bool](repeating: false, count: rows * cols)
        for j in mask.indices { mask[j] = g.uniform() < 0.2 }
        let r = try ratings(of: m) { i, j in mask[i + j * rows] }
        var zeroFilled = Matrix<Double>(rows: rows, columns: cols)
        for j in 0..<cols { for i in 0..<rows where mask[i + j * rows] { zeroFilled[i, j] = m[i, j] } }
        let sigmaMax = try zeroFilled.svd().singularValues[0]
        let path = try SoftImpute.path(r, options: SoftImputeOptions(rank: 3, lambda: 0.01, maxIterations: 3000,
                                                                      tolerance: 1e-20), steps: 5)
        #expect(abs(path.lambdaMax - sigmaMax) < 1e-3 * sigmaMax, "\(path.lambdaMax) vs \(sigmaMax)")
        #expect(path.lambdas.count == 5 && path.lambdas.last == 0.01)
        #expect(path.fits.first.map { $0.singularValues.allSatisfy { $0 == 0 } && $0.history.isEmpty } == true)
        let fit = try #require(path.fits.last)
        let relative = unobservedRelativeError(try prediction(fit.model), m, mask: mask)
        print("Soft-Impute 20% recovery: relative unobserved error \(relative), cert \(fit.certificate) rmse \(fit.history.last?.trainRMSE ?? -1) d \(fit.singularValues) iterations \(path.fits.map { $0.history.count })")
        #expect(fit.certificate < 1e-4, "certificate \(fit.certificate)")
        #expect(relative < 3e-3, "relative error on unobserved entries \(relative)")
    }
}

@Suite struct GradientMethodsTests {
    /// Fully observed rank-3 + 1e-3 noise (24 × 16), λ = 0, rank 3, 20 random starts: every run ends at the
    /// Eckart–Young error ‖M − M_3‖_F (kernel SVD) to 1e-6 relative (no spurious local minima, Ge, Jin & Zheng 2017).
    @Test func gradientDescentReachesEckartYoungFromEverySeed() throws {
        var g = SeededGenerator(seed: 4)
        let low = try spectrumMatrix(rows: 24, columns: 16, singularValues: [3, 2, 1.5], seed: 8)
        let noise = Matrix<Double>.randomNormal(rows: 24, columns: 16, using: &g).scaled(by: 1e-3)
        let m = try low.adding(noise)
        let s = try m.svd().singularValues
        let eckartYoung = s.dropFirst(3).reduce(0) { $0 + $1 * $1 }.squareRoot()
        let r = try ratings(of: m)
        var iterations: [Int] = []
        for seed in 0..<20 {
            let result = try GradientDescent.fit(r, options: GradientDescentOptions(
                rank: 3, lambda: 0, maxIterations: 5000, tolerance: 1e-9, seed: UInt64(seed)))
            let err = try m.subtracting(prediction(result.model)).frobeniusNorm
            #expect(abs(err - eckartYoung) <= 1e-6 * eckartYoung, "seed \(seed): \(err) vs \(eckartYoung), \(result.history.count) its")
            #expect(zip(result.history, result.history.dropFirst()).allSatisfy { $1.objective <= $0.objective })
            #expect(result.converged, "seed \(seed): gradient norm \(result.gradientNorm), \(result.history.count) iterations")
            iterations.append(result.history.count)
        }
        print("GradientDescent iterations per seed: \(iterations)")
    }

    @Test func fixedStepDivergenceIsTyped() throws {
        let m = try spectrumMatrix(rows: 10, columns: 8, singularValues: [30, 20], seed: 1)
        let r = try ratings(of: m)
        #expect {
            try GradientDescent.fit(r, options: GradientDescentOptions(rank: 2, stepSize: 10, maxIterations: 100))
        } throws: { error in
            if case .diverged(let method, _, _) = error as? CompletionError { return method == "GradientDescent" }
            return false
        }
    }

    @Test func sgdDivergesWithHugeLearningRate() throws {
        let path = try ratingsFile("a x 5\na y 3\nb x 4\nb z 1\nc y 2\nc z 1\nd x 5\nd y 4\n")
        let r = try RatingsReader.read(path)
        #expect {
            try FunkSVD.fit(r, options: FunkSVDOptions(rank: 5, learningRate: 50))
        } throws: { error in
            if case .diverged(let method, let iteration, _) = error as? CompletionError {
                return method == "FunkSVD" && iteration >= 1
            }
            return false
        }
    }

    @Test func sgdDefaultsFitAndAreReproducible() throws {
        #expect(FunkSVDOptions() == FunkSVDOptions(rank: 100, epochs: 20, biased: true, learningRate: 0.005,
                                                   regularization: 0.02, initialMean: 0, initialScale: 0.1))
        let path = try ratingsFile("a x 5\na y 3\nb x 4\nb z 1\nc y 2\nc z 1\nd x 5\nd y 4\n")
        let r = try RatingsReader.read(path)
        let options = FunkSVDOptions(rank: 4, epochs: 200, learningRate: 0.02, seed: 3)
        let one = try FunkSVD.fit(r, options: options)
        let two = try FunkSVD.fit(r, options: options)
        #expect(one.history.count == 200 && one.history.map(\.objective) == two.history.map(\.objective))
        #expect(one.model.globalMean == r.mean)
        #expect(one.history.last!.objective < one.history.first!.objective)
        #expect(one.model.rmse(on: r) < 0.5)
        #expect(throws: LinearAlgebraError.self) { try FunkSVD.fit(r, options: FunkSVDOptions(learningRate: 0)) }
    }
}

@Suite struct MaskedNMFTests {
    /// Planted W₀ H₀ᵀ ≥ 0 (40 × 30, rank 3, entries of W₀, H₀ uniform in [0, 1)), 50% observed. The matrix handed
    /// over has 1e6 and −1e3 written into masked entries; Ratings are built from the observed entries only, so the
    /// fit is bit-identical to the fit of the clean matrix, and it recovers the unobserved planted entries: the
    /// planted factors are an exact zero-residual non-negative fit, so the only error is optimisation error after
    /// 3000 HALS sweeps (measured 1.3e-4 relative); we assert < 1e-3 (a local minimum or a leak of the garbage would
    /// be O(1)).
    @Test func garbageInMaskedEntriesCannotMatterAndPlantedIsRecovered() throws {
        var g = SeededGenerator(seed: 17)
        var w0 = Matrix<Double>(rows: 40, columns: 3), h0 = Matrix<Double>(rows: 30, columns: 3)
        for j in 0..<3 { for i in 0..<40 { w0[i, j] = g.uniform() }; for i in 0..<30 { h0[i, j] = g.uniform() } }
        let clean = try Matrix.product(w0, .none, h0, .transpose)
        var mask = [Bool](repeating: false, count: 1200)
        for j in mask.indices { mask[j] = g.uniform() < 0.5 }
        var dirty = clean
        for j in 0..<30 { for i in 0..<40 where !mask[i + j * 40] { dirty[i, j] = (i + j) % 2 == 0 ? 1e6 : -1e3 } }
        let options = MaskedNMFOptions(rank: 3, maxIterations: 3000, tolerance: 1e-14, seed: 5)
        let fitDirty = try MaskedNMF.fit(try ratings(of: dirty) { i, j in mask[i + j * 40] }, options: options)
        let fitClean = try MaskedNMF.fit(try ratings(of: clean) { i, j in mask[i + j * 40] }, options: options)
        #expect(fitDirty.model.userFactors == fitClean.model.userFactors)
        #expect(fitDirty.model.itemFactors == fitClean.model.itemFactors)
        #expect(fitDirty.history.map(\.objective) == fitClean.history.map(\.objective))
        #expect(fitDirty.model.userFactors.elements.allSatisfy { $0 >= 0 })
        #expect(fitDirty.model.itemFactors.elements.allSatisfy { $0 >= 0 })
        for (a, b) in zip(fitDirty.history, fitDirty.history.dropFirst()) { #expect(b.objective <= a.objective * (1 + 1e-12)) }
        let relative = unobservedRelativeError(try prediction(fitDirty.model), clean, mask: mask)
        print("Masked NMF recovery: relative unobserved error \(relative), sweeps \(fitDirty.history.count)")
        #expect(relative < 1e-3, "relative error on unobserved entries \(relative)")
        let parts = fitDirty.parts(user: 2, item: 7)
        #expect(parts.count == 3 && parts.allSatisfy { $0 >= 0 })
        #expect(abs(parts.reduce(0, +) - (fitDirty.model.predict(user: 2, item: 7) ?? .nan)) < 1e-12)
        #expect(fitDirty.parts(user: 40, item: 0).isEmpty)
    }
}
