import Foundation
import Testing
@testable import LowRankKernels
@testable import LowRankIO
@testable import LowRankSparse

/// A fresh path in the temporary directory.
func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("lowrank-mm-\(UUID().uuidString)-\(name)").path
}

/// Writes `text` to a temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "m.mtx") throws -> String {
    let path = temporaryPath(name)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
}

@Suite struct MatrixMarketTests {
    // MARK: Reading valid files (expected values are written out by hand)

    @Test func denseArrayRealWithCommentsAndBlankLines() throws {
        let text = """
        %%MatrixMarket matrix array real general
        % a comment
        %
        \t
        2 3
        1
        -2.5

        3e2
        % comment inside the data
        4.0E-1
        5
        -6
        """
        let m = try MatrixMarket.parse(bytes: Array(text.utf8), name: "t.mtx")
        let a = try MatrixMarket.dense(m, as: Double.self, name: "t.mtx")
        #expect(a == (try Matrix<Double>([[1, 300, 5], [-2.5, 0.4, -6]])))
    }

    @Test func denseSymmetricAndSkewArrays() throws {
        let sym = try temporaryFile("%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n")
        #expect(try MatrixMarket.readDense(sym) == (try Matrix<Double>([[1, 2, 3], [2, 4, 5], [3, 5, 6]])))
        let skew = try temporaryFile("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n")
        #expect(try MatrixMarket.readDense(skew) == (try Matrix<Double>([[0, -1, -2], [1, 0, -3], [2, 3, 0]])))
        let herm = try temporaryFile("%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 3\n4 0\n")
        let h = try MatrixMarket.readComplexDense(herm)
        #expect(h[1, 0] == Complex(2, 3))
        #expect(h[0, 1] == Complex(2, -3))
        #expect(h[1, 1] == Complex(4, 0))
    }

    @Test func coordinateSymmetricExpansionAndDuplicates() throws {
        let text = """
        %%MatrixMarket matrix coordinate real symmetric
        3 3 4
        1 1 2.0
        3 1 -1
        2 2 5
        3 1 0.5
        """
        let s = try MatrixMarket.readSparse(try temporaryFile(text))
        #expect(s.dense == (try Matrix<Double>([[2, 0, -0.5], [0, 5, 0], [-0.5, 0, 0]])))
        #expect(s.nonzeroCount == 4)  // (1,1), (3,1) summed, (2,2), mirrored (1,3)
    }

    @Test func coordinateSkewPatternIntegerComplex() throws {
        let skew = try temporaryFile("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 7\n")
        #expect(try MatrixMarket.readDense(skew) == (try Matrix<Double>([[0, -7], [7, 0]])))
        let pattern = try temporaryFile("%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n")
        #expect(try MatrixMarket.readDense(pattern) == (try Matrix<Double>([[0, 0, 1], [1, 0, 0]])))
        let integer = try temporaryFile("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 -3\n2 2 +12\n")
        #expect(try MatrixMarket.readDense(integer) == (try Matrix<Double>([[-3, 0], [0, 12]])))
        let complex = try temporaryFile("%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 1 0\n2 1 1.5 -2\n")
        let c = try MatrixMarket.readComplexSparse(complex)
        #expect(try c.entry(1, 0) == Complex(1.5, -2))
        #expect(try c.entry(0, 1) == Complex(1.5, 2))
        // Real data read as complex is fine.
        let r = try MatrixMarket.readComplexDense(integer)
        #expect(r[1, 1] == Complex(12, 0))
    }

    @Test func emptyMatrices() throws {
        let a = try temporaryFile("%%MatrixMarket matrix array real general\n0 0\n")
        #expect(try MatrixMarket.readDense(a).isEmpty)
        let c = try temporaryFile("%%MatrixMarket matrix coordinate real general\n0 5 0\n")
        let s = try MatrixMarket.readSparse(c)
        #expect(s.rows == 0 && s.columns == 5 && s.nonzeroCount == 0)
    }

    // MARK: Round trips

