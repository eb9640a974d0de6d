import Foundation
import Testing
@testable import LatentFactors

@Suite struct RatingsReaderTests {
    static let uData = "196\t242\t3\t881250949\n186 302 3 891717742\n\n22\t377\t-1.5\n196  377   4.25\n"
    static let dat = "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n"
    static let csv = "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n7,31,1e1,1\n"
    static let semicolon = "item;rating;user\nA;1;x\nB;2;y\nA;3;y\n"
    static let mtx = "%%MatrixMarket matrix coordinate real general\n% comment\n3 4 3\n1 1 2.5\n3 4 -1\n1 2 0.5\n"

    @Test func movieLensDataWithTabsAndSpaces() throws {
        let r = try RatingsReader.read(try ratingsFile(Self.uData))
        #expect(r.count == 4 && r.userCount == 3 && r.itemCount == 3)
        #expect(r.userIds == ["196", "186", "22"])
        #expect(r.itemIds == ["242", "302", "377"])
        #expect(triples(r) == ["196 242 3.0", "196 377 4.25", "186 302 3.0", "22 377 -1.5"])
        #expect(triples(r).sorted() == columnTriples(r).sorted())
        #expect(r.count(user: 0) == 2 && r.count(item: 2) == 2)
        #expect(r.entryOfRecord == [0, 2, 3, 1])
        // The default layout whatever the extension.
        let csvNamed = try RatingsReader.read(try ratingsFile(Self.uData, name: "x.csv"))
        #expect(triples(csvNamed) == triples(r))
    }

    @Test func datCsvDelimitedMatrixMarket() throws {
        let dat = try RatingsReader.read(try ratingsFile(Self.dat), format: .movieLensDat)
        #expect(triples(dat) == ["1 1193 5.0", "1 661 3.0", "2 1193 4.0"])
        let csv = try RatingsReader.read(try ratingsFile(Self.csv), format: .movieLensCSV)
        #expect(triples(csv) == ["1 31 2.5", "1 1029 3.0", "7 31 10.0"])
        let layout = DelimitedLayout(delimiter: ";", userColumn: 2, itemColumn: 0, ratingColumn: 1, headerLines: 1)
        let del = try RatingsReader.read(try ratingsFile(Self.semicolon), format: .delimited(layout))
        #expect(triples(del) == ["x A 1.0", "y A 3.0", "y B 2.0"])
        let mtx = try RatingsReader.read(try ratingsFile(Self.mtx), format: .matrixMarket)
        #expect(triples(mtx) == ["1 1 2.5", "1 2 0.5", "3 4 -1.0"])
        #expect(triples(mtx).sorted() == columnTriples(mtx).sorted())
    }

    @Test func crlfAndBOMReadAsTheSameData() throws {
        let cases: [(String, RatingsFormat)] = [
            (Self.uData, .movieLens), (Self.dat, .movieLensDat), (Self.csv, .movieLensCSV),
            (Self.semicolon, .delimited(DelimitedLayout(delimiter: ";", userColumn: 2, itemColumn: 0, ratingColumn: 1,
                                                        headerLines: 1))),
            (Self.mtx, .matrixMarket),
        ]
        for (text, format) in cases {
            let lf = try RatingsReader.read(try ratingsFile(text), format: format)
            let crlf = try RatingsReader.read(try ratingsFile(crlfBOM(text)), format: format)
            #expect(triples(lf) == triples(crlf))
            #expect(lf.userIds == crlf.userIds && lf.itemIds == crlf.itemIds)
            #expect(lf.rowOffsets == crlf.rowOffsets && lf.columnOffsets == crlf.columnOffsets)
        }
        // Line numbers are unchanged by the BOM and CRLF.
        let e = ratingsError { _ = try RatingsReader.read(try ratingsFile(crlfBOM("1 2 3\n1 3 x\n"))) }
        #expect(e?.line == 2)
    }

