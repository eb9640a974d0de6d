import Testing
@testable import LowRankKernels

/// Penalized Frobenius and Kullback–Leibler NMF against scikit-learn 1.9.1's recorded objectives on a fixed 12 × 9
/// input from the same start (`NMF(init='custom', tol=0, max_iter=30)`, objective as in
/// `NMF.FitOptions`; produced by `scripts/make-nmf-reference.py`), and NNDSVD against `_initialize_nmf`.
///
///     X[i, j] = (7i + 3j) mod 11 + 5·[i = j]   (12 × 9),   W0[i, t] = 0.1 + 0.2·((i + 2t) mod 5),
///     H0[t, j] = 0.2 + 0.15·((3t + j) mod 4),   k = 3
@Suite struct NMFFitTests {
    static let m = 12, n = 9, k = 3
    static var x: Matrix<Double> {
        var a = Matrix<Double>(rows: m, columns: n)
        for i in 0..<m { for j in 0..<n { a[i, j] = Double((i * 7 + j * 3) % 11) + (i == j ? 5 : 0) } }
        return a
    }
    static var start: NMFInitialization {
        var w = Matrix<Double>(rows: m, columns: k), h = Matrix<Double>(rows: k, columns: n)
        for i in 0..<m { for t in 0..<k { w[i, t] = 0.1 + Double((i + 2 * t) % 5) * 0.2 } }
        for t in 0..<k { for j in 0..<n { h[t, j] = 0.2 + Double((3 * t + j) % 4) * 0.15 } }
        return .custom(w: w, h: h)
    }

    /// (divergence, α, ρ) → scikit-learn's objective, divergence and shares of zeros after 30 iterations.
    @Test(arguments: [
        (NMFDivergence.frobenius, 0.01, 0.5, 256.44768055452363, 238.29031083464986, 0.1388888888888889, 0.1111111111111111),
        (.frobenius, 0, 0, 238.21321637063903, 238.21321637063903, 0.1388888888888889, 0.1111111111111111),
        (.kullbackLeibler, 0.01, 0.3, 71.32754466835524, 61.0239682596108, 0, 0),
        (.kullbackLeibler, 0, 0, 60.89490792578613, 60.89490792578613, 0, 0),
    ])
    func matchesScikitLearn(divergence: NMFDivergence, alpha: Double, l1Ratio: Double, objective: Double,
                            divergenceValue: Double, zerosW: Double, zerosH: Double) throws {
        var records: [NMF.FitRecord] = []
        let r = try NMF.fit(Self.x, options: .init(rank: Self.k, divergence: divergence, alphaW: alpha, l1Ratio: l1Ratio,
                                                   initialization: Self.start, iterations: 30)) { records.append($0) }
        #expect(abs(r.objective - objective) <= 1e-6 * objective)
        #expect(abs(r.divergence - divergenceValue) <= 1e-6 * divergenceValue)
        #expect(r.zerosW == zerosW && r.zerosH == zerosH)
        #expect(r.iterations == 30 && records.count == 31 && records.map(\.iteration) == Array(0...30))
    }

    /// NNDSVD and NNDSVDa of the same X: sums, two entries and the count of zeros in W of scikit-learn's
    /// `_initialize_nmf(X, 3, init=…)`.
    @Test(arguments: [(NMFInitialization.nndsvd, 39.83377400368922, 34.86133056333579, 13),
                      (.nndsvda, 109.88932955924477, 88.75021945222468, 0)])
    func nndsvdMatchesScikitLearn(initialization: NMFInitialization, wSum: Double, hSum: Double, wZeros: Int) throws {
        let (w, h) = try NMF.initialFactors(Self.x, rank: Self.k, initialization)
        #expect(abs(w.elements.reduce(0, +) - wSum) < 1e-9 * wSum)
        #expect(abs(h.elements.reduce(0, +) - hSum) < 1e-9 * hSum)
        #expect(abs(w[0, 0] - 2.127737190598226) < 1e-9 && abs(h[1, 2] - 0.5706763221039541) < 1e-9)
        #expect(w.elements.filter { $0 == 0 }.count == wZeros)
    }

    /// The tolerance rule stops early only when given; without it exactly `iterations` run. Bad options are named.
    @Test func stoppingAndBadInput() throws {
        let exact = try NMF.fit(Self.x, options: .init(rank: 3, initialization: Self.start, iterations: 500))
        #expect(exact.iterations == 500)
        let early = try NMF.fit(Self.x, options: .init(rank: 3, initialization: Self.start, iterations: 500, tolerance: 1e-3))
        #expect(early.iterations < 500)
        var negative = Self.x
        negative[2, 3] = -1
        #expect(throws: LinearAlgebraError.invalidArgument(argument: "x", reason: "NMF needs X ≥ 0, but x[2, 3] = -1.0")) {
            try NMF.fit(negative, options: .init(rank: 3))
        }
        #expect(throws: LinearAlgebraError.self) { try NMF.fit(Self.x, options: .init(rank: 10)) }
        #expect(throws: LinearAlgebraError.self) { try NMF.fit(Self.x, options: .init(rank: 3, l1Ratio: 1.5)) }
    }

    /// Planted modules: X = W H with sparse non-negative W (each row one or two of 3 modules) and modules H with
    /// disjoint supports (columns 0–5, 6–11, 12–17): sparse NMF (α = 0.001, ρ = 1) from NNDSVD, whose zeros keep the
    /// start sparse, recovers each module's support (its 6 columns carry > 99 % of the row's weight).
    @Test func sparseNMFRecoversPlantedModuleSupports() throws {
        let rows = 40, columns = 18, modules = 3
        var g = SeededGenerator(seed: 3)
        var w = Matrix<Double>(rows: rows, columns: modules), h = Matrix<Double>(rows: modules, columns: columns)
        for i in 0..<rows {
            w[i, i % modules] = 1 + g.uniform()
            if i % 4 == 0 { w[i, (i + 1) % modules] = 0.5 * g.uniform() }
        }
        for t in 0..<modules { for j in (6 * t)..<(6 * t + 6) { h[t, j] = 0.5 + g.uniform() } }
        let x = try w * h
        let r = try NMF.fit(x, options: .init(rank: modules, alphaW: 0.001, l1Ratio: 1, initialization: .nndsvd, iterations: 300))
        var found = Set<Int>()
        for t in 0..<modules {
            let row = (0..<columns).map { r.h[t, $0] }
            let total = row.reduce(0, +)
            guard total > 0 else { continue }
            for planted in 0..<modules {
                let inside = (6 * planted..<6 * planted + 6).reduce(0) { $0 + row[$1] }
                if inside > 0.99 * total { found.insert(planted) }
            }
        }
        #expect(found == [0, 1, 2])
    }
}
