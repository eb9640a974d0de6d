import Foundation
#if !RATINGS_FUZZ
import LowRankKernels
import LowRankIO
#endif

/// Why ratings (or a fold file) could not be read or used.
///
/// The message is `PATH:LINE: REASON` when a line is to blame (lines count from 1, a UTF-8 byte-order mark and CRLF
/// endings do not change the numbering), otherwise `PATH: REASON`.
public struct RatingsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or `"ratings"` for data built in memory).
    public let path: String
    /// The 1-based line to blame, if any.
    public let line: Int?
    /// What is wrong, without the location.
    public let reason: String

    /// Creates an error at `path` (and `line`, if known).
    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `PATH:LINE: REASON` or `PATH: REASON`.
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}

/// What to do when the same (user, item) pair is rated on several lines.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// Refuse the file with an error naming both lines (the default).
    case refuse
    /// Keep the value of the last line in file order.
    case last
    /// Keep the arithmetic mean of all the values.
    case mean
}

/// Column layout of a generic delimited ratings file.
public struct DelimitedLayout: Sendable, Equatable {
    /// Field separator (any non-empty string, e.g. `","`, `"\t"`, `"::"`); `nil` splits on runs of spaces and tabs.
    /// With a separator, spaces and tabs around each field are trimmed.
    public var delimiter: String?
    /// 0-based column of the user id.
    public var userColumn: Int
    /// 0-based column of the item id.
    public var itemColumn: Int
    /// 0-based column of the rating.
    public var ratingColumn: Int
    /// Number of leading non-blank lines to skip (headers).
    public var headerLines: Int

    /// A layout; the defaults are whitespace-separated `user item rating …` without header (MovieLens `u.data`).
    public init(delimiter: String? = nil, userColumn: Int = 0, itemColumn: Int = 1, ratingColumn: Int = 2,
                headerLines: Int = 0) {
        self.delimiter = delimiter
        self.userColumn = userColumn
        self.itemColumn = itemColumn
        self.ratingColumn = ratingColumn
        self.headerLines = headerLines
    }
}

/// The layout of a ratings file. The format is never guessed from the file name: the default is ``movieLens``.
public enum RatingsFormat: Sendable, Equatable {
    /// MovieLens 100K `u.data`: `user item rating [timestamp]`, separated by tabs or spaces (the default).
    case movieLens
    /// MovieLens 1M/10M `ratings.dat`: `user::item::rating::timestamp`.
    case movieLensDat
    /// MovieLens `ratings.csv`: a header naming the columns `userId`, `movieId` and `rating` (any order, other
    /// columns such as `timestamp` ignored), then comma-separated rows.
    case movieLensCSV
    /// A generic delimited file (see ``DelimitedLayout``).
    case delimited(DelimitedLayout)
    /// A Matrix Market `coordinate real|integer general` file: `row column value`, 1-based; user and item ids are the
    /// row and column numbers as text. Only observed rows and columns become users and items.
    case matrixMarket
}

/// Reads ratings files into ``Ratings``.
///
/// Every file is opened through ``InputFile`` (regular files only). A UTF-8 byte-order mark is skipped and CRLF line
/// endings read as LF, so such files give the same ratings as plain LF files. Blank lines are skipped. Ratings may be
/// any finite real numbers; a missing column, a non-numeric, NaN or infinite rating, a duplicate (user, item) pair
/// (under ``DuplicatePolicy/refuse``) and a file without ratings are errors naming the file and line.
public enum RatingsReader {
    /// Reads the ratings file at `path`.
    /// - Throws: ``RatingsError``.
    public static func read(_ path: String, format: RatingsFormat = .movieLens,
                            duplicates: DuplicatePolicy = .refuse) throws(RatingsError) -> Ratings {
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch { throw RatingsError(path: path, line: nil, reason: error.reason) }
        return try parse(bytes, path: path, format: format, duplicates: duplicates)
    }

