import Testing
@testable import LowRankKernels
@testable import LowRankSparse

/// The 1-D Dirichlet Laplacian tridiag(−1, 2, −1) of order n (symmetric positive definite).
func laplacian1D(_ n: Int) throws -> SparseMatrix<Double> {
    var ri: [Int] = [], ci: [Int] = [], v: [Double] = []
    for i in 0..<n {
        ri.append(i); ci.append(i); v.append(2)
        if i + 1 < n {
            ri.append(i + 1); ci.append(i); v.append(-1)
            ri.append(i); ci.append(i + 1); v.append(-1)
        }
    }
    return try SparseMatrix(rows: n, columns: n, rowIndices: ri, columnIndices: ci, values: v)
}

/// ‖A X − B‖_F / ‖B‖_F, with the product computed densely (BLAS), independently of the sparse code.
func relativeResidual<S: LinearAlgebraScalar>(_ a: SparseMatrix<S>, _ x: Matrix<S>, _ b: Matrix<S>,
                                              _ trans: Transpose = .none) throws -> Double {
    let ax = try Matrix.product(a.dense, trans, x, .none)
    let r = zip(ax.elements, b.elements).reduce(0) { $0 + ($1.0 - $1.1).modulusSquared }
    let nb = b.elements.reduce(0) { $0 + $1.modulusSquared }
    return (r / nb).squareRoot()
}

@Suite struct SparseLUTests {
    @Test func realSolveMatchesDenseLU() throws {
        let a: SparseMatrix<Double> = try randomDiagonallyDominant(80, perColumn: 4, seed: 11)
        var g = SeededGenerator(seed: 5)
        let b = Matrix<Double>.randomNormal(rows: 80, columns: 3, using: &g)
        let lu = try SparseLU(factorizing: a)
        #expect(maxDifference(try lu.solve(b), try a.dense.solve(b)) < 1e-12)
        #expect(maxDifference(try lu.solve(b, .transpose), try a.dense.transposed.solve(b)) < 1e-12)
        #expect(maxDifference(try lu.solve(b, .adjoint), try a.dense.transposed.solve(b)) < 1e-12)
        let x = try lu.solve(Array(b.column(1)))
        #expect(maxDifference(Matrix(uncheckedRows: 80, columns: 1, elements: x), b.columns(1..<2)) > 0)
        #expect(maxDifference(Matrix(uncheckedRows: 80, columns: 1, elements: x),
                              try a.dense.solve(b.columns(1..<2))) < 1e-12)
    }

    @Test func complexSolveMatchesDenseLU() throws {
        let a: SparseMatrix<Complex<Double>> = try randomDiagonallyDominant(60, perColumn: 3, seed: 12)
        var g = SeededGenerator(seed: 6)
        let b = Matrix<Complex<Double>>.randomNormal(rows: 60, columns: 4, using: &g)
        let lu = try SparseLU(factorizing: a)
        #expect(maxDifference(try lu.solve(b), try a.dense.solve(b)) < 1e-12)
        #expect(maxDifference(try lu.solve(b, .transpose), try a.dense.transposed.solve(b)) < 1e-12)
        #expect(maxDifference(try lu.solve(b, .adjoint), try a.dense.adjoint.solve(b)) < 1e-12)
    }

    /// One symbolic analysis, two numeric factorizations of A + p·I (same pattern by construction).
    @Test(arguments: [0.5, 3.0])
    func symbolicReuseAcrossShifts(p: Double) throws {
        let a: SparseMatrix<Double> = try randomDiagonallyDominant(100, perColumn: 3, seed: 13)
        let identity = SparseMatrix<Double>.identity(100)
        let symbolic = try SparseLU.analyze(pattern: a.scaledAndAdded(identity, scaledBy: 1))
        var g = SeededGenerator(seed: 7)
        let b = Matrix<Double>.randomNormal(rows: 100, columns: 2, using: &g)
        let shifted = try a.scaledAndAdded(identity, scaledBy: p)
        let lu = try SparseLU(factorizing: shifted, symbolic: symbolic)
        #expect(try relativeResidual(shifted, try lu.solve(b), b) < 1e-14)
        // Complex shift on the complexified pattern.
        let zsym = try SparseLU.analyze(pattern: a.complexified.scaledAndAdded(identity.complexified, scaledBy: .one))
        let zshift = try a.complexified.scaledAndAdded(identity.complexified, scaledBy: Complex(p, 2 * p))
        let zlu = try SparseLU(factorizing: zshift, symbolic: zsym)
        let zb = b.complexified
        #expect(try relativeResidual(zshift, try zlu.solve(zb), zb) < 1e-14)
        #expect(try relativeResidual(zshift, try zlu.solve(zb, .adjoint), zb, .adjoint) < 1e-14)
    }

    @Test func patternMismatchIsRejected() throws {
        let a: SparseMatrix<Double> = try randomDiagonallyDominant(10, perColumn: 2, seed: 1)
        let symbolic = try SparseLU.analyze(pattern: a)
        #expect(throws: LinearAlgebraError.invalidArgument(argument: "symbolic",
                                                           reason: "the sparsity pattern differs from the analysed one")) {
            _ = try SparseLU(factorizing: SparseMatrix<Double>.identity(10), symbolic: symbolic)
        }
    }

    @Test func singularMatricesThrow() throws {
        // Numerically singular: second row = 2 × first row.
        let s = SparseMatrix<Double>(try Matrix([[1, 2, 0], [2, 4, 0], [0, 0, 1]]))
        #expect {
            _ = try SparseLU(factorizing: s)
        } throws: { error in
            guard case let LinearAlgebraError.singular(routine, index) = error else { return false }
            return routine == "umfpack_di_numeric" && (1...2).contains(index)
        }
        // Structurally singular: an empty column.
        let z = try SparseMatrix<Complex<Double>>(rows: 3, columns: 3, rowIndices: [0, 1], columnIndices: [0, 2],
                                                 values: [.one, .one])
        #expect {
            _ = try SparseLU(factorizing: z)
        } throws: { error in
            guard case let LinearAlgebraError.singular(routine, _) = error else { return false }
            return routine == "umfpack_zi_numeric"
        }
    }

    @Test func shapeErrors() throws {
        let rect = try SparseMatrix<Double>(rows: 2, columns: 3)
        #expect(throws: LinearAlgebraError.self) { _ = try SparseLU(factorizing: rect) }
        #expect(throws: LinearAlgebraError.emptyMatrix(argument: "A")) {
            _ = try SparseLU(factorizing: try SparseMatrix<Double>(rows: 0, columns: 0))
        }
        let lu = try SparseLU(factorizing: SparseMatrix<Double>.identity(3))
        #expect(throws: LinearAlgebraError.self) { _ = try lu.solve([1, 2]) }
        #expect(throws: LinearAlgebraError.nonFinite(argument: "B")) { _ = try lu.solve([1, .nan, 2]) }
    }
}

