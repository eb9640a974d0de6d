import LowRankKernels

/// The DMRG effective Hamiltonian of one or two adjacent sites as a matrix-free linear operator,
/// H_eff x = L · W_block · R · x (Schollwöck 2011, §6.3), acting on tensors [χl, d₁(, d₂), χr].
///
/// The MPO tensors of the block are merged into one small matrix W[(a s₁ s₂), (s₁′ s₂′ c)]
/// (w d^k × d^k w), so a product costs two large GEMMs and χr small ones:
///
/// 1. T₁[(l′ a), (s r)] = L[(l′ a), l] · x[l, (s r)]           2 w d^k χl² χr flops
/// 2. per r: T₂[l′, (s′ c)] = T₁[l′, (a s)] · W[(a s), (s′ c)]  2 w² d^{2k} χl χr
/// 3. y[(l′ s′), r′] = T₂[(l′ s′), (c r)] · R[r′, (c r)]ᵀ         2 w d^k χl χr²
///
/// i.e. O(χ³ d² w + χ² d⁴ w²) for two sites, the optimal order. Workspaces are allocated once per update
/// and reused by every product.
final class EffectiveHamiltonian: ProjectedHamiltonian {
    let left: Environment
    let right: Environment
    let dl: Int, dr: Int, dPhys: Int, wl: Int, wr: Int
    /// W[(a s), (s′ c)] with s, s′ the combined physical index of the block.
    private var wBlock: [Double]
    private var t1: [Double]
    private var t2: [Double]
    /// The dimension χl · d^k · χr of the vectors it acts on.
    var dimension: Int { dl * dPhys * dr }

    /// The three GEMMs above (``SweepEngine/contractionFlops(dl:dp:dr:wl:wr:)``).
    var flopsPerProduct: Double { SweepEngine.contractionFlops(dl: dl, dp: dPhys, dr: dr, wl: wl, wr: wr) }

    /// Not formed: the dense contraction runs Lanczos.
    func diagonal(counting tally: FlopTally) -> [Double]? { nil }

    /// Workers of each product: the GEMMs of steps 1 and 3 split by columns, step 2 by r.
    let workers: Int

    init(left: Environment, right: Environment, mpo: [Tensor<Double>], workers: Int = 1) {
        self.workers = Swift.max(1, workers)
        self.left = left
        self.right = right
        dl = left.chi
        dr = right.chi
        wl = mpo[0].shape[0]
        wr = mpo[mpo.count - 1].shape[1]
        if mpo.count == 1 {
            dPhys = mpo[0].shape[2]
            wBlock = Environment.leftMatrix(mpo[0])
        } else {
            dPhys = mpo[0].shape[2] * mpo[1].shape[2]
            let rows = wl * dPhys
            var m = [Double](repeating: 0, count: rows * dPhys * wr)
            for e in SparseMPOTensor.mergedTwoSite(mpo[0], mpo[1]) { m[(e.a + wl * e.s) + rows * (e.sp + dPhys * e.c)] = e.value }
            wBlock = m
        }
        let n1 = dl * wl * dPhys * dr, n2 = dl * dPhys * wr * dr
        t1 = [Double](unsafeUninitializedCapacity: n1) { _, n in n = n1 }
        t2 = [Double](unsafeUninitializedCapacity: n2) { _, n in n = n2 }
    }

    /// y ← H_eff x on buffers of length ``dimension``.
    func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        let dl = self.dl, dr = self.dr, wl = self.wl, wr = self.wr, dp = dPhys
        left.elements.withUnsafeBufferPointer { le in
            right.elements.withUnsafeBufferPointer { re in
                t1.withUnsafeMutableBufferPointer { p1 in
                    t2.withUnsafeMutableBufferPointer { p2 in
                        wBlock.withUnsafeBufferPointer { wb in
                            let t1 = p1.baseAddress!, t2 = p2.baseAddress!, w = wb.baseAddress!
                            Workers.gemm(workers, .none, .none, m: dl * wl, n: dp * dr, k: dl, a: le.baseAddress!,
                                         lda: dl * wl, b: x, ldb: dl, c: t1, ldc: dl * wl)
                            Workers.forEachRange(dr, workers: workers) { columns in
                                for r in columns {
                                    BufferBLAS.gemm(.none, .none, m: dl, n: dp * wr, k: wl * dp, a: t1 + r * dl * wl * dp,
                                                    lda: dl, b: w, ldb: wl * dp, c: t2 + r * dl * dp * wr, ldc: dl)
                                }
                            }
                            Workers.gemm(workers, .none, .transpose, m: dl * dp, n: dr, k: wr * dr, a: t2, lda: dl * dp,
                                         b: re.baseAddress!, ldb: dr, c: y, ldc: dl * dp)
                        }
                    }
                }
            }
        }
    }
}
