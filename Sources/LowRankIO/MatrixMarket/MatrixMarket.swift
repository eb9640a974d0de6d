#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LowRankKernels
import LowRankSparse

// Typed readers and writers on top of the byte-level parser in MatrixMarketParser.swift.
extension MatrixMarket {
    /// The largest dense matrix (in elements) a `coordinate` file may be expanded to by ``read(_:as:)``: 2²⁸
    /// (2 GiB of `Double`s). `array` files hold every value, so their size is bounded by the file itself.
    public static let maximumDenseElements = 1 << 28

    /// Sparse conversion allocates O(rows + columns) index space, so a `coordinate` file's `rows + columns` may
    /// not exceed `max(2²², 64 · entries)`: a header cannot make the reader allocate far more than its data justify
    /// (a 30000000×30000000 header with one entry is refused instead of allocating half a gigabyte of pointers).
    public static func maximumSparseDimensionSum(entries: Int) -> Int { max(1 << 22, 64 * entries) }

    /// Reads a file as a dense matrix of `scalar`s (`array` files directly, `coordinate` files expanded with
    /// duplicates summed). Real data reads into complex matrices; complex data into a real matrix is an error.
    ///
    /// - Throws: ``MatrixMarketError`` naming the file and line.
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func read<S: LinearAlgebraScalar>(_ path: String, as scalar: S.Type) throws -> Matrix<S> {
        let doc = try withFileBytes(path) { try parse(bytes: $0, name: path) }
        return try dense(doc, as: S.self, name: path)
    }

    /// Reads a file as a sparse matrix of `scalar`s (duplicates summed; `array` files keep their nonzeros).
    ///
    /// - Throws: ``MatrixMarketError`` naming the file and line.
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func readSparse<S: LinearAlgebraScalar>(_ path: String, as scalar: S.Type) throws
        -> SparseMatrix<S> {
        let doc = try withFileBytes(path) { try parse(bytes: $0, name: path) }
        return try sparse(doc, as: S.self, name: path)
    }

    /// Reads a real matrix (`array` or `coordinate`, real/integer/pattern field) as a dense `Matrix<Double>`.
    public static func readDense(_ path: String) throws -> Matrix<Double> { try read(path, as: Double.self) }

    /// Reads a real matrix as a `SparseMatrix<Double>`.
    public static func readSparse(_ path: String) throws -> SparseMatrix<Double> {
        try readSparse(path, as: Double.self)
    }

    /// Reads any real or complex matrix as a dense `Matrix<Complex<Double>>`.
    public static func readComplexDense(_ path: String) throws -> Matrix<Complex<Double>> {
        try read(path, as: Complex<Double>.self)
    }

    /// Reads any real or complex matrix as a `SparseMatrix<Complex<Double>>`.
    public static func readComplexSparse(_ path: String) throws -> SparseMatrix<Complex<Double>> {
        try readSparse(path, as: Complex<Double>.self)
    }

    /// Converts a parsed document to a dense matrix; `name` is used in error messages.
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func dense<S: LinearAlgebraScalar>(_ doc: Document, as scalar: S.Type, name: String) throws
        -> Matrix<S> {
        try checkScalar(doc, S.self, name)
        let m = doc.rows, n = doc.columns
        switch doc.storage {
        case .dense(let values):
            return Matrix(uncheckedRows: m, columns: n, elements: scalars(values, complex: doc.isComplex, S.self))
        case let .coordinate(ri, ci, values):
            guard m * n <= maximumDenseElements else {
                throw MatrixMarketError.unsupported(
                    file: name, reason: "a \(m)×\(n) coordinate matrix is too large to expand to a dense matrix")
            }
            try MemoryBudget.require(Double(m) * Double(n) * Double(MemoryLayout<S>.stride),
                                     for: "\(name): a dense \(m)×\(n) matrix")
            var out = Matrix<S>(rows: m, columns: n)
            let v: [S] = values.isEmpty ? [] : scalars(values, complex: doc.isComplex, S.self)
            out.elements.withUnsafeMutableBufferPointer { a in
                for k in 0..<ri.count { a[ri[k] + ci[k] * m] += v.isEmpty ? S.one : v[k] }
            }
            return out
        }
    }

    /// Converts a parsed document to a sparse matrix; `name` is used in error messages.
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func sparse<S: LinearAlgebraScalar>(_ doc: Document, as scalar: S.Type, name: String) throws
        -> SparseMatrix<S> {
        try checkScalar(doc, S.self, name)
        if case .coordinate = doc.storage,
           doc.rows + doc.columns > maximumSparseDimensionSum(entries: doc.header.entries) {
            throw MatrixMarketError.unsupported(
                file: name, reason: "a \(doc.rows)×\(doc.columns) matrix with \(doc.header.entries) entries exceeds "
                    + "the sparse size limit (rows + columns ≤ max(2^22, 64·entries))")
        }
        switch doc.storage {
        case .dense(let values):
            return SparseMatrix(Matrix(uncheckedRows: doc.rows, columns: doc.columns,
                                       elements: scalars(values, complex: doc.isComplex, S.self)))
        case let .coordinate(ri, ci, values):
            let v: [S] = values.isEmpty ? [S](repeating: .one, count: ri.count)
                                        : scalars(values, complex: doc.isComplex, S.self)
            return SparseMatrix.assemble(rows: doc.rows, columns: doc.columns, rowIndices: ri, columnIndices: ci,
                                         values: v)
        }
    }

