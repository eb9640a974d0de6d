import LowRankKernels

/// Scores every item for a block of users at a time and selects the best ones (internal engine of
/// ``FactorModel/topN(user:n:excluding:)`` and ``Metrics/ranking(of:train:test:k:)``).
///
/// The scores s_ui = μ + b_u + c_i + x_uᵀ v_i of all items for up to ``blockSize`` users come from one BLAS `gemm`
/// of the items × k matrix V (Vᵀ as stored) with the k × users block of gathered user factors, so the item factors
/// are read once per block rather than once per user. The top n of one user are then selected with a size-n
/// min-heap (O(items · log n)), never by a full sort. Ties in score go to the smaller item index; NaN scores rank
/// last.
struct ItemScorer {
    let model: FactorModel
    /// Users scored together: 64, fewer when the item count would make the n × block score matrix exceed 2²² numbers.
    let blockSize: Int
    /// Scores of the current block, items × users, column j for ``users``[j].
    private(set) var scores: [Double]
    /// The users of the current block, in the order given to ``score(users:)``.
    private(set) var users: [Int] = []
    private var gathered: [Double]
    private var excluded: [Bool]

    init(model: FactorModel) {
        self.model = model
        let n = model.itemFactors.columns
        blockSize = Swift.max(1, Swift.min(64, (1 << 22) / Swift.max(n, 1)))
        scores = []
        gathered = []
        excluded = [Bool](repeating: false, count: n)
    }

    /// Fills the scores of `users` (valid model indices, at most ``blockSize`` of them).
    mutating func score(users block: [Int]) {
        let k = model.rank, n = model.itemFactors.columns, b = block.count
        users = block
        if scores.count < n * b { scores = [Double](repeating: 0, count: n * b) }
        if gathered.count < k * b { gathered = [Double](repeating: 0, count: k * b) }
        guard n > 0, b > 0 else { return }
        model.userFactors.elements.withUnsafeBufferPointer { pu in
            gathered.withUnsafeMutableBufferPointer { pg in
                guard let x = pu.baseAddress, let g = pg.baseAddress else { return }
                for (j, u) in block.enumerated() { (g + j * k).update(from: x + u * k, count: k) }
            }
        }
        model.itemFactors.elements.withUnsafeBufferPointer { pv in
            gathered.withUnsafeBufferPointer { pg in
                scores.withUnsafeMutableBufferPointer { ps in
                    guard let v = pv.baseAddress, let g = pg.baseAddress, let y = ps.baseAddress, k > 0 else {
                        for t in 0..<(n * b) { ps[t] = 0 }
                        return
                    }
                    BufferBLAS.gemm(.transpose, .none, m: n, n: b, k: k, a: v, lda: k, b: g, ldb: k, c: y, ldc: n)
                }
            }
        }
        model.itemBiases.withUnsafeBufferPointer { pc in
            scores.withUnsafeMutableBufferPointer { ps in
                let m = Swift.min(pc.count, n)
                for (j, u) in block.enumerated() {
                    let base = model.globalMean + (u < model.userBiases.count ? model.userBiases[u] : 0)
                    let col = j * n
                    for i in 0..<m { ps[col + i] += base + pc[i] }
                    for i in m..<n { ps[col + i] += base }
                }
            }
        }
    }

    /// The score of item `item` for the `column`-th user of the current block.
    func score(item: Int, column: Int) -> Double { scores[column * model.itemFactors.columns + item] }

    /// The best `count` items for the `column`-th user of the current block (best first), skipping `exclude` (item
    /// indices; those out of range are ignored).
    mutating func top(_ count: Int, column: Int, excluding exclude: ArraySlice<Int32>) -> [Int] {
        let n = model.itemFactors.columns
        for i in exclude where i >= 0 && Int(i) < n { excluded[Int(i)] = true }
        defer { for i in exclude where i >= 0 && Int(i) < n { excluded[Int(i)] = false } }
        guard count > 0 else { return [] }
        // `worse(a, b)`: item a ranks below item b.
        func key(_ s: Double) -> Double { s.isNaN ? -.infinity : s }
        var heap: [Int] = []
        heap.reserveCapacity(Swift.min(count, n))
        scores.withUnsafeBufferPointer { all in
            excluded.withUnsafeBufferPointer { px in
                let ps = UnsafeBufferPointer(rebasing: all[(column * n)..<((column + 1) * n)])
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
                    } else if key(ps[i]) >= key(ps[heap[0]]), worse(heap[0], i) {
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
