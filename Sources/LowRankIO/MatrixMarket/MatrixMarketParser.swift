#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Reading and writing the NIST Matrix Market exchange format.
///
/// The format (Boisvert, Pozo, Remington, "The Matrix Market Exchange Formats: Initial Design", NISTIR 5935,
/// 1996) is a banner line `%%MatrixMarket matrix <format> <field> <symmetry>`, optional `%` comment lines, a
/// size line, and the data:
/// - `coordinate`: size line `rows columns entries`, then one entry per line, `i j [value [imaginary]]` with
///   1-based indices; duplicates are summed.
/// - `array`: size line `rows columns`, then the values column by column (for `symmetric`, `hermitian` and
///   `skew-symmetric` only the lower triangle, column by column; skew-symmetric omits the zero diagonal).
///
/// Fields `real`, `double`, `complex`, `integer` and `pattern` (coordinate only) are read; symmetries
/// `general`, `symmetric`, `skew-symmetric`, `hermitian` are expanded to the full matrix (a `hermitian` diagonal
/// must be real, a `skew-symmetric` diagonal entry zero). Blank lines and `%` comment lines are accepted anywhere
/// after the banner; lines may end in LF or CRLF, and a UTF-8 byte-order mark before the banner is skipped. Numbers are parsed from raw bytes (Eisel–Lemire with a
/// `strtod` fallback, always correctly rounded); large files are parsed on several threads.
public enum MatrixMarket {
    /// The storage scheme named in the banner.
    public enum Format: String, Sendable, Equatable {
        /// Sparse: one `i j value` line per stored entry.
        case coordinate
        /// Dense: all values column by column.
        case array
    }

    /// The value type named in the banner.
    public enum Field: String, Sendable, Equatable {
        /// Real floating-point values (`real` or `double`).
        case real
        /// Complex values: two numbers, real and imaginary part.
        case complex
        /// Integer values (read as `Double`, exact up to 2⁵³).
        case integer
        /// No values: every listed entry is 1 (coordinate only).
        case pattern
    }

    /// The symmetry named in the banner; the reader expands it to the full matrix.
    public enum Symmetry: String, Sendable, Equatable {
        /// Every entry is stored.
        case general
        /// A = Aᵀ; only the lower triangle is stored.
        case symmetric
        /// A = −Aᵀ; only the strictly lower triangle is stored.
        case skewSymmetric = "skew-symmetric"
        /// A = Aᴴ (complex only); only the lower triangle is stored.
        case hermitian
    }

    /// The banner and size line of a Matrix Market file.
    public struct Header: Sendable, Equatable {
        /// `coordinate` or `array`.
        public var format: Format
        /// The value type.
        public var field: Field
        /// The stored symmetry.
        public var symmetry: Symmetry
        /// Number of rows.
        public var rows: Int
        /// Number of columns.
        public var columns: Int
        /// The number of data lines the file must contain: the declared count for `coordinate`, the number of
        /// stored values (whole matrix or one triangle) for `array`.
        public var entries: Int
    }

    /// A parsed file, symmetry already expanded, independent of the scalar type the caller wants.
    public struct Document: Sendable {
        /// The header as read.
        public var header: Header
        /// Values as `Double`s; for a complex field interleaved `(re, im)` pairs.
        public enum Storage: Sendable {
            /// `array` data: the full matrix column-major (`rows · columns` values, twice that for complex).
            case dense(values: [Double])
            /// `coordinate` data: 0-based row and column indices, one value (or pair) per entry; empty values for
            /// `pattern`. Duplicates are not yet summed; mirrored entries of symmetric files are included.
            case coordinate(rowIndices: [Int], columnIndices: [Int], values: [Double])
        }
        /// The data.
        public var storage: Storage
        /// Number of rows.
        public var rows: Int { header.rows }
        /// Number of columns.
        public var columns: Int { header.columns }
        /// `true` when the values are complex (interleaved pairs).
        public var isComplex: Bool { header.field == .complex }
    }

