extension MatrixMarket {
    /// Reads and parses a file without converting it, so a caller can inspect the header
    /// (e.g. real or complex) before choosing a matrix type.
    ///
    /// - Throws: ``MatrixMarketError`` naming the file and line.
    public static func readDocument(_ path: String) throws -> Document {
        try withFileBytes(path) { try parse(bytes: $0, name: path) }
    }

    /// ``readDocument(_:)`` with the data values converted by `numbers` (for `lowrank bench matrix-market`).
    package static func readDocument(_ path: String, numbers: NumberParser) throws -> Document {
        try withFileBytes(path) { try parse(bytes: $0, name: path, numbers: numbers) }
    }
}
