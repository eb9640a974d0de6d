#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be read or decompressed by ``Gzip``.
public enum GzipError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (`strerror` text).
    case unreadable(path: String, reason: String)
    /// The gzip stream is damaged (bad header, CRC-32 or length mismatch, invalid deflate data).
    case corrupt(path: String, reason: String)
    /// The gzip stream ends before its last member is complete.
    case truncated(path: String)
    /// The (estimated) decompressed size exceeds the caller's limit.
    case tooLarge(path: String, bytes: Int, limit: Int)


    /// A one-line message: the file (where there is one), then the cause.
    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): cannot read: \(reason)"
        case let .corrupt(path, reason): return "\(path): corrupt gzip data: \(reason)"
        case let .truncated(path): return "\(path): truncated gzip data (stream ends before the member is complete)"
        case let .tooLarge(path, bytes, limit):
            return "\(path): decompressed size \(bytes) bytes exceeds the limit of \(limit) bytes"
        }
    }
}

/// Whole-file reading with transparent gzip decompression (RFC 1952, via zlib's `inflate`).
public enum Gzip {
    /// The bytes of the file at `path`: decompressed when it starts with the gzip magic `1f 8b`, verbatim otherwise.
    ///
    /// Concatenated gzip members are decompressed in order (as `gunzip` does). Before inflating, the output size is
    /// estimated from the ISIZE trailer (uncompressed length mod 2³², RFC 1952 §2.3.1) and the read is refused when that
    /// estimate, or the actual output, exceeds `maximumBytes`.
    /// - Throws: ``GzipError`` naming the file.
    public static func readFile(_ path: String, maximumBytes: Int = 8 << 30) throws(GzipError) -> [UInt8] {
        let raw = try readRaw(path)
        guard raw.count >= 2, raw[0] == 0x1f, raw[1] == 0x8b else { return raw }
        if raw.count < 18 { throw .truncated(path: path) }
        let n = raw.count
        let isize = Int(raw[n - 4]) | Int(raw[n - 3]) << 8 | Int(raw[n - 2]) << 16 | Int(raw[n - 1]) << 24
        if isize > maximumBytes { throw .tooLarge(path: path, bytes: isize, limit: maximumBytes) }
        // ISIZE is only mod 2^32 (and per member), so it is a hint for the buffer size, not a bound.
        // A damaged trailer can claim up to 4 GiB, so the first allocation is capped at 16× the compressed size.
        let expected = min(isize, 16 * raw.count + (1 << 16))
        let outcome = raw.withUnsafeBytes { zlibGunzip($0, expected: expected, limit: maximumBytes) }
        switch outcome {
        case .ok(let bytes):
            if bytes.count > maximumBytes { throw .tooLarge(path: path, bytes: bytes.count, limit: maximumBytes) }
            return bytes
        case .truncated: throw .truncated(path: path)
        case .corrupt(let reason):
            if reason.hasPrefix("decompressed data exceeds") {
                throw .tooLarge(path: path, bytes: maximumBytes + 1, limit: maximumBytes)
            }
            throw .corrupt(path: path, reason: reason)
        }
    }

    private static func readRaw(_ path: String) throws(GzipError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var result: [UInt8] = []
        var st = stat()
        if fstat(fileno(file), &st) == 0, st.st_size > 0 { result.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress!, 1, $0.count, file) }
            if got > 0 { result.append(contentsOf: chunk[0..<got]) }
            if got < chunk.count {
                if ferror(file) != 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
                break
            }
        }
        return result
    }
}

/// Failure of ``AtomicFile/write(_:to:)``.
public struct FileWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The destination path.
    public let path: String
    /// What went wrong (`strerror` text).
    public let reason: String
    /// "PATH: cannot write: REASON".
    public var description: String { "\(path): cannot write: \(reason)" }

    /// An error for `path` with `reason`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Atomic whole-file output (temporary file in the same directory, `fsync`, `rename`), for other modules' writers.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes` atomically: readers see the old file or the complete new one.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        if let reason = atomicWriteFile(bytes, to: path) { throw FileWriteError(path: path, reason: reason) }
    }
}
