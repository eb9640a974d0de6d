import Testing
@testable import LowRankKernels

@Suite struct ToeplitzTests {
    static let shapes: [(Int, Int)] = [(1, 1), (5, 5), (7, 3), (3, 9), (40, 17), (16, 16)]

    @Test(arguments: shapes) func realMatvecMatchesDense(m: Int, n: Int) throws {
        var g = SeededGenerator(seed: UInt64(m * 100 + n))
        var c = (0..<m).map { _ in g.normal() }
        let r = [c[0]] + (1..<n).map { _ in g.normal() }
        c[0] = r[0]
        let t = try ToeplitzMatrix(firstColumn: c, firstRow: r)
        let a = t.dense
        #expect(a.rows == m && a.columns == n)
        for i in 0..<m { for j in 0..<n { #expect(a[i, j] == (i >= j ? c[i - j] : r[j - i])) } }
        let x = (0..<n).map { _ in g.normal() }
        let y = try t.apply(x)
        let yDense = try a.apply(x)
        let err = zip(y, yDense).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
        #expect(err <= 1e-12 * Swift.max(1, Vector.norm(yDense)))
    }

    @Test(arguments: shapes) func complexMatvecMatchesDense(m: Int, n: Int) throws {
        var g = SeededGenerator(seed: UInt64(m * 31 + n))
        let c = (0..<m).map { _ in Complex(g.normal(), g.normal()) }
        let r = [c[0]] + (1..<n).map { _ in Complex(g.normal(), g.normal()) }
        let t = try ToeplitzMatrix(firstColumn: c, firstRow: r)
        let x = Matrix<Complex<Double>>.randomNormal(rows: n, columns: 3, using: &g)
        let y = try t.apply(x)
        let yDense = try t.dense * x
        #expect(try (y - yDense).frobeniusNorm <= 1e-12 * yDense.frobeniusNorm)
    }

    @Test func cornerMismatchIsATypedError() {
        #expect(throws: LinearAlgebraError.self) {
            _ = try ToeplitzMatrix<Double>(firstColumn: [1, 2], firstRow: [3, 4])
        }
        #expect(throws: LinearAlgebraError.self) { _ = try ToeplitzMatrix<Double>(firstColumn: [], firstRow: [1]) }
        #expect(throws: LinearAlgebraError.self) {
            _ = try ToeplitzMatrix<Double>(firstColumn: [1], firstRow: [1]).apply([1, 2])
        }
    }

    @Test func symmetricToeplitzIsSymmetric() throws {
        let t = try ToeplitzMatrix<Double>(symmetric: [4, 1, 0.5, 0.25])
        #expect(t.dense == t.dense.transposed)
        #expect(t.embeddingSize >= 7)
    }
}