    @Test(arguments: [(1, 1), (3, 4), (7, 2)])
    func denseRoundTrip(rows: Int, columns: Int) throws {
        var g = SeededGenerator(seed: UInt64(rows * 31 + columns))
        var a = Matrix<Double>.randomNormal(rows: rows, columns: columns, using: &g)
        a[0, 0] = 5e-324  // subnormal
        if rows * columns > 1 { a.elements[1] = -0.0 }
        let path = temporaryPath("dense.mtx")
        try MatrixMarket.write(a, to: path)
        let b = try MatrixMarket.readDense(path)
        #expect(b == a)
        #expect(b.elements.map(\.bitPattern) == a.elements.map(\.bitPattern))

        let z = Matrix<Complex<Double>>.randomNormal(rows: rows, columns: columns, using: &g)
        try MatrixMarket.write(z, to: path)
        #expect(try MatrixMarket.readComplexDense(path) == z)
    }

    @Test func sparseRoundTrip() throws {
        let s = try SparseMatrix<Double>(rows: 4, columns: 3, rowIndices: [0, 3, 2, 1], columnIndices: [0, 0, 2, 1],
                                         values: [1.0 / 3, -2e-300, 7.25e200, 0])
        let path = temporaryPath("sparse.mtx")
        try MatrixMarket.write(s, to: path)
        #expect(try MatrixMarket.readSparse(path) == s)
        let z = s.complexified.scaled(by: Complex(0.5, -1))
        try MatrixMarket.write(z, to: path)
        #expect(try MatrixMarket.readComplexSparse(path) == z)
    }

