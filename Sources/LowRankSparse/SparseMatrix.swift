import LowRankKernels

/// A sparse matrix in compressed sparse column (CSC) form, the layout of UMFPACK, CHOLMOD and MATLAB.
///
/// Column `j` holds the entries `values[k]` at rows `rowIndices[k]` for `k` in
/// `columnPointers[j] ..< columnPointers[j + 1]`; indices are 0-based, strictly increasing within each column
/// (no duplicates), and `columnPointers` has `columns + 1` elements starting at 0. Explicit zeros may be stored
/// (they keep a sparsity pattern fixed, e.g. for the shifted systems `A + pE` of ADI iterations).
/// See Davis, *Direct Methods for Sparse Linear Systems*, SIAM 2006, §2.2.
///
/// A value type: copies share storage until one is mutated. Equality compares the stored structure, so two
/// matrices with the same entries but different explicitly stored zeros are unequal.
public struct SparseMatrix<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Start of each column in ``rowIndices``/``values``; `columns + 1` entries, the last equal to the entry count.
    public private(set) var columnPointers: [Int]
    /// 0-based row index of each stored entry, increasing within a column.
    public private(set) var rowIndices: [Int]
    /// The stored values, aligned with ``rowIndices``.
    public internal(set) var values: [Scalar]

    /// Internal initializer for arrays already known to be a valid CSC structure.
    init(uncheckedRows rows: Int, columns: Int, columnPointers: [Int], rowIndices: [Int], values: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.columnPointers = columnPointers
        self.rowIndices = rowIndices
        self.values = values
    }

    /// The `rows × columns` zero matrix (no stored entries).
    public init(rows: Int, columns: Int) throws {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "rows/columns", reason: "negative dimension")
        }
        self.init(uncheckedRows: rows, columns: columns, columnPointers: [Int](repeating: 0, count: columns + 1),
                  rowIndices: [], values: [])
    }

    /// Wraps CSC arrays after validating them: `columnPointers` has `columns + 1` non-decreasing entries from 0 to
    /// `rowIndices.count == values.count`, and row indices lie in `0..<rows`, strictly increasing in each column.
    ///
    /// - Throws: `LinearAlgebraError.invalidArgument(argument:reason:)` or
    ///   `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` describing the first violation.
    public init(rows: Int, columns: Int, columnPointers: [Int], rowIndices: [Int], values: [Scalar]) throws {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "rows/columns", reason: "negative dimension")
        }
        guard columnPointers.count == columns + 1 else {
            throw LinearAlgebraError.dimensionMismatch(operation: "SparseMatrix(columnPointers:)",
                                                       lhs: "\(columns) columns",
                                                       rhs: "\(columnPointers.count) column pointers")
        }
        guard rowIndices.count == values.count else {
            throw LinearAlgebraError.dimensionMismatch(operation: "SparseMatrix(rowIndices:values:)",
                                                       lhs: "\(rowIndices.count) row indices",
                                                       rhs: "\(values.count) values")
        }
        guard columnPointers[0] == 0, columnPointers[columns] == rowIndices.count else {
            throw LinearAlgebraError.invalidArgument(argument: "columnPointers",
                                                     reason: "must start at 0 and end at the entry count")
        }
        for j in 0..<columns {
            let a = columnPointers[j], b = columnPointers[j + 1]
            guard a <= b else {
                throw LinearAlgebraError.invalidArgument(argument: "columnPointers", reason: "decreasing at column \(j)")
            }
            var previous = -1
            for k in a..<b {
                let i = rowIndices[k]
                guard i > previous, i < rows else {
                    throw LinearAlgebraError.invalidArgument(
                        argument: "rowIndices",
                        reason: "column \(j): row index \(i) out of range or not strictly increasing")
                }
                previous = i
            }
        }
        self.init(uncheckedRows: rows, columns: columns, columnPointers: columnPointers, rowIndices: rowIndices,
                  values: values)
    }

    /// Builds the matrix from coordinate (COO) triplets `(rowIndices[k], columnIndices[k], values[k])`, 0-based.
    ///
    /// Duplicate positions are summed (the Matrix Market and MATLAB `sparse` convention); row indices end up
    /// sorted within each column. Cost O(nnz + rows + columns) (two counting-sort passes, Davis 2006, §2.4).
    ///
    /// - Throws: `LinearAlgebraError` when the arrays differ in length or an index lies outside the shape.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public init(rows: Int, columns: Int, rowIndices: [Int], columnIndices: [Int], values: [Scalar]) throws {
        guard rows >= 0, columns >= 0 else {
            throw LinearAlgebraError.invalidArgument(argument: "rows/columns", reason: "negative dimension")
        }
        guard rowIndices.count == columnIndices.count, rowIndices.count == values.count else {
            throw LinearAlgebraError.dimensionMismatch(
                operation: "SparseMatrix(triplets:)", lhs: "\(rowIndices.count) rows, \(columnIndices.count) columns",
                rhs: "\(values.count) values")
        }
        for k in 0..<rowIndices.count {
            guard rowIndices[k] >= 0, rowIndices[k] < rows, columnIndices[k] >= 0, columnIndices[k] < columns else {
                throw LinearAlgebraError.invalidArgument(
                    argument: "triplet \(k)",
                    reason: "(\(rowIndices[k]), \(columnIndices[k])) outside a \(rows)×\(columns) matrix")
            }
        }
        self = SparseMatrix.assemble(rows: rows, columns: columns, rowIndices: rowIndices,
                                     columnIndices: columnIndices, values: values)
    }

    /// Assembly of validated triplets: one counting-sort pass buckets the entries by column, then each column is
    /// sorted by row (insertion sort when short or nearly sorted, a comparison sort otherwise) and duplicates are
    /// summed while the columns are compacted.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    package static func assemble(rows: Int, columns: Int, rowIndices ri: [Int], columnIndices ci: [Int],
                         values v: [Scalar]) -> SparseMatrix {
        let nnz = ri.count
        var colPtr = [Int](repeating: 0, count: columns + 1)
        var rIdx = [Int](repeating: 0, count: nnz)
        var vals = [Scalar](repeating: .zero, count: nnz)
        var stored = 0
        ri.withUnsafeBufferPointer { r in
            ci.withUnsafeBufferPointer { c in
                v.withUnsafeBufferPointer { vv in
                    colPtr.withUnsafeMutableBufferPointer { cp in
                        rIdx.withUnsafeMutableBufferPointer { oi in
                            vals.withUnsafeMutableBufferPointer { ov in
                                for k in 0..<nnz { cp[c[k] + 1] += 1 }
                                for j in 0..<columns { cp[j + 1] += cp[j] }
                                var next = Array(cp.dropLast())
                                next.withUnsafeMutableBufferPointer { nx in
                                    for k in 0..<nnz {
                                        let d = nx[c[k]]
                                        oi[d] = r[k]
                                        ov[d] = vv[k]
                                        nx[c[k]] = d + 1
                                    }
                                }
                                var w = 0
                                for j in 0..<columns {
                                    let a = cp[j], b = cp[j + 1]
                                    sortColumn(oi, ov, a, b)
                                    cp[j] = w
                                    var t = a
                                    while t < b {
                                        let i = oi[t]
                                        var x = ov[t]
                                        t += 1
                                        while t < b && oi[t] == i { x += ov[t]; t += 1 }
                                        oi[w] = i
                                        ov[w] = x
                                        w += 1
                                    }
                                }
                                cp[columns] = w
                                stored = w
                            }
                        }
                    }
                }
            }
        }
        rIdx.removeLast(nnz - stored)
        vals.removeLast(nnz - stored)
        return SparseMatrix(uncheckedRows: rows, columns: columns, columnPointers: colPtr, rowIndices: rIdx,
                            values: vals)
    }

    /// Sorts entries `a..<b` by row index (stable, so duplicates keep their file order).
    @inline(__always)
    private static func sortColumn(_ oi: UnsafeMutableBufferPointer<Int>, _ ov: UnsafeMutableBufferPointer<Scalar>,
                                   _ a: Int, _ b: Int) {
        var sorted = true
        var t = a + 1
        while t < b { if oi[t] < oi[t - 1] { sorted = false; break }; t += 1 }
        if sorted { return }
        if b - a <= 32 {
            for t in (a + 1)..<b {
                let i = oi[t], x = ov[t]
                var u = t
                while u > a && oi[u - 1] > i { oi[u] = oi[u - 1]; ov[u] = ov[u - 1]; u -= 1 }
                oi[u] = i
                ov[u] = x
            }
            return
        }
        var order = Array(a..<b)
        order.sort { oi[$0] < oi[$1] || (oi[$0] == oi[$1] && $0 < $1) }
        let rowsCopy = order.map { oi[$0] }
        let valuesCopy = order.map { ov[$0] }
        for t in 0..<(b - a) {
            oi[a + t] = rowsCopy[t]
            ov[a + t] = valuesCopy[t]
        }
    }

    /// The sparse form of a dense matrix, keeping entries with modulus `> dropTolerance` (all nonzeros by default).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public init(_ dense: Matrix<Scalar>, dropTolerance: Double = 0) {
        var ptr = [Int](repeating: 0, count: dense.columns + 1)
        var idx: [Int] = []
        var vals: [Scalar] = []
        let m = dense.rows
        dense.elements.withUnsafeBufferPointer { a in
            for j in 0..<dense.columns {
                for i in 0..<m {
                    let x = a[i + j * m]
                    if x != .zero && x.modulus > dropTolerance {
                        idx.append(i)
                        vals.append(x)
                    }
                }
                ptr[j + 1] = idx.count
            }
        }
        self.init(uncheckedRows: dense.rows, columns: dense.columns, columnPointers: ptr, rowIndices: idx,
                  values: vals)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> SparseMatrix {
        diagonal([Scalar](repeating: .one, count: max(n, 0)))
    }

    /// The square diagonal matrix with diagonal `d` (all entries stored, zeros included).
    public static func diagonal(_ d: [Scalar]) -> SparseMatrix {
        SparseMatrix(uncheckedRows: d.count, columns: d.count, columnPointers: Array(0...d.count),
                     rowIndices: Array(0..<d.count), values: d)
    }

    /// Number of stored entries (explicit zeros included).
    public var nonzeroCount: Int { values.count }

    /// `"m×n (nnz stored)"`, used in error messages.
    public var shapeDescription: String { "\(rows)×\(columns)" }

    /// The entry at `(i, j)` (zero when not stored), found by binary search in column `j`: O(log nnz(j)).
    /// Throws when `(i, j)` is outside the matrix.
    public func entry(_ i: Int, _ j: Int) throws -> Scalar {
        guard i >= 0, i < rows, j >= 0, j < columns else {
            throw LinearAlgebraError.invalidArgument(argument: "(i, j)",
                                                     reason: "(\(i), \(j)) outside a \(shapeDescription) matrix")
        }
        var lo = columnPointers[j], hi = columnPointers[j + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if rowIndices[mid] < i { lo = mid + 1 } else { hi = mid }
        }
        return lo < columnPointers[j + 1] && rowIndices[lo] == i ? values[lo] : .zero
    }

    /// The diagonal entries `A[k, k]`, `k < min(rows, columns)` (zero where not stored).
    public var diagonalEntries: [Scalar] {
        (0..<min(rows, columns)).map { (try? entry($0, $0)) ?? .zero }
    }

    /// The dense matrix with the same entries.
    public var dense: Matrix<Scalar> {
        var m = Matrix<Scalar>(rows: rows, columns: columns)
        let r = rows
        m.elements.withUnsafeMutableBufferPointer { a in
            for j in 0..<columns {
                for k in columnPointers[j]..<columnPointers[j + 1] { a[rowIndices[k] + j * r] = values[k] }
            }
        }
        return m
    }

    /// The transpose `Aᵀ`, O(nnz + rows + columns) by one counting sort (row indices come out sorted).
    public var transposed: SparseMatrix { transpose(conjugating: false) }

    /// The conjugate transpose `Aᴴ` (equal to `Aᵀ` for real matrices).
    public var adjoint: SparseMatrix { transpose(conjugating: Scalar.isComplex) }

    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    private func transpose(conjugating: Bool) -> SparseMatrix {
        let nnz = values.count
        var ptr = [Int](repeating: 0, count: rows + 1)
        for i in rowIndices { ptr[i + 1] += 1 }
        for i in 0..<rows { ptr[i + 1] += ptr[i] }
        var idx = [Int](repeating: 0, count: nnz)
        var vals = [Scalar](repeating: .zero, count: nnz)
        var next = ptr
        columnPointers.withUnsafeBufferPointer { cp in
            rowIndices.withUnsafeBufferPointer { ri in
                values.withUnsafeBufferPointer { v in
                    idx.withUnsafeMutableBufferPointer { oi in
                        vals.withUnsafeMutableBufferPointer { ov in
                            next.withUnsafeMutableBufferPointer { nx in
                                for j in 0..<columns {
                                    for k in cp[j]..<cp[j + 1] {
                                        let d = nx[ri[k]]
                                        oi[d] = j
                                        ov[d] = conjugating ? v[k].conjugated : v[k]
                                        nx[ri[k]] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return SparseMatrix(uncheckedRows: columns, columns: rows, columnPointers: ptr, rowIndices: idx, values: vals)
    }

    /// The same matrix in compressed sparse row form.
    public var csr: CSRMatrix<Scalar> {
        let t = transposed
        return CSRMatrix(rows: rows, columns: columns, rowPointers: t.columnPointers, columnIndices: t.rowIndices,
                         values: t.values)
    }

    /// The Frobenius norm ‖A‖_F = (Σ |a_ij|²)^½, with scaling against overflow (LAPACK `dlassq` style).
    public var frobeniusNorm: Double {
        var scale = 0.0, sumsq = 1.0
        @inline(__always) func accumulate(_ part: Double) {
            guard part != 0 else { return }
            let a = Swift.abs(part)
            if scale < a {
                sumsq = 1 + sumsq * (scale / a) * (scale / a)
                scale = a
            } else {
                sumsq += (a / scale) * (a / scale)
            }
        }
        for x in values {
            accumulate(x.realPart)
            if Scalar.isComplex { accumulate(x.imaginaryPart) }
        }
        return scale * sumsq.squareRoot()
    }

    /// `true` when every stored value is finite.
    public var isFinite: Bool { values.allSatisfy { $0.isFiniteValue } }

    /// The sparse matrix–vector product `y = op(A) x` with `op` ∈ {identity, transpose, adjoint}; O(nnz).
    ///
    /// `A x` scatters column by column (axpy form); `Aᵀ x` and `Aᴴ x` gather (dot form) — both stream the CSC
    /// arrays once.
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` when `x` has the wrong length.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func apply(_ x: [Scalar], _ trans: Transpose = .none) throws -> [Scalar] {
        let (m, n) = trans == .none ? (rows, columns) : (columns, rows)
        guard x.count == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "sparse matrix-vector product",
                                                       lhs: "op(A) \(m)×\(n)", rhs: "x of length \(x.count)")
        }
        var y = [Scalar](repeating: .zero, count: m)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                multiplyColumn(px, py, trans)
            }
        }
        return y
    }

    /// `y = op(A) x` on raw buffers (`y` zeroed by the caller).
    @inline(__always)
    private func multiplyColumn(_ x: UnsafeBufferPointer<Scalar>, _ y: UnsafeMutableBufferPointer<Scalar>,
                                _ trans: Transpose) {
        columnPointers.withUnsafeBufferPointer { cp in
            rowIndices.withUnsafeBufferPointer { ri in
                values.withUnsafeBufferPointer { v in
                    switch trans {
                    case .none:
                        for j in 0..<columns {
                            let xj = x[j]
                            if xj == .zero { continue }
                            for k in cp[j]..<cp[j + 1] { y[ri[k]] += v[k] * xj }
                        }
                    case .transpose:
                        for j in 0..<columns {
                            var s = Scalar.zero
                            for k in cp[j]..<cp[j + 1] { s += v[k] * x[ri[k]] }
                            y[j] = s
                        }
                    case .adjoint:
                        for j in 0..<columns {
                            var s = Scalar.zero
                            for k in cp[j]..<cp[j + 1] { s += v[k].conjugated * x[ri[k]] }
                            y[j] = s
                        }
                    }
                }
            }
        }
    }

    /// The sparse × dense product `op(A) · B`, one sparse product per column of `B`; O(nnz · B.columns).
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` on mismatched inner dimensions.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func multiplied(by b: Matrix<Scalar>, _ trans: Transpose = .none) throws -> Matrix<Scalar> {
        let (m, n) = trans == .none ? (rows, columns) : (columns, rows)
        guard b.rows == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "sparse-dense product",
                                                       lhs: "op(A) \(m)×\(n)", rhs: "B \(b.shapeDescription)")
        }
        var c = Matrix<Scalar>(rows: m, columns: b.columns)
        b.elements.withUnsafeBufferPointer { pb in
            c.elements.withUnsafeMutableBufferPointer { pc in
                for col in 0..<b.columns {
                    let x = UnsafeBufferPointer(rebasing: pb[(col * n)..<((col + 1) * n)])
                    let y = UnsafeMutableBufferPointer(rebasing: pc[(col * m)..<((col + 1) * m)])
                    multiplyColumn(x, y, trans)
                }
            }
        }
        return c
    }

    /// `A + p·E` for a same-shape sparse `E`; the result's pattern is the union of both patterns (entries that
    /// cancel stay stored), so every shift `p` yields the same pattern — what a reusable symbolic factorization
    /// (``SparseLU/analyze(pattern:)``) needs for the shifted systems `(A + pE) X = B` of ADI. O(nnz(A) + nnz(E)).
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` when the shapes differ.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func scaledAndAdded(_ e: SparseMatrix, scaledBy p: Scalar) throws -> SparseMatrix {
        guard e.rows == rows, e.columns == columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "A + p·E", lhs: "A \(shapeDescription)",
                                                       rhs: "E \(e.shapeDescription)")
        }
        var ptr = [Int](repeating: 0, count: columns + 1)
        var idx: [Int] = []
        var vals: [Scalar] = []
        idx.reserveCapacity(values.count + e.values.count)
        vals.reserveCapacity(values.count + e.values.count)
        for j in 0..<columns {
            var a = columnPointers[j], b = e.columnPointers[j]
            let aEnd = columnPointers[j + 1], bEnd = e.columnPointers[j + 1]
            while a < aEnd || b < bEnd {
                let ia = a < aEnd ? rowIndices[a] : Int.max
                let ib = b < bEnd ? e.rowIndices[b] : Int.max
                if ia == ib {
                    idx.append(ia); vals.append(values[a] + p * e.values[b]); a += 1; b += 1
                } else if ia < ib {
                    idx.append(ia); vals.append(values[a]); a += 1
                } else {
                    idx.append(ib); vals.append(p * e.values[b]); b += 1
                }
            }
            ptr[j + 1] = idx.count
        }
        return SparseMatrix(uncheckedRows: rows, columns: columns, columnPointers: ptr, rowIndices: idx, values: vals)
    }

    /// `A · s` for a scalar `s` (pattern unchanged).
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func scaled(by s: Scalar) -> SparseMatrix {
        var out = self
        out.values = values.map { $0 * s }
        return out
    }

    /// Throws `LinearAlgebraError.nonFinite(argument:)` when a stored value is NaN or ±Inf.
    public func requireFinite(_ argument: String) throws {
        guard isFinite else { throw LinearAlgebraError.nonFinite(argument: argument) }
    }
}

extension SparseMatrix where Scalar == Double {
    /// Embeds a real sparse matrix in complex arithmetic (same pattern), e.g. to form `A + pE` for complex `p`.
    public var complexified: SparseMatrix<Complex<Double>> {
        SparseMatrix<Complex<Double>>(uncheckedRows: rows, columns: columns, columnPointers: columnPointers,
                                      rowIndices: rowIndices, values: values.map { Complex($0, 0) })
    }
}

/// A sparse matrix in compressed sparse row (CSR) form: row `i` holds `values[k]` at columns `columnIndices[k]`
/// for `k` in `rowPointers[i] ..< rowPointers[i + 1]` (0-based, sorted, no duplicates).
///
/// The CSR arrays of `A` are the CSC arrays of `Aᵀ`; obtain one with ``SparseMatrix/csr`` and go back with
/// ``csc``. Row-oriented products `y = A x` gather per row, which parallelises without write conflicts.
public struct CSRMatrix<Scalar: LinearAlgebraScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Start of each row; `rows + 1` entries.
    public let rowPointers: [Int]
    /// 0-based column index of each stored entry, increasing within a row.
    public let columnIndices: [Int]
    /// The stored values.
    public let values: [Scalar]

    /// The same matrix in compressed sparse column form.
    public var csc: SparseMatrix<Scalar> {
        SparseMatrix(uncheckedRows: columns, columns: rows, columnPointers: rowPointers, rowIndices: columnIndices,
                     values: values).transposed
    }

    /// `y = A x`, one dot product per row; O(nnz).
    /// - Throws: `LinearAlgebraError.dimensionMismatch(operation:lhs:rhs:)` when `x` has the wrong length.
    @_specialize(exported: true, where Scalar == Double)
    @_specialize(exported: true, where Scalar == Complex<Double>)
    public func apply(_ x: [Scalar]) throws -> [Scalar] {
        guard x.count == columns else {
            throw LinearAlgebraError.dimensionMismatch(operation: "CSR matrix-vector product",
                                                       lhs: "A \(rows)×\(columns)", rhs: "x of length \(x.count)")
        }
        var y = [Scalar](repeating: .zero, count: rows)
        rowPointers.withUnsafeBufferPointer { rp in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    x.withUnsafeBufferPointer { px in
                        y.withUnsafeMutableBufferPointer { py in
                            for i in 0..<rows {
                                var s = Scalar.zero
                                for k in rp[i]..<rp[i + 1] { s += v[k] * px[ci[k]] }
                                py[i] = s
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}