    /// The decimal-to-double conversion of the data values (issue 13 measures one against the other with
    /// `lowrank bench matrix-market`). Both are correctly rounded and accept the same tokens, so they give
    /// bit-identical documents and the same errors.
    package enum NumberParser: String, CaseIterable, Sendable {
        /// Clinger's fast path and Eisel–Lemire on the raw bytes, `strtod` for what they cannot decide (the default).
        case eiselLemire = "eisel-lemire"
        /// The token's syntax checked byte by byte, then the C library's `strtod` (what `Double(Substring)` calls).
        case standard
    }

    /// Parses a Matrix Market file held in memory. `name` is used in error messages.
    ///
    /// - Throws: ``MatrixMarketError`` naming `name` and the 1-based line of the first problem.
    public static func parse(bytes: UnsafeRawBufferPointer, name: String) throws -> Document {
        try parse(bytes: bytes, name: name, numbers: .eiselLemire)
    }

    /// ``parse(bytes:name:)`` with the data values converted by `numbers`.
    package static func parse(bytes: UnsafeRawBufferPointer, name: String, numbers: NumberParser) throws -> Document {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw MatrixMarketError.malformedHeader(file: name, line: 1,
                                                    reason: "empty file; expected a %%MatrixMarket banner")
        }
        let start = base.assumingMemoryBound(to: UInt8.self)
        return try MatrixMarketParser(name: name, start: UnsafePointer(start), end: UnsafePointer(start + bytes.count),
                                      numbers: numbers).parse()
    }

    /// Parses a Matrix Market file held in memory. `name` is used in error messages.
    ///
    /// - Throws: ``MatrixMarketError`` naming `name` and the 1-based line of the first problem.
    public static func parse(bytes: [UInt8], name: String) throws -> Document {
        try bytes.withUnsafeBytes { try parse(bytes: $0, name: name) }
    }
}

extension MatrixMarketError {
    /// The same error with its line number moved by `offset` (for errors found in a chunk parsed in parallel).
    func shiftingLine(by offset: Int) -> MatrixMarketError {
        switch self {
        case let .malformedEntry(f, l, r): return .malformedEntry(file: f, line: l + offset, reason: r)
        case let .malformedHeader(f, l, r): return .malformedHeader(file: f, line: l + offset, reason: r)
        case let .indexOutOfRange(f, l, i, j, m, n):
            return .indexOutOfRange(file: f, line: l + offset, row: i, column: j, rows: m, columns: n)
        case let .truncated(f, l): return .truncated(file: f, line: l + offset)
        case let .nonFinite(f, l): return .nonFinite(file: f, line: l + offset)
        default: return self
        }
    }
}

/// What one data line holds.
private struct EntryLayout {
    var coordinate: Bool
    var valuesPerEntry: Int   // 0 (pattern), 1 or 2 (complex)
    var integerOnly: Bool
    var mirror: MatrixMarket.Symmetry
}

/// The values and indices parsed from one chunk of the data region.
private struct ChunkOutput {
    var values: [Double] = []
    var rowIndices: [Int] = []
    var columnIndices: [Int] = []
    var entries = 0
}

@inline(__always) private func isInlineSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 11 || c == 12 }

/// The conversion of one value token; `parseChunk` is specialized for each conformer, so the data loop holds no
/// per-value branch on ``MatrixMarket/NumberParser``.
private protocol ValueScanner {
    func scan(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, integerOnly: Bool) -> DecimalScan
}

/// ``MatrixMarket/NumberParser/eiselLemire``: `scanDecimal` with the pinned power tables.
private struct EiselLemireValues: ValueScanner {
    let tables: DecimalTables
    @inline(__always)
    func scan(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, integerOnly: Bool) -> DecimalScan {
        scanDecimal(p, end, integerOnly: integerOnly, tables)
    }
}

