// File input for the Matrix Market readers (kept apart from MatrixMarketParser.swift, which the fuzz target
// compiles standalone).

extension MatrixMarket {
    /// Runs `body` on the bytes of the file at `path` (``InputFile/withBytes(_:mappingThreshold:_:)``: only regular
    /// files, memory-mapped from 1 MiB on).
    static func withFileBytes<R>(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        do {
            return try InputFile.withBytes(path, body)
        } catch let error as InputFileError {
            throw MatrixMarketError(error)
        }
    }

    /// Reads a whole regular file into memory (``InputFile/read(_:)``).
    static func readFile(_ path: String) throws -> [UInt8] {
        do {
            return try InputFile.read(path)
        } catch {
            throw MatrixMarketError(error)
        }
    }
}

extension MatrixMarketError {
    /// The Matrix Market form of an input-file error: `fileNotFound` for a missing file, `io` otherwise (with the
    /// message `PATH: not a regular file (a FIFO)`, `PATH: Permission denied`, …).
    init(_ error: InputFileError) {
        switch error.kind {
        case .notFound: self = .fileNotFound(file: error.path)
        case .notRegularFile: self = .io(file: error.path, reason: error.reason)
        case .unreadable(let why): self = .io(file: error.path, reason: why)
        }
    }
}