    /// Parses ratings from the bytes of a file; `path` is used only in messages.
    /// - Throws: ``RatingsError``.
    public static func parse(_ bytes: [UInt8], path: String, format: RatingsFormat = .movieLens,
                             duplicates: DuplicatePolicy = .refuse) throws(RatingsError) -> Ratings {
        var builder = Builder(path: path)
        try readRecords(bytes, format: format, into: &builder)
        return try builder.build(duplicates: duplicates)
    }

    /// Parses the records of `bytes` into `builder`. With `partial`, the bytes are one part of a file (its preamble
    /// and some of its data lines, see ``RatingsFileLayout``) and the Matrix Market entry count, which only the whole
    /// file can check, is left to the merge.
    static func readRecords(_ bytes: [UInt8], format: RatingsFormat, partial: Bool = false,
                            into builder: inout Builder) throws(RatingsError) {
        let lines = Lines(bytes)
        switch format {
        case .movieLens: try readDelimited(lines, DelimitedLayout(), &builder)
        case .movieLensDat: try readDelimited(lines, DelimitedLayout(delimiter: "::"), &builder)
        case .delimited(let layout): try readDelimited(lines, layout, &builder)
        case .movieLensCSV: try readCSV(lines, &builder)
        case .matrixMarket: try readMatrixMarket(lines, &builder, partial: partial)
        }
    }

    // MARK: Formats

    static func readDelimited(_ lines: Lines, _ layout: DelimitedLayout, _ b: inout Builder) throws(RatingsError) {
        guard layout.userColumn >= 0, layout.itemColumn >= 0, layout.ratingColumn >= 0, layout.headerLines >= 0 else {
            throw RatingsError(path: b.path, line: nil, reason: "column numbers and header lines must be ≥ 0")
        }
        if let d = layout.delimiter, d.isEmpty {
            throw RatingsError(path: b.path, line: nil, reason: "the delimiter is empty")
        }
        let delimiter = layout.delimiter.map { Array($0.utf8) }
        var skipped = 0
        let needed = Swift.max(layout.userColumn, layout.itemColumn, layout.ratingColumn) + 1
        if delimiter == nil {
            try readBlankSeparated(lines.bytes, layout, needed: needed, &b)
            return
        }
        for (number, line) in lines where !isBlank(line) {
            if skipped < layout.headerLines { skipped += 1; continue }
            let fields = split(line, delimiter)
            try b.add(fields, user: layout.userColumn, item: layout.itemColumn, rating: layout.ratingColumn, line: number)
        }
    }