/// ``MatrixMarket/NumberParser/standard``: `scanDecimalStandard` (syntax check, then `strtod`).
private struct StandardValues: ValueScanner {
    @inline(__always)
    func scan(_ p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, integerOnly: Bool) -> DecimalScan {
        scanDecimalStandard(p, end, integerOnly: integerOnly)
    }
}

/// Pointers are only read; the buffer outlives every parse call.
private struct SendablePointer: @unchecked Sendable { let p: UnsafePointer<UInt8> }

/// Holds read-only pointers into a buffer that outlives the parse; safe to share across the parse threads.
struct MatrixMarketParser: @unchecked Sendable {
    let name: String
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var numbers: MatrixMarket.NumberParser = .eiselLemire

    /// Bytes of data region that make a chunk worth its own thread. The fuzz build (`-D MATRIX_MARKET_FUZZ`)
    /// lowers it so that small inputs exercise the chunked parallel path too.
    #if MATRIX_MARKET_FUZZ
    static let parallelThresholdBytes = 16
    #else
    static let parallelThresholdBytes = 1 << 21
    #endif

    func headerError(_ line: Int, _ reason: String) -> MatrixMarketError {
        .malformedHeader(file: name, line: line, reason: reason)
    }

    /// The end of the line starting at `p` (pointer to its `\n`, or `end`).
    func lineEnd(_ p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        if p >= end { return end }
        if let q = memchr(p, 10, end - p) { return UnsafePointer(q.assumingMemoryBound(to: UInt8.self)) }
        return end
    }

    /// Whitespace-separated tokens of `[p, e)` as strings (header lines only).
    func tokens(_ p: UnsafePointer<UInt8>, _ e: UnsafePointer<UInt8>) -> [String] {
        var out: [String] = []
        var q = p
        while q < e {
            while q < e, isTokenEnd(q.pointee) { q += 1 }
            let s = q
            while q < e, !isTokenEnd(q.pointee) { q += 1 }
            if q > s { out.append(String(decoding: UnsafeBufferPointer(start: s, count: q - s), as: UTF8.self)) }
        }
        return out
    }

