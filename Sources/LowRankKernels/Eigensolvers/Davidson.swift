import Numerics

/// The lowest eigenpair of a real symmetric linear operator by Davidson's method with the diagonal
/// preconditioner (Davidson, J. Comput. Phys. 17, 87 (1975); the eigensolver of Block and block2).
///
/// Each step expands the search space V by the correction t = (D − θ)⁻¹ r of the current Ritz pair (θ, x),
/// r = H x − θ x, with D the operator's diagonal, orthogonalized twice against V; the Ritz pair comes from the
/// projected matrix Vᵀ H V (LAPACK `dsyevd`). When V holds ``LanczosEigensolver/Options/maxKrylovDimension``
/// vectors it restarts from the current Ritz vector. For operators whose diagonal dominates
/// (quantum-chemistry effective Hamiltonians) this needs fewer products than Lanczos; with a constant diagonal it
/// reduces to a Krylov method. Options, result and error behaviour are those of ``LanczosEigensolver``.
public enum DavidsonEigensolver {
    /// The lowest eigenpair, starting from `start` (a zero start is replaced by a fixed pseudo-random vector).
    ///
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` for an empty start, a diagonal of another
    ///   length or bad options, ``LinearAlgebraError/nonFinite(argument:)`` when the operator produces NaN or ±Inf,
    ///   and errors thrown by `apply`. Failure to converge is reported in ``LanczosEigensolver/Result/converged``.
    public static func lowest(
        start: [Double], diagonal: [Double], options: LanczosEigensolver.Options = .init(),
        apply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) throws -> Void
    ) throws -> LanczosEigensolver.Result {
        let n = start.count
        guard n > 0 else { throw LinearAlgebraError.invalidArgument(argument: "start", reason: "empty vector") }
        guard diagonal.count == n else {
            throw LinearAlgebraError.invalidArgument(argument: "diagonal", reason: "has \(diagonal.count) entries, the start \(n)")
        }
        try options.validate()
        let kmax = Swift.min(options.maxKrylovDimension, n)
        let maxProducts = kmax * (options.maxRestarts + 1)
        var x = LanczosEigensolver.usableStart(start)
        let nx = LanczosEigensolver.norm2(x)
        for i in 0..<n { x[i] /= nx }
        // Columns are written before they are read, so no zero fill (n·kmax doubles each).
        var v = [Double](unsafeUninitializedCapacity: n * kmax) { _, c in c = n * kmax }   // search space, column j at j·n
        var w = [Double](unsafeUninitializedCapacity: n * kmax) { _, c in c = n * kmax }   // H v_j
        var h = [Double](repeating: 0, count: kmax * kmax)     // Vᵀ H V
        var k = 0, products = 0
        var theta = 0.0, residual = Double.infinity
        var ritzX = [Double](repeating: 0, count: n), ritzW = ritzX
        var t = x
        var coefficients = [Double](repeating: 0, count: kmax)

        /// Orthonormalizes t against V (twice) into column k; false when t lies in span V.
        func orthonormalize(_ t: inout [Double]) throws -> Bool {
            try v.withUnsafeMutableBufferPointer { vb in
                try t.withUnsafeMutableBufferPointer { tb in
                    let vp = vb.baseAddress!, tp = tb.baseAddress!
                    let before = tb.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if k > 0 {
                        try coefficients.withUnsafeMutableBufferPointer { cb in
                            for _ in 0..<2 {
                                BufferBLAS.gemv(.transpose, m: n, n: k, a: UnsafePointer(vp), lda: n, x: UnsafePointer(tp),
                                                y: cb.baseAddress!)
                                BufferBLAS.gemv(.none, m: n, n: k, alpha: -1, a: UnsafePointer(vp), lda: n,
                                                x: UnsafePointer(cb.baseAddress!), beta: 1, y: tp)
                            }
                            guard cb[0].isFinite else { throw LinearAlgebraError.nonFinite(argument: "H·x (Davidson)") }
                        }
                    }
                    let after = tb.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    guard after.isFinite, after > 1e-10 * before, after > 0 else { return false }
                    for i in 0..<n { vp[k * n + i] = tp[i] / after }
                    return true
                }
            }
        }
        /// Column k of W: H v_k (one product) or `known` when it is already H v_k; then row/column k of Vᵀ H V.
        func complete(known: [Double]? = nil) throws {
            try v.withUnsafeBufferPointer { vb in
                try w.withUnsafeMutableBufferPointer { wb in
                    if let known {
                        for i in 0..<n { wb[k * n + i] = known[i] }
                    } else {
                        try apply(vb.baseAddress! + k * n, wb.baseAddress! + k * n)
                        products += 1
                    }
                    for j in 0...k {
                        var s = 0.0
                        for i in 0..<n { s += vb[j * n + i] * wb[k * n + i] }
                        guard s.isFinite else { throw LinearAlgebraError.nonFinite(argument: "H·x (Davidson)") }
                        h[j + kmax * k] = s; h[k + kmax * j] = s
                    }
                }
            }
            k += 1
        }

        _ = try orthonormalize(&t)
        try complete()
        while true {
            // Ritz pair of Vᵀ H V.
            var small = [Double](repeating: 0, count: k * k)
            for j in 0..<k { for i in 0..<k { small[i + k * j] = h[i + kmax * j] } }
            let e = try Matrix(rows: k, columns: k, elements: small).symmetricEigen(vectors: true)
            theta = e.eigenvalues[0]
            let s = Array(e.eigenvectors.elements[0..<k])
            v.withUnsafeBufferPointer { vb in
                w.withUnsafeBufferPointer { wb in
                    s.withUnsafeBufferPointer { sb in
                        BufferBLAS.gemv(.none, m: n, n: k, a: vb.baseAddress!, lda: n, x: sb.baseAddress!, y: &ritzX)
                        BufferBLAS.gemv(.none, m: n, n: k, a: wb.baseAddress!, lda: n, x: sb.baseAddress!, y: &ritzW)
                    }
                }
            }
            var r2 = 0.0
            for i in 0..<n { let ri = ritzW[i] - theta * ritzX[i]; t[i] = ri; r2 += ri * ri }
            residual = r2.squareRoot()
            if residual <= options.tolerance || k == n {
                return .init(eigenvalue: theta, eigenvector: ritzX, matrixVectorProducts: products,
                             residualNorm: residual, converged: true)
            }
            if products >= maxProducts { break }
            // Correction t = (D − θ)⁻¹ r, guarded where D ≈ θ.
            for i in 0..<n {
                var d = diagonal[i] - theta
                if Swift.abs(d) < 1e-8 { d = d < 0 ? -1e-8 : 1e-8 }
                t[i] /= d
            }
            if k == kmax {
                // Restart from the current Ritz vector (orthonormal by construction; H x known, no product).
                k = 0
                var a = ritzX
                _ = try orthonormalize(&a)
                try complete(known: ritzW)
            }
            if try orthonormalize(&t) {
                try complete()
            } else {
                // The preconditioned residual adds nothing new: fall back to the residual itself.
                for i in 0..<n { t[i] = ritzW[i] - theta * ritzX[i] }
                guard try orthonormalize(&t) else {
                    return .init(eigenvalue: theta, eigenvector: ritzX, matrixVectorProducts: products,
                                 residualNorm: residual, converged: false)
                }
                try complete()
            }
        }
        return .init(eigenvalue: theta, eigenvector: ritzX, matrixVectorProducts: products,
                     residualNorm: residual, converged: false)
    }
}
