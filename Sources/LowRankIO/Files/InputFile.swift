/// Why an input file could not be opened or read by ``InputFile``.
///
/// The message is `PATH: REASON`, with REASON one of `no such file`, `not a regular file (a FIFO)` (or
/// `(a character device)`, `(a directory)`, `(a block device)`, `(a socket)`, `(an unknown file type)`), or
/// `cannot read: STRERROR`.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// Nothing exists at the path (`ENOENT`).
        case notFound
        /// The path names a FIFO, device, directory or socket: reading it could block forever or never end.
        case notRegularFile(InputFile.FileType)
        /// Any other system error (`strerror` text), e.g. permission denied or an I/O error.
        case unreadable(String)
    }

    /// The path as given.
    public let path: String
    /// What went wrong.
    public let kind: Kind

    /// Creates an error for `path`.
    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// The message without the path: `no such file`, `not a regular file (a FIFO)`, `cannot read: Permission denied`.
    public var reason: String {
        switch kind {
        case .notFound: return "no such file"
        case .notRegularFile(let type): return "not a regular file (\(type.rawValue))"
        case .unreadable(let why): return "cannot read: \(why)"
        }
    }

    /// `PATH: REASON` (see ``reason``).
    public var description: String { "\(path): \(reason)" }
}

/// Opening input files safely: only regular files are read.
///
/// Every reader of the library (Matrix Market, NumPy `.npy`, gzip/FCIDUMP, the regular-file check before MATLAB
/// `.mat` files) opens its input here. The path is opened with `O_RDONLY | O_NONBLOCK | O_CLOEXEC`, so that a FIFO
/// without a writer or a device cannot make the open block, then `fstat`ed; anything that is not a regular file
/// (a FIFO, `/dev/zero`, a directory, a socket) is refused with ``InputFileError/Kind/notRegularFile(_:)`` before a
/// single byte is read, whatever the caller's permissions. The check and the reads use the same descriptor, so the
/// file cannot be replaced in between.
public enum InputFile {
    /// The kind of a path that is not a regular file; the raw value is the phrase used in messages.
    public enum FileType: String, Equatable, Sendable {
        /// A named pipe.
        case fifo = "a FIFO"
        /// A character device such as `/dev/zero` or a terminal.
        case characterDevice = "a character device"
        /// A directory.
        case directory = "a directory"
        /// A block device such as a disk.
        case blockDevice = "a block device"
        /// A Unix-domain socket.
        case socket = "a socket"
        /// Any other type `fstat` reports.
        case other = "an unknown file type"
    }

    /// An open regular file, read sequentially; the descriptor is closed when the reader is released.
    public final class Reader {
        /// The path as given.
        public let path: String
        /// The file's size in bytes when it was opened (`st_size`).
        public let size: Int
        let fd: Int32

        init(path: String, fd: Int32, size: Int) {
            self.path = path
            self.fd = fd
            self.size = size
        }

        deinit { closeDescriptor(fd) }

        /// Reads up to `buffer.count` bytes into `buffer`; returns how many (0 at the end of the file).
        /// - Throws: ``InputFileError`` with kind `unreadable`.
        public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputFileError) -> Int {
            guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
            let n = readDescriptor(fd, base, buffer.count)
            if n < 0 { throw InputFileError(path: path, kind: .unreadable(errorText(Int32(-n)))) }
            return n
        }

        /// Reads up to `buffer.count − offset` bytes into `buffer[offset...]`; returns how many (0 at the end).
        func read(into buffer: inout [UInt8], at offset: Int = 0) throws(InputFileError) -> Int {
            guard offset < buffer.count else { return 0 }
            let n = buffer.withUnsafeMutableBytes { b in readDescriptor(fd, b.baseAddress! + offset, b.count - offset) }
            if n < 0 { throw InputFileError(path: path, kind: .unreadable(errorText(Int32(-n)))) }
            return n
        }

