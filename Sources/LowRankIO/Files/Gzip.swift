#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read or decompressed by ``Gzip``.
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (`strerror` text).
    case unreadable(path: String, reason: String)
    /// The path names a FIFO, device, directory or socket (see ``InputFile``): refused before reading.
    case notRegularFile(path: String, type: InputFile.FileType)
    /// The gzip stream is damaged (bad header, CRC-32 or length mismatch, invalid deflate data).
    case corrupt(path: String, reason: String)
    /// The gzip stream ends before its last member is complete.
    case truncated(path: String)
    /// The (estimated) decompressed size exceeds the caller's limit.
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// Line `line` (1-based) of the text is longer than the caller's `maximumLineLength` bytes.
    case lineTooLong(path: String, line: Int, limit: Int)
    /// The text exceeds the size the caller's `inspect` callback derived from its header; `reason` says why.
    case exceedsTextLimit(path: String, limit: Int, reason: String)

    /// The message without the leading `PATH: ` (or `PATH:LINE: `).
    public var reason: String {
        switch self {
        case let .unreadable(_, reason): return "cannot read: \(reason)"
        case let .notRegularFile(_, type): return "not a regular file (\(type.rawValue))"
        case let .corrupt(_, reason): return "corrupt gzip data: \(reason)"
        case .truncated: return "truncated gzip data (stream ends before the member is complete)"
        case let .tooLarge(_, bytes, limit):
            return "decompressed size \(bytes) bytes exceeds the limit of \(limit) bytes"
        case let .lineTooLong(_, _, limit): return "line longer than \(limit) bytes"
        case let .exceedsTextLimit(_, limit, reason): return "text exceeds \(limit) bytes (\(reason))"
        }
    }

    /// A one-line message: the file (and line, for ``lineTooLong(path:line:limit:)``), then the cause.
    public var description: String {
        switch self {
        case let .unreadable(path, _), let .notRegularFile(path, _), let .corrupt(path, _), let .truncated(path),
             let .tooLarge(path, _, _), let .exceedsTextLimit(path, _, _):
            return "\(path): \(reason)"
        case let .lineTooLong(path, line, _): return "\(path):\(line): \(reason)"
        }
    }
}

/// What a caller of ``Gzip/readFile(_:maximumBytes:maximumLineLength:inspect:)`` wants after seeing the text so far.
public enum GzipReadDecision: Sendable {
    /// Keep reading; ask again after the next chunk.
    case proceed
    /// Keep reading, but refuse the file (``GzipError/exceedsTextLimit(path:limit:reason:)``) as soon as the text
    /// exceeds `bytes`; the callback is not asked again.
    case limit(bytes: Int, reason: String)
    /// Stop now and return the text read so far (for instance when its header is already invalid, so the caller's
    /// own parser reports the error from that prefix).
    case stop
}

