import Testing
@testable import LowRankKernels
@testable import LowRankSparse

/// A random sparse `n × n` matrix with about `perColumn` off-diagonal entries per column and a dominant diagonal
/// (so it is well conditioned and nonsingular), built from triplets.
func randomDiagonallyDominant<S: LinearAlgebraScalar>(_ n: Int, perColumn: Int, seed: UInt64,
                                                      as: S.Type = S.self) throws -> SparseMatrix<S> {
    var g = SeededGenerator(seed: seed)
    var ri: [Int] = [], ci: [Int] = [], v: [S] = []
    for j in 0..<n {
        for _ in 0..<perColumn {
            ri.append(Int(g.next() % UInt64(n)))
            ci.append(j)
            v.append(S.isComplex ? S(real: g.normal(), imaginary: g.normal()) : S(real: g.normal()))
        }
        ri.append(j); ci.append(j); v.append(S(real: Double(4 * perColumn + 4)))
    }
    return try SparseMatrix(rows: n, columns: n, rowIndices: ri, columnIndices: ci, values: v)
}

/// max |a_ij − b_ij|.
func maxDifference<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> Double {
    zip(a.elements, b.elements).reduce(0) { max($0, ($1.0 - $1.1).modulus) }
}

@Suite struct SparseMatrixTests {
    @Test func tripletsSumDuplicatesAndSortRows() throws {
        let s = try SparseMatrix<Double>(rows: 3, columns: 2, rowIndices: [2, 0, 2, 1, 0],
                                         columnIndices: [0, 0, 0, 1, 1], values: [1, 2, 3, 4, 5])
        #expect(s.columnPointers == [0, 2, 4])
        #expect(s.rowIndices == [0, 2, 0, 1])
        #expect(s.values == [2, 4, 5, 4])
        #expect(s.dense == (try Matrix<Double>([[2, 5], [0, 4], [4, 0]])))
        #expect(try SparseMatrix(s.dense) == s)
    }

    /// Long unsorted columns with duplicates (the comparison-sort path) against dense accumulation.
    @Test func longUnsortedColumnsWithDuplicates() throws {
        var g = SeededGenerator(seed: 21)
        var ri: [Int] = [], ci: [Int] = [], v: [Double] = []
        var dense = Matrix<Double>(rows: 50, columns: 3)
        for _ in 0..<400 {
            let i = Int(g.next() % 50), j = Int(g.next() % 3), x = g.normal()
            ri.append(i); ci.append(j); v.append(x)
            dense[i, j] += x
        }
        let s = try SparseMatrix(rows: 50, columns: 3, rowIndices: ri, columnIndices: ci, values: v)
        #expect(maxDifference(s.dense, dense) < 1e-13)
        for j in 0..<3 {
            let rowsOfColumn = Array(s.rowIndices[s.columnPointers[j]..<s.columnPointers[j + 1]])
            #expect(rowsOfColumn == Array(Set(rowsOfColumn)).sorted())
        }
    }

    @Test func invalidInputThrows() {
        #expect(throws: LinearAlgebraError.self) {
            _ = try SparseMatrix<Double>(rows: 2, columns: 2, rowIndices: [2], columnIndices: [0], values: [1])
        }
        #expect(throws: LinearAlgebraError.self) {
            _ = try SparseMatrix<Double>(rows: 2, columns: 2, rowIndices: [0, 1], columnIndices: [0], values: [1])
        }
        #expect(throws: LinearAlgebraError.self) {
            _ = try SparseMatrix<Double>(rows: 2, columns: 2, columnPointers: [0, 2, 2], rowIndices: [1, 0],
                                         values: [1, 1])
        }
        #expect(throws: LinearAlgebraError.self) { _ = try SparseMatrix<Double>.identity(3).apply([1, 2]) }
        #expect(throws: LinearAlgebraError.self) {
            _ = try SparseMatrix<Double>.identity(3).scaledAndAdded(.identity(2), scaledBy: 1)
        }
    }

    @Test func productsAgreeWithDense() throws {
        let s: SparseMatrix<Complex<Double>> = try randomDiagonallyDominant(30, perColumn: 3, seed: 7)
        let rect = try SparseMatrix(s.dense.columns(0..<20))  // 30 × 20
        var g = SeededGenerator(seed: 1)
        let b = Matrix<Complex<Double>>.randomNormal(rows: 20, columns: 3, using: &g)
        let bt = Matrix<Complex<Double>>.randomNormal(rows: 30, columns: 3, using: &g)
        #expect(maxDifference(try rect.multiplied(by: b), try rect.dense.multiplied(by: b)) < 1e-12)
        #expect(maxDifference(try rect.multiplied(by: bt, .adjoint),
                              try Matrix.product(rect.dense, .adjoint, bt, .none)) < 1e-12)
        #expect(maxDifference(try rect.multiplied(by: bt, .transpose),
                              try Matrix.product(rect.dense, .transpose, bt, .none)) < 1e-12)
        let x = Array(b.column(0))
        #expect(maxDifference(Matrix(uncheckedRows: 30, columns: 1, elements: try rect.apply(x)),
                              Matrix(uncheckedRows: 30, columns: 1, elements: try rect.dense.apply(x))) < 1e-12)
        #expect(maxDifference(Matrix(uncheckedRows: 30, columns: 1, elements: try rect.csr.apply(x)),
                              Matrix(uncheckedRows: 30, columns: 1, elements: try rect.apply(x))) < 1e-12)
    }

    @Test func transposeAdjointCSRIdentities() throws {
        let s: SparseMatrix<Complex<Double>> = try randomDiagonallyDominant(12, perColumn: 2, seed: 3)
        #expect(s.transposed.dense == s.dense.transposed)
        #expect(s.adjoint.dense == s.dense.adjoint)
        #expect(s.transposed.transposed == s)
        #expect(s.csr.csc == s)
        #expect(s.csr.rowPointers == s.transposed.columnPointers)
    }

    @Test func normsDiagonalAndShiftedSum() throws {
        let a = try SparseMatrix<Double>(rows: 2, columns: 2, rowIndices: [0, 1], columnIndices: [1, 0], values: [3, 4])
        #expect(a.frobeniusNorm == 5)
        #expect(a.diagonalEntries == [0, 0])
        #expect(SparseMatrix<Double>(try Matrix([[1e300, 1e300]])).frobeniusNorm == 1e300 * 2.0.squareRoot())
        // A + p·I: pattern union, the diagonal gets p.
        let shifted = try a.scaledAndAdded(.identity(2), scaledBy: -2)
        #expect(shifted.dense == (try Matrix<Double>([[-2, 3], [4, -2]])))
        #expect(shifted.nonzeroCount == 4)
        // Cancellation keeps the entry stored, so every shift has the same pattern.
        let zero = try a.scaledAndAdded(a, scaledBy: -1)
        #expect(zero.nonzeroCount == 2 && zero.frobeniusNorm == 0)
        #expect(SparseMatrix<Double>.identity(3).dense == Matrix<Double>.identity(3))
        #expect(SparseMatrix<Double>.diagonal([1, 2]).diagonalEntries == [1, 2])
    }
}
