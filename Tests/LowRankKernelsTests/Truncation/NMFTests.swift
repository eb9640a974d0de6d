import Testing
@testable import LowRankKernels

/// A planted nonnegative rank-3 product with well-separated (separable) factors: each column of W0 has
/// a block of rows of its own, each row of H0 a block of columns of its own, plus a small positive mix.
func plantedNMF(m: Int = 30, n: Int = 24, seed: UInt64 = 11) throws -> (x: Matrix<Double>, w: Matrix<Double>, h: Matrix<Double>) {
    var g = SeededGenerator(seed: seed)
    var w = Matrix<Double>(rows: m, columns: 3)
    var h = Matrix<Double>(rows: 3, columns: n)
    for i in 0..<m { for l in 0..<3 { w[i, l] = (i % 3 == l ? 1 + g.uniform() : 0.1 * g.uniform()) } }
    for j in 0..<n { for l in 0..<3 { h[l, j] = (j % 3 == l ? 1 + g.uniform() : 0.1 * g.uniform()) } }
    return (try w * h, w, h)
}

@Suite struct NMFTests {
    @Test func recoversPlantedRankThreeProduct() throws {
        let (x, _, _) = try plantedNMF()
        let result = try NMF.factorize(x, options: .init(rank: 3, maxIterations: 3000, tolerance: 1e-14, seed: 1))
        let rel = try result.relativeError(of: x)
        #expect(rel < 1e-3, "relative error \(rel) after \(result.iterations) iterations")
        #expect(result.w.rows == 30 && result.w.columns == 3 && result.h.rows == 3 && result.h.columns == 24)
    }

    @Test func lossHistoryIsNonIncreasingAndFactorsNonnegative() throws {
        var g = SeededGenerator(seed: 5)
        var x = Matrix<Double>(rows: 25, columns: 18)
        for i in 0..<x.elements.count { x.elements[i] = g.uniform() }
        let result = try NMF.factorize(x, options: .init(rank: 4, maxIterations: 100, tolerance: 0))
        #expect(result.lossHistory.count == result.iterations + 1)
        #expect(result.iterations == 100 && !result.converged)
        for (a, b) in zip(result.lossHistory, result.lossHistory.dropFirst()) {
            #expect(b <= a * (1 + 1e-12), "loss increased: \(a) → \(b)")
        }
        #expect(result.w.elements.allSatisfy { $0 >= 0 })
        #expect(result.h.elements.allSatisfy { $0 >= 0 })
        let last = result.lossHistory.last!
        let r = try (x - result.w * result.h).frobeniusNorm
        #expect(Swift.abs(last - 0.5 * r * r) <= 1e-12 * last)
        #expect(throws: LinearAlgebraError.self) { _ = try result.requireConverged() }
    }

    @Test func sameSeedReproducesDifferentSeedDiffers() throws {
        let (x, _, _) = try plantedNMF(seed: 2)
        let a = try NMF.factorize(x, options: .init(rank: 3, maxIterations: 20, seed: 42))
        let b = try NMF.factorize(x, options: .init(rank: 3, maxIterations: 20, seed: 42))
        let c = try NMF.factorize(x, options: .init(rank: 3, maxIterations: 20, seed: 43))
        #expect(a.w == b.w && a.h == b.h && a.lossHistory == b.lossHistory)
        #expect(a.w != c.w)
    }

    @Test func defaultToleranceConverges() throws {
        let (x, _, _) = try plantedNMF()
        let result = try NMF.factorize(x, options: .init(rank: 3))
        #expect(result.converged)
        #expect(try result.relativeError(of: x) < 0.05)
    }

    @Test func invalidInputsAreTypedErrors() throws {
        let bad = try Matrix<Double>([[1, -0.5], [2, 3]])
        #expect(throws: LinearAlgebraError.invalidArgument(
            argument: "x", reason: "NMF needs X ≥ 0, but x[0, 1] = -0.5")) {
            _ = try NMF.factorize(bad, options: .init(rank: 1))
        }
        let x = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        for k in [0, 3, -1] {
            #expect {
                _ = try NMF.factorize(x, options: .init(rank: k))
            } throws: { error in
                if case .invalidArgument(argument: "rank", reason: _) = error as? LinearAlgebraError { return true }
                return false
            }
        }
        #expect(throws: LinearAlgebraError.self) { _ = try NMF.factorize(Matrix(rows: 0, columns: 3), options: .init(rank: 1)) }
        var nan = x
        nan[0, 0] = .nan
        #expect(throws: LinearAlgebraError.nonFinite(argument: "x")) { _ = try NMF.factorize(nan, options: .init(rank: 1)) }
    }

    @Test func zeroMatrixIsExact() throws {
        let result = try NMF.factorize(Matrix(rows: 4, columns: 3), options: .init(rank: 2))
        #expect(result.converged && result.lossHistory == [0])
    }
}
