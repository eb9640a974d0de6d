import Foundation
import LowRankIO

/// A ratings file cut at line boundaries into parts that can be read independently (by several processes, each
/// reading only its own byte range) and merged into exactly the ``Ratings`` that ``RatingsReader/read(_:format:duplicates:)``
/// returns for the whole file.
///
/// The file is the *preamble* (a UTF-8 byte-order mark, the header lines of the format: the `headerLines` of a
/// ``DelimitedLayout``, the header of ``RatingsFormat/movieLensCSV``, the Matrix Market banner with its comments and
/// size line), then the data lines. Part p is the preamble followed by the data lines whose first byte lies in
/// `dataRanges[p]`; the ranges are cut at the first line start at or after the even split
/// `dataStart + (size − dataStart)·p/P` of the data bytes. Each part is parsed as a file of its own (same parser,
/// same messages) and numbered so that its lines keep their numbers in the whole file.
public struct RatingsFileLayout: Sendable, Equatable {
    /// The file.
    public let path: String
    /// Its layout.
    public let format: RatingsFormat
    /// The preamble's bytes (empty when the format has no header and the file no byte-order mark).
    public let preamble: [UInt8]
    /// The lines the preamble ends (its line feeds).
    public let preambleLines: Int
    /// The data bytes of each part: contiguous, in file order, covering `preamble.count ..< size`.
    public let dataRanges: [Range<Int>]
}

/// One part of a ratings file, parsed (see ``RatingsFileLayout``): its records with ids local to the part, in order of
/// first appearance within the part. ``Ratings/init(parts:path:duplicates:)`` merges the parts in order.
public struct RatingsPart: Sendable, Equatable {
    /// User id of each part-local user index.
    public var userIds: [String]
    /// Item id of each part-local item index.
    public var itemIds: [String]
    /// Part-local user index of each record, in file order.
    public var users: [Int32]
    /// Part-local item index of each record.
    public var items: [Int32]
    /// Value of each record.
    public var values: [Double]
    /// Line of each record in the part's own numbering (the preamble's lines first, then the part's data lines).
    public var lines: [Int]
    /// Lines of the preamble: a part line above this is a data line and moves by the data lines of earlier parts.
    public var preambleLines: Int
    /// Line feeds in the part's data bytes (all data lines of a part but the file's last end with one).
    public var dataLineFeeds: Int
    /// The last line the part's parse saw (part numbering; Matrix Market only, else 0).
    public var lastLine: Int
    /// The entry count declared by a Matrix Market size line.
    public var declaredEntries: Int?
    /// The first fault of the part (part numbering); the records before it are kept.
    public var failure: RatingsError?

    /// A part from its fields (as exchanged between processes).
    public init(userIds: [String], itemIds: [String], users: [Int32], items: [Int32], values: [Double], lines: [Int],
                preambleLines: Int, dataLineFeeds: Int, lastLine: Int, declaredEntries: Int?, failure: RatingsError?) {
        self.userIds = userIds
        self.itemIds = itemIds
        self.users = users
        self.items = items
        self.values = values
        self.lines = lines
        self.preambleLines = preambleLines
        self.dataLineFeeds = dataLineFeeds
        self.lastLine = lastLine
        self.declaredEntries = declaredEntries
        self.failure = failure
    }
}

extension RatingsReader {
    /// The first bytes read to find the preamble (grown by 4× until it is complete).
    static let preambleProbe = 1 << 16

