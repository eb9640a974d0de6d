/// Errors raised while reading or writing Matrix Market files.
///
/// Every case names the file (the path, or the `name` given to ``MatrixMarket/parse(bytes:name:)``) and, where
/// the problem sits on one line, its 1-based line number, so messages read like compiler diagnostics:
/// `matrix.mtx:12: malformed entry: expected a number`.
public enum MatrixMarketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// An operating-system error while opening, reading, writing or renaming; `reason` is `strerror`'s text.
    case io(file: String, reason: String)
    /// The banner (`%%MatrixMarket matrix …`) or the size line is invalid.
    case malformedHeader(file: String, line: Int, reason: String)
    /// A data line is not a valid entry (wrong number of fields, not a number, …).
    case malformedEntry(file: String, line: Int, reason: String)
    /// A coordinate entry's row or column index lies outside `1…rows` / `1…columns`.
    case indexOutOfRange(file: String, line: Int, row: Int, column: Int, rows: Int, columns: Int)
    /// The number of entries differs from the count the size line declares.
    case wrongEntryCount(file: String, expected: Int, found: Int)
    /// The file ends inside the header or in the middle of an entry.
    case truncated(file: String, line: Int)
    /// Valid Matrix Market that this reader does not handle, or a request it cannot meet
    /// (e.g. complex data read as real, or a size beyond the supported limits).
    case unsupported(file: String, reason: String)
    /// A value is NaN or ±∞ (spelled out, or a literal that overflows a double).
    case nonFinite(file: String, line: Int)

    /// `file:line: message`, or `file: message` when no single line is at fault.
    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): no such file"
        case let .io(file, reason):
            return "\(file): \(reason)"
        case let .malformedHeader(file, line, reason):
            return "\(file):\(line): malformed header: \(reason)"
        case let .malformedEntry(file, line, reason):
            return "\(file):\(line): malformed entry: \(reason)"
        case let .indexOutOfRange(file, line, row, column, rows, columns):
            return "\(file):\(line): index (\(row), \(column)) out of range for a \(rows)×\(columns) matrix"
        case let .wrongEntryCount(file, expected, found):
            return "\(file): expected \(expected) entries, found \(found)"
        case let .truncated(file, line):
            return "\(file):\(line): unexpected end of file"
        case let .unsupported(file, reason):
            return "\(file): unsupported: \(reason)"
        case let .nonFinite(file, line):
            return "\(file):\(line): value is NaN or infinite"
        }
    }
}
