import Testing
import LowRankKernels

@Suite struct FactorizationTests {
    @Test(arguments: [(60, 40), (40, 60), (50, 50)])
    func svdReconstructsAndIsOrthogonal(shape: (Int, Int)) throws {
        var g = SeededGenerator(seed: 7)
        for complex in [false, true] {
            if complex {
                let a = Matrix<Complex<Double>>.randomNormal(rows: shape.0, columns: shape.1, using: &g)
                let f = try a.svd()
                var us = f.u; us.scaleColumns(by: f.singularValues)
                #expect(try TestSupport.relativeDifference(try us * f.vt, a) < 1e-13)
                #expect(try TestSupport.orthogonalityDefect(f.u) < 1e-13)
                #expect(try TestSupport.orthogonalityDefect(f.vt.adjoint) < 1e-13)
            } else {
                let a = Matrix<Double>.randomNormal(rows: shape.0, columns: shape.1, using: &g)
                let f = try a.svd()
                var us = f.u; us.scaleColumns(by: f.singularValues)
                #expect(try TestSupport.relativeDifference(try us * f.vt, a) < 1e-13)
                #expect(try TestSupport.orthogonalityDefect(f.u) < 1e-13)
                #expect(try TestSupport.orthogonalityDefect(f.vt.transposed) < 1e-13)
                #expect(zip(f.singularValues, f.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
            }
        }
    }

