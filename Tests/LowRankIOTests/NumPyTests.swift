import Foundation
import Testing
@testable import LowRankKernels
@testable import LowRankIO

/// A hand-built `.npy` v1.0 file with the given header dict text and data bytes.
func npyBytes(header: String, data: [UInt8], major: UInt8 = 1) -> [UInt8] {
    let body = Array(header.utf8) + [0x0A]
    var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, 0]
    if major == 1 {
        out += [UInt8(body.count & 0xFF), UInt8(body.count >> 8)]
    } else {
        out += [UInt8(body.count & 0xFF), UInt8((body.count >> 8) & 0xFF), 0, 0]
    }
    return out + body + data
}

func leBytes(_ values: [Double]) -> [UInt8] {
    values.flatMap { v in (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
}

func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-npy-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct NumPyTests {
    // MARK: Files written by numpy

    @Test func readsCOrderRealMatrixFromNumpy() throws {
        let a = try NumPy.parse(bytes: NumPyFixtures.cOrderReal2x3, as: Double.self)
        #expect(a.shape == [2, 3])
        #expect(try a.asMatrix() == Matrix([[1.0, 2.5, -3.0], [4.0, 0.125, 6e300]]))
    }

    @Test func readsFortranOrderRealMatrixFromNumpy() throws {
        let m = try Matrix(NumPy.parse(bytes: NumPyFixtures.fortranReal3x2, as: Double.self))
        #expect(m == (try Matrix([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])))
    }

    @Test func readsCOrderComplexMatrixFromNumpy() throws {
        let m = try NumPy.parse(bytes: NumPyFixtures.cOrderComplex2x2, as: Complex<Double>.self).asMatrix()
        #expect(m[0, 0] == Complex(1, 2) && m[0, 1] == Complex(0, -3.5))
        #expect(m[1, 0] == Complex(4, 0) && m[1, 1] == Complex(5, -6))
    }

    @Test func readsCOrderRankThreeFromNumpy() throws {
        // np.arange(24.0).reshape(2, 3, 4): a[i, j, k] = 12 i + 4 j + k.
        let a = try NumPy.parse(bytes: NumPyFixtures.cOrderRank3, as: Double.self)
        #expect(a.shape == [2, 3, 4])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(a[i, j, k] == Double(12 * i + 4 * j + k)) } } }
        #expect(a.elements[1] == 12)  // Fortran order: axis 0 fastest
    }

    @Test func readsVectorScalarAndEmptyFromNumpy() throws {
        let v = try NumPy.parse(bytes: NumPyFixtures.vector5, as: Double.self)
        #expect(try v.asVector() == [0.5, -1.0, 2.0, 1e-300, 7.0])
        let s = try NumPy.parse(bytes: NumPyFixtures.scalar, as: Double.self)
        #expect(s.shape == [] && s.elements == [3.25])
        let e = try NumPy.parse(bytes: NumPyFixtures.empty0x3, as: Double.self)
        #expect(e.shape == [0, 3] && e.count == 0)
    }

    @Test func readsVersions2And3FromNumpy() throws {
        let a = try NumPy.parse(bytes: NumPyFixtures.version2, as: Double.self)
        #expect(try a.asMatrix() == Matrix([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        let b = try NumPy.parse(bytes: NumPyFixtures.version3, as: Complex<Double>.self)
        #expect(b.elements == [Complex(1, 1), Complex(2, -2)])
    }

    @Test func realFileReadsAsComplexButNotConversely() throws {
        let a = try NumPy.parse(bytes: NumPyFixtures.vector5, as: Complex<Double>.self)
        #expect(a.elements.map(\.real) == [0.5, -1.0, 2.0, 1e-300, 7.0])
        #expect(a.elements.allSatisfy { $0.imaginary == 0 })
        #expect(throws: NumPyError.typeMismatch(file: "c.npy", descr: "<c16", requested: "Double")) {
            _ = try NumPy.parse(bytes: NumPyFixtures.cOrderComplex2x2, name: "c.npy", as: Double.self)
        }
    }

    // MARK: Round trips

    @Test(arguments: [[7], [4, 3], [2, 3, 4], [], [0, 5], [1, 1, 1, 2]])
    func realRoundTripAnyRank(shape: [Int]) throws {
        var g = SeededGenerator(seed: UInt64(shape.reduce(1, *)))
        let n = shape.reduce(1, *)
        let a = try NDArray<Double>(shape: shape, elements: (0..<n).map { _ in g.normal() })
        let bytes = NumPy.encode(a)
        #expect((bytes.count - n * 8) % 64 == 0)  // header padded to 64 bytes, as numpy does
        #expect(try NumPy.parse(bytes: bytes, as: Double.self) == a)
    }

    @Test(arguments: [[5], [3, 2], [2, 2, 2]])
    func complexRoundTripThroughFile(shape: [Int]) throws {
        var g = SeededGenerator(seed: 17)
        let n = shape.reduce(1, *)
        let a = try NDArray<Complex<Double>>(shape: shape, elements: (0..<n).map { _ in Complex(g.normal(), g.normal()) })
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/z.npy"
        try NumPy.write(a, to: path)
        #expect(try NumPy.read(path, as: Complex<Double>.self) == a)
    }

    @Test func matrixAndVectorWritersRoundTrip() throws {
        var g = SeededGenerator(seed: 3)
        let m = Matrix<Double>.randomNormal(rows: 5, columns: 4, using: &g)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try NumPy.write(m, to: dir + "/m.npy")
        #expect(try NumPy.readMatrix(dir + "/m.npy", as: Double.self) == m)
        try NumPy.write(vector: [1.0, 2.0], to: dir + "/v.npy")
        #expect(try NumPy.read(dir + "/v.npy", as: Double.self).asVector() == [1.0, 2.0])
        #expect(throws: NumPyError.self) { _ = try NumPy.readMatrix(dir + "/v.npy", as: Double.self) }
    }

    @Test func writtenHeaderIsNumpyStyleFortranOrder() throws {
        let bytes = NumPy.encode(NDArray(vector: [1.0, 2.0, 3.0]))
        let header = String(decoding: bytes[10..<(10 + Int(bytes[8]))], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(bytes[6] == 1 && bytes[7] == 0)
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/a.npy"
        try NumPy.write(NDArray(vector: [1.0]), to: path)
        try NumPy.write(NDArray(vector: [2.0, 3.0]), to: path)
        #expect(try NumPy.read(path, as: Double.self).elements == [2.0, 3.0])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.npy"])
    }

    @Test func writeIntoMissingDirectoryFailsCleanly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect {
            try NumPy.write(NDArray(vector: [1.0]), to: dir + "/missing/a.npy")
        } throws: { error in
            guard case let .writeFailed(file, _) = error as? NumPyError else { return false }
            return file.hasSuffix("missing/a.npy") && "\(error)".contains("missing/a.npy")
        }
        // Writing over a directory fails at the rename and leaves no temporary file behind.
        try FileManager.default.createDirectory(atPath: dir + "/d.npy", withIntermediateDirectories: false)
        #expect(throws: NumPyError.self) { try NumPy.write(NDArray(vector: [1.0]), to: dir + "/d.npy") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["d.npy"])
    }

    // MARK: Header robustness

    @Test(arguments: [
        "{'shape': (2,), 'fortran_order': False, 'descr': '<f8'}",
        "{ \"descr\" : \"<f8\" ,'fortran_order':True,'shape':( 2 , ) , }",
        "{'descr': 'f8', 'fortran_order': False, 'shape': [2]}",
        "{'descr': '=f8', 'fortran_order': False, 'shape': (2L,)}",
        "{'descr': '|f8', 'fortran_order': False, 'shape': (2,), }",
        "{'descr': 'float64', 'fortran_order': False, 'shape': (2,),}   \t",
    ])
    func headerVariantsAreAccepted(header: String) throws {
        let a = try NumPy.parse(bytes: npyBytes(header: header, data: leBytes([1.5, -2])), as: Double.self)
        #expect(a.shape == [2] && a.elements == [1.5, -2])
    }

    @Test func headerWithVersion2LengthField() throws {
        let bytes = npyBytes(header: "{'descr': '<c16', 'fortran_order': True, 'shape': ()}", data: leBytes([1, 2]), major: 2)
        #expect(try NumPy.parse(bytes: bytes, as: Complex<Double>.self).elements == [Complex(1, 2)])
    }

    // MARK: Bad input

    @Test func rejectsBadMagicAndVersions() {
        #expect(throws: NumPyError.badMagic(file: "x")) { _ = try NumPy.parse(bytes: [1, 2, 3], name: "x", as: Double.self) }
        #expect(throws: NumPyError.badMagic(file: "x")) { _ = try NumPy.parse(bytes: [], name: "x", as: Double.self) }
        var v4 = NumPyFixtures.vector5
        v4[6] = 4
        #expect(throws: NumPyError.unsupportedVersion(file: "x", major: 4, minor: 0)) {
            _ = try NumPy.parse(bytes: v4, name: "x", as: Double.self)
        }
        var v11 = NumPyFixtures.vector5
        v11[7] = 1
        #expect(throws: NumPyError.unsupportedVersion(file: "x", major: 1, minor: 1)) {
            _ = try NumPy.parse(bytes: v11, name: "x", as: Double.self)
        }
    }

    @Test func rejectsUnsupportedDTypes() throws {
        #expect(throws: NumPyError.unsupportedDType(file: "be.npy", descr: ">f8")) {
            _ = try NumPy.parse(bytes: NumPyFixtures.bigEndian, name: "be.npy", as: Double.self)
        }
        // int64 (numpy's [1, 2, 3], dtype '<i8') reads as doubles since label vectors are int64 (issue 15).
        #expect(try NumPy.parse(bytes: NumPyFixtures.int64, name: "i.npy", as: Double.self).elements == [1, 2, 3])
        #expect(throws: NumPyError.unsupportedDType(file: "f.npy", descr: "<f4")) {
            _ = try NumPy.parse(bytes: NumPyFixtures.float32, name: "f.npy", as: Complex<Double>.self)
        }
        let structured = npyBytes(header: "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}",
                                  data: leBytes([1]))
        #expect(throws: NumPyError.self) { _ = try NumPy.parse(bytes: structured, as: Double.self) }
        #expect(NumPyError.unsupportedDType(file: "be.npy", descr: ">f8").description.contains("big-endian"))
    }

    @Test(arguments: [
        "",                                                           // empty header
        "{'descr': '<f8', 'fortran_order': False}",                   // missing key
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}",  // extra key
        "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",  // duplicate
        "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}",        // not a bool
        "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}",   // negative extent
        "{'descr': '<f8', 'fortran_order': False, 'shape': 2}",       // not a tuple
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,)}",  // float extent
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)",     // unterminated
        "{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}",     // bad quoting
        "['descr', '<f8']",                                           // not a dict
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} junk",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",  // int overflow
        String(repeating: "(", count: 100) + String(repeating: ")", count: 100),       // nesting bomb
    ])
    func rejectsMalformedHeaders(header: String) {
        #expect {
            _ = try NumPy.parse(bytes: npyBytes(header: header, data: leBytes([1, 2])), name: "h.npy", as: Double.self)
        } throws: { error in
            guard case let .malformedHeader(file, _) = error as? NumPyError else { return false }
            return file == "h.npy" && "\(error)".hasPrefix("h.npy: malformed .npy header")
        }
    }

    @Test func rejectsTruncatedPreambleAndHeader() {
        let full = NumPyFixtures.vector5
        for cut in [7, 9, 50] {
            #expect {
                _ = try NumPy.parse(bytes: Array(full[0..<cut]), name: "t", as: Double.self)
            } throws: { error in
                if case .malformedHeader = error as? NumPyError { return true }
                return false
            }
        }
    }

    @Test func rejectsWrongDataSizes() {
        let full = NumPyFixtures.vector5   // 5 doubles = 40 bytes of data
        #expect(throws: NumPyError.sizeMismatch(file: "s", expectedBytes: 40, found: 39)) {
            _ = try NumPy.parse(bytes: Array(full.dropLast()), name: "s", as: Double.self)
        }
        #expect(throws: NumPyError.sizeMismatch(file: "s", expectedBytes: 40, found: 41)) {
            _ = try NumPy.parse(bytes: full + [0], name: "s", as: Double.self)
        }
        // Huge claimed sizes fail on the size check, before any allocation.
        let huge = npyBytes(header: "{'descr': '<c16', 'fortran_order': False, 'shape': (1000000000000,)}", data: [])
        #expect(throws: NumPyError.sizeMismatch(file: "s", expectedBytes: 16_000_000_000_000, found: 0)) {
            _ = try NumPy.parse(bytes: huge, name: "s", as: Complex<Double>.self)
        }
        // Shape products that overflow Int are reported, not trapped.
        let overflow = npyBytes(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}",
                                data: [])
        #expect(throws: NumPyError.self) { _ = try NumPy.parse(bytes: overflow, name: "s", as: Double.self) }
        let overflowBytes = npyBytes(header: "{'descr': '<c16', 'fortran_order': False, 'shape': (1152921504606846976,)}",
                                     data: [])
        #expect(throws: NumPyError.self) { _ = try NumPy.parse(bytes: overflowBytes, name: "s", as: Complex<Double>.self) }
    }

    @Test func missingFileIsReadFailedNamingTheFile() {
        #expect {
            _ = try NumPy.read("/nonexistent/dir/x.npy", as: Double.self)
        } throws: { error in
            error as? NumPyError == .readFailed(file: "/nonexistent/dir/x.npy", reason: "no such file")
                && "\(error)".contains("/nonexistent/dir/x.npy")
        }
    }

    @Test func ndArrayConversionsCheckRank() throws {
        let a = try NDArray<Double>(shape: [2, 2, 2], repeating: 1)
        #expect(throws: LinearAlgebraError.self) { _ = try a.asMatrix() }
        #expect(throws: LinearAlgebraError.self) { _ = try a.asVector() }
        #expect(throws: LinearAlgebraError.self) { _ = try NDArray<Double>(shape: [2, 2], elements: [1]) }
        #expect(throws: LinearAlgebraError.self) { _ = try NDArray<Double>(shape: [-1]) }
        #expect(throws: LinearAlgebraError.self) { _ = try NDArray<Double>(shape: [Int.max, 3]) }
        var b = NDArray(try Matrix<Double>([[1, 2], [3, 4]]))
        b[1, 0] = 9
        #expect(try b.asMatrix()[1, 0] == 9)
    }
}
