import Foundation
#if !NUMPY_FUZZ  // scripts/fuzz-npy compiles this file without the package (Tests/Fuzz/NumPyFuzzSupport.swift)
import LowRankKernels
#endif

/// Errors from reading or writing NumPy `.npy` files. Every case names the file (or the `name` given to
/// ``NumPy/parse(bytes:name:as:)``) so that messages are actionable.
public enum NumPyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data does not start with the magic string `\x93NUMPY`.
    case badMagic(file: String)
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(file: String, major: Int, minor: Int)
    /// The header is truncated or is not a Python dict literal with exactly the keys
    /// `descr`, `fortran_order` and `shape` of the right types.
    case malformedHeader(file: String, reason: String)
    /// The `descr` is not little-endian float64 (`<f8`), complex128 (`<c16`) or int64 (`<i8`, read as the nearest
    /// doubles, for label vectors): big-endian data, other dtypes and structured dtypes are rejected.
    case unsupportedDType(file: String, descr: String)
    /// The file holds complex data (`<c16`) but a real array was requested.
    case typeMismatch(file: String, descr: String, requested: String)
    /// The data section does not have the size the header's shape and dtype imply.
    case sizeMismatch(file: String, expectedBytes: Int, found: Int)
    /// The file could not be read.
    case readFailed(file: String, reason: String)
    /// The path names a FIFO, device, directory or socket (see ``InputFile``): refused before reading.
    case notRegularFile(file: String, type: InputFile.FileType)
    /// The file could not be written (nothing was written at the destination).
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .badMagic(file):
            return "\(file): not a NumPy .npy file (missing the \\x93NUMPY magic string)"
        case let .unsupportedVersion(file, major, minor):
            return "\(file): unsupported .npy format version \(major).\(minor) (supported: 1.0, 2.0, 3.0)"
        case let .malformedHeader(file, reason):
            return "\(file): malformed .npy header: \(reason)"
        case let .unsupportedDType(file, descr):
            let why = descr.hasPrefix(">") || descr.hasPrefix("!") ? "big-endian data is not supported; "
                : ""
            return "\(file): unsupported dtype '\(descr)' (\(why)supported: little-endian '<f8' float64, '<c16' complex128 and '<i8' int64)"
        case let .typeMismatch(file, descr, requested):
            return "\(file): dtype '\(descr)' cannot be read as \(requested) (complex data would lose its imaginary part)"
        case let .sizeMismatch(file, expected, found):
            return "\(file): data section has \(found) bytes, but the header's shape and dtype need \(expected)"
        case let .readFailed(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .notRegularFile(file, type):
            return "\(file): not a regular file (\(type.rawValue))"
        case let .writeFailed(file, reason):
            return "\(file): cannot write: \(reason)"
        }
    }
}