    @Test func writeIsAtomicAndLeavesNoTemporaryOnFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-mm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("a.mtx").path
        try MatrixMarket.write(Matrix<Double>.identity(2), to: path)
        var bad = Matrix<Double>.identity(2)
        bad[1, 1] = .nan
        #expect(throws: MatrixMarketError.nonFinite(file: path, line: 6)) { try MatrixMarket.write(bad, to: path) }
        // The old file is intact and nothing else is in the directory.
        #expect(try MatrixMarket.readDense(path) == Matrix<Double>.identity(2))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.mtx"])
        // Unwritable destination: an I/O error, not a crash.
        #expect(throws: MatrixMarketError.self) {
            try MatrixMarket.write(bad, to: "/nonexistent-dir-lowrank/x.mtx")
        }
    }

    // MARK: Bad input: every error names the file and the line

    static let badInputs: [(String, MatrixMarketError)] = [
        ("", .malformedHeader(file: "b.mtx", line: 1, reason: "empty file; expected a %%MatrixMarket banner")),
        ("hello\n1 1\n1\n", .malformedHeader(file: "b.mtx", line: 1, reason: "first line must start with %%MatrixMarket")),
        ("%%MatrixMarket matrix array real\n1 1\n1\n",
         .malformedHeader(file: "b.mtx", line: 1, reason: "banner must be '%%MatrixMarket matrix <format> <field> <symmetry>'")),
        ("%%MatrixMarket matrix crd real general\n1 1\n1\n",
         .malformedHeader(file: "b.mtx", line: 1, reason: "unknown format 'crd' (expected coordinate or array)")),
        ("%%MatrixMarket matrix array pattern general\n1 1\n",
         .malformedHeader(file: "b.mtx", line: 1, reason: "pattern field requires coordinate format")),
        ("%%MatrixMarket matrix array real hermitian\n1 1\n1\n",
         .malformedHeader(file: "b.mtx", line: 1, reason: "hermitian symmetry requires complex field")),
        ("%%MatrixMarket matrix array real general\n% c\n2\n1\n",
         .malformedHeader(file: "b.mtx", line: 3, reason: "size line must be 'rows columns'")),
        ("%%MatrixMarket matrix array real general\n-2 2\n",
         .malformedHeader(file: "b.mtx", line: 2, reason: "'-2' is not a non-negative integer")),
        ("%%MatrixMarket matrix array real general\n4294967296 4294967296\n",
         .malformedHeader(file: "b.mtx", line: 2, reason: "4294967296×4294967296 overflows the address space")),
        ("%%MatrixMarket matrix coordinate real general\n2 2 5\n",
         .malformedHeader(file: "b.mtx", line: 2, reason: "5 entries do not fit in a 2×2 matrix")),
        ("%%MatrixMarket matrix array real symmetric\n2 3\n",
         .malformedHeader(file: "b.mtx", line: 2, reason: "symmetric matrix must be square, got 2×3")),
        ("%%MatrixMarket matrix array real general\n% only comments\n", .truncated(file: "b.mtx", line: 2)),
        ("%%MatrixMarket matrix array real general\n2 1\n1\n", .wrongEntryCount(file: "b.mtx", expected: 2, found: 1)),
        ("%%MatrixMarket matrix array real general\n1 1\n1\n2\n", .wrongEntryCount(file: "b.mtx", expected: 1, found: 2)),
        ("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n",
         .wrongEntryCount(file: "b.mtx", expected: 2, found: 1)),
        ("%%MatrixMarket matrix coordinate real general\n2 2 1\n\n3 1 1\n",
         .indexOutOfRange(file: "b.mtx", line: 4, row: 3, column: 1, rows: 2, columns: 2)),
        ("%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n",
         .indexOutOfRange(file: "b.mtx", line: 3, row: 0, column: 1, rows: 2, columns: 2)),
        ("%%MatrixMarket matrix array real general\n2 1\n1\nabc\n",
         .malformedEntry(file: "b.mtx", line: 4, reason: "expected a number")),
        ("%%MatrixMarket matrix array real general\n2 1\n1\n1.5x\n",
         .malformedEntry(file: "b.mtx", line: 4, reason: "expected a number")),
        ("%%MatrixMarket matrix array real general\n2 1\n1 2\n3\n",
         .malformedEntry(file: "b.mtx", line: 3, reason: "unexpected text after the entry")),
        ("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n",
         .malformedEntry(file: "b.mtx", line: 3, reason: "expected an integer")),
        ("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2\n2 2 1\n",
         .malformedEntry(file: "b.mtx", line: 4, reason: "missing column index")),
        ("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 x 1\n",
         .malformedEntry(file: "b.mtx", line: 3, reason: "column index is not a positive integer")),
        ("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1", .truncated(file: "b.mtx", line: 3)),
        ("%%MatrixMarket matrix array complex general\n1 1\n1", .truncated(file: "b.mtx", line: 3)),
        ("%%MatrixMarket matrix array real general\n2 1\n1\nNaN\n", .nonFinite(file: "b.mtx", line: 4)),
        ("%%MatrixMarket matrix array real general\n2 1\n-inf\n1\n", .nonFinite(file: "b.mtx", line: 3)),
        ("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1e400\n", .nonFinite(file: "b.mtx", line: 3)),
        ("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n",
         .malformedEntry(file: "b.mtx", line: 3, reason: "nonzero diagonal entry in a skew-symmetric matrix")),
        ("%%MatrixMarket vector array real general\n1\n1\n",
         .unsupported(file: "b.mtx", reason: "object 'vector' (only 'matrix' is read)")),
    ]

    @Test(arguments: 0..<badInputs.count)
    func badInputIsATypedError(_ k: Int) throws {
        let (text, expected) = Self.badInputs[k]
        #expect(throws: expected) { _ = try MatrixMarket.parse(bytes: Array(text.utf8), name: "b.mtx") }
        // The description names the file (and the line where there is one).
        #expect(expected.description.hasPrefix("b.mtx"))
    }

    @Test func complexDataReadAsRealIsAnError() throws {
        let path = try temporaryFile("%%MatrixMarket matrix array complex general\n1 1\n1 2\n")
        #expect(throws: MatrixMarketError.unsupported(file: path, reason: "complex data cannot be read as a real matrix")) {
            _ = try MatrixMarket.readDense(path)
        }
    }

    /// Absurd sizes in a header are rejected before anything of that size is allocated.
    @Test func absurdSizesAreRejected() throws {
        let huge = try temporaryFile("%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 1\n1 1 1\n")
        #expect(throws: MatrixMarketError.self) { _ = try MatrixMarket.readSparse(huge) }
        #expect(throws: MatrixMarketError.self) { _ = try MatrixMarket.readDense(huge) }
        let array = try temporaryFile("%%MatrixMarket matrix array real general\n100000 100000\n1\n")
        #expect(throws: MatrixMarketError.wrongEntryCount(file: array, expected: 10_000_000_000, found: 1)) {
            _ = try MatrixMarket.readDense(array)
        }
    }

    @Test func missingFileAndDirectory() throws {
        let path = temporaryPath("missing.mtx")
        #expect(throws: MatrixMarketError.fileNotFound(file: path)) { _ = try MatrixMarket.readDense(path) }
        #expect(throws: MatrixMarketError.io(file: "/tmp", reason: "not a regular file (a directory)")) {
            _ = try MatrixMarket.readDense("/tmp")
        }
    }

    /// Errors found by a worker thread still report the absolute line number.
    @Test func errorLineInParallelChunk() throws {
        let n = 400_000
        var text = "%%MatrixMarket matrix array real general\n\(n) 1\n"
        text.reserveCapacity(n * 8)
        for k in 0..<n { text += k == n - 10 ? "oops\n" : "1.25\n" }
        #expect(throws: MatrixMarketError.malformedEntry(file: "p.mtx", line: n - 10 + 3, reason: "expected a number")) {
            _ = try MatrixMarket.parse(bytes: Array(text.utf8), name: "p.mtx")
        }
        text = text.replacingOccurrences(of: "oops", with: "2.5")
        let doc = try MatrixMarket.parse(bytes: Array(text.utf8), name: "p.mtx")
        let a = try MatrixMarket.dense(doc, as: Double.self, name: "p.mtx")
        #expect(a.rows == n && a[n - 10, 0] == 2.5 && a[n - 1, 0] == 1.25)
    }

    // MARK: Number parsing against the C library

    /// The fast decimal path must agree bit for bit with glibc `strtod` (correctly rounded).
    @Test func decimalParsingMatchesStrtod() throws {
        var g = SeededGenerator(seed: 42)
        var tokens: [String] = ["0", "-0", "0.0", "1", "9007199254740993", "9007199254740992.5", "1e22", "1e23",
                                "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308",
                                "0.1", ".5", "5.", "123456789012345678901234567890", "1.00000000000000011102230246251565404",
                                "7.2057594037927933e16", "0.000000000000000000000000000001234", "+3.5E+2",
                                "00000000000000000000001.5", "123456789012345678.9", "1234567890123456789.0",
                                "12345678901234567890", "0.00000000000000000000000000000000000000", "1.2345678901234567890e-5",
                                "-0.000000000000000000001", "99999999999999999999e-20", "5.", "0.1e400", "1e-400"]
        for _ in 0..<200_000 {
            let x = Double(bitPattern: g.next())
            guard x.isFinite else { continue }
            tokens.append("\(x)")
            tokens.append(String(format: "%.17g", x))
            tokens.append(String(format: "%.\(Int(g.next() % 20))e", x))
            let digits = 1 + Int(g.next() % 19)
            let mantissa = String((0..<digits).map { _ in Character(String(g.next() % 10)) })
            tokens.append("\(mantissa)e\(Int(g.next() % 700) - 350)")
            let point = Int(g.next() % UInt64(digits + 1))
            let z = String(repeating: "0", count: Int(g.next() % 25))
            tokens.append("\(z)\(mantissa.prefix(point)).\(mantissa.dropFirst(point))\(z)E\(Int(g.next() % 40) - 20)")
        }
        try DecimalTables.with { tables in
            for t in tokens {
                let bytes = Array(t.utf8)
                let expected = strtod(t, nil)
                try bytes.withUnsafeBufferPointer { b in
                    switch scanDecimal(b.baseAddress!, b.baseAddress! + b.count, integerOnly: false, tables) {
                    case let .value(v, end):
                        #expect(v.bitPattern == expected.bitPattern, "\(t)")
                        #expect(end == b.baseAddress! + b.count)
                    case .nonFinite:
                        #expect(!expected.isFinite, "\(t)")
                    case let .malformed(reason):
                        Issue.record("\(t): \(reason)")
                        throw MatrixMarketError.truncated(file: t, line: 0)
                    }
                }
            }
        }
    }

    // MARK: Benchmark (runs when LOWRANK_MM_BENCH names a file, e.g. from svd_scipy.py make 2000)

    @Test(.enabled(if: ProcessInfo.processInfo.environment["LOWRANK_MM_BENCH"] != nil))
    func readBenchmark() throws {
        let path = ProcessInfo.processInfo.environment["LOWRANK_MM_BENCH"]!
        var best = Double.infinity
        var shape = ""
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let a = try MatrixMarket.readDense(path)
            let t1 = DispatchTime.now().uptimeNanoseconds
            best = min(best, Double(t1 - t0) * 1e-9)
            shape = a.shapeDescription
        }
        var bestRead = Double.infinity, bestParse = Double.infinity
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let bytes = try MatrixMarket.readFile(path)
            let t1 = DispatchTime.now().uptimeNanoseconds
            _ = try MatrixMarket.parse(bytes: bytes, name: path)
            let t2 = DispatchTime.now().uptimeNanoseconds
            bestRead = min(bestRead, Double(t1 - t0) * 1e-9)
            bestParse = min(bestParse, Double(t2 - t1) * 1e-9)
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let sigma = try MatrixMarket.readDense(path).singularValues()
        let t1 = DispatchTime.now().uptimeNanoseconds
        print("read + singularValues: \(Double(t1 - t0) * 1e-9) s, sigma_max = \(sigma.first ?? 0)")
        let a = try MatrixMarket.readDense(path)
        let out = temporaryPath("bench.mtx")
        let t2 = DispatchTime.now().uptimeNanoseconds
        try MatrixMarket.write(a, to: out)
        let t3 = DispatchTime.now().uptimeNanoseconds
        #expect(try MatrixMarket.readDense(out) == a)
        print("write: \(Double(t3 - t2) * 1e-9) s")
        unlink(out)
        print("MatrixMarket.readDense(\(path)) \(shape): best of 5 = \(best) s (file read \(bestRead) s, parse \(bestParse) s)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["LOWRANK_MM_SPARSE_BENCH"] != nil))
    func readSparseBenchmark() throws {
        let path = ProcessInfo.processInfo.environment["LOWRANK_MM_SPARSE_BENCH"]!
        for _ in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let doc = try MatrixMarket.withFileBytes(path) { try MatrixMarket.parse(bytes: $0, name: path) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            let s = try MatrixMarket.sparse(doc, as: Double.self, name: path)
            let t2 = DispatchTime.now().uptimeNanoseconds
            print("readSparse \(s.shapeDescription), \(s.nonzeroCount) stored: parse \(Double(t1 - t0) * 1e-9) s, "
                  + "assemble \(Double(t2 - t1) * 1e-9) s")
        }
    }
}