    @Test func badInputNamesFileAndLine() throws {
        func check(_ text: String, _ format: RatingsFormat = .movieLens, line: Int?, _ phrase: String) throws {
            let path = try ratingsFile(text)
            let e = ratingsError { _ = try RatingsReader.read(path, format: format) }
            #expect(e != nil, "expected an error for \(text.debugDescription)")
            guard let e else { return }
            #expect(e.line == line)
            let prefix = line.map { "\(path):\($0): " } ?? "\(path): "
            #expect(e.description.hasPrefix(prefix), "\(e)")
            #expect(e.description.contains(phrase), "\(e)")
        }
        try check("1 2 3\n1 3\n", line: 2, "missing columns")
        try check("1::2::3\n1::3\n", .movieLensDat, line: 2, "missing columns")
        try check("userId,movieId,rating\n1,2\n", .movieLensCSV, line: 2, "missing columns")
        try check("a,b,c\n1,2,3\n", .movieLensCSV, line: 1, "header")
        try check("1 2 3\n\n1 3 abc\n", line: 3, "'abc' is not a number")
        try check("1 2 NaN\n", line: 1, "NaN")
        try check("1 2 nan\n", line: 1, "NaN")
        try check("1 2 inf\n", line: 1, "not finite")
        try check("1 2 3\n4 5 6\n1 2 4\n", line: 3, "lines 1 and 3")
        try check("", line: nil, "empty file")
        try check("\n  \n\r\n", line: nil, "empty file")
        try check("\u{FEFF}", line: nil, "empty file")
        try check("%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n", .matrixMarket, line: 3, "row '3'")
        try check("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n", .matrixMarket, line: 3, "declares 2")
        try check("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1\n", .matrixMarket, line: 1, "pattern")
        try check("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 nan\n", .matrixMarket, line: 3, "NaN")
        try check("1 2 3\n", .delimited(DelimitedLayout(delimiter: "")), line: nil, "delimiter is empty")
        try check("1 2 3\n", .delimited(DelimitedLayout(ratingColumn: -1)), line: nil, "≥ 0")
        try check("a,b,3\n,c,4\n", .delimited(DelimitedLayout(delimiter: ",")), line: 2, "empty user id")
        let missing = ratingsError { _ = try RatingsReader.read("/nonexistent/ratings.data") }
        #expect(missing?.description == "/nonexistent/ratings.data: no such file")
    }

    @Test func duplicatePolicies() throws {
        let path = try ratingsFile("u a 1\nu b 5\nv a 2\nu a 4\nu a 7\n")
        let refused = ratingsError { _ = try RatingsReader.read(path) }
        #expect(refused?.line == 4)
        #expect(refused?.description.contains("lines 1 and 4") == true)
        let last = try RatingsReader.read(path, duplicates: .last)
        #expect(triples(last) == ["u a 7.0", "u b 5.0", "v a 2.0"])
        #expect(last.entryOfRecord == [0, 1, 2, 0, 0])
        let mean = try RatingsReader.read(path, duplicates: .mean)
        #expect(triples(mean) == ["u a 4.0", "u b 5.0", "v a 2.0"])
        #expect(triples(mean).sorted() == columnTriples(mean).sorted())
    }

    @Test func inMemoryInitValidates() throws {
        let r = try Ratings(userIds: ["a", "b"], itemIds: ["x"], users: [1, 0], items: [0, 0], values: [2, 3])
        #expect(triples(r) == ["a x 3.0", "b x 2.0"])
        #expect(ratingsError { _ = try Ratings(userIds: ["a"], itemIds: ["x"], users: [0, 0], items: [0, 0], values: [1, 2]) } != nil)
        #expect(ratingsError { _ = try Ratings(userIds: ["a"], itemIds: ["x"], users: [1], items: [0], values: [1]) } != nil)
        #expect(ratingsError { _ = try Ratings(userIds: ["a"], itemIds: ["x"], users: [0], items: [0], values: [.nan]) } != nil)
    }
}