/// Reading and writing NumPy `.npy` files of float64 and complex128 arrays of any rank.
///
/// Format (NumPy Enhancement Proposal 1, "A simple file format for NumPy arrays", and
/// `numpy.lib.format`): the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (little-endian `UInt16` in version 1.0, `UInt32` in 2.0 and 3.0), then an ASCII (1.0, 2.0) or UTF-8 (3.0)
/// Python dict literal such as `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded with
/// spaces and a newline, then the raw elements.
///
/// Reading accepts versions 1.0, 2.0 and 3.0; the dict keys in any order, with any spacing, with or
/// without a trailing comma, the shape as a tuple `()`, `(n,)`, `(m, n, …)` (or a list), and Python 2 `L`
/// suffixes; `descr` `'<f8'` / `'<c16'`, also written without byte-order mark or as `'='`/`'|'` (native, which
/// is little-endian on every supported platform) or as `'float64'`/`'complex128'`/`'d'`/`'D'`; `'<i8'`/`'int64'`
/// integers (label vectors) are read as the nearest doubles, exact up to 2⁵³ in magnitude. Big-endian and
/// every other dtype are rejected (``NumPyError/unsupportedDType(file:descr:)``). Like `numpy.load`, the
/// dict must have exactly the three keys. C-order (row-major) data are transposed into the Fortran order
/// of `NDArray`. The data section must have exactly the implied size; shape products are checked for
/// overflow and against the bytes present before anything is allocated.
///
/// Writing produces version 1.0 (2.0 when the header exceeds 65535 bytes) with `fortran_order: True`,
/// a header padded to a multiple of 64 bytes as NumPy does, atomically (temporary file + rename).
public enum NumPy {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// Reads the `.npy` file at `path` as an array of `Scalar`.
    ///
    /// A float64 file read as `Complex<Double>` gets zero imaginary parts; a complex128 file read as
    /// `Double` throws ``NumPyError/typeMismatch(file:descr:requested:)``.
    /// - Throws: ``NumPyError``.
    public static func read<Scalar: LinearAlgebraScalar>(_ path: String, as type: Scalar.Type = Scalar.self) throws
        -> NDArray<Scalar>
    {
        do {
            return try InputFile.withBytes(path) { raw in try decode(raw, name: path, as: Scalar.self) }
        } catch let error as InputFileError {
            switch error.kind {
            case .notFound: throw NumPyError.readFailed(file: path, reason: "no such file")
            case .notRegularFile(let type): throw NumPyError.notRegularFile(file: path, type: type)
            case .unreadable(let why): throw NumPyError.readFailed(file: path, reason: why)
            }
        }
    }

    /// Reads a rank-2 `.npy` file as a `Matrix` (see ``read(_:as:)``); other ranks throw
    /// ``NumPyError/malformedHeader(file:reason:)``.
    public static func readMatrix<Scalar: LinearAlgebraScalar>(_ path: String, as type: Scalar.Type = Scalar.self)
        throws -> Matrix<Scalar>
    {
        let a = try read(path, as: Scalar.self)
        guard a.rank == 2 else {
            throw NumPyError.malformedHeader(file: path, reason: "expected a matrix (rank 2), found shape \(a.shape)")
        }
        return Matrix(uncheckedRows: a.shape[0], columns: a.shape[1], elements: a.elements)
    }

    /// Parses the bytes of a `.npy` file held in memory; `name` stands for the file in error messages.
    /// - Throws: ``NumPyError``.
    public static func parse<Scalar: LinearAlgebraScalar>(bytes: [UInt8], name: String = "<memory>",
                                                          as type: Scalar.Type = Scalar.self) throws
        -> NDArray<Scalar>
    {
        try bytes.withUnsafeBytes { raw in try decode(raw, name: name, as: Scalar.self) }
    }

    /// The bytes of a `.npy` file holding `array` (version 1.0, or 2.0 for headers over 65535 bytes;
    /// `fortran_order: True`; `descr` `'<f8'` or `'<c16'`).
    public static func encode<Scalar: LinearAlgebraScalar>(_ array: NDArray<Scalar>) -> [UInt8] {
        let descr = Scalar.isComplex ? "<c16" : "<f8"
        let shapeText: String
        switch array.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(array.shape[0]),)"
        default: shapeText = "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = "{'descr': '\(descr)', 'fortran_order': True, 'shape': \(shapeText), }"
        var version: UInt8 = 1
        var prefix = 10
        var headerLength = paddedLength(dict.utf8.count + 1, prefix: prefix)
        if headerLength > Int(UInt16.max) {
            version = 2
            prefix = 12
            headerLength = paddedLength(dict.utf8.count + 1, prefix: prefix)
        }
        let itemSize = Scalar.isComplex ? 16 : 8
        var out = [UInt8]()
        out.reserveCapacity(prefix + headerLength + array.count * itemSize)
        out += magic
        out += [version, 0]
        if version == 1 {
            out += [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
        } else {
            out += (0..<4).map { UInt8((headerLength >> (8 * $0)) & 0xFF) }
        }
        out += Array(dict.utf8)
        out += [UInt8](repeating: 0x20, count: headerLength - dict.utf8.count - 1)
        out.append(0x0A)
        for x in array.elements {
            appendLittleEndian(x.realPart, to: &out)
            if Scalar.isComplex { appendLittleEndian(x.imaginaryPart, to: &out) }
        }
        return out
    }

