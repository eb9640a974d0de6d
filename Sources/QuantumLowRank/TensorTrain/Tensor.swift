import LowRankKernels

/// Errors raised by ``Tensor`` and ``TensorTrain`` for shapes, axes or tolerances a caller got wrong.
public enum TensorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shape has a negative extent or its element count overflows `Int`.
    case invalidShape(shape: [Int], reason: String)
    /// Two operands (or an operand and its element array) do not fit, e.g. `reshape [2, 3] → [4, 2]`.
    case shapeMismatch(operation: String, lhs: String, rhs: String)
    /// An axis list is not valid for a tensor of the given rank (out of range, repeated, wrong length).
    case invalidAxes(operation: String, axes: [Int], rank: Int)
    /// A tolerance is negative or not finite.
    case invalidTolerance(argument: String, value: Double)
    /// Tensor-train cores are malformed (not rank 3, boundary rank ≠ 1, or adjacent bond ranks differ).
    case invalidCores(reason: String)

    /// A one-line human-readable message.
    public var description: String {
        switch self {
        case let .invalidShape(shape, reason):
            return "invalid tensor shape \(shape): \(reason)"
        case let .shapeMismatch(op, lhs, rhs):
            return "shape mismatch in \(op): \(lhs) vs \(rhs)"
        case let .invalidAxes(op, axes, rank):
            return "invalid axes \(axes) in \(op) for a rank-\(rank) tensor"
        case let .invalidTolerance(arg, value):
            return "invalid tolerance '\(arg)' = \(value): must be finite and ≥ 0"
        case let .invalidCores(reason):
            return "invalid tensor-train cores: \(reason)"
        }
    }
}

