#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The check that runs before matio opens a file (see ``MATFile``).
///
/// A MATLAB v5 file (128-byte header whose version is 0x0100 and whose endian indicator is `IM` or `MI`) is walked
/// element by element: every element must lie inside the file; every miCOMPRESSED element must hold exactly one
/// complete zlib stream (inflated in full through a scratch buffer, so that zlib verifies the Adler-32 trailer; no
/// bytes may follow the stream inside the element); every miMATRIX, stored plainly or inflated, must have
/// subelements inside their parents and array data of exactly the size its dimensions imply
/// (``MATv5MatrixWalker``). Anything else is refused with ``MATFile/Error/corrupt(file:variable:reason:)``.
///
/// v7.3 files (version 0x0200, HDF5 with its signature at byte 512) pass through to matio unchanged (HDF5 checks
/// its own structure). v4 files (no header text or version) pass through to matio after ``MATv4Validator``'s size
/// check only, because matio allocates whatever a v4 header claims.
enum MATv5Validator {
    /// Validates the file at `path`; returns quietly for a sound v5 file and for any non-v5 file.
    static func validate(path: String) throws(MATFile.Error) {
        guard let bytes = readWholeFile(path) else { throw .cannotOpen(file: path) }
        let failure = bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> MATFile.Error? in
            do throws(MATFile.Error) { try validate(bytes: raw, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// The bytes of the file, or `nil` when it cannot be opened or read.
    static func readWholeFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            result.append(contentsOf: chunk[0..<got])
            if got < chunk.count { return ferror(file) != 0 ? nil : result }
        }
    }

    /// Validates a whole file held in memory; `path` names it in errors.
    static func validate(bytes: UnsafeRawBufferPointer, path: String) throws(MATFile.Error) {
        let n = bytes.count
        let looksV5 = n >= 6 && Array(bytes[0..<6]) == Array("MATLAB".utf8)
        guard n >= 128 else {
            if looksV5 { throw .corrupt(file: path, variable: nil, reason: "truncated header: \(n) of 128 bytes") }
            return try MATv4Validator.validate(bytes: bytes, path: path)
        }
        let indicator = (bytes[126], bytes[127])
        let bigEndian: Bool
        switch indicator {
        case (0x49, 0x4D): bigEndian = false  // "IM"
        case (0x4D, 0x49): bigEndian = true   // "MI"
        default:
            if looksV5 { throw .corrupt(file: path, variable: nil, reason: "bad endian indicator") }
            return try MATv4Validator.validate(bytes: bytes, path: path)
        }
        let version = bigEndian ? UInt16(bytes[124]) << 8 | UInt16(bytes[125]) : UInt16(bytes[125]) << 8 | UInt16(bytes[124])
        if version == 0x0200 { return }  // v7.3 (HDF5)
        guard version == 0x0100 else {
            throw .corrupt(file: path, variable: nil, reason: "unknown version 0x\(String(version, radix: 16))")
        }
        var offset = 128
        var index = 0
        while offset < n {
            index += 1
            guard n - offset >= 8 else {
                throw .corrupt(file: path, variable: nil, reason: "truncated element #\(index) at byte \(offset)")
            }
            let walker = MATv5MatrixWalker(source: MATv5MemorySource(bytes: bytes, position: offset, end: n),
                                           bigEndian: bigEndian)
            let tagBytes = Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 8)]))
            let type = walker.word(tagBytes, 0), size = Int(walker.word(tagBytes, 4))
            guard type >> 16 == 0, type == 14 || type == 15 else {
                throw .corrupt(file: path, variable: .init(name: nil, index: index, compressed: false),
                               reason: "element at byte \(offset) has data type \(type), expected miMATRIX (14) or miCOMPRESSED (15)")
            }
            let start = offset + 8
            guard size <= n - start else {
                throw .corrupt(file: path, variable: .init(name: nil, index: index, compressed: type == 15),
                               reason: "element at byte \(offset) claims \(size) bytes, but the file ends \(n - start) bytes after its tag")
            }
            let element = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)])
            if type == 15 {
                try compressed(element, index: index, bigEndian: bigEndian, path: path)
                offset = start + size
            } else {
                guard size % 8 == 0 else {
                    throw .corrupt(file: path, variable: .init(name: nil, index: index, compressed: false),
                                   reason: "miMATRIX of \(size) bytes, not a multiple of 8")
                }
                var w = MATv5MatrixWalker(source: MATv5MemorySource(bytes: element, position: 0, end: size),
                                          bigEndian: bigEndian)
                do {
                    try w.matrix(size: size, depth: 0)
                } catch {
                    throw .corrupt(file: path, variable: .init(name: w.name, index: index, compressed: false),
                                   reason: error.reason)
                }
                offset = start + size
            }
        }
    }

    /// One miCOMPRESSED element: a zlib stream holding one miMATRIX.
    static func compressed(_ element: UnsafeRawBufferPointer, index: Int, bigEndian: Bool,
                           path: String) throws(MATFile.Error) {
        let inflater = ZlibInflater(input: element)
        var w = MATv5MatrixWalker(source: MATv5InflatingSource(inflater: inflater), bigEndian: bigEndian)
        func fail(_ reason: String) -> MATFile.Error {
            .corrupt(file: path, variable: .init(name: w.name, index: index, compressed: true), reason: reason)
        }
        do throws(MATv5Failure) {
            var budget = Int.max
            let t = try w.tag(&budget, what: "compressed array")
            guard t.type == 14, t.inline == nil else {
                throw MATv5Failure(reason: "compressed element holds data type \(t.type), expected miMATRIX (14)")
            }
            try w.matrix(size: t.size, depth: 0)
        } catch {
            // A damaged stream usually shows as a structural error first; zlib's own verdict names the cause.
            if case .corrupt(let reason) = inflater.finish() { throw fail(reason) }
            throw fail(error.reason)
        }
        switch inflater.finish() {
        case .ok, .endOfStream: break
        case .truncated: throw fail("truncated compressed stream")
        case .corrupt(let reason): throw fail(reason)
        }
        let trailing = element.count - inflater.consumed
        guard trailing == 0 else { throw fail("\(trailing) bytes after the end of the compressed stream") }
    }
}