    /// Writes `array` to `path` as a `.npy` file (see ``encode(_:)``), atomically: the bytes go to a
    /// temporary file in the same directory that is then renamed over `path`, so `path` never holds
    /// partial output. Throws ``NumPyError/writeFailed(file:reason:)``.
    public static func write<Scalar: LinearAlgebraScalar>(_ array: NDArray<Scalar>, to path: String) throws {
        if let reason = atomicWriteFile(encode(array), to: path) {
            throw NumPyError.writeFailed(file: path, reason: reason)
        }
    }

    /// Writes a matrix as a rank-2 `.npy` file (shape `(rows, columns)`, `fortran_order: True`), atomically.
    public static func write<Scalar: LinearAlgebraScalar>(_ matrix: Matrix<Scalar>, to path: String) throws {
        try write(NDArray(matrix), to: path)
    }

    /// Writes a vector as a rank-1 `.npy` file (shape `(n,)`), atomically.
    public static func write<Scalar: LinearAlgebraScalar>(vector: [Scalar], to path: String) throws {
        try write(NDArray(vector: vector), to: path)
    }

    // MARK: - Decoding

    /// Total header length such that prefix + length is a multiple of 64 (NumPy's `ARRAY_ALIGN`).
    private static func paddedLength(_ minimum: Int, prefix: Int) -> Int {
        let total = prefix + minimum
        return ((total + 63) / 64) * 64 - prefix
    }

    private static func appendLittleEndian(_ x: Double, to out: inout [UInt8]) {
        let bits = x.bitPattern
        for k in 0..<8 { out.append(UInt8((bits >> (8 * UInt64(k))) & 0xFF)) }
    }

    /// The element type stored in the file.
    enum StoredType { case float64, complex128, int64 }

    /// Parsed header fields.
    struct Header {
        var descr: String
        var type: StoredType
        var fortranOrder: Bool
        var shape: [Int]
    }