/// A dense rank-k tensor (k-way array) of `Scalar` (`Double` or `Complex<Double>`).
///
/// **Layout convention.** Elements are stored column-major (Fortran order, *first index fastest*), the
/// layout of ``Matrix`` and ``NDArray``: the element at multi-index (i₀, …, i_{k−1}) of shape
/// (n₀, …, n_{k−1}) lives at offset i₀ + n₀·(i₁ + n₁·(i₂ + …)). Consequently reshaping is free and
/// matricizing with the first `p` axes as rows (``matricized(rowAxes:)``) is a pure reinterpretation of the
/// same storage, which is how contractions are mapped onto a single BLAS GEMM.
///
/// Rank 0 (shape `[]`) holds a single scalar. Value semantics with copy-on-write storage.
public struct Tensor<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// The extent of each axis, in axis order.
    public private(set) var shape: [Int]
    /// The elements in column-major order; `elements.count` = Π ``shape``.
    public private(set) var elements: [Scalar]

    /// A tensor of the given `shape` filled with `value` (zero by default).
    ///
    /// Throws ``TensorError`` for a negative extent or an element count that overflows.
    public init(shape: [Int], repeating value: Scalar = .zero) throws {
        let count = try Tensor.elementCount(shape)
        self.shape = shape
        self.elements = [Scalar](repeating: value, count: count)
    }

    /// Wraps column-major `elements` of the given `shape`.
    ///
    /// Throws ``TensorError/invalidShape(shape:reason:)`` for a negative extent or overflow and
    /// ``TensorError/shapeMismatch(operation:lhs:rhs:)`` when `elements.count` ≠ Π shape.
    public init(shape: [Int], elements: [Scalar]) throws {
        let count = try Tensor.elementCount(shape)
        guard elements.count == count else {
            throw TensorError.shapeMismatch(operation: "Tensor(shape:elements:)",
                                            lhs: "shape \(shape) (\(count) elements)",
                                            rhs: "\(elements.count) elements")
        }
        self.shape = shape
        self.elements = elements
    }

    /// The tensor of the given `shape` holding the matrix's column-major elements (a pure reshape; the
    /// inverse of ``matricized(rowAxes:)``). Throws when Π shape ≠ rows·columns.
    public init(_ matrix: Matrix<Scalar>, shape: [Int]) throws {
        try self.init(shape: shape, elements: matrix.elements)
    }

    /// The tensor held by an ``NDArray`` (same column-major layout, no reordering).
    public init(_ array: NDArray<Scalar>) {
        self.shape = array.shape
        self.elements = array.elements
    }

    /// Internal initializer for element arrays known to match `shape`.
    init(uncheckedShape shape: [Int], elements: [Scalar]) {
        self.shape = shape
        self.elements = elements
    }

    /// The number of axes k.
    public var rank: Int { shape.count }
    /// The number of elements, Π shape (1 for rank 0).
    public var count: Int { elements.count }

    /// The column-major strides: `strides[a]` = Π_{b<a} shape[b].
    public var strides: [Int] { ColumnMajorLayout.strides(shape) }

    /// The element at a multi-index; `index.count` must equal ``rank`` and each entry lie in range
    /// (a programming error otherwise, like an out-of-range `Array` subscript).
    public subscript(index: [Int]) -> Scalar {
        get { elements[offset(of: index)] }
        set { elements[offset(of: index)] = newValue }
    }

    /// The element at a multi-index given as variadic arguments, e.g. `t[1, 0, 2]`.
    public subscript(index: Int...) -> Scalar {
        get { self[index] }
        set { self[index] = newValue }
    }

    private func offset(of index: [Int]) -> Int { ColumnMajorLayout.offset(of: index, shape: shape) }

    /// The same elements viewed with a new shape (no data movement: column-major order is kept, as
    /// NumPy's `reshape(order='F')`). Throws when the element counts differ.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        let n = try Tensor.elementCount(newShape)
        guard n == count else {
            throw TensorError.shapeMismatch(operation: "reshape", lhs: "\(shape)", rhs: "\(newShape)")
        }
        return Tensor(uncheckedShape: newShape, elements: elements)
    }

    /// The axis permutation with NumPy's `transpose` convention: axis `j` of the result is axis
    /// `axes[j]` of `self`, i.e. `result[i₀, …, i_{k−1}] = self[j]` with `j[axes[a]] = i_a`.
    ///
    /// One pass over the data with unsafe buffers (output written sequentially, input gathered through the
    /// permuted strides); the identity permutation returns `self` without copying. Throws
    /// ``TensorError/invalidAxes(operation:axes:rank:)`` unless `axes` is a permutation of 0..<rank.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        let k = shape.count
        guard axes.count == k, Set(axes).count == k, axes.allSatisfy({ $0 >= 0 && $0 < k }) else {
            throw TensorError.invalidAxes(operation: "permute", axes: axes, rank: k)
        }
        if axes == Array(0..<k) || count <= 1 { return try reshaped(axes.map { shape[$0] }) }
        let outShape = axes.map { shape[$0] }
        let out = ColumnMajorLayout.permuted(elements, shape: shape, axes: axes)
        return Tensor(uncheckedShape: outShape, elements: out)
    }

    /// The matricization (unfolding) with the first `rowAxes` axes as the row index and the remaining
    /// axes as the column index, both column-major: an m×n ``Matrix`` with m = Π_{a<rowAxes} shape[a] and
    /// n = Π_{a≥rowAxes} shape[a]. A pure reshape sharing the storage (copy-on-write).
    ///
    /// `rowAxes` must lie in 0…rank (a programming error otherwise).
    public func matricized(rowAxes: Int) throws -> Matrix<Scalar> {
        // unreachable from input: rowAxes and element counts come from the tensor's own validated shape
        precondition(rowAxes >= 0 && rowAxes <= shape.count, "Tensor.matricized: rowAxes \(rowAxes) outside 0…\(shape.count)")
        let m = shape.prefix(rowAxes).reduce(1, *)
        let n = shape.dropFirst(rowAxes).reduce(1, *)
        return try Matrix(rows: m, columns: n, elements: elements)
    }

    /// The tensor contraction Σ over paired axes (NumPy's `tensordot(self, other, axes)`):
    /// `axes.0[i]` of `self` is summed against `axes.1[i]` of `other`. The result's axes are the free axes
    /// of `self` in order followed by the free axes of `other` in order.
    ///
    /// Mapped onto one GEMM: `self` is permuted to (free…, contracted…) and `other` to
    /// (contracted…, free…) — each permutation skipped when already in that order — then both are
    /// matricized and multiplied. Throws for invalid or repeated axes and mismatched extents.
    public func contracted(with other: Tensor, axes: ([Int], [Int])) throws -> Tensor {
        let (la, ra) = axes
        let lk = rank, rk = other.rank
        guard la.count == ra.count,
              Set(la).count == la.count, la.allSatisfy({ $0 >= 0 && $0 < lk }) else {
            throw TensorError.invalidAxes(operation: "contract (left)", axes: la, rank: lk)
        }
        guard Set(ra).count == ra.count, ra.allSatisfy({ $0 >= 0 && $0 < rk }) else {
            throw TensorError.invalidAxes(operation: "contract (right)", axes: ra, rank: rk)
        }
        for (a, b) in zip(la, ra) where shape[a] != other.shape[b] {
            throw TensorError.shapeMismatch(operation: "contract axis \(a) with axis \(b)",
                                            lhs: "\(shape)", rhs: "\(other.shape)")
        }
        let lFree = (0..<lk).filter { !la.contains($0) }
        let rFree = (0..<rk).filter { !ra.contains($0) }
        let lhs = try permuted(lFree + la).matricized(rowAxes: lFree.count)
        let rhs = try other.permuted(ra + rFree).matricized(rowAxes: ra.count)
        let product = try Matrix.product(lhs, .none, rhs, .none)
        let outShape = lFree.map { shape[$0] } + rFree.map { other.shape[$0] }
        return Tensor(uncheckedShape: outShape, elements: product.elements)
    }

    /// The Frobenius norm ‖T‖_F = (Σ |tᵢ|²)^½ (scaled accumulation, no overflow for large entries).
    public var norm: Double { Vector.norm(elements) }

    /// The element-wise complex conjugate (`self` for real tensors).
    public var conjugated: Tensor {
        Scalar.isComplex ? Tensor(uncheckedShape: shape, elements: elements.map { $0.conjugated }) : self
    }

    /// `alpha · self`.
    public func scaled(by alpha: Scalar) -> Tensor {
        Tensor(uncheckedShape: shape, elements: elements.map { alpha * $0 })
    }

    /// `self + alpha · other`; throws when the shapes differ.
    public func adding(_ other: Tensor, scaledBy alpha: Scalar = .one) throws -> Tensor {
        guard shape == other.shape else {
            throw TensorError.shapeMismatch(operation: "add", lhs: "\(shape)", rhs: "\(other.shape)")
        }
        var out = elements
        for i in out.indices { out[i] += alpha * other.elements[i] }
        return Tensor(uncheckedShape: shape, elements: out)
    }

    /// The tensor as an ``NDArray`` (same column-major layout), e.g. for writing with ``NumPy``.
    public var ndArray: NDArray<Scalar> {
        get throws { try NDArray(shape: shape, elements: elements) }
    }

    /// Π shape, checking for negative extents and overflow.
    static func elementCount(_ shape: [Int]) throws -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else { throw TensorError.invalidShape(shape: shape, reason: "negative extent") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw TensorError.invalidShape(shape: shape, reason: "element count overflows Int") }
            count = p
        }
        return count
    }
}

extension NDArray {
    /// The array held by a ``Tensor`` (same column-major layout).
    public init(_ tensor: Tensor<Scalar>) throws {
        self = try tensor.ndArray
    }
}
