import LowRankKernels

/// A DMRG environment block: the contraction of the bra, the MPO and the ket over all sites to one side
/// of a bond (Schollwöck 2011, §6.2).
///
/// **Layout** [χ_bra, w, χ_ket], bra index fastest, for both left and right blocks, so every update and
/// every effective-Hamiltonian product is a GEMM on a pure reinterpretation of the storage. The site
/// tensors are real [χl, d, χr] and the MPO tensors [wl, wr, d, d] (``MPO``).
struct Environment: Sendable {
    /// χ of the bond (bra and ket).
    let chi: Int
    /// MPO bond dimension w.
    let w: Int
    /// [χ, w, χ] column-major.
    var elements: [Double]

    /// The 1×1×1 block with value 1 left of site 0 or right of the last site.
    static let leftBoundary = Environment(chi: 1, w: 1, elements: [1])
    static let rightBoundary = leftBoundary

    /// The MPO tensor W[a, b, s′, s] as the matrix [(a s), (s′ b)] (axes permuted to a, s, s′, b).
    static func leftMatrix(_ mpo: Tensor<Double>) -> [Double] {
        ColumnMajorLayout.permuted(mpo.elements, shape: mpo.shape, axes: [0, 3, 2, 1])
    }

    /// The MPO tensor W[b, c, s′, s] as the matrix [(s′ c), (b s)] (axes permuted to s′, c, b, s).
    static func rightMatrix(_ mpo: Tensor<Double>) -> [Double] {
        ColumnMajorLayout.permuted(mpo.elements, shape: mpo.shape, axes: [2, 1, 0, 3])
    }

    /// Σ_{l,a,s} L[l′,a,l] W[a,b,s′,s] T[l,s,r] as a [(l′ s′), (b r)] buffer, for a ket tensor T of shape
    /// [χl, d, n] with any trailing extent n: the first two steps of ``extendLeft(_:site:mpo:)``, and the
    /// left-side perturbation of the density-matrix noise and of subspace expansion.
    /// GEMM over l, then per column r a small GEMM with W reshaped to [(a s), (s′ b)].
    static func halfLeft(_ env: Environment, ket t: UnsafePointer<Double>, dl: Int, d: Int, n: Int,
                         mpo: Tensor<Double>, workers: Int = 1) -> [Double] {
        let wl = mpo.shape[0], wr = mpo.shape[1]
        let wm = leftMatrix(mpo)
        var xbuf = [Double](unsafeUninitializedCapacity: dl * wl * d * n) { _, c in c = dl * wl * d * n }
        var ybuf = [Double](unsafeUninitializedCapacity: dl * d * wr * n) { _, c in c = dl * d * wr * n }
        env.elements.withUnsafeBufferPointer { le in
            xbuf.withUnsafeMutableBufferPointer { x in
                // X[(l′ a), (s r)] = L[(l′ a), l] · T[l, (s r)]
                Workers.gemm(workers, .none, .none, m: dl * wl, n: d * n, k: dl, a: le.baseAddress!, lda: dl * wl,
                             b: t, ldb: dl, c: x.baseAddress!, ldc: dl * wl)
                ybuf.withUnsafeMutableBufferPointer { y in
                    wm.withUnsafeBufferPointer { wp in
                        // per r: Y[l′, (s′ b)] = X[l′, (a s)] · W[(a s), (s′ b)]
                        let xp = x.baseAddress!, yp = y.baseAddress!, w = wp.baseAddress!
                        Workers.forEachRange(n, workers: workers) { columns in
                            for r in columns {
                                BufferBLAS.gemm(.none, .none, m: dl, n: d * wr, k: wl * d, a: xp + r * dl * wl * d, lda: dl,
                                                b: w, ldb: wl * d, c: yp + r * dl * d * wr, ldc: dl)
                            }
                        }
                    }
                }
            }
        }
        return ybuf
    }

