import LowRankKernels

/// Internal kernels on the observed set Ω shared by Soft-Impute, gradient descent and masked NMF. Factor blocks are
/// k × users / k × items column-major arrays (column u contiguous), matching ``FactorModel``; sparse values are in
/// CSR entry order of a ``Ratings``.
enum SparseSupport {
    /// For each CSC position p (item-major order), the CSR entry number holding the same (user, item).
    static func cscToCsr(_ r: Ratings) -> [Int] {
        var next = Array(r.columnOffsets.dropLast())
        var map = [Int](repeating: 0, count: r.count)
        for u in 0..<r.userCount {
            for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
                let i = Int(r.rowItems[e])
                map[next[i]] = e
                next[i] += 1
            }
        }
        return map
    }

    /// x_e = Σ_f a[f,u] w_f b[f,i] for every entry e = (u, i) of Ω (w = nil: all ones). O(|Ω| k).
    static func lowRankOnOmega(_ r: Ratings, k: Int, a: [Double], b: [Double], weights: [Double]? = nil) -> [Double] {
        var out = [Double](repeating: 0, count: r.count)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                r.rowItems.withUnsafeBufferPointer { items in
                    out.withUnsafeMutableBufferPointer { po in
                        for u in 0..<r.userCount {
                            let au = u * k
                            for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
                                let bi = Int(items[e]) * k
                                var dot = 0.0
                                if let w = weights {
                                    for f in 0..<k { dot += pa[au + f] * w[f] * pb[bi + f] }
                                } else {
                                    for f in 0..<k { dot += pa[au + f] * pb[bi + f] }
                                }
                                po[e] = dot
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The k × users block whose column u is Σ_{i∈Ω_u} s_ui b[:, i], i.e. (S B)ᵀ for S sparse on Ω. O(|Ω| k).
    static func sparseTimes(_ r: Ratings, s: [Double], k: Int, b: [Double]) -> [Double] {
        sparseProduct(r, s: s, k: k, x: b, transpose: false)
    }

    /// The k × items block whose column i is Σ_{u: (u,i)∈Ω} s_ui a[:, u], i.e. (Sᵀ A)ᵀ. O(|Ω| k).
    static func sparseTransposeTimes(_ r: Ratings, s: [Double], k: Int, a: [Double]) -> [Double] {
        sparseProduct(r, s: s, k: k, x: a, transpose: true)
    }

    /// One pass over the CSR entries: out[:, u] += s_ui x[:, i] (S X), or out[:, i] += s_ui x[:, u] (Sᵀ X).
    private static func sparseProduct(_ r: Ratings, s: [Double], k: Int, x: [Double], transpose: Bool) -> [Double] {
        var out = [Double](repeating: 0, count: k * (transpose ? r.itemCount : r.userCount))
        x.withUnsafeBufferPointer { px in
            s.withUnsafeBufferPointer { ps in
                r.rowItems.withUnsafeBufferPointer { items in
                    out.withUnsafeMutableBufferPointer { po in
                        for u in 0..<r.userCount {
                            for e in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
                                let i = Int(items[e]), v = ps[e]
                                let target = (transpose ? i : u) * k, source = (transpose ? u : i) * k
                                for f in 0..<k { po[target + f] += v * px[source + f] }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Σ x² of an array.
    static func sumOfSquares(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { p in var s = 0.0; for v in p { s += v * v }; return s }
    }

    /// C (p × n) = op(A) B for column-major arrays through BLAS; A is (transA ? k × p : p × k), B is k × n.
    static func gemm(_ transA: Bool, p: Int, n: Int, k: Int, a: [Double], b: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: p * n)
        guard p > 0, n > 0, k > 0 else { return c }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let x = pa.baseAddress, let y = pb.baseAddress, let z = pc.baseAddress else { return }
                    BufferBLAS.gemm(transA ? .transpose : .none, .none, m: p, n: n, k: k,
                                    a: x, lda: transA ? k : p, b: y, ldb: k, c: z, ldc: p)
                }
            }
        }
        return c
    }

    /// A model without biases from k × users and k × items arrays.
    static func model(_ r: Ratings, k: Int, users: [Double], items: [Double], mean: Double = 0,
                      userBiases: [Double]? = nil, itemBiases: [Double]? = nil) throws -> FactorModel {
        FactorModel(globalMean: mean,
                    userBiases: userBiases ?? [Double](repeating: 0, count: r.userCount),
                    itemBiases: itemBiases ?? [Double](repeating: 0, count: r.itemCount),
                    userFactors: try Matrix(rows: k, columns: r.userCount, elements: users),
                    itemFactors: try Matrix(rows: k, columns: r.itemCount, elements: items),
                    userIds: r.userIds, itemIds: r.itemIds, userIndex: r.userIndex, itemIndex: r.itemIndex)
    }

    /// Seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