    /// Cuts the file at `path` into `parts` parts (see ``RatingsFileLayout``). Reads the preamble and, at each cut,
    /// the bytes up to the next line feed; nothing else.
    /// - Throws: ``RatingsError`` when the file cannot be opened or read, or `parts < 1`.
    public static func layout(_ path: String, format: RatingsFormat = .movieLens,
                              parts: Int) throws(RatingsError) -> RatingsFileLayout {
        guard parts >= 1 else { throw RatingsError(path: path, line: nil, reason: "parts must be ≥ 1, not \(parts)") }
        do {
            let reader = try InputFile.open(path)
            let size = reader.size
            var probe = Swift.min(size, preambleProbe)
            var preamble: [UInt8]
            while true {
                let prefix = try reader.read(0..<probe)
                let whole = prefix.count < probe || probe >= size
                if let end = Self.preambleEnd(prefix, format: format, whole: whole) { preamble = Array(prefix[..<end]); break }
                probe = Swift.min(size, probe * 4)
            }
            var cuts = [preamble.count]
            let data = size - preamble.count
            for p in 1..<Swift.max(parts, 1) {
                // Scanning from the previous cut when it is already past the even split reads each long line once.
                let even = preamble.count + Int((Double(data) * Double(p) / Double(parts)).rounded(.down))
                cuts.append(try lineStart(atOrAfter: Swift.max(even, cuts[p - 1]), in: reader, from: preamble.count))
            }
            cuts.append(Swift.max(size, cuts[cuts.count - 1]))
            return RatingsFileLayout(path: path, format: format, preamble: preamble,
                                     preambleLines: preamble.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) },
                                     dataRanges: (0..<parts).map { cuts[$0]..<cuts[$0 + 1] })
        } catch {
            throw RatingsError(path: path, line: nil, reason: error.reason)
        }
    }

    /// The first position ≥ `position` that starts a line (just after a line feed), or the file's end.
    static func lineStart(atOrAfter position: Int, in reader: InputFile.Reader, from dataStart: Int) throws(InputFileError) -> Int {
        if position <= dataStart { return dataStart }
        if position >= reader.size { return reader.size }
        var scan = position - 1
        let block = 1 << 16
        while scan < reader.size {
            let bytes = try reader.read(scan..<Swift.min(reader.size, scan + block))
            if bytes.isEmpty { break }
            if let k = bytes.firstIndex(of: 0x0A) { return scan + k + 1 }
            scan += bytes.count
        }
        return reader.size
    }

    /// The end of the preamble in `bytes` (the file's first bytes; `whole` when they are the whole file): after the
    /// byte-order mark and the format's header lines, counted as the parser counts them. nil when `bytes` ends inside
    /// the preamble and is not the whole file. A file that ends inside its preamble is all preamble.
    static func preambleEnd(_ bytes: [UInt8], format: RatingsFormat, whole: Bool) -> Int? {
        // How many header lines, and which lines count: the parser's rule for each format.
        let headerLines: Int
        var counts: (_ line: ArraySlice<UInt8>, _ index: Int) -> Bool = { line, _ in !Self.isBlank(line) }
        switch format {
        case .movieLens, .movieLensDat: headerLines = 0
        case .delimited(let layout): headerLines = Swift.max(layout.headerLines, 0)
        case .movieLensCSV: headerLines = 1
        case .matrixMarket:
            // The banner is the first line, whatever it holds; then the size line, the first line that is neither
            // blank nor a comment.
            headerLines = 2
            counts = { line, index in index == 0 || !(Self.isBlank(line) || line.first == UInt8(ascii: "%")) }
        }
        // The parser's own line reader (BOM skipped, CR before LF dropped); its position after a line is where the
        // next one starts.
        var lines = Lines(bytes).makeIterator()
        var found = 0
        while found < headerLines {
            // A line without its line feed is complete only at the end of the whole file.
            guard let (number, line) = lines.next(), lines.start <= bytes.count else { return whole ? bytes.count : nil }
            if counts(line, number - 1) { found += 1 }
        }
        return lines.start
    }

    /// Reads and parses part `part` of `layout`: only the preamble and the part's data bytes are read. A fault in
    /// the part's content is kept in ``RatingsPart/failure`` (to be reported in file order by the merge); only a
    /// file that cannot be read throws.
    /// - Throws: ``RatingsError`` when the file cannot be opened or read, or `part` is out of range.
    public static func readPart(_ layout: RatingsFileLayout, part: Int) throws(RatingsError) -> RatingsPart {
        guard layout.dataRanges.indices.contains(part) else {
            throw RatingsError(path: layout.path, line: nil, reason: "no part \(part) of \(layout.dataRanges.count)")
        }
        let range = layout.dataRanges[part]
        // Without a preamble the part starts with a byte-order mark of its own, which the parser skips: a part's
        // first bytes are then never taken for one.
        let head = layout.preamble.isEmpty ? [0xEF, 0xBB, 0xBF] : layout.preamble
        var bytes = [UInt8](repeating: 0, count: head.count + range.count)
        bytes.replaceSubrange(0..<head.count, with: head)
        do {
            try InputFile.open(layout.path).read(range, into: &bytes, at: head.count)
        } catch {
            throw RatingsError(path: layout.path, line: nil, reason: error.reason)
        }
        let feeds = bytes.withUnsafeBufferPointer { lineFeeds(in: $0, from: head.count) }
        var builder = Builder(path: layout.path)
        var failure: RatingsError?
        do { try readRecords(bytes, format: layout.format, partial: true, into: &builder) } catch { failure = error }
        return RatingsPart(userIds: builder.userIds, itemIds: builder.itemIds, users: builder.users,
                           items: builder.items, values: builder.values, lines: builder.lines,
                           preambleLines: layout.preambleLines, dataLineFeeds: feeds, lastLine: builder.lastLine,
                           declaredEntries: builder.declaredEntries, failure: failure)
    }
}

