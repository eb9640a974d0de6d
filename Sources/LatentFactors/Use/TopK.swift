import LowRankKernels

/// Scores every item for one user at a time and selects the best ones (internal engine of ``FactorModel/topN``
/// and ``Metrics/ranking(of:train:test:k:)``).
///
/// The scores s_i = μ + b_u + c_i + u_uᵀ v_i of all items come from one BLAS `gemv` with the k × items item-factor
/// matrix (Vᵀ, as stored), then the top n are selected with a size-n min-heap (O(items · log n)), never by a full
/// sort. Ties in score go to the smaller item index; NaN scores rank last.
struct ItemScorer {
    let model: FactorModel
    private(set) var scores: [Double]
    private var excluded: [Bool]

    init(model: FactorModel) {
        self.model = model
        scores = [Double](repeating: 0, count: model.itemFactors.columns)
        excluded = [Bool](repeating: false, count: model.itemFactors.columns)
    }

    /// Fills ``scores`` for user `u` (a valid model index).
    mutating func score(user u: Int) {
        let k = model.rank, n = model.itemFactors.columns
        guard n > 0 else { return }
        let base = model.globalMean + (u < model.userBiases.count ? model.userBiases[u] : 0)
        model.itemFactors.elements.withUnsafeBufferPointer { pv in
            model.userFactors.elements.withUnsafeBufferPointer { pu in
                scores.withUnsafeMutableBufferPointer { ps in
                    guard let v = pv.baseAddress, let x = pu.baseAddress, let y = ps.baseAddress else {
                        for i in 0..<n { ps[i] = 0 }
                        return
                    }
                    BufferBLAS.gemv(.transpose, m: k, n: n, a: v, lda: k, x: x + u * k, y: y)
                }
            }
        }
        model.itemBiases.withUnsafeBufferPointer { pc in
            scores.withUnsafeMutableBufferPointer { ps in
                let m = Swift.min(pc.count, n)
                for i in 0..<m { ps[i] += base + pc[i] }
                for i in m..<n { ps[i] += base }
            }
        }
    }

    /// The best `count` items by the current ``scores`` (best first), skipping `exclude` (item indices; those out of
    /// range are ignored).
    mutating func top(_ count: Int, excluding exclude: ArraySlice<Int32>) -> [Int] {
        let n = scores.count
        for i in exclude where i >= 0 && Int(i) < n { excluded[Int(i)] = true }
        defer { for i in exclude where i >= 0 && Int(i) < n { excluded[Int(i)] = false } }
        guard count > 0 else { return [] }
        // `worse(a, b)`: item a ranks below item b.
        func key(_ s: Double) -> Double { s.isNaN ? -.infinity : s }
        var heap: [Int] = []
        heap.reserveCapacity(Swift.min(count, n))
        scores.withUnsafeBufferPointer { ps in
            excluded.withUnsafeBufferPointer { px in
                func worse(_ a: Int, _ b: Int) -> Bool {
                    let sa = key(ps[a]), sb = key(ps[b])
                    return sa != sb ? sa < sb : a > b
                }
                func siftDown(_ start: Int) {
                    var p = start
                    while true {
                        let l = 2 * p + 1, r = l + 1
                        var m = p
                        if l < heap.count, worse(heap[l], heap[m]) { m = l }
                        if r < heap.count, worse(heap[r], heap[m]) { m = r }
                        if m == p { return }
                        heap.swapAt(p, m)
                        p = m
                    }
                }
                for i in 0..<n where !px[i] {
                    if heap.count < count {
                        heap.append(i)
                        var c = heap.count - 1
                        while c > 0 {
                            let p = (c - 1) / 2
                            guard worse(heap[c], heap[p]) else { break }
                            heap.swapAt(c, p)
                            c = p
                        }
                    } else if worse(heap[0], i) {
                        heap[0] = i
                        siftDown(0)
                    }
                }
                heap.sort { worse($1, $0) }
            }
        }
        return heap
    }
}