    private static func checkScalar<S: LinearAlgebraScalar>(_ doc: Document, _: S.Type, _ name: String) throws {
        if doc.isComplex && !S.isComplex {
            throw MatrixMarketError.unsupported(file: name, reason: "complex data cannot be read as a real matrix")
        }
    }

    /// Doubles (interleaved pairs when `complex`) to scalars; no copy for `Double`.
    private static func scalars<S: LinearAlgebraScalar>(_ values: [Double], complex: Bool, _: S.Type) -> [S] {
        if S.self == Double.self { return unsafeBitCast(values, to: [S].self) }
        if complex {
            return (0..<(values.count / 2)).map { S(real: values[2 * $0], imaginary: values[2 * $0 + 1]) }
        }
        return values.map { S(real: $0) }
    }

    // MARK: Writing

    /// Writes a dense matrix in `array general` format (`real` or `complex` by scalar type), column by column.
    ///
    /// Numbers are written as the shortest decimal that reads back to the identical double (Swift's
    /// `description`, Steele–White/Ryū style), so a round trip is exact, as with `%.17g`. The file appears
    /// atomically: data go to a temporary file in the same directory, which is renamed over `path` only after a
    /// complete write, so a failure never leaves partial output.
    /// - Throws: ``MatrixMarketError/nonFinite(file:line:)`` for NaN/Inf values (with the line they would occupy),
    ///   ``MatrixMarketError/io(file:reason:)`` on system errors.
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func write<S: LinearAlgebraScalar>(_ matrix: Matrix<S>, to path: String) throws {
        let field = S.isComplex ? "complex" : "real"
        try atomicWrite(path) { out in
            out.append("%%MatrixMarket matrix array \(field) general\n")
            out.append("\(matrix.rows) \(matrix.columns)\n")
            var line = 3
            for x in matrix.elements {
                guard x.isFiniteValue else { throw MatrixMarketError.nonFinite(file: path, line: line) }
                out.append(x.realPart)
                if S.isComplex {
                    out.append(byte: 32)
                    out.append(x.imaginaryPart)
                }
                out.append(byte: 10)
                line += 1
                try out.flushIfFull()
            }
        }
    }

    /// Writes a sparse matrix in `coordinate general` format, entries column by column with 1-based indices.
    ///
    /// Same number format and atomicity as the dense writer.
    @_specialize(exported: true, where S == Double)
    @_specialize(exported: true, where S == Complex<Double>)
    public static func write<S: LinearAlgebraScalar>(_ sparse: SparseMatrix<S>, to path: String) throws {
        let field = S.isComplex ? "complex" : "real"
        try atomicWrite(path) { out in
            out.append("%%MatrixMarket matrix coordinate \(field) general\n")
            out.append("\(sparse.rows) \(sparse.columns) \(sparse.nonzeroCount)\n")
            var line = 3
            for j in 0..<sparse.columns {
                for k in sparse.columnPointers[j]..<sparse.columnPointers[j + 1] {
                    let x = sparse.values[k]
                    guard x.isFiniteValue else { throw MatrixMarketError.nonFinite(file: path, line: line) }
                    out.append(sparse.rowIndices[k] + 1)
                    out.append(byte: 32)
                    out.append(j + 1)
                    out.append(byte: 32)
                    out.append(x.realPart)
                    if S.isComplex {
                        out.append(byte: 32)
                        out.append(x.imaginaryPart)
                    }
                    out.append(byte: 10)
                    line += 1
                    try out.flushIfFull()
                }
            }
        }
    }

    /// Buffered output to a file descriptor.
    final class OutputBuffer {
        let fd: Int32
        let path: String
        var buffer: [UInt8] = []

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            buffer.reserveCapacity(1 << 20)
        }

        func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

        func append(byte: UInt8) { buffer.append(byte) }

        /// The shortest decimal that reads back as exactly `x` (Swift's `description`).
        func append(_ x: Double) { buffer.append(contentsOf: x.description.utf8) }

        func append(_ i: Int) { buffer.append(contentsOf: String(i).utf8) }

        func flushIfFull() throws { if buffer.count >= 1 << 20 { try flush() } }

        func flush() throws {
            var offset = 0
            while offset < buffer.count {
                let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw MatrixMarketError.io(file: path, reason: String(cString: strerror(errno)))
                }
                offset += n
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes through `body` into a temporary file next to `path`, then renames it over `path`.
    static func atomicWrite(_ path: String, _ body: (OutputBuffer) throws -> Void) throws {
        if let problem = replaceableFileProblem(path) { throw MatrixMarketError.io(file: path, reason: problem) }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var rng = SystemRandomNumberGenerator()
        let tmp = "\(dir).\(base).tmp-\(getpid())-\(String(rng.next() as UInt64, radix: 36))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw MatrixMarketError.io(file: path, reason: String(cString: strerror(errno)))
        }
        var closed = false
        do {
            let out = OutputBuffer(fd: fd, path: path)
            try body(out)
            try out.flush()
            if fsync(fd) != 0 {
                throw MatrixMarketError.io(file: path, reason: String(cString: strerror(errno)))
            }
            closed = true
            if close(fd) != 0 {
                throw MatrixMarketError.io(file: path, reason: String(cString: strerror(errno)))
            }
            if rename(tmp, path) != 0 {
                throw MatrixMarketError.io(file: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            if !closed { close(fd) }
            unlink(tmp)
            throw error
        }
    }
}