    func parse() throws -> MatrixMarket.Document {
        // Banner, after a UTF-8 byte-order mark if there is one (editors on Windows add it).
        var p = start
        if end - start >= 3 && start[0] == 0xEF && start[1] == 0xBB && start[2] == 0xBF { p += 3 }
        var e = lineEnd(p)
        let banner = tokens(p, e)
        guard let first = banner.first, first.lowercased() == "%%matrixmarket" else {
            throw headerError(1, "first line must start with %%MatrixMarket")
        }
        guard banner.count == 5 else {
            throw headerError(1, "banner must be '%%MatrixMarket matrix <format> <field> <symmetry>'")
        }
        let words = banner.dropFirst().map { $0.lowercased() }
        guard words[0] == "matrix" else {
            throw MatrixMarketError.unsupported(file: name, reason: "object '\(banner[1])' (only 'matrix' is read)")
        }
        guard let format = MatrixMarket.Format(rawValue: words[1]) else {
            throw headerError(1, "unknown format '\(banner[2])' (expected coordinate or array)")
        }
        let field: MatrixMarket.Field
        switch words[2] {
        case "real", "double": field = .real
        case "complex": field = .complex
        case "integer": field = .integer
        case "pattern": field = .pattern
        default: throw headerError(1, "unknown field '\(banner[3])' (expected real, complex, integer or pattern)")
        }
        guard let symmetry = MatrixMarket.Symmetry(rawValue: words[3]) else {
            throw headerError(1, "unknown symmetry '\(banner[4])' (expected general, symmetric, skew-symmetric or hermitian)")
        }
        if field == .pattern && format == .array { throw headerError(1, "pattern field requires coordinate format") }
        if symmetry == .hermitian && field != .complex { throw headerError(1, "hermitian symmetry requires complex field") }
        if symmetry == .skewSymmetric && field == .pattern {
            throw headerError(1, "skew-symmetric symmetry is meaningless for a pattern")
        }

        // Comments and blank lines, then the size line.
        var line = 1
        var sizeTokens: [String] = []
        while true {
            if e == end || e + 1 == end { throw MatrixMarketError.truncated(file: name, line: line) }
            p = e + 1
            line += 1
            e = lineEnd(p)
            var q = p
            while q < e, isTokenEnd(q.pointee) { q += 1 }
            if q == e { continue }
            if q.pointee == 37 { continue }  // '%'
            sizeTokens = tokens(q, e)
            break
        }
        let sizeLine = line
        let want = format == .coordinate ? 3 : 2
        guard sizeTokens.count == want else {
            throw headerError(sizeLine, format == .coordinate
                ? "size line must be 'rows columns entries'" : "size line must be 'rows columns'")
        }
        var sizes: [Int] = []
        for t in sizeTokens {
            let ok: Int? = t.utf8.withContiguousStorageIfAvailable { b -> Int? in
                guard let base = b.baseAddress, let (v, q) = scanIndex(base, base + b.count), q == base + b.count
                else { return nil }
                return v
            } ?? nil
            guard let v = ok else {
                throw headerError(sizeLine, "'\(t)' is not a non-negative integer")
            }
            sizes.append(v)
        }
        let rows = sizes[0], columns = sizes[1]
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        if overflow { throw headerError(sizeLine, "\(rows)×\(columns) overflows the address space") }
        if symmetry != .general && rows != columns {
            throw headerError(sizeLine, "\(symmetry.rawValue) matrix must be square, got \(rows)×\(columns)")
        }
        let entries: Int
        if format == .coordinate {
            entries = sizes[2]
            if entries > cells {
                throw headerError(sizeLine, "\(entries) entries do not fit in a \(rows)×\(columns) matrix")
            }
        } else {
            switch symmetry {
            case .general: entries = cells
            // n(n+1)/2 and n(n−1)/2 without overflowing for n² ≤ Int.max.
            case .symmetric, .hermitian: entries = rows.isMultiple(of: 2) ? rows / 2 * (rows + 1) : (rows + 1) / 2 * rows
            case .skewSymmetric:
                entries = rows == 0 ? 0 : (rows.isMultiple(of: 2) ? rows / 2 * (rows - 1) : (rows - 1) / 2 * rows)
            }
        }
        let header = MatrixMarket.Header(format: format, field: field, symmetry: symmetry,
                                         rows: rows, columns: columns, entries: entries)
        let layout = EntryLayout(coordinate: format == .coordinate,
                                 valuesPerEntry: field == .pattern ? 0 : (field == .complex ? 2 : 1),
                                 integerOnly: field == .integer, mirror: symmetry)

        // Data region, split at line starts into chunks parsed in parallel.
        let dataStart = e == end ? end : e + 1
        let dataLine = line + 1
        let chunks = chunkBounds(dataStart)
        var outputs = [ChunkOutput](repeating: ChunkOutput(), count: chunks.count)
        if chunks.count == 1 {
            outputs[0] = try parseChunk(chunks[0].0, chunks[0].1, lineBase: dataLine, layout: layout, header: header)
        } else {
            var results = [Result<ChunkOutput, MatrixMarketError>](repeating: .success(ChunkOutput()),
                                                                   count: chunks.count)
            let bounds = chunks.map { (SendablePointer(p: $0.0), SendablePointer(p: $0.1)) }
            results.withUnsafeMutableBufferPointer { res in
                let out = UnsafeSendableBuffer(base: res.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: bounds.count) { k in
                    do {
                        let o = try self.parseChunk(bounds[k].0.p, bounds[k].1.p, lineBase: 1, layout: layout,
                                                    header: header)
                        out.base[k] = .success(o)
                    } catch let error as MatrixMarketError {
                        out.base[k] = .failure(error)
                    } catch {
                        out.base[k] = .failure(.unsupported(file: self.name, reason: "\(error)"))
                    }
                }
            }
            for k in 0..<chunks.count {
                switch results[k] {
                case .success(let o): outputs[k] = o
                case .failure(let err):
                    // Lines are counted only now: the chunk's first line follows all lines of the earlier chunks.
                    let before = countNewlines(chunks[0].0, chunks[k].0)
                    throw err.shiftingLine(by: dataLine - 1 + before)
                }
            }
        }
        let found = outputs.reduce(0) { $0 + $1.entries }
        guard found == entries else {
            throw MatrixMarketError.wrongEntryCount(file: name, expected: entries, found: found)
        }
        var merged = outputs[0]
        if outputs.count > 1 {
            let totalValues = outputs.reduce(0) { $0 + $1.values.count }
            merged.values.reserveCapacity(totalValues)
            if layout.coordinate {
                let totalIdx = outputs.reduce(0) { $0 + $1.rowIndices.count }
                merged.rowIndices.reserveCapacity(totalIdx)
                merged.columnIndices.reserveCapacity(totalIdx)
            }
            for k in 1..<outputs.count {
                merged.values += outputs[k].values
                outputs[k].values = []
                if layout.coordinate {
                    merged.rowIndices += outputs[k].rowIndices
                    merged.columnIndices += outputs[k].columnIndices
                }
            }
        }
        if layout.coordinate {
            return MatrixMarket.Document(header: header, storage: .coordinate(
                rowIndices: merged.rowIndices, columnIndices: merged.columnIndices, values: merged.values))
        }
        if symmetry == .general {
            return MatrixMarket.Document(header: header, storage: .dense(values: merged.values))
        }
        if symmetry == .hermitian {
            // The diagonal of column j is stored entry Σ_{c<j} (n − c) of the lower triangle; it must be real.
            var k = 0
            for j in 0..<rows {
                if merged.values[2 * k + 1] != 0 {
                    throw MatrixMarketError.malformedEntry(file: name, line: lineOfEntry(k, from: dataStart,
                                                                                         line: dataLine),
                                                           reason: Self.hermitianDiagonal)
                }
                k += rows - j
            }
        }
        return MatrixMarket.Document(header: header, storage: .dense(
            values: expandTriangle(merged.values, n: rows, stride: layout.valuesPerEntry, symmetry: symmetry)))
    }

