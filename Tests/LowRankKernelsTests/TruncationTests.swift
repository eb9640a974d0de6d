import Testing
import LowRankKernels

@Suite struct TruncationTests {
    @Test func eckartYoungErrorEqualsSpectralTail() throws {
        var g = SeededGenerator(seed: 21)
        let a = Matrix<Double>.randomNormal(rows: 40, columns: 30, using: &g)
        let s = try a.singularValues()
        for k in [0, 1, 5, 17, 30] {
            let t = try a.truncatedSVD(.rank(k))
            let err = try a.subtracting(t.dense())
            let tail = s[k...].reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(Swift.abs(err.frobeniusNorm - tail) <= 1e-12 * a.frobeniusNorm)
            #expect(Swift.abs(t.report.frobeniusError - tail) <= 1e-12 * a.frobeniusNorm)
            let spectral = k < s.count ? s[k] : 0
            #expect(Swift.abs(try err.spectralNorm() - spectral) <= 1e-12 * s[0])
        }
    }

    @Test func criteriaSelectTheDocumentedRank() throws {
        let s = [10.0, 5, 1, 0.1, 0.01]
        #expect(try TruncationCriterion.rank(3).rank(for: s) == 3)
        #expect(try TruncationCriterion.absoluteTolerance(0.5).rank(for: s) == 3)
        #expect(try TruncationCriterion.relativeTolerance(0.05).rank(for: s) == 3)
        // Total weight 126.0101; dropping {0.01, 0.1} discards 0.0101 → 8.0e-5 relative.
        #expect(try TruncationCriterion.discardedWeight(1e-4).rank(for: s) == 3)
        #expect(try TruncationCriterion.discardedWeight(1e-5).rank(for: s) == 4)
        #expect(throws: LinearAlgebraError.self) { try TruncationCriterion.rank(6).rank(for: s) }
        #expect(throws: LinearAlgebraError.self) { try TruncationCriterion.absoluteTolerance(.nan).rank(for: s) }
    }

    @Test func complexTruncationMatchesTail() throws {
        let s = [4.0, 2, 1, 0.5, 0.25, 0.125]
        let a: Matrix<Complex<Double>> = try TestSupport.withSpectrum(25, 20, s, seed: 4)
        let t = try a.truncatedSVD(.rank(3))
        let expected = (0.25 + 0.0625 + 0.015625).squareRoot()
        #expect(Swift.abs(try a.subtracting(t.dense()).frobeniusNorm - expected) < 1e-13)
    }

    @Test func randomizedMatchesKnownSpectrum() throws {
        let s = (0..<40).map { Double.pow(0.7, Double($0)) }
        let a: Matrix<Double> = try TestSupport.withSpectrum(300, 200, s, seed: 8)
        let r = try RandomizedSVD.compute(a, options: .init(rank: 10, oversampling: 10, powerIterations: 2, seed: 1))
        for i in 0..<10 { #expect(Swift.abs(r.singularValues[i] - s[i]) / s[i] < 1e-8) }
        // Error within a small factor of the optimal σ₁₁-based Frobenius tail.
        let optimal = s[10...].reduce(0) { $0 + $1 * $1 }.squareRoot()
        let err = try a.subtracting(r.dense()).frobeniusNorm
        #expect(err < 1.01 * optimal)
        #expect(try TestSupport.orthogonalityDefect(r.u) < 1e-13)
        // Same seed, same result.
        let again = try RandomizedSVD.compute(a, options: .init(rank: 10, seed: 1))
        #expect(again.singularValues == r.singularValues)
    }

    @Test func randomizedComplexExactLowRank() throws {
        let s = [3.0, 2, 1, 0.5]
        let a: Matrix<Complex<Double>> = try TestSupport.withSpectrum(60, 50, s, seed: 2)
        let r = try RandomizedSVD.compute(a, options: .init(rank: 4, oversampling: 4, powerIterations: 0, seed: 3))
        for i in 0..<4 { #expect(Swift.abs(r.singularValues[i] - s[i]) < 1e-13) }
        #expect(try TestSupport.relativeDifference(try r.dense(), a) < 1e-13)
        #expect(throws: LinearAlgebraError.self) { try RandomizedSVD.compute(a, options: .init(rank: 51)) }
    }
}