    /// Σ_{r′,c,s′} T[l,s′,r′] W[b,c,s′,s] R[r′,c,r] as a [(l b), (s r)] buffer for a tensor T of shape
    /// [n, d, χr] with any leading extent n: the first two steps of ``extendRight(_:site:mpo:)``, and the
    /// right-side perturbation of noise and subspace expansion.
    static func halfRight(_ env: Environment, tensor t: UnsafePointer<Double>, n: Int, d: Int, dr: Int,
                          mpo: Tensor<Double>, workers: Int = 1) -> [Double] {
        let wl = mpo.shape[0], wr = mpo.shape[1]
        let wm = rightMatrix(mpo)
        var xbuf = [Double](unsafeUninitializedCapacity: n * d * wr * dr) { _, c in c = n * d * wr * dr }
        var ybuf = [Double](unsafeUninitializedCapacity: n * wl * d * dr) { _, c in c = n * wl * d * dr }
        env.elements.withUnsafeBufferPointer { re in
            xbuf.withUnsafeMutableBufferPointer { x in
                // X[(l s′), (c r)] = T[(l s′), r′] · R[r′, (c r)]
                Workers.gemm(workers, .none, .none, m: n * d, n: wr * dr, k: dr, a: t, lda: n * d,
                             b: re.baseAddress!, ldb: dr, c: x.baseAddress!, ldc: n * d)
                ybuf.withUnsafeMutableBufferPointer { y in
                    wm.withUnsafeBufferPointer { wp in
                        // per r: Y[l, (b s)] = X[l, (s′ c)] · W[(s′ c), (b s)]
                        let xp = x.baseAddress!, yp = y.baseAddress!, w = wp.baseAddress!
                        Workers.forEachRange(dr, workers: workers) { columns in
                            for r in columns {
                                BufferBLAS.gemm(.none, .none, m: n, n: wl * d, k: d * wr, a: xp + r * n * d * wr, lda: n,
                                                b: w, ldb: d * wr, c: yp + r * n * wl * d, ldc: n)
                            }
                        }
                    }
                }
            }
        }
        return ybuf
    }

    /// The left block one site further right: L′[r″, b, r] = Σ A[l′,s′,r″] L[l′,a,l] W[a,b,s′,s] A[l,s,r].
    /// Cost 2wdχl²χr + 2w²d²χlχr + 2wdχlχr²: ``halfLeft(_:ket:dl:d:n:mpo:)`` then one GEMM over (l′ s′).
    static func extendLeft(_ env: Environment, site a: Tensor<Double>, mpo: Tensor<Double>, workers: Int = 1) -> Environment {
        let dl = a.shape[0], d = a.shape[1], dr = a.shape[2], wr = mpo.shape[1]
        var out = [Double](unsafeUninitializedCapacity: dr * wr * dr) { _, n in n = dr * wr * dr }
        a.elements.withUnsafeBufferPointer { ap in
            let y = halfLeft(env, ket: ap.baseAddress!, dl: dl, d: d, n: dr, mpo: mpo, workers: workers)
            y.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { o in
                    // L′[r″, (b r)] = A[(l′ s′), r″]ᵀ · Y[(l′ s′), (b r)]
                    Workers.gemm(workers, .transpose, .none, m: dr, n: wr * dr, k: dl * d,
                                 a: ap.baseAddress!, lda: dl * d, b: yp.baseAddress!, ldb: dl * d, c: o.baseAddress!, ldc: dr)
                }
            }
        }
        return Environment(chi: dr, w: wr, elements: out)
    }

    /// The right block one site further left: R′[l′, b, l] = Σ B[l,s,r] W[b,c,s′,s] R[r′,c,r] B[l′,s′,r′].
    static func extendRight(_ env: Environment, site bt: Tensor<Double>, mpo: Tensor<Double>, workers: Int = 1) -> Environment {
        let dl = bt.shape[0], d = bt.shape[1], dr = bt.shape[2], wl = mpo.shape[0]
        var out = [Double](unsafeUninitializedCapacity: dl * wl * dl) { _, n in n = dl * wl * dl }
        bt.elements.withUnsafeBufferPointer { bp in
            let y = halfRight(env, tensor: bp.baseAddress!, n: dl, d: d, dr: dr, mpo: mpo, workers: workers)
            y.withUnsafeBufferPointer { yp in
                out.withUnsafeMutableBufferPointer { o in
                    // R′[(l′ b), l] = Y[(l′ b), (s r)] · B[l, (s r)]ᵀ
                    Workers.gemm(workers, .none, .transpose, m: dl * wl, n: dl, k: d * dr,
                                 a: yp.baseAddress!, lda: dl * wl, b: bp.baseAddress!, ldb: dl, c: o.baseAddress!, ldc: dl * wl)
                }
            }
        }
        return Environment(chi: dl, w: wl, elements: out)
    }
}