    static let hermitianDiagonal = "hermitian matrix has a non-real diagonal entry"

    /// The 1-based line of the `k`-th (0-based) data entry of an `array` file whose data start at `from` on line
    /// `line` (one entry per line; blank and `%` lines skipped). Only used on the error path.
    func lineOfEntry(_ k: Int, from: UnsafePointer<UInt8>, line: Int) -> Int {
        var p = from, current = line, seen = 0
        while p < end {
            let e = lineEnd(p)
            var q = p
            while q < e, isInlineSpace(q.pointee) { q += 1 }
            if q < e && q.pointee != 37 {
                if seen == k { return current }
                seen += 1
            }
            if e == end { break }
            p = e + 1
            current += 1
        }
        return current
    }

    /// Splits `[dataStart, end)` into up to one chunk per core, each starting at a line start.
    func chunkBounds(_ dataStart: UnsafePointer<UInt8>) -> [(UnsafePointer<UInt8>, UnsafePointer<UInt8>)] {
        let length = end - dataStart
        let cores = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 8))
        let count = min(cores, max(1, length / MatrixMarketParser.parallelThresholdBytes))
        if count <= 1 { return [(dataStart, end)] }
        var bounds: [(UnsafePointer<UInt8>, UnsafePointer<UInt8>)] = []
        var s = dataStart
        for k in 1..<count {
            let target = dataStart + length * k / count
            if target <= s { continue }
            let nl = lineEnd(target)
            if nl == end { break }
            bounds.append((s, nl + 1))
            s = nl + 1
        }
        bounds.append((s, end))
        return bounds
    }

    func countNewlines(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>) -> Int {
        var n = 0
        var p = a
        while p < b {
            guard let q = memchr(p, 10, b - p) else { break }
            n += 1
            p = UnsafePointer(q.assumingMemoryBound(to: UInt8.self)) + 1
        }
        return n
    }

    /// Parses the data lines in `[from, to)`; `lineBase` is the line number of the first one.
    private func parseChunk(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>, lineBase: Int,
                            layout: EntryLayout, header: MatrixMarket.Header) throws -> ChunkOutput {
        switch numbers {
        case .eiselLemire:
            return try DecimalTables.with { tables in
                try parseChunk(from, to, lineBase: lineBase, layout: layout, header: header,
                               values: EiselLemireValues(tables: tables))
            }
        case .standard:
            return try parseChunk(from, to, lineBase: lineBase, layout: layout, header: header, values: StandardValues())
        }
    }

    /// ``parseChunk(_:_:lineBase:layout:header:)`` with the value tokens converted by `scanner`.
    private func parseChunk<V: ValueScanner>(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>, lineBase: Int,
                                             layout: EntryLayout, header: MatrixMarket.Header,
                                             values scanner: V) throws -> ChunkOutput {
        var out = ChunkOutput()
        // Reserve by the declared count, bounded by what the bytes can hold (2 bytes per number at least).
        let bytes = to - from
        let perEntry = max(layout.valuesPerEntry, 1)
        let mirrorFactor = layout.coordinate && layout.mirror != .general ? 2 : 1
        let maxEntries = min(header.entries, bytes / (2 * (perEntry + (layout.coordinate ? 2 : 0))) + 1)
        out.values.reserveCapacity(maxEntries * layout.valuesPerEntry * mirrorFactor)
        if layout.coordinate {
            out.rowIndices.reserveCapacity(maxEntries * mirrorFactor)
            out.columnIndices.reserveCapacity(maxEntries * mirrorFactor)
        }
        do {
            var p = from
            var line = lineBase
            let rows = header.rows, columns = header.columns
            while p < to {
                while p < to, isInlineSpace(p.pointee) { p += 1 }
                if p == to { break }
                let c = p.pointee
                if c == 10 { p += 1; line += 1; continue }
                if c == 37 {  // '%' comment line
                    while p < to, p.pointee != 10 { p += 1 }
                    continue
                }
                var i = 0, j = 0
                if layout.coordinate {
                    i = try index(&p, to, line, "row index")
                    j = try index(&p, to, line, "column index")
                    guard i >= 1, i <= rows, j >= 1, j <= columns else {
                        throw MatrixMarketError.indexOutOfRange(file: name, line: line, row: i, column: j,
                                                                rows: rows, columns: columns)
                    }
                }
                var re = 0.0, im = 0.0
                if layout.valuesPerEntry >= 1 { re = try value(&p, to, line, layout.integerOnly, scanner) }
                if layout.valuesPerEntry == 2 { im = try value(&p, to, line, false, scanner) }
                while p < to, isInlineSpace(p.pointee) { p += 1 }
                if p < to {
                    guard p.pointee == 10 else {
                        throw MatrixMarketError.malformedEntry(file: name, line: line,
                                                               reason: "unexpected text after the entry")
                    }
                    p += 1
                }
                out.entries += 1
                if layout.valuesPerEntry >= 1 { out.values.append(re) }
                if layout.valuesPerEntry == 2 { out.values.append(im) }
                if layout.coordinate {
                    out.rowIndices.append(i - 1)
                    out.columnIndices.append(j - 1)
                    if layout.mirror != .general {
                        if i == j {
                            if layout.mirror == .skewSymmetric && (re != 0 || im != 0) {
                                throw MatrixMarketError.malformedEntry(
                                    file: name, line: line, reason: "nonzero diagonal entry in a skew-symmetric matrix")
                            }
                            if layout.mirror == .hermitian && im != 0 {
                                throw MatrixMarketError.malformedEntry(
                                    file: name, line: line, reason: Self.hermitianDiagonal)
                            }
                        } else {
                            out.rowIndices.append(j - 1)
                            out.columnIndices.append(i - 1)
                            switch layout.mirror {
                            case .skewSymmetric:
                                if layout.valuesPerEntry >= 1 { out.values.append(-re) }
                                if layout.valuesPerEntry == 2 { out.values.append(-im) }
                            case .hermitian:
                                out.values.append(re)
                                out.values.append(-im)
                            default:
                                if layout.valuesPerEntry >= 1 { out.values.append(re) }
                                if layout.valuesPerEntry == 2 { out.values.append(im) }
                            }
                        }
                    }
                }
                line += 1
            }
        }
        return out
    }

    /// Fails at a missing field: truncated at end of input, malformed otherwise.
    @inline(__always)
    private func requireField(_ p: inout UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>, _ line: Int,
                              _ what: String) throws {
        while p < to, isInlineSpace(p.pointee) { p += 1 }
        if p == to {
            if to == end { throw MatrixMarketError.truncated(file: name, line: line) }
            throw MatrixMarketError.malformedEntry(file: name, line: line, reason: "missing \(what)")
        }
        if p.pointee == 10 {
            throw MatrixMarketError.malformedEntry(file: name, line: line, reason: "missing \(what)")
        }
    }

    @inline(__always)
    private func index(_ p: inout UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>, _ line: Int,
                       _ what: String) throws -> Int {
        try requireField(&p, to, line, what)
        guard let (v, q) = scanIndex(p, to) else {
            throw MatrixMarketError.malformedEntry(file: name, line: line, reason: "\(what) is not a positive integer")
        }
        p = q
        return v
    }

    @inline(__always)
    private func value<V: ValueScanner>(_ p: inout UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>, _ line: Int,
                                        _ integerOnly: Bool, _ scanner: V) throws -> Double {
        if p < to && !isInlineSpace(p.pointee) && p.pointee != 10 {
            // Fast path: already at the token (array data has no leading blanks).
        } else {
            try requireField(&p, to, line, "value")
        }
        switch scanner.scan(p, to, integerOnly: integerOnly) {
        case let .value(v, q):
            p = q
            return v
        case .nonFinite:
            throw MatrixMarketError.nonFinite(file: name, line: line)
        case let .malformed(reason):
            throw MatrixMarketError.malformedEntry(file: name, line: line, reason: reason.reason)
        }
    }

    /// Expands a stored lower triangle (column by column) to the full column-major matrix.
    func expandTriangle(_ stored: [Double], n: Int, stride: Int, symmetry: MatrixMarket.Symmetry) -> [Double] {
        var full = [Double](repeating: 0, count: n * n * stride)
        stored.withUnsafeBufferPointer { s in
            full.withUnsafeMutableBufferPointer { f in
                var k = 0
                for j in 0..<n {
                    let first = symmetry == .skewSymmetric ? j + 1 : j
                    if first >= n { continue }
                    for i in first..<n {
                        let lower = (i + j * n) * stride, upper = (j + i * n) * stride
                        for c in 0..<stride { f[lower + c] = s[k * stride + c] }
                        if i != j {
                            switch symmetry {
                            case .skewSymmetric:
                                for c in 0..<stride { f[upper + c] = -s[k * stride + c] }
                            case .hermitian:
                                f[upper] = s[k * stride]
                                f[upper + 1] = -s[k * stride + 1]
                            default:
                                for c in 0..<stride { f[upper + c] = s[k * stride + c] }
                            }
                        }
                        k += 1
                    }
                }
            }
        }
        return full
    }
}

/// A buffer written by disjoint indices from `concurrentPerform` workers.
private struct UnsafeSendableBuffer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
