import Foundation
import Testing
@testable import LowRankKernels
@testable import LowRankIO

/// Damaged MATLAB v5 files are refused before matio reads them (issue 11). Every file is built in the test
/// (``MATv5Fixture``); the expected values are the ones written.
@Suite struct MATFileCorruptionTests {
    /// A 3×3 matrix with distinct, exactly representable entries (column-major).
    static let values: [Double] = [1.5, -2.25, 3.0, 0.125, 1e-3, -7.0, 42.0, 0.0, 6.5]

    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let path = NSTemporaryDirectory() + "lowrank-mat-\(getpid())-\(name).mat"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func cleanCompressed() -> [UInt8] {
        MATv5Fixture.header() + MATv5Fixture.compressed(MATv5Fixture.doubleMatrix(name: "A", rows: 3, columns: 3, values: values))
    }

    /// The error thrown by reading `variable`, as a ``MATFile/Error``.
    static func readError(_ path: String, _ variable: String = "A") -> MATFile.Error? {
        do {
            _ = try MATFile.read(path, variable: variable)
            return nil
        } catch {
            return error as? MATFile.Error
        }
    }

    @Test func cleanCompressedFileReadsTheWrittenValues() throws {
        let path = try Self.write(Self.cleanCompressed(), "clean")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try MATFile.variableNames(path) == ["A"])
        let a = try MATFile.read(path, variable: "A").dense
        #expect(a.rows == 3 && a.columns == 3)
        #expect(a.elements == Self.values)
    }

    @Test func cleanUncompressedFileWithLongNameReadsTheWrittenValues() throws {
        let bytes = MATv5Fixture.header() + MATv5Fixture.doubleMatrix(name: "Stiffness", rows: 3, columns: 3, values: Self.values)
        let path = try Self.write(bytes, "plain")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try MATFile.read(path, variable: "Stiffness").dense.elements == Self.values)
    }

    @Test func flippedChecksumBitIsRefusedNamingTheVariable() throws {
        var bytes = Self.cleanCompressed()
        bytes[bytes.count - 2] ^= 0x10  // inside the Adler-32 trailer: the data inflate, the check fails
        let path = try Self.write(bytes, "adler")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(Self.readError(path))
        #expect(error == .corrupt(file: path, variable: .init(name: "A", index: 1, compressed: true), reason: "incorrect data check"))
        #expect(error.description == "\(path): corrupt compressed variable 'A' (incorrect data check)")
        #expect(throws: MATFile.Error.self) { try MATFile.variableNames(path) }
    }

    /// A flip in bits that inflate ignores (padding after the last deflate block, unused code-length slots) leaves
    /// the data intact, as zlib and SciPy also find; every other flip must be refused. No flip may change a value.
    @Test func noSingleBitFlipInTheCompressedPayloadChangesAValueSilently() throws {
        let clean = Self.cleanCompressed()
        var refused = 0
        for byte in (128 + 8)..<clean.count {
            for bit in 0..<8 {
                var bytes = clean
                bytes[byte] ^= UInt8(1 << bit)
                let path = try Self.write(bytes, "flip")
                defer { try? FileManager.default.removeItem(atPath: path) }
                do {
                    let a = try MATFile.read(path, variable: "A").dense
                    #expect(a.elements == Self.values, "bit \(bit) of byte \(byte): a value changed silently")
                } catch let MATFile.Error.corrupt(file, variable, _) {
                    refused += 1
                    #expect(file == path)
                    #expect(variable?.index == 1 && variable?.compressed == true)
                } catch {
                    Issue.record("bit \(bit) of byte \(byte): \(error)")
                }
            }
        }
        #expect(refused > 8 * (clean.count - 136) * 9 / 10)
    }

    @Test func truncatedFileIsRefused() throws {
        let clean = Self.cleanCompressed()
        let path = try Self.write(Array(clean.dropLast(10)), "truncated")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let claimed = clean.count - 136
        #expect(Self.readError(path) == .corrupt(
            file: path, variable: .init(name: nil, index: 1, compressed: true),
            reason: "element at byte 128 claims \(claimed) bytes, but the file ends \(claimed - 10) bytes after its tag"))
        let header = try Self.write(Array(clean.prefix(100)), "header")
        defer { try? FileManager.default.removeItem(atPath: header) }
        #expect(Self.readError(header) == .corrupt(file: header, variable: nil, reason: "truncated header: 100 of 128 bytes"))
    }

    @Test func elementSizePastTheEndOfTheFileIsRefused() throws {
        var bytes = MATv5Fixture.header() + MATv5Fixture.doubleMatrix(name: "A", rows: 3, columns: 3, values: Self.values)
        bytes.replaceSubrange(132..<136, with: MATv5Fixture.u32(0x7FFF_FFF8))
        let path = try Self.write(bytes, "size")
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case let .corrupt(_, variable, reason)? = Self.readError(path) else {
            Issue.record("not refused"); return
        }
        #expect(variable == .init(name: nil, index: 1, compressed: false))
        #expect(reason.hasPrefix("element at byte 128 claims 2147483640 bytes"))
    }

    @Test func arrayDataShorterThanTheDimensionsIsRefused() throws {
        // Dimensions 3×3 but eight doubles, with consistent element sizes: matio would read past the element.
        var element = MATv5Fixture.doubleMatrix(name: "A", rows: 3, columns: 3, values: Array(Self.values.prefix(8)))
        let path = try Self.write(MATv5Fixture.header() + element, "short")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.readError(path)?.description
                == "\(path): corrupt variable 'A' (real part has 64 bytes, but dimensions 3×3 need 72)")
    }

    @Test func variableThatFailsToInflateIsNoLongerSkipped() throws {
        // Variable 1: a miCOMPRESSED element whose stream is not zlib data; variable 2: a clean B.
        let garbage: [UInt8] = MATv5Fixture.u32(15) + MATv5Fixture.u32(16) + [UInt8](repeating: 0xA5, count: 16)
        let b = MATv5Fixture.compressed(MATv5Fixture.doubleMatrix(name: "B", rows: 3, columns: 3, values: Self.values))
        let path = try Self.write(MATv5Fixture.header() + garbage + b, "skip")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // matio alone lists only B and reads it; the file is refused instead, naming the damaged element.
        guard case let .corrupt(_, variable, _)? = Self.readError(path, "B") else {
            Issue.record("a variable that fails to inflate was skipped"); return
        }
        #expect(variable == .init(name: nil, index: 1, compressed: true))
        #expect(throws: MATFile.Error.self) { try MATFile.variableNames(path) }
    }

    @Test func trailingBytesAfterTheCompressedStreamAreRefused() throws {
        let z = (zlibCompress(MATv5Fixture.doubleMatrix(name: "A", rows: 3, columns: 3, values: Self.values)) ?? []) + [0, 0, 0]
        let bytes = MATv5Fixture.header() + MATv5Fixture.u32(15) + MATv5Fixture.u32(UInt32(z.count)) + z
        let path = try Self.write(bytes, "trailing")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(Self.readError(path)?.description
                == "\(path): corrupt compressed variable 'A' (3 bytes after the end of the compressed stream)")
    }

    /// MATLAB v4 (header `type, mrows, ncols, imagf, namlen`, name, column-major doubles): a sound file reads; a
    /// header claiming more data than the file holds is refused before matio allocates it.
    @Test func v4FilesAreSizeChecked() throws {
        func v4(rows: Int32, columns: Int32, values: [Double]) -> [UInt8] {
            [Int32(0), rows, columns, 0, 2].flatMap { MATv5Fixture.u32(UInt32(bitPattern: $0)) } + Array("A".utf8) + [0]
                + values.flatMap(MATv5Fixture.f64)
        }
        let good = try Self.write(v4(rows: 3, columns: 3, values: Self.values), "v4")
        defer { try? FileManager.default.removeItem(atPath: good) }
        #expect(try MATFile.read(good, variable: "A").dense.elements == Self.values)
        let huge = try Self.write(v4(rows: 1 << 20, columns: 1 << 20, values: Self.values), "v4huge")
        defer { try? FileManager.default.removeItem(atPath: huge) }
        #expect(Self.readError(huge)?.description
                == "\(huge): corrupt variable #1 (v4 matrix at byte 0 (1048576×1048576) needs more data than the file holds)")
    }

    /// v4 sparse matrices (T = 2): the fuzzer's 22-byte file (a sparse header with 1 952 797 440 rows and no columns,
    /// for which matio asked 7.8 GB) and a well-sized sparse matrix whose size row declares 10¹² columns are refused;
    /// a sound 3 × 3 sparse matrix with two nonzeros passes the validator.
    @Test func v4SparseMatricesAreBounded() throws {
        let fuzzed: [UInt8] = [2, 0, 0, 0, 0, 0x53, 0x65, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0x41, 0x4d]
        let oom = try Self.write(fuzzed, "v4oom")
        defer { try? FileManager.default.removeItem(atPath: oom) }
        #expect(Self.readError(oom, "AM")?.description
                == "\(oom): corrupt variable #1 (v4 sparse matrix at byte 0 has 1952797440 rows and 0 columns (needs ≥ 1 and 3 or 4))")
        func sparse(_ rows: [[Double]]) -> [UInt8] {
            let header = [Int32(2), Int32(rows.count), 3, 0, 2].flatMap { MATv5Fixture.u32(UInt32(bitPattern: $0)) }
            return header + Array("S".utf8) + [0] + (0..<3).flatMap { c in rows.flatMap { MATv5Fixture.f64($0[c]) } }
        }
        let wide = try Self.write(sparse([[1, 1, 2.5], [1e6, 1e12, 0]]), "v4wide")
        defer { try? FileManager.default.removeItem(atPath: wide) }
        #expect(Self.readError(wide, "S")?.description.contains("declares 1000000000000.0 columns") == true)
        let sound = try Self.write(sparse([[1, 1, 2.5], [3, 2, -1], [3, 3, 0]]), "v4sparse")
        defer { try? FileManager.default.removeItem(atPath: sound) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sound))
        try bytes.withUnsafeBytes { try MATv4Validator.validate(bytes: $0, path: sound) }
    }

    /// A function-handle array (class 16) whose dimensions claim 1 × 1 610 612 738 elements in an 80-byte element: matio
    /// reads it like a cell and asked for 12.9 GB of element pointers (found by the fuzzer). Every element must be a
    /// nested miMATRIX that is present, so it is refused first.
    @Test func functionHandleDimensionsAreBoundedByTheirElements() throws {
        var element = MATv5Fixture.u32(6) + MATv5Fixture.u32(8) + MATv5Fixture.u32(16) + MATv5Fixture.u32(0)   // flags: class 16
        element += MATv5Fixture.u32(5) + MATv5Fixture.u32(8) + MATv5Fixture.u32(1) + MATv5Fixture.u32(0x6000_0002)
        element += MATv5Fixture.u32(0x0001_0001) + Array("F".utf8) + [0, 0, 0]                          // name "F", small element
        element += MATv5Fixture.u32(9) + MATv5Fixture.u32(16) + MATv5Fixture.f64(7) + MATv5Fixture.f64(8)
        let bytes = MATv5Fixture.header() + MATv5Fixture.u32(14) + MATv5Fixture.u32(UInt32(element.count)) + element
        let path = try Self.write(bytes, "function-handle")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let description = try #require(Self.readError(path, "F")).description
        #expect(description.contains("nested"), "\(description)")
    }
}