        /// The bytes `range` of the file (positioned reads, the current position unchanged), fewer when the file ends
        /// inside `range`. Reading several ranges of one file from several processes is how a file is read in
        /// parallel by byte ranges.
        /// - Throws: ``InputFileError`` with kind `unreadable`.
        public func read(_ range: Range<Int>) throws(InputFileError) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: Swift.max(range.count, 0))
            try read(range, into: &bytes, at: 0)
            return bytes
        }

        /// Reads the bytes `range` of the file into `buffer[offset...]` (which must have room) and drops whatever of
        /// the buffer's tail the file did not fill.
        /// - Throws: ``InputFileError`` with kind `unreadable`.
        public func read(_ range: Range<Int>, into buffer: inout [UInt8], at offset: Int) throws(InputFileError) {
            var filled = 0
            let wanted = Swift.max(Swift.min(range.count, buffer.count - offset), 0)
            while filled < wanted {
                let n = buffer.withUnsafeMutableBytes { b in
                    readDescriptor(fd, b.baseAddress! + offset + filled, wanted - filled, at: range.lowerBound + filled)
                }
                if n < 0 { throw InputFileError(path: path, kind: .unreadable(errorText(Int32(-n)))) }
                if n == 0 { break }
                filled += n
            }
            buffer.removeSubrange((offset + filled)...)
        }

        /// Reads everything from the current position to the end of the file.
        /// - Throws: ``InputFileError`` with kind `unreadable`.
        public func readToEnd() throws(InputFileError) -> [UInt8] {
            // Read straight into the result up to the size at open time; whatever the file grew by since then is
            // read too, in chunks.
            var bytes = [UInt8](repeating: 0, count: size)
            var filled = 0
            while filled < size {
                let n = try read(into: &bytes, at: filled)
                if n == 0 { break }
                filled += n
            }
            bytes.removeSubrange(filled...)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try read(into: &chunk)
                if n == 0 { return bytes }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
    }

    /// Opens `path` for reading if it is a regular file.
    /// - Throws: ``InputFileError``: `notFound`, `notRegularFile` (FIFO, device, directory, socket) or `unreadable`.
    public static func open(_ path: String) throws(InputFileError) -> Reader {
        switch openRegularFile(path) {
        case let .opened(fd, size): return Reader(path: path, fd: fd, size: size)
        case let .notRegular(type): throw InputFileError(path: path, kind: .notRegularFile(type))
        case let .failed(code):
            if isMissingFileError(code) { throw InputFileError(path: path, kind: .notFound) }
            throw InputFileError(path: path, kind: .unreadable(errorText(code)))
        }
    }

    /// Checks, without reading, that `path` is a regular file that can be opened (for readers such as matio that
    /// open the path themselves).
    /// - Throws: ``InputFileError``.
    public static func requireRegularFile(_ path: String) throws(InputFileError) {
        _ = try open(path)
    }

    /// The whole content of the regular file at `path`.
    /// - Throws: ``InputFileError``.
    public static func read(_ path: String) throws(InputFileError) -> [UInt8] {
        try open(path).readToEnd()
    }

    /// Runs `body` on the bytes of the regular file at `path`: memory-mapped read-only (pre-faulted) when the file
    /// has `mappingThreshold` bytes or more, which saves a copy, otherwise read into memory. (As with any mapping,
    /// truncating the file while `body` runs would raise `SIGBUS`.)
    /// - Throws: ``InputFileError``, or what `body` throws.
    public static func withBytes<R>(_ path: String, mappingThreshold: Int = 1 << 20,
                                    _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let reader = try open(path)
        if reader.size >= mappingThreshold, let p = mapDescriptor(reader.fd, size: reader.size) {
            defer { unmapDescriptor(p, size: reader.size) }
            return try body(UnsafeRawBufferPointer(start: p, count: reader.size))
        }
        let bytes = try reader.readToEnd()
        return try bytes.withUnsafeBytes(body)
    }
}
