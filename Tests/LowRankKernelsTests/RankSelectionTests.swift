import Testing
import LowRankKernels

@Suite struct RankSelectionTests {
    /// Y = M + Z with rank-r signal M whose singular values are `signal`, noise entries N(0, σ²).
    func planted(_ m: Int, _ n: Int, signal: [Double], sigma: Double, seed: UInt64) throws -> Matrix<Double> {
        let mSignal: Matrix<Double> = try TestSupport.withSpectrum(m, n, signal, seed: seed)
        var g = SeededGenerator(seed: seed &+ 100)
        let z = Matrix<Double>.randomNormal(rows: m, columns: n, using: &g).scaled(by: sigma)
        return try mSignal + z
    }

    @Test func marchenkoPasturMedianSolvesClosedFormCDF() throws {
        // For β = 1: F(x) = (2/π)(Φ + sin 2Φ / 2), Φ = arcsin(√x / 2) (integrate the density exactly).
        let mu = RankSelection.marchenkoPasturMedian(ratio: 1)
        let phi = Double.asin(mu.squareRoot() / 2)
        #expect(Swift.abs(2 / Double.pi * (phi + Double.sin(2 * phi) / 2) - 0.5) < 1e-6)
        // β → 0 concentrates the law at 1.
        #expect(Swift.abs(RankSelection.marchenkoPasturMedian(ratio: 1e-6) - 1) < 1e-2)
    }

    @Test(arguments: [(200, 150, UInt64(1)), (300, 100, UInt64(2)), (400, 100, UInt64(3)), (120, 400, UInt64(4))])
    func aicPicksPlantedRank(case c: (Int, Int, UInt64)) throws {
        let (m, n, seed) = c
        let sigma = 1.0
        let edge = (Double(m).squareRoot() + Double(n).squareRoot()) * sigma
        let signal = [6.0, 5, 4, 3, 2.5].map { $0 * edge }
        let y = try planted(m, n, signal: signal, sigma: sigma, seed: seed)
        let s = try y.singularValues()
        let known = try RankSelection.aic(singularValues: s, rows: m, columns: n, noiseVariance: sigma * sigma)
        #expect(known.rank == 5)
        let estimated = try RankSelection.aic(singularValues: s, rows: m, columns: n)
        #expect(estimated.rank == 5)
        #expect(estimated.noiseVarianceEstimated)
        // The median estimator is within a few percent of the true variance.
        #expect(Swift.abs(try #require(estimated.noiseVariance) - 1) < 0.1)
    }

    @Test func gapRuleFindsExactRank() throws {
        let a: Matrix<Double> = try TestSupport.withSpectrum(40, 30, [5, 4, 3, 2], seed: 9)
        let s = try a.singularValues()
        #expect(try RankSelection.largestGap(singularValues: s).rank == 4)
        #expect(try RankSelection.largestGap(singularValues: [10, 9, 1e-3, 1e-4]).rank == 2)
    }

    @Test func badInputIsRejected() throws {
        #expect(throws: LinearAlgebraError.self) { try RankSelection.aic(singularValues: [1, 2], rows: 3, columns: 3) }
        #expect(throws: LinearAlgebraError.self) {
            try RankSelection.aic(singularValues: [3, 2, 1], rows: 3, columns: 3, noiseVariance: -1)
        }
        #expect(throws: LinearAlgebraError.self) { try RankSelection.largestGap(singularValues: [.nan, 1]) }
    }
}
