// Public seam over the byte-level decimal scanner (DecimalParsing.swift), for text readers in other modules.
// Depends only on DecimalParsing.swift and PowersOfFive.swift, so fuzz targets can compile it standalone.

/// Correctly rounded decimal-to-double conversion on raw bytes (Clinger fast path, Eisel–Lemire, `strtod`
/// fallback; Lemire, "Number parsing at a gigabyte per second", Software: Practice and Experience 51 (2021)).
///
/// Obtain a scanner with ``withScanner(_:)`` (which pins the power tables) and call ``Scanner/scan(_:_:)`` per token.
public enum DecimalText {
    /// Result of scanning one token.
    public enum Token: Equatable, Sendable {
        /// A finite double; the token ended at byte offset `length` from the start.
        case value(Double, length: Int)
        /// `nan`, `inf`, `infinity` (any case, signed) or a literal that overflows to ±∞; `length` as for `value`.
        case nonFinite(length: Int)
        /// Not a number of the grammar `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`.
        case malformed
    }

    /// A scanner bound to the pinned power tables; valid only inside ``DecimalText/withScanner(_:)``.
    public struct Scanner {
        let tables: DecimalTables

        /// Scans the decimal number starting at `start` (which must be `< end`); the token ends at ASCII whitespace or `end`.
        public func scan(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Token {
            switch scanDecimal(start, end, integerOnly: false, tables) {
            case let .value(v, e): return .value(v, length: e - start)
            case let .nonFinite(e): return .nonFinite(length: e - start)
            case .malformed: return .malformed
            }
        }
    }

    /// Runs `body` with a ``Scanner``.
    public static func withScanner<R, E: Error>(_ body: (Scanner) throws(E) -> R) throws(E) -> R {
        var result: Result<R, E>!
        DecimalTables.with { tables in
            do throws(E) { result = .success(try body(Scanner(tables: tables))) } catch { result = .failure(error) }
        }
        return try result.get()
    }
}