@Suite struct SparseCholeskyTests {
    /// T x = 1 for T = tridiag(−1, 2, −1) has the exact solution x_i = i(n + 1 − i)/2, i = 1…n.
    @Test(arguments: [1, 5, 200])
    func laplacianExactSolution(n: Int) throws {
        let t = try laplacian1D(n)
        let chol = try SparseCholesky(factorizing: t)
        let x = try chol.solve([Double](repeating: 1, count: n))
        let exact = (1...n).map { Double($0 * (n + 1 - $0)) / 2 }
        let error = zip(x, exact).reduce(0.0) { max($0, abs($1.0 - $1.1) / max(1, abs($1.1))) }
        #expect(error < 1e-11)
    }

    @Test func severalRightHandSidesAndSymbolicReuse() throws {
        let n = 150
        let t = try laplacian1D(n)
        let identity = SparseMatrix<Double>.identity(n)
        let symbolic = try SparseCholesky.analyze(pattern: t.scaledAndAdded(identity, scaledBy: 1))
        var g = SeededGenerator(seed: 9)
        let xTrue = Matrix<Double>.randomNormal(rows: n, columns: 3, using: &g)
        for p in [0.25, 4.0] {
            let m = try t.scaledAndAdded(identity, scaledBy: p)
            let b = try m.dense.multiplied(by: xTrue)
            let chol = try SparseCholesky(factorizing: m, symbolic: symbolic)
            #expect(maxDifference(try chol.solve(b), xTrue) < 1e-12)
        }
        // Only the lower triangle is read: the same answer from tril(T).
        let lowerOnly = try SparseMatrix<Double>(
            rows: n, columns: n,
            rowIndices: (0..<n).flatMap { i in i + 1 < n ? [i, i + 1] : [i] },
            columnIndices: (0..<n).flatMap { i in i + 1 < n ? [i, i] : [i] },
            values: (0..<n).flatMap { i in i + 1 < n ? [2.0, -1.0] : [2.0] })
        let b = try t.dense.multiplied(by: xTrue)
        #expect(maxDifference(try SparseCholesky(factorizing: lowerOnly).solve(b), xTrue) < 1e-11)
    }

    @Test func indefiniteMatrixThrows() throws {
        // T − 5I has eigenvalues 2 − 2cos(kπ/(n+1)) − 5 < 0: negative definite.
        let m = try laplacian1D(20).scaledAndAdded(.identity(20), scaledBy: -5)
        #expect {
            _ = try SparseCholesky(factorizing: m)
        } throws: { error in
            guard case let LinearAlgebraError.notPositiveDefinite(routine, order) = error else { return false }
            return routine == "cholmod_factorize" && order >= 1 && order <= 20
        }
        let d = SparseMatrix<Double>.diagonal([1, 2, -1, 4])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "cholmod_factorize", order: 3)) {
            // Diagonal: the analysis keeps a diagonal pattern; the failing pivot is the −1.
            let chol = try SparseCholesky(factorizing: d)
            _ = chol
        }
    }

    @Test func shapeErrors() throws {
        #expect(throws: LinearAlgebraError.self) {
            _ = try SparseCholesky(factorizing: try SparseMatrix<Double>(rows: 2, columns: 3))
        }
        let chol = try SparseCholesky(factorizing: .identity(4))
        #expect(throws: LinearAlgebraError.self) { _ = try chol.solve([1, 2]) }
    }
}