    /// The fast path of blank-separated files (u.data and its kin): one pass over the bytes, lines found by `memchr`,
    /// field boundaries kept as offsets, nothing allocated per line. Same lines, numbers and messages as the general
    /// path: BOM skipped, CR before LF dropped, blank lines skipped, `headerLines` non-blank lines skipped.
    static func readBlankSeparated(_ bytes: [UInt8], _ layout: DelimitedLayout, needed: Int,
                                   _ b: inout Builder) throws(RatingsError) {
        let result = bytes.withUnsafeBufferPointer { (buffer) -> RatingsError? in
            guard let base = buffer.baseAddress else { return nil }
            let count = buffer.count
            var ranges = [Range<Int>](repeating: 0..<0, count: needed)
            var start = buffer.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var number = 0, skipped = 0
            // One record per line at most: reserve once instead of growing the arrays by doubling.
            b.reserve(lineFeeds(in: buffer, from: start) + 1)
            while start < count {
                let end = memchr(base + start, 0x0A, count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
                var lineEnd = end
                if lineEnd > start && base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                number += 1
                var found = 0, k = start
                while found < needed && k < lineEnd {
                    while k < lineEnd && isSpace(base[k]) { k += 1 }
                    let fieldStart = k
                    while k < lineEnd && !isSpace(base[k]) { k += 1 }
                    if k > fieldStart { ranges[found] = fieldStart..<k; found += 1 }
                }
                start = end + 1
                if found == 0 { continue }  // a blank line
                if skipped < layout.headerLines { skipped += 1; continue }
                guard found == needed else {
                    return RatingsError(path: b.path, line: number,
                                        reason: "missing columns: expected at least \(needed), found \(found)")
                }
                do throws(RatingsError) {
                    try b.add(user: buffer[ranges[layout.userColumn]], item: buffer[ranges[layout.itemColumn]],
                              rating: buffer[ranges[layout.ratingColumn]], line: number)
                } catch {
                    return error
                }
            }
            return nil
        }
        if let result { throw result }
    }

    /// The line feeds in `buffer[start...]` (found by `memchr`).
    static func lineFeeds(in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var count = 0, scan = start
        while scan < buffer.count, let hit = memchr(base + scan, 0x0A, buffer.count - scan) {
            count += 1
            scan = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
        }
        return count
    }

    static func readCSV(_ lines: Lines, _ b: inout Builder) throws(RatingsError) {
        var columns: (Int, Int, Int)?
        let comma = Array(",".utf8)
        for (number, line) in lines where !isBlank(line) {
            let fields = split(line, comma)
            guard let (u, i, r) = columns else {
                let names = fields.map { String(decoding: $0, as: UTF8.self) }
                guard let u = names.firstIndex(of: "userId"), let i = names.firstIndex(of: "movieId"),
                      let r = names.firstIndex(of: "rating") else {
                    throw RatingsError(path: b.path, line: number,
                                       reason: "expected a header naming userId, movieId and rating")
                }
                columns = (u, i, r)
                continue
            }
            try b.add(fields, user: u, item: i, rating: r, line: number)
        }
    }

    static func readMatrixMarket(_ lines: Lines, _ b: inout Builder, partial: Bool = false) throws(RatingsError) {
        var sawHeader = false
        var size: (rows: Int, columns: Int, entries: Int)?
        var lastLine = 0
        for (number, line) in lines {
            lastLine = number
            if !sawHeader {
                let words = split(line, nil).map { String(decoding: $0, as: UTF8.self).lowercased() }
                guard words.count == 5, words[0] == "%%matrixmarket", words[1] == "matrix" else {
                    throw RatingsError(path: b.path, line: number, reason: "expected a %%MatrixMarket matrix header")
                }
                guard words[2] == "coordinate" else {
                    throw RatingsError(path: b.path, line: number, reason: "expected a coordinate (sparse) matrix, not \(words[2])")
                }
                guard words[3] == "real" || words[3] == "integer" else {
                    throw RatingsError(path: b.path, line: number, reason: "ratings need real or integer values, not \(words[3])")
                }
                guard words[4] == "general" else {
                    throw RatingsError(path: b.path, line: number, reason: "ratings need a general matrix, not \(words[4])")
                }
                sawHeader = true
                continue
            }
            if isBlank(line) || line.first == UInt8(ascii: "%") { continue }
            let fields = split(line, nil)
            guard let s = size else {
                let numbers = fields.map { Int(String(decoding: $0, as: UTF8.self)) }
                guard numbers.count == 3, let m = numbers[0], let n = numbers[1], let nnz = numbers[2],
                      m >= 0, n >= 0, nnz >= 0 else {
                    throw RatingsError(path: b.path, line: number, reason: "expected the size line 'rows columns entries'")
                }
                size = (m, n, nnz)
                b.declaredEntries = nnz
                continue
            }
            guard b.records < s.entries else {
                throw RatingsError(path: b.path, line: number, reason: "more entries than the \(s.entries) declared")
            }
            guard fields.count >= 3 else {
                throw RatingsError(path: b.path, line: number, reason: "expected 'row column value', found \(fields.count) column(s)")
            }
            for (k, bound) in [(0, s.rows), (1, s.columns)] {
                let text = String(decoding: fields[k], as: UTF8.self)
                guard let v = Int(text), v >= 1, v <= bound else {
                    throw RatingsError(path: b.path, line: number,
                                       reason: "\(k == 0 ? "row" : "column") '\(text)' is not an integer in 1...\(bound)")
                }
            }
            try b.add(fields, user: 0, item: 1, rating: 2, line: number)
        }
        if !sawHeader { throw RatingsError(path: b.path, line: nil, reason: "empty file (no ratings)") }
        guard let s = size else { throw RatingsError(path: b.path, line: nil, reason: "missing the size line") }
        b.lastLine = lastLine
        if !partial && b.records != s.entries {
            throw RatingsError(path: b.path, line: lastLine,
                               reason: "found \(b.records) entries, the size line declares \(s.entries)")
        }
    }

    // MARK: Lines and fields

    /// The lines of a file (BOM skipped, CR before LF dropped) with their 1-based numbers.
    struct Lines: Sequence {
        let bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func makeIterator() -> Iterator { Iterator(bytes: bytes) }

        struct Iterator: IteratorProtocol {
            let bytes: [UInt8]
            var start: Int
            var number = 0
            init(bytes: [UInt8]) {
                self.bytes = bytes
                start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            }

            mutating func next() -> (Int, ArraySlice<UInt8>)? {
                guard start < bytes.count else { return nil }
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = bytes[start..<lineEnd]
                start = end + 1
                number += 1
                return (number, line)
            }
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C }

    static func isBlank(_ line: ArraySlice<UInt8>) -> Bool { line.allSatisfy(isSpace) }

    static func trim(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi && isSpace(s[lo]) { lo += 1 }
        while hi > lo && isSpace(s[hi - 1]) { hi -= 1 }
        return s[lo..<hi]
    }

    /// Splits on runs of whitespace (`delimiter == nil`) or on each occurrence of `delimiter`, trimming fields.
    static func split(_ line: ArraySlice<UInt8>, _ delimiter: [UInt8]?) -> [ArraySlice<UInt8>] {
        var fields: [ArraySlice<UInt8>] = []
        guard let d = delimiter, !d.isEmpty else {
            var k = line.startIndex
            while k < line.endIndex {
                while k < line.endIndex && isSpace(line[k]) { k += 1 }
                let s = k
                while k < line.endIndex && !isSpace(line[k]) { k += 1 }
                if k > s { fields.append(line[s..<k]) }
            }
            return fields
        }
        var s = line.startIndex, k = line.startIndex
        while k + d.count <= line.endIndex {
            if line[k..<(k + d.count)].elementsEqual(d) {
                fields.append(trim(line[s..<k]))
                k += d.count
                s = k
            } else {
                k += 1
            }
        }
        fields.append(trim(line[s..<line.endIndex]))
        return fields
    }

    // MARK: Building

    /// Dense indices of ids in order of first appearance, with the map back.
    struct IdTable {
        var ids: [String] = []
        var index: [String: Int32] = [:]
        /// Canonical decimal integers ("196", not "0196") below ``directLimit``: their dense index, or −1; looked up
        /// without hashing or building a string.
        var direct: [Int32] = []
        /// Larger canonical integers, mapped without building a string.
        var numeric: [Int: Int32] = [:]
        /// Bound of the direct table (16 MiB of Int32 at most).
        static let directLimit = 1 << 22

        var count: Int { ids.count }

        /// The dense index of an id, adding it on first sight.
        @inline(__always)
        mutating func intern<Field: RandomAccessCollection<UInt8>>(_ field: Field) -> Int32 {
            guard let n = Self.canonicalInteger(field) else { return intern(String(decoding: field, as: UTF8.self)) }
            if n < Self.directLimit {
                if n < direct.count, direct[n] >= 0 { return direct[n] }
                let k = intern(String(decoding: field, as: UTF8.self))
                if n >= direct.count {
                    direct.append(contentsOf: repeatElement(-1, count: Swift.min(Self.directLimit, Swift.max(n + 1, 2 * direct.count)) - direct.count))
                }
                direct[n] = k
                return k
            }
            if let k = numeric[n] { return k }
            let k = intern(String(decoding: field, as: UTF8.self))
            numeric[n] = k
            return k
        }

        mutating func intern(_ id: String) -> Int32 {
            if let k = index[id] { return k }
            let k = Int32(ids.count)
            ids.append(id)
            index[id] = k
            return k
        }

        /// The value of 1–18 ASCII digits without a leading zero (or "0"), else nil.
        @inline(__always)
        static func canonicalInteger<Field: RandomAccessCollection<UInt8>>(_ s: Field) -> Int? {
            guard let first = s.first, s.count <= 18, first != UInt8(ascii: "0") || s.count == 1 else { return nil }
            var v = 0
            for c in s {
                guard c &- 48 < 10 else { return nil }
                v = v * 10 + Int(c &- 48)
            }
            return v
        }
    }

    /// Collects records (user, item, value, line) and turns them into ``Ratings``.
    struct Builder {
        let path: String
        var userTable = IdTable()
        var itemTable = IdTable()
        var users: [Int32] = []
        var items: [Int32] = []
        var values: [Double] = []
        var lines: [Int] = []
        /// The entry count a Matrix Market size line declares, once read.
        var declaredEntries: Int?
        /// The number of the last line a Matrix Market file has (for the count check of a file read in parts).
        var lastLine = 0
        var records: Int { values.count }
        var userIds: [String] { userTable.ids }
        var itemIds: [String] { itemTable.ids }

        init(path: String) { self.path = path }

        /// Room for `records` more records without reallocation.
        mutating func reserve(_ records: Int) {
            users.reserveCapacity(users.count + records)
            items.reserveCapacity(items.count + records)
            values.reserveCapacity(values.count + records)
            lines.reserveCapacity(lines.count + records)
        }

        mutating func add(_ fields: [ArraySlice<UInt8>], user: Int, item: Int, rating: Int,
                          line: Int) throws(RatingsError) {
            let needed = Swift.max(user, item, rating) + 1
            guard fields.count >= needed else {
                throw RatingsError(path: path, line: line,
                                   reason: "missing columns: expected at least \(needed), found \(fields.count)")
            }
            try add(user: fields[user], item: fields[item], rating: fields[rating], line: line)
        }

        @inline(__always)
        mutating func add<Field: RandomAccessCollection<UInt8>>(user u: Field, item i: Field, rating r: Field,
                                                               line: Int) throws(RatingsError) {
            guard !u.isEmpty else { throw RatingsError(path: path, line: line, reason: "empty user id") }
            guard !i.isEmpty else { throw RatingsError(path: path, line: line, reason: "empty item id") }
            let value: Double
            if let fast = Self.simpleDecimal(r) {
                value = fast
            } else {
                let text = String(decoding: r, as: UTF8.self)
                guard let v = Double(text) else {
                    throw RatingsError(path: path, line: line, reason: "rating '\(text)' is not a number")
                }
                guard !v.isNaN else { throw RatingsError(path: path, line: line, reason: "rating '\(text)' is NaN") }
                guard v.isFinite else { throw RatingsError(path: path, line: line, reason: "rating '\(text)' is not finite") }
                value = v
            }
            guard values.count < Int(Int32.max) - 1 else {
                throw RatingsError(path: path, line: line, reason: "too many ratings for 32-bit indices")
            }
            users.append(userTable.intern(u))
            items.append(itemTable.intern(i))
            values.append(value)
            lines.append(line)
        }

        /// The value of a plain decimal "[-]ddd[.ddd]" with at most 15 significant digits and 15 decimals, computed as
        /// m / 10^k: both are exact doubles, so the one correctly rounded division gives the correctly rounded value
        /// (Clinger's fast path). nil for anything else (exponents, long digit strings), which `Double(_:)` parses.
        @inline(__always)
        static func simpleDecimal<Field: RandomAccessCollection<UInt8>>(_ s: Field) -> Double? {
            var negative = false
            var mantissa = 0, digits = 0, decimals = 0, seenPoint = false, first = true
            for c in s {
                defer { first = false }
                if first && c == UInt8(ascii: "-") { negative = true; continue }
                if c == UInt8(ascii: ".") {
                    if seenPoint { return nil }
                    seenPoint = true
                } else if c &- 48 < 10 {
                    mantissa = mantissa * 10 + Int(c &- 48)
                    digits += 1
                    if seenPoint { decimals += 1 }
                    if digits > 15 { return nil }
                } else {
                    return nil
                }
            }
            guard digits > 0 else { return nil }
            let v = Double(mantissa) / powersOfTen[decimals]
            return negative ? -v : v
        }

        static let powersOfTen: [Double] = (0...15).map { Double("1e\($0)") ?? 1 }

        /// The record numbers 0..<keys.count (or `order`, when given) stably reordered by `keys` (in 0..<keyCount).
        static func countingSort(keys: [Int32], keyCount: Int, order: [Int32]? = nil) -> [Int32] {
            var next = [Int](repeating: 0, count: keyCount + 1)
            for key in keys { next[Int(key) + 1] += 1 }
            for k in 0..<keyCount { next[k + 1] += next[k] }
            var out = [Int32](repeating: 0, count: keys.count)
            if let order {
                for r in order {
                    let key = Int(keys[Int(r)])
                    out[next[key]] = r
                    next[key] += 1
                }
            } else {
                for (r, key) in keys.enumerated() {
                    out[next[Int(key)]] = Int32(r)
                    next[Int(key)] += 1
                }
            }
            return out
        }

        func build(duplicates: DuplicatePolicy) throws(RatingsError) -> Ratings {
            guard !values.isEmpty else { throw RatingsError(path: path, line: nil, reason: "empty file (no ratings)") }
            // Two stable counting sorts (an LSD radix sort): by item, then by user. Within a user the records are then
            // ordered by item, and records of the same (user, item) pair stay in file order.
            let byItem = Self.countingSort(keys: items, keyCount: itemTable.count)
            let order = Self.countingSort(keys: users, keyCount: userTable.count, order: byItem)
            var start = [Int](repeating: 0, count: userIds.count + 1)
            for u in users { start[Int(u) + 1] += 1 }
            for u in 0..<userIds.count { start[u + 1] += start[u] }
            // The records in (user, item, file) order, read once each; everything below is sequential but the
            // writes of entryOfRecord.
            let sortedItems = order.map { items[Int($0)] }
            let sortedValues = order.map { values[Int($0)] }
            // Duplicates are now adjacent within a user's segment, in file order.
            if duplicates == .refuse {
                var worst: (first: Int, second: Int)?
                for u in 0..<userIds.count where start[u + 1] - start[u] > 1 {
                    for p in (start[u] + 1)..<start[u + 1] where sortedItems[p] == sortedItems[p - 1] {
                        let a = lines[Int(order[p - 1])], b = lines[Int(order[p])]
                        if let w = worst, w.second <= b { continue }
                        worst = (a, b)
                    }
                }
                if let (first, second) = worst {
                    throw RatingsError(path: path, line: second,
                                       reason: "duplicate rating for the (user, item) pair of line \(first) (lines \(first) and \(second)); choose a duplicates policy (last or mean)")
                }
            }
            var offsets = [Int](repeating: 0, count: userIds.count + 1)
            var rowItems: [Int32] = []
            var rowValues: [Double] = []
            rowItems.reserveCapacity(values.count)
            rowValues.reserveCapacity(values.count)
            var entryOfRecord = [Int32](repeating: 0, count: values.count)
            for u in 0..<userIds.count {
                var p = start[u]
                while p < start[u + 1] {
                    let item = sortedItems[p]
                    var q = p + 1
                    while q < start[u + 1] && sortedItems[q] == item { q += 1 }
                    let entry = Int32(rowItems.count)
                    var mean = 0.0  // Σ v/n rather than (Σ v)/n, so that finite values cannot overflow
                    for s in p..<q { entryOfRecord[Int(order[s])] = entry; mean += sortedValues[s] / Double(q - p) }
                    rowItems.append(item)
                    rowValues.append(duplicates == .mean ? mean : sortedValues[q - 1])
                    p = q
                }
                offsets[u + 1] = rowItems.count
            }
            return Ratings(userIds: userIds, itemIds: itemIds, rowOffsets: offsets, rowItems: rowItems,
                           rowValues: rowValues, entryOfRecord: entryOfRecord, source: path)
        }
    }
}