// MARK: Real-world line endings, hermitian diagonals, header sizes beyond the data

extension MatrixMarketTests {
    /// The same file with CRLF line ends and a UTF-8 byte-order mark.
    static func windowsText(_ text: String) -> [UInt8] {
        [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    @Test func crlfAndByteOrderMarkReadAsTheSameMatrix() throws {
        let coordinate = "%%MatrixMarket matrix coordinate real symmetric\n% comment\n\n3 3 4\n1 1 2.5\n2 1 -1\n3 2 4e-1\n3 3 7\n"
        let array = "%%MatrixMarket matrix array complex general\n2 2\n1 0\n2 -1\n3 0.5\n4 0\n"
        let hermitian = "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 3 0\n2 1 1 2\n"
        // Expected values, written out by hand from the texts above.
        let expectedCoordinate = try Matrix<Complex<Double>>(rows: 3, columns: 3, elements: [
            2.5, -1, 0, -1, 0, 0.4, 0, 0.4, 7].map { Complex($0, 0) })
        let expectedArray = try Matrix<Complex<Double>>(rows: 2, columns: 2, elements: [
            Complex(1, 0), Complex(2, -1), Complex(3, 0.5), Complex(4, 0)])
        let expectedHermitian = try Matrix<Complex<Double>>(rows: 2, columns: 2, elements: [
            Complex(3, 0), Complex(1, 2), Complex(1, -2), Complex(0, 0)])
        for (text, expected) in [(coordinate, expectedCoordinate),
                                 (array, expectedArray), (hermitian, expectedHermitian)] {
            let unix = try temporaryFile(text)
            let windows = temporaryPath("w.mtx")
            defer { unlink(unix); unlink(windows) }
            _ = FileManager.default.createFile(atPath: windows, contents: Data(Self.windowsText(text)))
            #expect(try MatrixMarket.readComplexDense(unix) == expected)
            #expect(try MatrixMarket.readComplexDense(windows) == expected)
            #expect(try MatrixMarket.readComplexSparse(windows).dense == expected)
            #expect(try MatrixMarket.readDocument(windows).header == MatrixMarket.readDocument(unix).header)
        }
        // A byte-order mark alone before an otherwise empty file is still "no banner".
        #expect(throws: MatrixMarketError.self) { _ = try MatrixMarket.parse(bytes: [0xEF, 0xBB, 0xBF], name: "b") }
    }

    @Test func hermitianDiagonalMustBeReal() throws {
        let reason = "hermitian matrix has a non-real diagonal entry"
        let coordinate = "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n2 1 1 2\n2 2 5 1e-3\n"
        #expect(throws: MatrixMarketError.malformedEntry(file: "c", line: 4, reason: reason)) {
            _ = try MatrixMarket.parse(bytes: Array(coordinate.utf8), name: "c")
        }
        // Array storage: the lower triangle column by column; the diagonal of column 2 is the 4th value, on line 7
        // (after a comment line inside the data).
        let array = "%%MatrixMarket matrix array complex hermitian\n3 3\n1 0\n2 1\n3 1\n% note\n4 -2\n5 1\n6 0\n"
        #expect(throws: MatrixMarketError.malformedEntry(file: "a", line: 7, reason: reason)) {
            _ = try MatrixMarket.parse(bytes: Array(array.utf8), name: "a")
        }
        let real = "%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 1\n3 0\n"
        #expect(try MatrixMarket.dense(MatrixMarket.parse(bytes: Array(real.utf8), name: "r"),
                                       as: Complex<Double>.self, name: "r")
                == Matrix(rows: 2, columns: 2, elements: [Complex(1, 0), Complex(2, 1), Complex(2, -1), Complex(3, 0)]))
        // Skew-symmetric: a nonzero diagonal entry is refused (a zero one changes nothing and is read).
        let skew = "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 2\n2 1 3\n1 1 1\n"
        #expect(throws: MatrixMarketError.malformedEntry(file: "s", line: 4,
                                                         reason: "nonzero diagonal entry in a skew-symmetric matrix")) {
            _ = try MatrixMarket.parse(bytes: Array(skew.utf8), name: "s")
        }
    }

    @Test func headerSizesBeyondTheDataAreRefusedBeforeAllocating() throws {
        // One entry cannot justify 30000000 + 30000000 column pointers and row counts.
        let huge = try temporaryFile("%%MatrixMarket matrix coordinate real general\n30000000 30000000 1\n1 1 1\n")
        defer { unlink(huge) }
        do { _ = try MatrixMarket.readSparse(huge); Issue.record("30000000×30000000 accepted") } catch {
            guard case .unsupported(let file, let reason) = error as? MatrixMarketError else {
                Issue.record("\(error)"); return
            }
            #expect(file == huge && reason.contains("30000000×30000000"))
        }
        #expect(throws: MatrixMarketError.self) { _ = try MatrixMarket.readDense(huge) }
        // Still fine: rows + columns within max(2^22, 64 · entries).
        let tall = try temporaryFile("%%MatrixMarket matrix coordinate real general\n2000000 3 2\n1 1 1\n2000000 3 2\n")
        defer { unlink(tall) }
        let s = try MatrixMarket.readSparse(tall)
        #expect(s.rows == 2_000_000 && s.columns == 3 && s.nonzeroCount == 2)
        // A symmetric array header whose triangle count would overflow n(n+1) is refused, not trapped.
        let overflow = "%%MatrixMarket matrix array real symmetric\n3037000499 3037000499\n1\n"
        #expect(throws: MatrixMarketError.self) { _ = try MatrixMarket.parse(bytes: Array(overflow.utf8), name: "o") }
    }
}
