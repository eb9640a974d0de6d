import Testing
import LowRankKernels

@Suite struct LowRankMatrixTests {
    func randomLowRank(_ m: Int, _ n: Int, _ r: Int, seed: UInt64) throws -> LowRankMatrix<Double> {
        var g = SeededGenerator(seed: seed)
        let l = Matrix<Double>.randomNormal(rows: m, columns: r, using: &g).scaled(by: 0.3)
        let rr = Matrix<Double>.randomNormal(rows: n, columns: r, using: &g).scaled(by: 0.3)
        return try LowRankMatrix(left: l, right: rr)
    }

    @Test func factorFormIsSVD() throws {
        let a = try randomLowRank(50, 40, 5, seed: 1)
        #expect(a.rank == 5)
        #expect(try TestSupport.orthogonalityDefect(a.u) < 1e-13)
        #expect(try TestSupport.orthogonalityDefect(a.v) < 1e-13)
        let exact = try a.dense().singularValues()
        for i in 0..<5 { #expect(Swift.abs(exact[i] - a.singularValues[i]) < 1e-12 * exact[0]) }
    }

    @Test func powerMatchesRepeatedDenseProducts() throws {
        let a = try randomLowRank(60, 60, 4, seed: 2)
        let dense = try a.dense()
        var reference = dense
        for n in 2...9 {
            reference = try reference * dense
            let p = try a.power(n)
            #expect(p.rank <= 4)
            #expect(try TestSupport.relativeDifference(try p.dense(), reference) < 1e-11)
        }
        #expect(throws: LinearAlgebraError.self) { try a.power(0) }
        #expect(throws: LinearAlgebraError.self) { try randomLowRank(5, 4, 2, seed: 3).power(2) }
    }

    @Test func largePowerBySquaringAgreesWithEigenvalues() throws {
        // A = x yᵀ has Aⁿ = (yᵀx)ⁿ⁻¹ x yᵀ exactly.
        let x = try Matrix<Double>(rows: 3, columns: 1, elements: [1, 0.5, 0.25])
        let y = try Matrix<Double>(rows: 3, columns: 1, elements: [0.5, 0.5, 1])
        let a = try LowRankMatrix(left: x, right: y)
        let ytx = 0.5 + 0.25 + 0.25  // = 1
        let p = try a.power(1000)
        let expected = try Matrix.product(x, .none, y, .transpose).scaled(by: Double.pow(ytx, 999))
        #expect(try TestSupport.relativeDifference(try p.dense(), expected) < 1e-12)
    }

    @Test func additionAndProductRecompress() throws {
        let a = try randomLowRank(30, 20, 3, seed: 4)
        let b = try randomLowRank(30, 20, 2, seed: 5)
        let sum = try a.adding(b)
        #expect(sum.rank == 5)
        #expect(try TestSupport.relativeDifference(try sum.dense(), try a.dense() + b.dense()) < 1e-13)
        // A + A has rank 3, not 6: recompression finds it.
        let twice = try a.adding(a, truncation: .relativeTolerance(1e-12))
        #expect(twice.rank == 3)
        let c = try randomLowRank(20, 25, 4, seed: 6)
        let prod = try a.multiplied(by: c)
        #expect(try TestSupport.relativeDifference(try prod.dense(), try a.dense() * c.dense()) < 1e-13)
        let x = [Double](repeating: 1, count: 20)
        let ax = try a.apply(x)
        let ref = try a.dense().apply(x)
        #expect(zip(ax, ref).map { Swift.abs($0 - $1) }.max()! < 1e-13)
        #expect(throws: LinearAlgebraError.self) { try a.adding(c) }
    }
}