    @Test func svdRecoversPlantedSpectrum() throws {
        let s = (0..<20).map { Double.pow(2, -Double($0)) }
        let a: Matrix<Double> = try TestSupport.withSpectrum(80, 30, s, seed: 3)
        let computed = try a.singularValues()
        for i in 0..<20 { #expect(Swift.abs(computed[i] - s[i]) < 1e-14) }
        for i in 20..<30 { #expect(computed[i] < 1e-14) }
    }

    @Test func qrReconstructs() throws {
        var g = SeededGenerator(seed: 11)
        let a = Matrix<Complex<Double>>.randomNormal(rows: 30, columns: 12, using: &g)
        let f = try a.qr()
        #expect(try TestSupport.relativeDifference(try f.q * f.r, a) < 1e-14)
        #expect(try TestSupport.orthogonalityDefect(f.q) < 1e-14)
        for j in 0..<12 { for i in (j + 1)..<12 { #expect(f.r[i, j] == .zero) } }
    }

    @Test func symmetricEigenOfSecondDifference() throws {
        // Tridiagonal(−1, 2, −1) of order n has eigenvalues 2 − 2cos(kπ/(n+1)) (exact).
        let n = 12
        var t = Matrix<Double>(rows: n, columns: n)
        for i in 0..<n { t[i, i] = 2; if i > 0 { t[i, i - 1] = -1; t[i - 1, i] = -1 } }
        let e = try t.symmetricEigen()
        for k in 1...n {
            let exact = 2 - 2 * Double.cos(Double(k) * Double.pi / Double(n + 1))
            #expect(Swift.abs(e.eigenvalues[k - 1] - exact) < 1e-13)
        }
        #expect(try TestSupport.orthogonalityDefect(e.eigenvectors) < 1e-13)
    }

    @Test func leadingEigenvectorsComeLargestFirst() throws {
        // diag(1, 3, 2): the eigenvectors of 3 and 2 are e₂ and e₃ (exact, up to sign).
        let d = try Matrix<Double>([[1, 0, 0], [0, 3, 0], [0, 0, 2]])
        let top = try d.symmetricEigen().leadingEigenvectors(2)
        #expect(top.count == 6)
        #expect(top.map(Swift.abs) == [0, 1, 0, 0, 0, 1])
        #expect(try d.symmetricEigen().leadingEigenvectors(5).count == 9)          // clamped to n
        #expect(try d.symmetricEigen(vectors: false).leadingEigenvectors(2).isEmpty)
    }

    @Test func generalEigenOfCompanionMatrix() throws {
        // Companion matrix of (x−1)(x−2)(x²+1) = x⁴ − 3x³ + 3x² − 3x + 2: roots 1, 2, ±i.
        let c = try Matrix<Double>([[3, -3, 3, -2], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]])
        let e = try c.eigen(vectors: true)
        let expected: [Complex<Double>] = [Complex(1, 0), Complex(2, 0), Complex(0, 1), Complex(0, -1)]
        for z in expected { #expect(e.eigenvalues.contains { ($0 - z).length < 1e-12 }) }
        // A v = λ v for every pair.
        let ac = c.complexified
        let v = try #require(e.eigenvectors)
        for j in 0..<4 {
            let col = Array(v.column(j))
            let av = try ac.apply(col)
            let res = zip(av, col).map { ($0 - e.eigenvalues[j] * $1).length }.max()!
            #expect(res < 1e-12)
        }
    }

    @Test func schurAndSylvester() throws {
        var g = SeededGenerator(seed: 5)
        let a = Matrix<Double>.randomNormal(rows: 8, columns: 8, using: &g)
        let s = try a.schur()
        let back = try s.z * s.t * s.z.transposed
        #expect(try TestSupport.relativeDifference(back, a) < 1e-13)
        // Sylvester with triangular A, B and a planted solution X: C = A X + X B.
        let ta = try Matrix<Double>([[-1, 2, 0], [0, -2, 1], [0, 0, -3]])
        let tb = try Matrix<Double>([[-4, 1], [0, -5]])
        let x = Matrix<Double>.randomNormal(rows: 3, columns: 2, using: &g)
        let c = try ta * x + x * tb
        let sol = try solveTriangularSylvester(ta, .none, tb, .none, sign: 1, c)
        #expect(try TestSupport.relativeDifference(sol.x.scaled(by: 1 / sol.scale), x) < 1e-13)
    }

    @Test func luCholeskyAndLeastSquares() throws {
        var g = SeededGenerator(seed: 9)
        let a = Matrix<Double>.randomNormal(rows: 20, columns: 20, using: &g)
        let x = Matrix<Double>.randomNormal(rows: 20, columns: 3, using: &g)
        #expect(try TestSupport.relativeDifference(try a.solve(try a * x), x) < 1e-11)
        let spd = try Matrix.product(a, .transpose, a, .none).adding(Matrix.identity(20))
        let ch = try spd.cholesky()
        #expect(try TestSupport.relativeDifference(try ch.l * ch.l.transposed, spd) < 1e-14)
        #expect(try TestSupport.relativeDifference(try ch.solve(try spd * x), x) < 1e-12)
        // Consistent overdetermined system: least squares recovers the exact solution.
        let tall = Matrix<Double>.randomNormal(rows: 40, columns: 6, using: &g)
        let y = Matrix<Double>.randomNormal(rows: 6, columns: 2, using: &g)
        #expect(try TestSupport.relativeDifference(try tall.leastSquares(try tall * y), y) < 1e-12)
    }

    @Test func pivotedCholeskyFindsRankOfPSDMatrix() throws {
        var g = SeededGenerator(seed: 13)
        let f = Matrix<Double>.randomNormal(rows: 30, columns: 4, using: &g)
        let psd = try Matrix.product(f, .none, f, .transpose)  // rank 4 exactly
        let pc = try psd.pivotedCholesky(tolerance: 1e-10)
        #expect(pc.rank == 4)
        let l = pc.factor
        #expect(try TestSupport.relativeDifference(try Matrix.product(l, .none, l, .transpose), psd) < 1e-12)
    }

    @Test func failuresBecomeTypedErrors() throws {
        let singular = try Matrix<Double>([[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(routine: "dgesv", index: 2)) { try singular.solve([1, 1]) }
        let indefinite = try Matrix<Double>([[1, 0], [0, -1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(routine: "dpotrf", order: 2)) { try indefinite.cholesky() }
        let bad = try Matrix<Double>([[1, .nan], [0, 1]])
        #expect(throws: LinearAlgebraError.nonFinite(argument: "A")) { try bad.svd() }
        #expect(throws: LinearAlgebraError.self) { try Matrix<Double>(rows: 2, columns: 3).symmetricEigen() }
    }
}
