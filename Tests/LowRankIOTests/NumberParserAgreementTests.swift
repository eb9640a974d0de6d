import Foundation
import Testing
@testable import LowRankIO
import LowRankKernels
import LowRankSparse

/// Issue 13: the Matrix Market reader with either number parser (``MatrixMarket/NumberParser``) reads every input of
/// the reader's tests, and the shipped data files, into the same document bit for bit, or fails with the same error.
@Suite struct NumberParserAgreementTests {
    /// The outcome of one parse: header and the bit patterns of indices and values, or the error.
    enum Outcome: Equatable {
        case document(MatrixMarket.Header, [UInt64])
        case error(MatrixMarketError)
    }

    static func outcome(_ bytes: [UInt8], _ name: String, _ numbers: MatrixMarket.NumberParser) -> Outcome {
        do {
            let doc = try bytes.withUnsafeBytes { try MatrixMarket.parse(bytes: $0, name: name, numbers: numbers) }
            switch doc.storage {
            case .dense(let values): return .document(doc.header, values.map(\.bitPattern))
            case let .coordinate(ri, ci, values):
                return .document(doc.header, ri.map { UInt64($0) } + ci.map { UInt64($0) } + values.map(\.bitPattern))
            }
        } catch let error as MatrixMarketError {
            return .error(error)
        } catch {
            return .error(.unsupported(file: name, reason: "untyped error \(error)"))
        }
    }

