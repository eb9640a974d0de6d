import Foundation
import Testing
@testable import LatentFactors

/// Reading a file by byte ranges (``RatingsReader/layout(_:format:parts:)``, ``RatingsReader/readPart(_:part:)``,
/// ``Ratings/init(parts:path:duplicates:)``) must give what the whole-file reader gives, whatever the number of parts:
/// the reference in every test is ``RatingsReader/read(_:format:duplicates:)`` on the same file.
@Suite struct RatingsPartsTests {
    static let semicolonLayout = DelimitedLayout(delimiter: ";", userColumn: 2, itemColumn: 0, ratingColumn: 1,
                                                 headerLines: 1)

    /// The same file read whole and in 1…`maxParts` parts.
    func readInParts(_ path: String, format: RatingsFormat, duplicates: DuplicatePolicy = .refuse,
                     parts: Int) throws -> Ratings {
        let layout = try RatingsReader.layout(path, format: format, parts: parts)
        let read = try (0..<parts).map { try RatingsReader.readPart(layout, part: $0) }
        return try Ratings(parts: read, path: path, duplicates: duplicates)
    }

    func expectSame(_ a: Ratings, _ b: Ratings, _ context: String) {
        #expect(a.userIds == b.userIds, "\(context)")
        #expect(a.itemIds == b.itemIds, "\(context)")
        #expect(a.rowOffsets == b.rowOffsets && a.rowItems == b.rowItems && a.rowValues == b.rowValues, "\(context)")
        #expect(a.columnOffsets == b.columnOffsets && a.columnUsers == b.columnUsers
                && a.columnValues == b.columnValues, "\(context)")
        #expect(a.entryOfRecord == b.entryOfRecord, "\(context)")
    }

    /// A generated table with repeated ids far apart, blank lines and duplicate pairs.
    static func generated(lines: Int, seed: UInt64) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var text = ""
        for line in 0..<lines {
            if line % 17 == 5 { text += "   \n" }
            text += "u\(next(40))\t\(next(900) + 7)  \(next(9)).\(next(10))\n"
        }
        return text
    }

    @Test func everyFormatAndPartCountGivesTheWholeFileRatings() throws {
        let mtx = "%%MatrixMarket matrix coordinate real general\n% comment\n\n%another\n3 4 3\n% mid\n1 1 2.5\n3 4 -1\n1 2 0.5\n"
        let cases: [(String, RatingsFormat, DuplicatePolicy)] = [
            (RatingsReaderTests.uData, .movieLens, .refuse),
            (crlfBOM(RatingsReaderTests.uData), .movieLens, .refuse),
            (RatingsReaderTests.dat, .movieLensDat, .refuse),
            (crlfBOM(RatingsReaderTests.csv), .movieLensCSV, .refuse),
            (RatingsReaderTests.semicolon, .delimited(Self.semicolonLayout), .refuse),
            (mtx, .matrixMarket, .refuse),
            (crlfBOM(mtx), .matrixMarket, .refuse),
            ("1 2 3\n4 5 6", .movieLens, .refuse),                         // no final line feed
            ("1 2 3\n\u{FEFF}7 8 9\n", .movieLens, .refuse),               // a data line that starts with the BOM's bytes
            (Self.generated(lines: 400, seed: 7), .movieLens, .mean),
            (Self.generated(lines: 400, seed: 8), .movieLens, .last),
            // A line longer than the cut search's 64 KiB blocks, in the middle: every cut after it scans past it once.
            ("a 1 2\n" + "u" + String(repeating: "x", count: 200_000) + " 7 3\n" + "b 1 5\nc 2 1\n", .movieLens, .refuse),
        ]
        for (number, (text, format, duplicates)) in cases.enumerated() {
            let path = try ratingsFile(text)
            let whole = try RatingsReader.read(path, format: format, duplicates: duplicates)
            for parts in 1...7 {
                expectSame(try readInParts(path, format: format, duplicates: duplicates, parts: parts), whole,
                           "case \(number), \(parts) parts")
            }
        }
    }

    @Test func partsCoverTheDataAtLineStarts() throws {
        let text = crlfBOM("userId,movieId,rating\n" + (0..<50).map { "\($0),\($0 * 3),4.5\n" }.joined())
        let path = try ratingsFile(text)
        let bytes = Array(text.utf8)
        for parts in [1, 2, 3, 8, 64, 200] {
            let layout = try RatingsReader.layout(path, format: .movieLensCSV, parts: parts)
            #expect(layout.preamble == Array(bytes[0..<layout.preamble.count]))
            #expect(layout.preambleLines == 1)
            #expect(layout.dataRanges.first?.lowerBound == layout.preamble.count)
            #expect(layout.dataRanges.last?.upperBound == bytes.count)
            #expect(layout.dataRanges.count == parts)
            for p in 1..<parts {
                #expect(layout.dataRanges[p].lowerBound == layout.dataRanges[p - 1].upperBound)
                let start = layout.dataRanges[p].lowerBound
                #expect(start == bytes.count || bytes[start - 1] == 0x0A, "\(parts) parts: part \(p) starts mid-line")
            }
            // Non-empty parts hold about 1/P of the data each (at most one line more).
            let sizes = layout.dataRanges.map(\.count)
            #expect((sizes.max() ?? 0) <= (bytes.count - layout.preamble.count) / parts + 12)
        }
    }

    @Test func faultsAreReportedAsTheWholeFileReaderReportsThem() throws {
        let data = Self.generated(lines: 120, seed: 3)
        let header = "%%MatrixMarket matrix coordinate real general\n% c\n5 6 "
        let entries = (0..<40).map { "\($0 % 5 + 1) \($0 % 6 + 1) \($0).5\n" }
        let cases: [(String, RatingsFormat)] = [
            (data + "u1 7 abc\n" + data, .movieLens),                     // bad rating in the middle
            (data + "u1 7\n" + data + "1 2 x\n", .movieLens),             // two faults: the first in file order wins
            (data + data, .movieLens),                                    // duplicate pairs far apart (refuse)
            ("", .movieLens), ("\n \n", .movieLens), ("\u{FEFF}", .movieLensCSV),
            ("a,b,c\n1,2,3\n", .movieLensCSV),
            ("userId,movieId,rating\n", .movieLensCSV),
            ("item;rating;user\n", .delimited(Self.semicolonLayout)),
            ("1 2 3\n", .delimited(DelimitedLayout(delimiter: ""))),
            (header + "30\n" + entries.joined(), .matrixMarket),          // more entries than declared
            (header + "41\n" + entries.joined() + "\n\n", .matrixMarket), // fewer (the last line is named)
            (header + "40\n" + entries[0..<30].joined() + "9 1 1\n" + entries[31...].joined(), .matrixMarket),
            (header + "30\n" + entries[0..<30].joined() + "9 1 1\n" + entries[31...].joined(), .matrixMarket),
            (header + "29\n" + entries[0..<30].joined() + "9 1 1\n", .matrixMarket),
            ("%%MatrixMarket matrix coordinate real general\n% no size line\n", .matrixMarket),
            ("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1\n", .matrixMarket),
        ]
        for (number, (text, format)) in cases.enumerated() {
            let path = try ratingsFile(text)
            let expected = ratingsError { _ = try RatingsReader.read(path, format: format) }
            #expect(expected != nil, "case \(number) should fail")
            for parts in 1...6 {
                let found = ratingsError { _ = try readInParts(path, format: format, parts: parts) }
                #expect(found == expected, "case \(number), \(parts) parts: \(String(describing: found)) vs \(String(describing: expected))")
            }
        }
    }

    @Test func unreadableFilesAndBadPartNumbers() throws {
        let missing = ratingsError { _ = try RatingsReader.layout("/nonexistent/ratings.data", parts: 2) }
        #expect(missing?.description == "/nonexistent/ratings.data: no such file")
        let path = try ratingsFile("1 2 3\n")
        #expect(ratingsError { _ = try RatingsReader.layout(path, parts: 0) }?.reason.contains("≥ 1") == true)
        let layout = try RatingsReader.layout(path, parts: 2)
        #expect(ratingsError { _ = try RatingsReader.readPart(layout, part: 2) }?.reason.contains("no part 2") == true)
    }

    @Test func inconsistentPartsAreRefusedNotTrusted() throws {
        let path = try ratingsFile("1 2 3\n4 5 6\n")
        var part = try RatingsReader.readPart(try RatingsReader.layout(path, parts: 1), part: 0)
        part.users[1] = 7                                   // no such user in the part
        #expect(ratingsError { _ = try Ratings(parts: [part], path: path) }?.reason.contains("inconsistent") == true)
        part.users.removeLast()                             // record arrays of different lengths
        #expect(ratingsError { _ = try Ratings(parts: [part], path: path) }?.reason.contains("inconsistent") == true)
    }

    @Test func idsSurviveTheExchangeEncoding() {
        let ids = ["196", "alice", "ü b", "", "x\ty"]
        #expect(DistributedRatingsReader.split(DistributedRatingsReader.joined(ids)[...], count: ids.count) == ids)
        #expect(DistributedRatingsReader.split([][...], count: 0) == [])
    }
}