    static func decode<Scalar: LinearAlgebraScalar>(_ raw: UnsafeRawBufferPointer, name: String,
                                                    as: Scalar.Type) throws -> NDArray<Scalar> {
        guard raw.count >= 6, raw.prefix(6).elementsEqual(magic) else { throw NumPyError.badMagic(file: name) }
        guard raw.count >= 8 else { throw NumPyError.malformedHeader(file: name, reason: "file ends inside the preamble") }
        let major = Int(raw[6]), minor = Int(raw[7])
        guard (1...3).contains(major), minor == 0 else {
            throw NumPyError.unsupportedVersion(file: name, major: major, minor: minor)
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard raw.count >= 8 + lengthBytes else {
            throw NumPyError.malformedHeader(file: name, reason: "file ends inside the header length field")
        }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(raw[8 + k]) << (8 * k) }
        let headerStart = 8 + lengthBytes
        guard headerLength <= raw.count - headerStart else {
            throw NumPyError.malformedHeader(
                file: name, reason: "header length \(headerLength) exceeds the \(raw.count - headerStart) bytes present")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: raw[headerStart..<(headerStart + headerLength)])
        let header = try parseHeader(Array(headerBytes), utf8: major == 3, name: name)
        if header.type == .complex128 && !Scalar.isComplex {
            throw NumPyError.typeMismatch(file: name, descr: header.descr, requested: "\(Scalar.self)")
        }

        // Sizes, checked before anything is allocated.
        let itemSize = header.type == .complex128 ? 16 : 8
        var count = 1
        var overflow = false
        for d in header.shape where !overflow {
            (count, overflow) = count.multipliedReportingOverflow(by: d)
        }
        var expected = 0
        if !overflow { (expected, overflow) = count.multipliedReportingOverflow(by: itemSize) }
        let dataStart = headerStart + headerLength
        let found = raw.count - dataStart
        if overflow {
            throw NumPyError.malformedHeader(file: name, reason: "shape \(header.shape) has more elements than Int can count")
        }
        guard expected == found else {
            throw NumPyError.sizeMismatch(file: name, expectedBytes: expected, found: found)
        }

        let data = UnsafeRawBufferPointer(rebasing: raw[dataStart...])
        @inline(__always) func load(_ byteOffset: Int) -> Double {
            Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: byteOffset, as: UInt64.self)))
        }
        @inline(__always) func element(_ index: Int) -> Scalar {
            switch header.type {
            case .complex128: return Scalar(real: load(16 * index), imaginary: load(16 * index + 8))
            case .float64: return Scalar(real: load(8 * index))
            case .int64:
                let raw = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
                return Scalar(real: Double(Int64(bitPattern: raw)))
            }
        }

        let shape = header.shape
        let elements: [Scalar]
        if header.fortranOrder || shape.count <= 1 || count == 0 {
            elements = (0..<count).map(element)
        } else {
            // C order is Fortran order of the reversed shape: read it as such, then reverse the axes.
            let rank = shape.count
            elements = ColumnMajorLayout.permuted((0..<count).map(element), shape: Array(shape.reversed()),
                                                  axes: Array((0..<rank).reversed()))
        }
        return NDArray(uncheckedShape: shape, elements: elements)
    }

    // MARK: - Header dict

    static func parseHeader(_ bytes: [UInt8], utf8: Bool, name: String) throws -> Header {
        var parser = PyLiteralParser(bytes: bytes, utf8: utf8)
        let value: PyLiteral
        do {
            value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.atEnd else { throw PyLiteralParser.Failure(reason: "unexpected text after the dict", position: parser.position) }
        } catch let f as PyLiteralParser.Failure {
            throw NumPyError.malformedHeader(file: name, reason: "\(f.reason) at byte \(f.position) of the header")
        }
        guard case let .dict(pairs) = value else {
            throw NumPyError.malformedHeader(file: name, reason: "the header is not a dict literal")
        }
        var dict: [String: PyLiteral] = [:]
        for (k, v) in pairs {
            guard dict[k] == nil else { throw NumPyError.malformedHeader(file: name, reason: "duplicate key '\(k)'") }
            dict[k] = v
        }
        let required: Set<String> = ["descr", "fortran_order", "shape"]
        guard Set(dict.keys) == required else {
            let keys = dict.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw NumPyError.malformedHeader(
                file: name, reason: "the dict must have exactly the keys 'descr', 'fortran_order', 'shape'; found \(keys)")
        }
        let descr: String
        switch dict["descr"]! {
        case let .string(s): descr = s
        case let other:
            throw NumPyError.unsupportedDType(file: name, descr: other.text)  // structured dtype (list)
        }
        guard case let .bool(fortran) = dict["fortran_order"]! else {
            throw NumPyError.malformedHeader(file: name, reason: "'fortran_order' must be True or False")
        }
        let shapeItems: [PyLiteral]
        switch dict["shape"]! {
        case let .tuple(items), let .list(items): shapeItems = items
        default: throw NumPyError.malformedHeader(file: name, reason: "'shape' must be a tuple of integers")
        }
        var shape = [Int]()
        for item in shapeItems {
            guard case let .int(d) = item, d >= 0 else {
                throw NumPyError.malformedHeader(
                    file: name, reason: "'shape' entries must be nonnegative integers, found \(item.text)")
            }
            shape.append(d)
        }
        return Header(descr: descr, type: try storedType(descr, name: name), fortranOrder: fortran, shape: shape)
    }

    static func storedType(_ descr: String, name: String) throws -> StoredType {
        var code = Substring(descr)
        if let first = code.first, "<=|".contains(first) { code = code.dropFirst() }
        // A '>' or '!' prefix (big-endian) stays and fails below.
        switch code {
        case "f8", "d", "float64": return .float64
        case "c16", "D", "complex128": return .complex128
        case "i8", "int64": return .int64
        default: throw NumPyError.unsupportedDType(file: name, descr: descr)
        }
    }
}

