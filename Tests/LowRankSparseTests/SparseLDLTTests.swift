import Testing
import LowRankKernels
import LowRankSparse

@Suite struct SparseLDLTTests {
    /// 1-D Laplacian K (SPD) and mass-like M = tridiag(1, 4, 1)/6: K + iωM is complex symmetric with a
    /// definite real part. Compared with a dense complex LU solve (LAPACK zgesv).
    func pencil(_ n: Int, omega: Double) throws -> SparseMatrix<Complex<Double>> {
        var ri: [Int] = [], ci: [Int] = [], v: [Complex<Double>] = []
        for i in 0..<n {
            ri.append(i); ci.append(i); v.append(Complex(2, omega * 4 / 6))
            if i + 1 < n {
                ri += [i, i + 1]; ci += [i + 1, i]
                v += [Complex(-1, omega / 6), Complex(-1, omega / 6)]
            }
        }
        return try SparseMatrix(rows: n, columns: n, rowIndices: ri, columnIndices: ci, values: v)
    }

    @Test func complexSymmetricSolveMatchesDenseLU() throws {
        let n = 60
        var g = SeededGenerator(seed: 3)
        let b = Matrix<Complex<Double>>.randomNormal(rows: n, columns: 3, using: &g)
        let a0 = try pencil(n, omega: 0.5)
        let symbolic = try SparseLDLT.analyze(pattern: a0)
        for omega in [0.5, 10.0, 1e3] {  // one analysis, several matrices with the same pattern
            let a = try pencil(n, omega: omega)
            let x = try SparseLDLT(factorizing: a, symbolic: symbolic).solve(b)
            let ref = try a.dense.solve(b)
            #expect(try x.subtracting(ref).frobeniusNorm / ref.frobeniusNorm < 1e-12)
        }
    }

    @Test func realQuasiDefiniteAndErrors() throws {
        // [[K, I], [I, −K]] is quasi-definite: LDLᵀ exists for every symmetric ordering (Vanderbei 1995).
        let n = 20
        var ri: [Int] = [], ci: [Int] = [], v: [Double] = []
        for blk in 0..<2 {
            let o = blk * n, s: Double = blk == 0 ? 1 : -1
            for i in 0..<n {
                ri.append(o + i); ci.append(o + i); v.append(2 * s)
                if i + 1 < n { ri += [o + i, o + i + 1]; ci += [o + i + 1, o + i]; v += [-s, -s] }
            }
        }
        for i in 0..<n { ri += [i, n + i]; ci += [n + i, i]; v += [1, 1] }
        let a = try SparseMatrix(rows: 2 * n, columns: 2 * n, rowIndices: ri, columnIndices: ci, values: v)
        let b = Matrix<Double>(rows: 2 * n, columns: 1, repeating: 1)
        let x = try SparseLDLT(factorizing: a, symbolic: try SparseLDLT.analyze(pattern: a)).solve(b)
        #expect(try a.multiplied(by: x).subtracting(b).frobeniusNorm < 1e-12)
        // A different pattern is rejected; a zero pivot is a typed error.
        let other = try SparseMatrix<Double>(rows: 2 * n, columns: 2 * n, rowIndices: Array(0..<(2 * n)),
                                             columnIndices: Array(0..<(2 * n)), values: [Double](repeating: 1, count: 2 * n))
        #expect(throws: LinearAlgebraError.self) { try SparseLDLT(factorizing: other, symbolic: try SparseLDLT.analyze(pattern: a)) }
        let zero = try SparseMatrix<Double>(rows: 2, columns: 2, rowIndices: [0, 1, 0, 1], columnIndices: [0, 0, 1, 1], values: [0, 1, 1, 0])
        #expect(throws: LinearAlgebraError.self) { try SparseLDLT(factorizing: zero, symbolic: try SparseLDLT.analyze(pattern: zero)) }
    }
}
