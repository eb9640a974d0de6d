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

    /// The Gram orthonormalization: QᵀQ = I and Q Qᵀ X = X (the same column space) to rounding, on a well-conditioned
    /// block and on an ill-conditioned one (κ = 10⁸, a repeated column), where it falls back to Householder QR.
    @Test func gramOrthonormalizationSpansTheColumns() throws {
        var g = SeededGenerator(seed: 11)
        let x = Matrix<Double>.randomNormal(rows: 400, columns: 40, using: &g)
        var ill = x
        for i in 0..<400 { ill[i, 39] = ill[i, 0] + 1e-8 * ill[i, 39] }
        for (block, passes) in [(x, 2), (x, 1), (ill, 2)] {
            let q = try block.orthonormalizedByGram(passes: passes)
            #expect(q.rows == 400 && q.columns == 40)
            #expect(try TestSupport.orthogonalityDefect(q) < (passes == 2 ? 1e-13 : 1e-10))
            let projected = try Matrix.product(q, .none, try Matrix.product(q, .transpose, block, .none), .none)
            #expect(try projected.subtracting(block).frobeniusNorm <= 1e-12 * block.frobeniusNorm)
        }
    }
}
