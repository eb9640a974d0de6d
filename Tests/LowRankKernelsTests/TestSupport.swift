import LowRankKernels

/// Shared helpers for the kernel tests.
enum TestSupport {
    /// A random m×k matrix with orthonormal columns (QR of a Gaussian matrix).
    static func orthonormal<S: LinearAlgebraScalar>(_ m: Int, _ k: Int, seed: UInt64, as: S.Type = S.self) throws -> Matrix<S> {
        var g = SeededGenerator(seed: seed)
        return try Matrix<S>.randomNormal(rows: m, columns: k, using: &g).orthonormalized()
    }

    /// U diag(s) Vᴴ with random orthonormal U, V: a matrix whose singular values are exactly `s`
    /// (up to rounding), the independent truth for spectrum tests.
    static func withSpectrum<S: LinearAlgebraScalar>(_ m: Int, _ n: Int, _ s: [Double], seed: UInt64,
                                                     as: S.Type = S.self) throws -> Matrix<S> {
        var u: Matrix<S> = try orthonormal(m, s.count, seed: seed)
        let v: Matrix<S> = try orthonormal(n, s.count, seed: seed &+ 1)
        u.scaleColumns(by: s)
        return try Matrix.product(u, .none, v, .adjoint)
    }

    /// ‖A − B‖_F / max(‖B‖_F, tiny).
    static func relativeDifference<S: LinearAlgebraScalar>(_ a: Matrix<S>, _ b: Matrix<S>) throws -> Double {
        try a.subtracting(b).frobeniusNorm / Swift.max(b.frobeniusNorm, 1e-300)
    }

    /// ‖QᴴQ − I‖_max, the departure from orthonormal columns.
    static func orthogonalityDefect<S: LinearAlgebraScalar>(_ q: Matrix<S>) throws -> Double {
        try Matrix.product(q, .adjoint, q, .none).subtracting(Matrix.identity(q.columns)).maxAbs
    }
}
