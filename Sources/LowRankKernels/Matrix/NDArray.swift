#if !NUMPY_FUZZ  // scripts/fuzz-npy compiles this file without the package (Tests/Fuzz/NumPyFuzzSupport.swift)
import Numerics
#endif

/// An n-dimensional array of `Scalar` with elements stored in column-major (Fortran) order:
/// the element at multi-index (i₀, …, i_{d−1}) of shape (n₀, …, n_{d−1}) lives at
/// i₀ + n₀·(i₁ + n₁·(i₂ + …)), the layout of ``Matrix`` and of NumPy's `order='F'`.
///
/// Rank 0 (shape `[]`) holds one scalar; any dimension may be 0. This is the in-memory form of a
/// NumPy `.npy` file (see `NumPy`); rank-2 arrays convert to and from ``Matrix``, rank-1 arrays to
/// and from `[Scalar]`.
public struct NDArray<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// The extent of each axis (NumPy's `shape`), in axis order.
    public private(set) var shape: [Int]
    /// The elements in column-major (Fortran) order; `elements.count` = Π shape.
    public private(set) var elements: [Scalar]

    /// Wraps column-major `elements` of the given `shape`.
    ///
    /// Throws ``LinearAlgebraError/invalidArgument(argument:reason:)`` for a negative extent or when the
    /// product of the extents overflows, and ``LinearAlgebraError/dimensionMismatch(operation:lhs:rhs:)``
    /// when `elements.count` differs from the product of the extents.
    public init(shape: [Int], elements: [Scalar]) throws {
        let count = try NDArray.elementCount(shape)
        guard elements.count == count else {
            throw LinearAlgebraError.dimensionMismatch(operation: "NDArray(shape:elements:)",
                                                       lhs: "shape \(shape) (\(count) elements)",
                                                       rhs: "\(elements.count) elements")
        }
        self.shape = shape
        self.elements = elements
    }

    /// An array of the given `shape` filled with `value` (zero by default).
    public init(shape: [Int], repeating value: Scalar = .zero) throws {
        let count = try NDArray.elementCount(shape)
        self.shape = shape
        self.elements = [Scalar](repeating: value, count: count)
    }

    /// The rank-2 array with the matrix's shape `[rows, columns]` and elements (no reordering needed:
    /// both are column-major).
    public init(_ matrix: Matrix<Scalar>) {
        self.shape = [matrix.rows, matrix.columns]
        self.elements = matrix.elements
    }

    /// The rank-1 array of shape `[vector.count]`.
    public init(vector: [Scalar]) {
        self.shape = [vector.count]
        self.elements = vector
    }

    /// Internal initializer for element arrays already known to match `shape`.
    package init(uncheckedShape shape: [Int], elements: [Scalar]) {
        self.shape = shape
        self.elements = elements
    }

    /// The number of axes (NumPy's `ndim`).
    public var rank: Int { shape.count }
    /// The number of elements, Π shape (1 for rank 0).
    public var count: Int { elements.count }

    /// The element at a multi-index; `index.count` must equal ``rank`` and each entry lie in range
    /// (a programming error otherwise, like an out-of-range `Array` subscript).
    public subscript(index: [Int]) -> Scalar {
        get { elements[offset(of: index)] }
        set { elements[offset(of: index)] = newValue }
    }

    /// The element at a multi-index given as variadic arguments, e.g. `a[1, 0, 2]`.
    public subscript(index: Int...) -> Scalar {
        get { self[index] }
        set { self[index] = newValue }
    }

    private func offset(of index: [Int]) -> Int { ColumnMajorLayout.offset(of: index, shape: shape) }

    /// The array as a ``Matrix``; requires rank 2, else throws
    /// ``LinearAlgebraError/invalidArgument(argument:reason:)``.
    public func asMatrix() throws -> Matrix<Scalar> {
        guard shape.count == 2 else {
            throw LinearAlgebraError.invalidArgument(
                argument: "array", reason: "a rank-\(shape.count) array of shape \(shape) is not a matrix")
        }
        return Matrix(uncheckedRows: shape[0], columns: shape[1], elements: elements)
    }

    /// The array as a vector; requires rank 1, else throws
    /// ``LinearAlgebraError/invalidArgument(argument:reason:)``.
    public func asVector() throws -> [Scalar] {
        guard shape.count == 1 else {
            throw LinearAlgebraError.invalidArgument(
                argument: "array", reason: "a rank-\(shape.count) array of shape \(shape) is not a vector")
        }
        return elements
    }

    /// Π shape, checking for negative extents and overflow.
    static func elementCount(_ shape: [Int]) throws -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else {
                throw LinearAlgebraError.invalidArgument(argument: "shape", reason: "negative extent in \(shape)")
            }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw LinearAlgebraError.invalidArgument(argument: "shape", reason: "element count of \(shape) overflows Int")
            }
            count = p
        }
        return count
    }
}

extension Matrix {
    /// The matrix held by a rank-2 ``NDArray`` (see ``NDArray/asMatrix()``).
    public init(_ array: NDArray<Scalar>) throws {
        self = try array.asMatrix()
    }
}