extension Ratings {
    /// Merges the parts of one file, in file order, into the ratings ``RatingsReader/read(_:format:duplicates:)``
    /// gives for the whole file: ids are interned part by part, so first appearance in the file decides the dense
    /// indices; lines are renumbered into the file's numbering; the first fault in file order is the one reported,
    /// as is a Matrix Market entry count that does not match the size line.
    /// - Throws: ``RatingsError``, as the whole-file reader would.
    public init(parts: [RatingsPart], path: String, duplicates: DuplicatePolicy = .refuse) throws(RatingsError) {
        var builder = RatingsReader.Builder(path: path)
        builder.reserve(parts.reduce(0) { $0 + $1.values.count })
        var lineOffset = 0, lastLine = 0
        var failure: RatingsError?
        for part in parts {
            let records = part.values.count
            guard part.users.count == records, part.items.count == records, part.lines.count == records,
                  part.users.allSatisfy({ $0 >= 0 && Int($0) < part.userIds.count }),
                  part.items.allSatisfy({ $0 >= 0 && Int($0) < part.itemIds.count }) else {
                throw RatingsError(path: path, line: nil, reason: "inconsistent parts (record arrays or ids do not match)")
            }
            let inFile = { (line: Int) in line > part.preambleLines ? line + lineOffset : line }
            let userIndex = part.userIds.map { builder.userTable.intern($0) }
            let itemIndex = part.itemIds.map { builder.itemTable.intern($0) }
            for record in part.values.indices {
                builder.users.append(userIndex[Int(part.users[record])])
                builder.items.append(itemIndex[Int(part.items[record])])
                builder.values.append(part.values[record])
                builder.lines.append(inFile(part.lines[record]))
            }
            lastLine = Swift.max(lastLine, inFile(part.lastLine))
            if let fault = part.failure {
                failure = RatingsError(path: fault.path, line: fault.line.map(inFile), reason: fault.reason)
                break
            }
            lineOffset += part.dataLineFeeds
        }
        // The whole-file reader refuses the record that would be number Int32.max − 1 (0-based), on its line.
        let limit = Int(Int32.max) - 1
        if builder.records > limit {
            throw RatingsError(path: path, line: builder.lines[limit], reason: "too many ratings for 32-bit indices")
        }
        if let declared = parts.first?.declaredEntries {
            // The whole-file reader checks the count before each data line's fields.
            if builder.records > declared {
                throw RatingsError(path: path, line: builder.lines[declared], reason: "more entries than the \(declared) declared")
            }
            if let line = failure?.line, builder.records == declared {
                throw RatingsError(path: path, line: line, reason: "more entries than the \(declared) declared")
            }
            if failure == nil && builder.records != declared {
                throw RatingsError(path: path, line: lastLine,
                                   reason: "found \(builder.records) entries, the size line declares \(declared)")
            }
        }
        if let failure { throw failure }
        self = try builder.build(duplicates: duplicates)
    }
}
