import Foundation
import Testing
@testable import LowRankKernels

@Suite("Lanczos eigensolver")
struct LanczosTests {
    /// The 1-D Dirichlet Laplacian tridiag(−1, 2, −1) of order n has λ_min = 2 − 2 cos(π/(n+1)) and
    /// eigenvector sin(jπ/(n+1)).
    @Test func laplacianLowestEigenpair() throws {
        let n = 400
        let exact = 2 - 2 * cos(Double.pi / Double(n + 1))
        let r = try LanczosEigensolver.lowest(start: (0..<n).map { _ in 1.0 },
                                              options: .init(tolerance: 1e-10, maxKrylovDimension: 40, maxRestarts: 200)) { x, y in
            for i in 0..<n { y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i + 1 < n ? x[i + 1] : 0) }
        }
        #expect(r.converged)
        #expect(abs(r.eigenvalue - exact) < 1e-12)
        let v = (0..<n).map { sin(Double($0 + 1) * Double.pi / Double(n + 1)) }
        let nv = v.map { $0 * $0 }.reduce(0, +).squareRoot()
        let overlap = abs(zip(v, r.eigenvector).map { $0 * $1 }.reduce(0, +)) / nv
        #expect(abs(overlap - 1) < 1e-8)
    }

    @Test func nonConvergenceIsReportedAndNaNIsThrown() throws {
        let n = 200
        let r = try LanczosEigensolver.lowest(start: (0..<n).map { Double($0 % 7) },
                                              options: .init(tolerance: 1e-14, maxKrylovDimension: 3, maxRestarts: 1)) { x, y in
            for i in 0..<n { y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i + 1 < n ? x[i + 1] : 0) }
        }
        #expect(!r.converged)
        #expect(r.matrixVectorProducts == 6)
        #expect(throws: LinearAlgebraError.self) {
            try LanczosEigensolver.lowest(start: [1, 2, 3]) { _, y in for i in 0..<3 { y[i] = .nan } }
        }
        #expect(throws: LinearAlgebraError.self) { try LanczosEigensolver.lowest(start: []) { _, _ in } }
    }
}