    /// Both parsers' outcome, after checking that they are equal.
    @discardableResult
    static func expectAgreement(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> Outcome {
        let el = outcome(bytes, name, .eiselLemire), standard = outcome(bytes, name, .standard)
        #expect(el == standard, "\(name): the number parsers disagree", sourceLocation: sourceLocation)
        return el
    }

    @Test(arguments: 0..<MatrixMarketTests.badInputs.count)
    func badInputsFailAlike(_ k: Int) {
        let (text, expected) = MatrixMarketTests.badInputs[k]
        for numbers in MatrixMarket.NumberParser.allCases {
            #expect(Self.outcome(Array(text.utf8), "b.mtx", numbers) == .error(expected), "\(numbers)")
        }
    }

    /// The texts of MatrixMarketTests' valid-file and hostile-input tests, as written and with CRLF and a BOM.
    static let texts: [String] = [
        "%%MatrixMarket matrix array real general\n% a comment\n%\n\t\n2 3\n1\n-2.5\n\n3e2\n% comment inside the data\n4.0E-1\n5\n-6",
        "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n",
        "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n",
        "%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 3\n4 0\n",
        "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 2.0\n3 1 -1\n2 2 5\n3 1 0.5",
        "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 7\n",
        "%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n",
        "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 -3\n2 2 +12\n",
        "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 1 0\n2 1 1.5 -2\n",
        "%%MatrixMarket matrix array real general\n0 0\n",
        "%%MatrixMarket matrix coordinate real general\n0 5 0\n",
        "%%MatrixMarket matrix array complex general\n1 1\n1 2\n",
        "%%MatrixMarket matrix coordinate real general\n2000000000 2000000000 1\n1 1 1\n",
        "%%MatrixMarket matrix array real general\n100000 100000\n1\n",
        "%%MatrixMarket matrix coordinate real symmetric\n% comment\n\n3 3 4\n1 1 2.5\n2 1 -1\n3 2 4e-1\n3 3 7\n",
        "%%MatrixMarket matrix array complex general\n2 2\n1 0\n2 -1\n3 0.5\n4 0\n",
        "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 3 0\n2 1 1 2\n",
        "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n2 1 1 2\n2 2 5 1e-3\n",
        "%%MatrixMarket matrix array complex hermitian\n3 3\n1 0\n2 1\n3 1\n% note\n4 -2\n5 1\n6 0\n",
        "%%MatrixMarket matrix array complex hermitian\n2 2\n1 0\n2 1\n3 0\n",
        "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 2\n2 1 3\n1 1 1\n",
        "%%MatrixMarket matrix coordinate real general\n30000000 30000000 1\n1 1 1\n",
        "%%MatrixMarket matrix coordinate real general\n2000000 3 2\n1 1 1\n2000000 3 2\n",
        "%%MatrixMarket matrix array real symmetric\n3037000499 3037000499\n1\n",
        // The fuzz seeds (scripts/fuzz-matrix-market).
        "%%MatrixMarket matrix array real general\n% comment\n2 2\n1.5\n-2e-3\n.5\n7\n",
        "%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n2\n3\n",
        "%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1.0\n2 3 -4.5E+10\n3 2 1e-320\n",
        "%%MatrixMarket matrix coordinate complex skew-symmetric\n2 2 1\n2 1 1 -1\n",
        "%%MatrixMarket matrix coordinate integer general\n2 2 1\n\n2 2 +12\n",
        // Tokens at the edges of the grammar and of the double range, last token at the end of the buffer.
        "%%MatrixMarket matrix array real general\n9 1\n5.\n.5\n-0\n+0.0e-999\n4.9e-324\n2.4703282292062328e-324\n1e-400\n"
            + "1.7976931348623157e308\n2.2250738585072011e-308",
        "%%MatrixMarket matrix array real general\n1 1\n1.7976931348623159e308\n",
        "%%MatrixMarket matrix array real general\n1 1\n1e0000000000000000001",
        "%%MatrixMarket matrix array real general\n1 1\n1e99999999999999999999\n",
        "%%MatrixMarket matrix array real general\n1 1\n123456789012345678901234567890e-29",
        "%%MatrixMarket matrix array real general\n1 1\n.nan\n",
        "%%MatrixMarket matrix array real general\n1 1\n1e\n",
        "%%MatrixMarket matrix array real general\n1 1\n1e+\n",
        "%%MatrixMarket matrix array real general\n1 1\n0x1p3\n",
        "%%MatrixMarket matrix array real general\n1 1\n1,5\n",
        "%%MatrixMarket matrix array real general\n1 1\n1.5d0\n",
        "%%MatrixMarket matrix array real general\n1 1\nInfinity",
        "%%MatrixMarket matrix array real general\n1 1\n-",
        "%%MatrixMarket matrix array real general\n1 1\n.",
        "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 1e3\n",
        "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 123456789012345678901234567890\n",
        "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 nan\n",
    ]

    @Test func readerTestTextsReadAlike() {
        for (k, text) in Self.texts.enumerated() {
            Self.expectAgreement(Array(text.utf8), "t\(k).mtx")
            Self.expectAgreement(MatrixMarketTests.windowsText(text), "w\(k).mtx")
        }
    }

    /// The round-trip files of MatrixMarketTests (written by `MatrixMarket.write`): shortest
    /// round-trip decimals, subnormals, −0, complex pairs.
    @Test func roundTripFilesReadAlike() throws {
        let path = temporaryPath("agree.mtx")
        defer { unlink(path) }
        func agree() throws { Self.expectAgreement(try MatrixMarket.readFile(path), path) }
        for (rows, columns) in [(1, 1), (3, 4), (7, 2), (60, 50)] {
            var g = SeededGenerator(seed: UInt64(rows * 31 + columns))
            var a = Matrix<Double>.randomNormal(rows: rows, columns: columns, using: &g)
            a[0, 0] = 5e-324
            if rows * columns > 1 { a.elements[1] = -0.0 }
            try MatrixMarket.write(a, to: path)
            try agree()
            try MatrixMarket.write(Matrix<Complex<Double>>.randomNormal(rows: rows, columns: columns, using: &g), to: path)
            try agree()
            // Values spread over the whole exponent range.
            for k in a.elements.indices { a.elements[k] = Double(bitPattern: g.next() >> 1) }
            a.elements = a.elements.map { $0.isFinite ? $0 : 1 }
            try MatrixMarket.write(a, to: path)
            try agree()
        }
        let s = try SparseMatrix<Double>(rows: 4, columns: 3, rowIndices: [0, 3, 2, 1], columnIndices: [0, 0, 2, 1],
                                         values: [1.0 / 3, -2e-300, 7.25e200, 0])
        try MatrixMarket.write(s, to: path)
        try agree()
        try MatrixMarket.write(s.complexified.scaled(by: Complex(0.5, -1)), to: path)
        try agree()
    }

    /// A file large enough to be parsed in chunks on several threads, with and without an error in a late chunk.
    @Test func parallelChunksReadAlike() {
        let n = 400_000
        var text = "%%MatrixMarket matrix array real general\n\(n) 1\n"
        text.reserveCapacity(n * 24)
        var g = SeededGenerator(seed: 5)
        for k in 0..<n {
            text += k == n - 10 ? "oops\n" : "\(Double(bitPattern: g.next() >> 2))\n"
        }
        #expect(Self.expectAgreement(Array(text.utf8), "p.mtx")
                == .error(.malformedEntry(file: "p.mtx", line: n - 10 + 3, reason: "expected a number")))
        let fixed = Array(text.replacingOccurrences(of: "oops", with: "-1.25e-310").utf8)
        guard case .document = Self.expectAgreement(fixed, "p.mtx") else {
            Issue.record("the fixed file does not read")
            return
        }
    }

    /// Every `.mtx` file under Data/ (the shipped models and the planted matrix).
    @Test func shippedDataFilesReadAlike() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let data = root.appendingPathComponent("Data")
        let walker = try #require(FileManager.default.enumerator(atPath: data.path))
        var files = 0
        while let name = walker.nextObject() as? String {
            guard name.hasSuffix(".mtx") else { continue }
            let path = data.appendingPathComponent(name).path
            guard case .document = Self.expectAgreement(try MatrixMarket.readFile(path), path) else {
                Issue.record("\(path) does not read")
                continue
            }
            files += 1
        }
        #expect(files >= 10, "only \(files) .mtx files under \(data.path)")
    }
}