/// Whole-file reading with transparent gzip decompression (RFC 1952, via zlib's `inflate`).
public enum Gzip {
    /// The bytes of the file at `path`: decompressed when it starts with the gzip magic `1f 8b`, verbatim otherwise.
    ///
    /// Only regular files are read (``InputFile``). Concatenated gzip members are decompressed in order (as `gunzip`
    /// does). The text is produced in chunks of at most 1 MiB and checked as it grows, so a hostile file (a "gzip
    /// bomb" of megabytes inflating to gigabytes) is refused after the first chunk that breaks a bound, without
    /// inflating the rest:
    /// - `maximumBytes`: the text may not exceed this size (also checked up front against the ISIZE trailer,
    ///   the uncompressed length mod 2³² of RFC 1952 §2.3.1) → ``GzipError/tooLarge(path:bytes:limit:)``;
    /// - `maximumLineLength`: no line (bytes between line feeds, the line feed excluded) may be longer →
    ///   ``GzipError/lineTooLong(path:line:limit:)`` with the 1-based line;
    /// - `inspect`: called with all the text so far after each chunk until it returns something other than
    ///   ``GzipReadDecision/proceed`` (a reader can bound the size from its header, or stop at a bad header).
    /// The same checks apply to uncompressed files, read in 1 MiB chunks.
    /// - Throws: ``GzipError`` naming the file.
    public static func readFile(_ path: String, maximumBytes: Int = 8 << 30, maximumLineLength: Int? = nil,
                                inspect: ((UnsafeRawBufferPointer) -> GzipReadDecision)? = nil)
        throws(GzipError) -> [UInt8] {
        let reader: InputFile.Reader
        do {
            reader = try InputFile.open(path)
        } catch {
            switch error.kind {
            case .notFound: throw .unreadable(path: path, reason: errorText(ENOENT))
            case .notRegularFile(let type): throw .notRegularFile(path: path, type: type)
            case .unreadable(let why): throw .unreadable(path: path, reason: why)
            }
        }
        var text = TextChecks(path: path, maximumBytes: maximumBytes, maximumLineLength: maximumLineLength,
                              inspect: inspect)
        var chunk = [UInt8](repeating: 0, count: inflateChunkBytes)
        func next(at offset: Int = 0) throws(GzipError) -> Int {
            do {
                return try reader.read(into: &chunk, at: offset)
            } catch {
                throw .unreadable(path: path, reason: error.reason)
            }
        }
        // The first chunk tells gzip from plain text.
        var first = try next()
        while first > 0 && first < 2 {
            let more = try next(at: first)
            if more == 0 { break }
            first += more
        }
        guard first >= 2, chunk[0] == 0x1f, chunk[1] == 0x8b else {
            // Plain text: read on in chunks, checking as it grows.
            var output: [UInt8] = []
            output.reserveCapacity(min(reader.size, maximumBytes &+ 1))
            var n = first
            while n > 0 {
                output.append(contentsOf: chunk[0..<n])
                if try !text.check(&output, added: n).get() { return output }
                n = try next()
            }
            return output
        }
        // Gzip: the compressed file (bounded by its size on disk) is read whole, then inflated chunk by chunk.
        var raw = Array(chunk[0..<first])
        raw.reserveCapacity(reader.size)
        while true {
            let n = try next()
            if n == 0 { break }
            raw.append(contentsOf: chunk[0..<n])
        }
        chunk = []
        if raw.count < 18 { throw .truncated(path: path) }
        let count = raw.count
        let isize = Int(raw[count - 4]) | Int(raw[count - 3]) << 8 | Int(raw[count - 2]) << 16 | Int(raw[count - 1]) << 24
        if isize > maximumBytes { throw .tooLarge(path: path, bytes: isize, limit: maximumBytes) }
        // ISIZE is only mod 2^32 (and per member), so it is a hint for the buffer size, not a bound.
        // A damaged or hostile trailer can claim up to 4 GiB, so the reservation is capped at 16× the compressed size.
        var output: [UInt8] = []
        output.reserveCapacity(min(isize, 16 * raw.count + (1 << 16)))
        var failure: GzipError? = nil
        let outcome = raw.withUnsafeBytes { input in
            zlibGunzip(input) { piece in
                output.append(contentsOf: piece)
                let result = text.check(&output, added: piece.count)
                if case .failure(let error) = result { failure = error }
                return result == .success(true)
            }
        }
        if let failure { throw failure }
        switch outcome {
        case .finished, .stopped: return output
        case .truncated: throw .truncated(path: path)
        case .corrupt(let reason): throw .corrupt(path: path, reason: reason)
        }
    }
}

/// The size, line-length and caller checks of ``Gzip/readFile(_:maximumBytes:maximumLineLength:inspect:)``,
/// applied to each chunk of text as it arrives.
private struct TextChecks {
    let path: String
    var maximumBytes: Int
    let maximumLineLength: Int?
    var inspect: ((UnsafeRawBufferPointer) -> GzipReadDecision)?
    /// The caller's limit and reason, once `inspect` gave one.
    var derived: (bytes: Int, reason: String)? = nil
    /// Bytes since the last line feed, and line feeds seen, over all the text so far.
    var lineLength = 0
    var lineFeeds = 0

    init(path: String, maximumBytes: Int, maximumLineLength: Int?,
         inspect: ((UnsafeRawBufferPointer) -> GzipReadDecision)?) {
        self.path = path
        self.maximumBytes = maximumBytes
        self.maximumLineLength = maximumLineLength
        self.inspect = inspect
    }

    /// Checks the last `added` bytes of `text`: `true` to go on, `false` when the caller asked to stop.
    mutating func check(_ text: inout [UInt8], added: Int) -> Result<Bool, GzipError> {
        if text.count > maximumBytes { return .failure(.tooLarge(path: path, bytes: text.count, limit: maximumBytes)) }
        if let derived, text.count > derived.bytes {
            return .failure(.exceedsTextLimit(path: path, limit: derived.bytes, reason: derived.reason))
        }
        if let limit = maximumLineLength {
            var length = lineLength, feeds = lineFeeds
            let tooLong: Bool = text.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return false }
                let end = base + b.count
                var p = end - added
                while p < end {
                    guard let q = memchr(p, 10, end - p) else {
                        length += end - p
                        return length > limit
                    }
                    let nl = UnsafePointer(q.assumingMemoryBound(to: UInt8.self))
                    length += nl - p
                    if length > limit { return true }
                    length = 0
                    feeds += 1
                    p = nl + 1
                }
                return false
            }
            lineLength = length
            lineFeeds = feeds
            if tooLong { return .failure(.lineTooLong(path: path, line: feeds + 1, limit: limit)) }
        }
        if let look = inspect {
            switch text.withUnsafeBytes(look) {
            case .proceed: break
            case let .limit(bytes, reason):
                inspect = nil
                derived = (bytes, reason)
                if text.count > bytes { return .failure(.exceedsTextLimit(path: path, limit: bytes, reason: reason)) }
            case .stop:
                return .success(false)
            }
        }
        return .success(true)
    }
}
