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
