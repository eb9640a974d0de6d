import Testing
import LowRankKernels

@Suite struct MatrixTests {
    @Test func productWithIdentityAndKnownValues() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]])
        #expect(try a * Matrix.identity(2) == a)
        // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]] (by hand).
        let b = try Matrix<Double>([[5, 6], [7, 8]])
        #expect(try a * b == Matrix<Double>([[19, 22], [43, 50]]))
        // Aᵀ B = [[26,30],[38,44]].
        #expect(try Matrix.product(a, .transpose, b, .none) == Matrix<Double>([[26, 30], [38, 44]]))
    }

    @Test func complexAdjointProduct() throws {
        let i = Complex<Double>(0, 1)
        let a = try Matrix<Complex<Double>>([[1, i], [0, 1]])
        // Aᴴ A = [[1, i], [−i, 2]].
        let g = try Matrix.product(a, .adjoint, a, .none)
        #expect(g == (try Matrix<Complex<Double>>([[1, i], [-i, 2]])))
    }

    @Test func copyOnWriteKeepsValueSemantics() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4]])
        var b = a
        b[0, 0] = 10
        #expect(a[0, 0] == 1)
        #expect(b[0, 0] == 10)
    }

    @Test func shapeErrorsAreTyped() throws {
        let a = Matrix<Double>(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { try a * a }
        #expect(throws: LinearAlgebraError.self) { try a + Matrix<Double>(rows: 3, columns: 2) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>([[1, 2], [3]]) }
        #expect(throws: LinearAlgebraError.self) { try a.apply([1, 2]) }
    }

    @Test func transposeAndColumns() throws {
        let a = try Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(a.transposed == (try Matrix<Double>([[1, 4], [2, 5], [3, 6]])))
        #expect(Array(a.column(1)) == [2, 5])
        #expect(a.columns(1..<3) == (try Matrix<Double>([[2, 3], [5, 6]])))
        #expect(a.frobeniusNorm == (91.0).squareRoot())
    }

    /// The Gram matrix by `dsyrk` fills both triangles: it equals Aᵀ A by hand on a 3 × 2 matrix (entries of the
    /// normal equations: 1+9+25, 2+12+30, 4+16+36) and the GEMM Aᴴ A for a complex one (no syrk there).
    @Test func gramMatrixIsTheNormalMatrix() throws {
        let a = try Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        #expect(try a.gram() == (try Matrix<Double>([[35, 44], [44, 56]])))
        let c = try Matrix<Complex<Double>>(rows: 2, columns: 2, elements: [Complex(1, 1), Complex(0, 2), Complex(3, 0), Complex(1, -1)])
        #expect(try c.gram() == (try Matrix.product(c, .adjoint, c, .none)))
        #expect(try Matrix<Double>(rows: 4, columns: 0).gram().rows == 0)
    }
}
