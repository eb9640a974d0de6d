import Foundation
import Testing
@testable import LowRankKernels

@Suite("Davidson eigensolver")
struct DavidsonTests {
    /// The 1-D Dirichlet Laplacian (exact λ_min = 2 − 2 cos(π/(n+1))): with its constant diagonal the preconditioner
    /// is a shift, and Davidson still converges to the exact pair.
    @Test func laplacianLowestEigenpair() throws {
        let n = 300
        let exact = 2 - 2 * cos(Double.pi / Double(n + 1))
        let r = try DavidsonEigensolver.lowest(start: (0..<n).map { _ in 1.0 }, diagonal: Array(repeating: 2, count: n),
                                               options: .init(tolerance: 1e-10, maxKrylovDimension: 40, maxRestarts: 400)) { x, y in
            for i in 0..<n { y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i + 1 < n ? x[i + 1] : 0) }
        }
        #expect(r.converged)
        #expect(abs(r.eigenvalue - exact) < 1e-12)
        let v = (0..<n).map { sin(Double($0 + 1) * Double.pi / Double(n + 1)) }
        let nv = v.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(abs(zip(v, r.eigenvector).map { $0 * $1 }.reduce(0, +)) / nv - 1) < 1e-8)
    }

    /// A diagonally dominant symmetric matrix (diagonal 1 … n, couplings ≤ 0.05): the lowest eigenvalue equals LAPACK's
    /// on the dense matrix, and the diagonal preconditioner needs fewer products than Lanczos from the same start.
    @Test func diagonallyDominantMatrixNeedsFewerProductsThanLanczos() throws {
        let n = 300
        var g = SeededGenerator(seed: 4)
        var a = Matrix<Double>(rows: n, columns: n)
        for j in 0..<n {
            a[j, j] = Double(j + 1)
            for i in 0..<j { let v = 0.05 * (g.uniform() - 0.5); a[i, j] = v; a[j, i] = v }
        }
        let exact = try a.symmetricEigen(vectors: false).eigenvalues[0]
        let start = (0..<n).map { $0 == 0 ? 1.0 : 0.01 }
        let opts = LanczosEigensolver.Options(tolerance: 1e-10, maxKrylovDimension: 30, maxRestarts: 20)
        func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
            a.elements.withUnsafeBufferPointer { BufferBLAS.gemv(.none, m: n, n: n, a: $0.baseAddress!, lda: n, x: x, y: y) }
        }
        let d = try DavidsonEigensolver.lowest(start: start, diagonal: (0..<n).map { a[$0, $0] }, options: opts, apply: apply)
        let l = try LanczosEigensolver.lowest(start: start, options: opts, apply: apply)
        #expect(d.converged && l.converged)
        #expect(abs(d.eigenvalue - exact) < 1e-12)
        #expect(d.matrixVectorProducts < l.matrixVectorProducts)
    }

    @Test func badInputIsTyped() throws {
        #expect(throws: LinearAlgebraError.self) { try DavidsonEigensolver.lowest(start: [], diagonal: []) { _, _ in } }
        #expect(throws: LinearAlgebraError.self) { try DavidsonEigensolver.lowest(start: [1, 2], diagonal: [1]) { _, _ in } }
        #expect(throws: LinearAlgebraError.self) {
            try DavidsonEigensolver.lowest(start: [1, 2, 3], diagonal: [1, 1, 1]) { _, y in for i in 0..<3 { y[i] = .nan } }
        }
        let r = try DavidsonEigensolver.lowest(start: (0..<50).map { Double($0 % 5) }, diagonal: Array(repeating: 2, count: 50),
                                               options: .init(tolerance: 1e-14, maxKrylovDimension: 3, maxRestarts: 1)) { x, y in
            for i in 0..<50 { y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i + 1 < 50 ? x[i + 1] : 0) }
        }
        #expect(!r.converged && r.matrixVectorProducts <= 6)
    }
}
