// Pure Swift (no imports), so the fuzz target can compile it standalone with the parser.

/// Why an FCIDUMP file could not be read, parsed or written; names the file and, where it applies, the 1-based line.
public struct FCIDUMPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The specific problem.
    public enum Kind: Equatable, Sendable {
        /// The `&FCI … &END` namelist is missing, unterminated, or has an invalid entry.
        case malformedNamelist(String)
        /// The namelist has no `NORB` entry.
        case missingNORB
        /// `NORB` exceeds the reader's `maximumOrbitals` (the packed tensor would be too large).
        case tooManyOrbitals(norb: Int, limit: Int)
        /// An orbital index is outside 1…NORB.
        case indexOutOfRange(index: Int, norb: Int)
        /// The zero/non-zero pattern of `i j k l` is none of the FCIDUMP record kinds.
        case invalidIndexPattern(i: Int, j: Int, k: Int, l: Int)
        /// An integral line has fewer than a value and four indices.
        case truncatedLine
        /// A token that should be a number (or an index) is not one.
        case notANumber(String)
        /// A value is NaN or infinite.
        case nonFinite(String)
        /// The same unique integral appears twice with values a, b such that |a − b| > 1e-10 · max(1, |a|, |b|).
        case conflictingDuplicate(firstLine: Int, firstValue: Double, value: Double)
        /// NELEC, MS2 and NORB contradict each other (NELEC > 2·NORB, NELEC and MS2 of different parity,
        /// |MS2| > NELEC or |MS2| > 2·NORB − NELEC); the text names the values.
        case inconsistentHeader(String)
        /// The namelist says `UHF=.TRUE.` or `IUHF≠0`: separate α and β integral blocks, which this reader (restricted
        /// orbitals only) would misread.
        case unrestricted
        /// The namelist is followed by no integral line at all.
        case noIntegrals
        /// A line is longer than `limit` bytes.
        case lineTooLong(limit: Int)
        /// More integral lines than NORB allows (each unique integral in all 8 orderings, h_ij in both, orbital
        /// energies, core, and slack).
        case tooManyRecords(limit: Int, norb: Int)
        /// The text is longer than NORB allows (the record limit times 128 bytes a record, after the namelist).
        case tooLarge(bytes: Int, norb: Int)
        /// Extra text after the four indices.
        case unexpectedText(String)
        /// The file could not be read, decompressed or written.
        case io(String)
    }

    /// The file name as given to the reader or writer.
    public let file: String
    /// The 1-based line, or 0 when the problem is not tied to a line.
    public let line: Int
    /// What went wrong.
    public let kind: Kind

    /// Creates an error for `file` at 1-based `line` (0: whole file).
    public init(file: String, line: Int, kind: Kind) {
        self.file = file
        self.line = line
        self.kind = kind
    }


    /// A one-line message: the file (where there is one), then the cause.
    public var description: String {
        let place = line > 0 ? "\(file):\(line): " : "\(file): "
        switch kind {
        case .malformedNamelist(let why): return place + "malformed &FCI namelist: " + why
        case .missingNORB: return place + "the &FCI namelist has no NORB"
        case let .tooManyOrbitals(norb, limit): return place + "NORB = \(norb) exceeds the limit of \(limit) orbitals"
        case let .indexOutOfRange(index, norb): return place + "orbital index \(index) outside 1…\(norb)"
        case let .invalidIndexPattern(i, j, k, l):
            return place + "index pattern \(i) \(j) \(k) \(l) is not a two-electron, one-electron, orbital-energy or core record"
        case .truncatedLine: return place + "truncated integral line (expected a value and four indices)"
        case .notANumber(let token): return place + "not a number: '\(token)'"
        case .nonFinite(let token): return place + "non-finite value '\(token)'"
        case let .conflictingDuplicate(firstLine, a, b):
            return place + "integral given again with a conflicting value \(b) (line \(firstLine) gave \(a))"
        case .unexpectedText(let text): return place + "unexpected text after the indices: '\(text)'"
        case .inconsistentHeader(let why): return place + "inconsistent &FCI namelist: " + why
        case .unrestricted: return place + "unrestricted (UHF) FCIDUMP is not supported"
        case .noIntegrals: return place + "no integrals after the namelist"
        case .lineTooLong(let limit): return place + "line longer than \(limit) bytes"
        case let .tooManyRecords(limit, norb):
            return place + "more than \(limit) integral lines, more than NORB = \(norb) allows"
        case let .tooLarge(bytes, norb): return place + "text longer than the \(bytes) bytes NORB = \(norb) allows"
        case .io(let why): return place + why
        }
    }
}
