/// Index arithmetic for column-major (Fortran-order, first index fastest) multi-dimensional arrays,
/// shared by ``NDArray`` and the tensor types built on it.
public enum ColumnMajorLayout {
    /// The strides: `strides[a]` = Π_{b<a} shape[b].
    public static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for a in 0..<shape.count { s[a] = acc; acc *= shape[a] }
        return s
    }

    /// The storage offset Σ iₐ·strides[a] of a multi-index. A wrong rank or an out-of-range entry is a
    /// programming error (trap), like an out-of-range `Array` subscript.
    public static func offset(of index: [Int], shape: [Int]) -> Int {
        // unreachable from input: readers compute offsets from validated shapes; a bad index is a caller's programming error, as for Array
        precondition(index.count == shape.count, "index \(index) does not match rank \(shape.count)")
        var offset = 0, stride = 1
        for (axis, i) in index.enumerated() {
            // unreachable from input: readers compute offsets from validated shapes; a bad index is a caller's programming error, as for Array
            precondition(i >= 0 && i < shape[axis], "index \(index) out of range for shape \(shape)")
            offset += i * stride
            stride *= shape[axis]
        }
        return offset
    }

    /// The elements of the axis permutation: output axis j is input axis `axes[j]` (NumPy's `transpose`).
    /// One pass, output written sequentially and input gathered through the permuted strides (an
    /// odometer over output axes 1…k−1 around a contiguous inner run). `axes` must be a permutation of
    /// 0..<shape.count and `elements.count` the product of `shape` (callers validate).
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func permuted<S>(_ elements: [S], shape: [Int], axes: [Int]) -> [S] {
        let k = shape.count, total = elements.count
        if k <= 1 || total <= 1 || axes == Array(0..<k) { return elements }
        let srcStrides = strides(shape)
        let outShape = axes.map { shape[$0] }
        let inStrides = axes.map { srcStrides[$0] }
        let n0 = outShape[0], s0 = inStrides[0]
        return [S](unsafeUninitializedCapacity: total) { buffer, initialized in
            elements.withUnsafeBufferPointer { src in
                guard let sp = src.baseAddress, let dp = buffer.baseAddress else { initialized = 0; return }
                var counter = [Int](repeating: 0, count: k)
                var base = 0   // source offset of the start of the current run along output axis 0
                var o = 0
                while o < total {
                    var p = base
                    for i in 0..<n0 { (dp + o + i).initialize(to: sp[p]); p += s0 }
                    o += n0
                    var a = 1
                    while a < k {
                        counter[a] += 1
                        base += inStrides[a]
                        if counter[a] < outShape[a] { break }
                        base -= inStrides[a] * outShape[a]
                        counter[a] = 0
                        a += 1
                    }
                }
                initialized = total
            }
        }
    }
}
