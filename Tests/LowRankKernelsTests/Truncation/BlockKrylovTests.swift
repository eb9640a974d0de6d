import Testing
@testable import LowRankKernels

/// The block-Krylov variant of the randomized SVD on a matrix built with known singular values.
@Suite struct BlockKrylovTests {
    /// A = Q₁ diag(s) Q₂ᵀ (300 × 200, exact rank 30, s_i = 31 − i): with k = 10 the Krylov space of q = 2 iterations
    /// (3 × 20 columns) contains A's range, so the values are exact and ‖A − U Σ Vᵀ‖_F equals the Eckart–Young
    /// error √(Σ_{i>10} s_i²) (identities, to rounding).
    @Test func recoversKnownSingularValues() throws {
        var g = SeededGenerator(seed: 5)
        let q1 = try Matrix<Double>.randomNormal(rows: 300, columns: 30, using: &g).orthonormalized()
        let q2 = try Matrix<Double>.randomNormal(rows: 200, columns: 30, using: &g).orthonormalized()
        let s = (1...30).map { Double(31 - $0) }
        var left = q1
        left.scaleColumns(by: s)
        let a = try Matrix.product(left, .none, q2, .transpose)
        let r = try RandomizedSVD.compute(a, options: .init(rank: 10, oversampling: 10, powerIterations: 2, blockKrylov: true))
        for i in 0..<10 { #expect(abs(r.singularValues[i] - s[i]) < 1e-9 * s[0]) }
        var approx = r.u
        approx.scaleColumns(by: r.singularValues)
        let residual = try a.subtracting(try Matrix.product(approx, .none, r.vt, .none)).frobeniusNorm
        let eckartYoung = s.dropFirst(10).reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(residual - eckartYoung) < 1e-9 * eckartYoung)
        #expect(try TestSupport.orthogonalityDefect(r.u) < 1e-12)
    }
}
