import Numerics

/// A dense matrix stored column-major, as LAPACK expects: element (i, j) lives at `i + j·rows`.
///
/// `Matrix` is a value type. Its storage is a Swift `Array`, so copies are O(1) until one of
/// them is mutated (copy-on-write). One generic implementation serves `Double` and
/// `Complex<Double>` through ``LinearAlgebraScalar``.
public struct Matrix<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var columns: Int
    /// Column-major elements, `rows · columns` of them.
    public package(set) var elements: [Scalar]

    /// A `rows × columns` matrix filled with `value` (zero by default). Negative sizes count as 0.
    public init(rows: Int, columns: Int, repeating value: Scalar = .zero) {
        self.rows = Swift.max(0, rows)
        self.columns = Swift.max(0, columns)
        self.elements = [Scalar](repeating: value, count: self.rows * self.columns)
    }

    /// Wraps column-major `elements`; throws when the count is not `rows · columns`.
    public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "rows/columns", reason: "negative dimension")
        }
        guard elements.count == rows * columns else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "Matrix(rows:columns:elements:)", lhs: "\(rows)×\(columns)",
                rhs: "\(elements.count) elements")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Internal initializer for element arrays whose count is already known to be right.
    @usableFromInline package init(uncheckedRows rows: Int, columns: Int, elements: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// Builds a matrix from row arrays (convenient for literals in tests and examples).
    public init(_ rowArrays: [[Scalar]]) throws {
        let m = rowArrays.count
        let n = rowArrays.first?.count ?? 0
        guard rowArrays.allSatisfy({ $0.count == n }) else {
            throw LinearAlgebraError.invalidArgument(argument: "rows", reason: "rows have different lengths")
        }
        var e = [Scalar](repeating: .zero, count: m * n)
        for i in 0..<m { for j in 0..<n { e[i + j * m] = rowArrays[i][j] } }
        self.init(uncheckedRows: m, columns: n, elements: e)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i + i * n] = .one }
        return m
    }

    /// A diagonal matrix with the given diagonal.
    public static func diagonal(_ d: [Scalar]) -> Matrix {
        var m = Matrix(rows: d.count, columns: d.count)
        for i in 0..<d.count { m.elements[i + i * d.count] = d[i] }
        return m
    }

    /// A diagonal matrix with a real diagonal (e.g. singular values).
    public static func diagonal(real d: [Double]) -> Matrix {
        diagonal(d.map { Scalar(real: $0) })
    }

    /// Element access; `(i, j)` must lie inside the matrix.
    public subscript(i: Int, j: Int) -> Scalar {
        get { elements[i + j * rows] }
        set { elements[i + j * rows] = newValue }
    }

    /// `true` when the matrix has no elements.
    public var isEmpty: Bool { rows == 0 || columns == 0 }
    /// `true` when `rows == columns`.
    public var isSquare: Bool { rows == columns }
    /// `"m×n"`, used in error messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }

    /// Column `j` as a slice of the storage (no copy).
    public func column(_ j: Int) -> ArraySlice<Scalar> {
        elements[(j * rows)..<((j + 1) * rows)]
    }

    /// Row `i` (a copy; rows are strided in column-major storage).
    public func row(_ i: Int) -> [Scalar] {
        (0..<columns).map { elements[i + $0 * rows] }
    }

    /// Columns `range` as a new matrix (one contiguous copy).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func columns(_ range: Range<Int>) -> Matrix {
        Matrix(uncheckedRows: rows, columns: range.count,
               elements: Array(elements[(range.lowerBound * rows)..<(range.upperBound * rows)]))
    }

    /// Rows `range` as a new matrix.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func rows(_ range: Range<Int>) -> Matrix {
        submatrix(rows: range, columns: 0..<columns)
    }

    /// The block `A[rows, columns]` as a new matrix.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func submatrix(rows r: Range<Int>, columns c: Range<Int>) -> Matrix {
        var out = [Scalar](repeating: .zero, count: r.count * c.count)
        elements.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (jj, j) in c.enumerated() {
                    let s = r.lowerBound + j * rows
                    for ii in 0..<r.count { dst[ii + jj * r.count] = src[s + ii] }
                }
            }
        }
        return Matrix(uncheckedRows: r.count, columns: c.count, elements: out)
    }

    /// Replaces columns starting at `start` with the columns of `block`.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public mutating func setColumns(from start: Int, to block: Matrix) throws {
        guard block.rows == rows, start >= 0, start + block.columns <= columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "setColumns", lhs: shapeDescription,
                                                       rhs: "\(block.shapeDescription) at column \(start)")
        }
        elements.replaceSubrange((start * rows)..<((start + block.columns) * rows), with: block.elements)
    }

    /// Appends the columns of `other` (same number of rows), e.g. growing an ADI factor.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public mutating func appendColumns(_ other: Matrix) throws {
        if columns == 0 { rows = other.rows }
        guard other.rows == rows else {
            throw LinearAlgebraError.dimensionMismatch(operation: "appendColumns", lhs: shapeDescription,
                                                       rhs: other.shapeDescription)
        }
        elements.append(contentsOf: other.elements)
        columns += other.columns
    }

    /// The transpose `Aᵀ`.
    public var transposed: Matrix {
        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Complex<Double>)
        get {
        var out = [Scalar](repeating: .zero, count: elements.count)
        let m = rows, n = columns
        elements.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                // Blocked to stay cache-friendly on large matrices.
                let bs = 32
                var jb = 0
                while jb < n {
                    let je = Swift.min(jb + bs, n)
                    var ib = 0
                    while ib < m {
                        let ie = Swift.min(ib + bs, m)
                        for j in jb..<je { for i in ib..<ie { dst[j + i * n] = src[i + j * m] } }
                        ib = ie
                    }
                    jb = je
                }
            }
        }
        return Matrix(uncheckedRows: n, columns: m, elements: out)
        }
    }

    /// The conjugate transpose `Aᴴ` (equal to `Aᵀ` for real matrices).
    public var adjoint: Matrix {
        var t = transposed
        if Scalar.isComplex { t.elements = t.elements.map { $0.conjugated } }
        return t
    }

    /// The diagonal entries.
    public var diagonalEntries: [Scalar] {
        (0..<Swift.min(rows, columns)).map { elements[$0 + $0 * rows] }
    }

    /// `true` when every element is finite.
    public var isFinite: Bool {
        @_specialize(exported: true, where Scalar == Double)
        @_specialize(exported: true, where Scalar == Complex<Double>)
        get {
            elements.withUnsafeBufferPointer { p in
                for v in p where !v.isFiniteValue { return false }
                return true
            }
        }
    }

    /// Throws ``LinearAlgebraError/nonFinite(argument:)`` when an element is NaN or ±Inf.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func requireFinite(_ argument: String) throws {
        guard isFinite else { throw LinearAlgebraError.nonFinite(argument: argument) }
    }

    /// Throws ``LinearAlgebraError/emptyMatrix(argument:)`` when the matrix has no elements.
    public func requireNonEmpty(_ argument: String) throws {
        guard !isEmpty else { throw LinearAlgebraError.emptyMatrix(argument: argument) }
    }
}

extension Matrix where Scalar == Double {
    /// Embeds a real matrix in complex arithmetic.
    public var complexified: Matrix<Complex<Double>> {
        Matrix<Complex<Double>>(uncheckedRows: rows, columns: columns,
                                elements: elements.map { Complex($0, 0) })
    }
}

extension Matrix where Scalar == Complex<Double> {
    /// The element-wise real part.
    public var realPart: Matrix<Double> {
        Matrix<Double>(uncheckedRows: rows, columns: columns, elements: elements.map { $0.real })
    }
    /// The element-wise imaginary part.
    public var imaginaryPart: Matrix<Double> {
        Matrix<Double>(uncheckedRows: rows, columns: columns, elements: elements.map { $0.imaginary })
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        var s = "Matrix<\(Scalar.self)> \(rows)×\(columns)"
        if rows * columns <= 64 {
            for i in 0..<rows { s += "\n  " + row(i).map { "\($0)" }.joined(separator: "  ") }
        }
        return s
    }
}

extension Matrix {
    /// Reserves storage for `count` columns in total (amortizes repeated ``appendColumns(_:)``).
    public mutating func reserveColumns(_ count: Int) {
        elements.reserveCapacity(Swift.max(rows, 1) * count)
    }
}