/// The subset of Python literals a `.npy` header uses.
indirect enum PyLiteral {
    case string(String), int(Int), bool(Bool), none
    case tuple([PyLiteral]), list([PyLiteral]), dict([(String, PyLiteral)])

    /// Python-like rendering for error messages.
    var text: String {
        switch self {
        case let .string(s): return "'\(s)'"
        case let .int(i): return "\(i)"
        case let .bool(b): return b ? "True" : "False"
        case .none: return "None"
        case let .tuple(items): return "(" + items.map(\.text).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case let .list(items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case let .dict(pairs): return "{" + pairs.map { "'\($0.0)': \($0.1.text)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A recursive-descent parser for Python literals (dict, tuple, list, str, int, True/False/None),
/// depth-limited so hostile headers cannot exhaust the stack.
struct PyLiteralParser {
    struct Failure: Error { var reason: String; var position: Int }
    let bytes: [UInt8]
    let utf8: Bool
    var position = 0
    static let maxDepth = 32

    init(bytes: [UInt8], utf8: Bool) {
        self.bytes = bytes
        self.utf8 = utf8
    }

    var atEnd: Bool { position >= bytes.count }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C, 0x0B].contains(bytes[position]) { position += 1 }
    }

    func fail(_ reason: String) -> Failure { Failure(reason: reason, position: position) }

    mutating func expect(_ c: UInt8) throws {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == c else {
            throw fail("expected '\(Character(Unicode.Scalar(c)))'")
        }
        position += 1
    }

    mutating func parseValue(depth: Int) throws -> PyLiteral {
        guard depth < PyLiteralParser.maxDepth else { throw fail("nesting deeper than \(PyLiteralParser.maxDepth)") }
        skipWhitespace()
        guard position < bytes.count else { throw fail("unexpected end of header") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var pairs: [(String, PyLiteral)] = []
            while true {
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(pairs) }
                guard case let .string(key) = try parseValue(depth: depth + 1) else { throw fail("dict keys must be strings") }
                try expect(UInt8(ascii: ":"))
                let value = try parseValue(depth: depth + 1)
                pairs.append((key, value))
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated dict") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(pairs) }
                throw fail("expected ',' or '}' in dict")
            }
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let isTuple = bytes[position] == UInt8(ascii: "(")
            let close = isTuple ? UInt8(ascii: ")") : UInt8(ascii: "]")
            position += 1
            var items: [PyLiteral] = []
            var sawComma = false
            while true {
                skipWhitespace()
                if position < bytes.count, bytes[position] == close { position += 1; break }
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated \(isTuple ? "tuple" : "list")") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; sawComma = true; continue }
                if bytes[position] == close { position += 1; break }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
            // `(5)` is just a parenthesised 5 in Python; only `(5,)` is a 1-tuple.
            if isTuple, items.count == 1, !sawComma { return items[0] }
            return isTuple ? .tuple(items) : .list(items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            let quote = bytes[position]
            position += 1
            var content: [UInt8] = []
            while true {
                guard position < bytes.count else { throw fail("unterminated string") }
                let c = bytes[position]
                position += 1
                if c == quote { break }
                if c == UInt8(ascii: "\\") {
                    guard position < bytes.count else { throw fail("unterminated string") }
                    content.append(bytes[position])
                    position += 1
                } else {
                    content.append(c)
                }
            }
            let text = utf8 ? String(decoding: content, as: UTF8.self)
                : String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))  // Latin-1
            return .string(text)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
            let start = position
            var negative = false
            if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
                negative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            var value = 0
            var digits = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                let (a, o1) = value.multipliedReportingOverflow(by: 10)
                let (b, o2) = a.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
                guard !o1, !o2 else { position = start; throw fail("integer too large") }
                value = b
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw fail("malformed integer") }
            if position < bytes.count, bytes[position] == UInt8(ascii: "L") || bytes[position] == UInt8(ascii: "l") {
                position += 1  // Python 2 long suffix
            }
            return .int(negative ? -value : value)
        default:
            for (word, literal) in [("True", PyLiteral.bool(true)), ("False", .bool(false)), ("None", .none)] {
                let w = Array(word.utf8)
                if bytes.count - position >= w.count, Array(bytes[position..<(position + w.count)]) == w {
                    position += w.count
                    return literal
                }
            }
            throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
        }
    }
}
