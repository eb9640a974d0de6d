import Foundation
import Testing
@testable import LatentFactors

@Suite struct SplitsTests {
    /// 40 ratings: users 0..<8, items 0..<5, every pair.
    static func grid() throws -> Ratings {
        var text = ""
        for u in 0..<8 { for i in 0..<5 { text += "u\(u) i\(i) \(u * 5 + i)\n" } }
        return try RatingsReader.read(try ratingsFile(text))
    }

    @Test func trainTestIsReproducibleDisjointAndComplete() throws {
        let r = try Self.grid()
        let a = try Splits.trainTest(r, testFraction: 0.25, seed: 7)
        let b = try Splits.trainTest(r, testFraction: 0.25, seed: 7)
        let c = try Splits.trainTest(r, testFraction: 0.25, seed: 8)
        #expect(a.testEntries == b.testEntries && a.trainEntries == b.trainEntries)
        #expect(a.testEntries != c.testEntries)
        #expect(a.testEntries.count == 10 && a.trainEntries.count == 30)
        #expect(Set(a.testEntries).isDisjoint(with: a.trainEntries))
        #expect((a.testEntries + a.trainEntries).sorted() == Array(0..<40))
        #expect(a.train.count == 30 && a.test.count == 10)
        #expect(a.train.userIds == r.userIds && a.test.itemIds == r.itemIds)
        #expect((triples(a.train) + triples(a.test)).sorted() == triples(r).sorted())
        #expect(triples(a.test).sorted() == columnTriples(a.test).sorted())
        #expect(ratingsError { _ = try Splits.trainTest(r, testFraction: 1.5) } != nil)
        #expect(ratingsError { _ = try Splits.trainTest(r, testFraction: 0.001) } != nil)
    }

    @Test func kFoldsPartitionTheEntries() throws {
        let r = try Self.grid()
        let f = try Splits.kFold(r, folds: 3, seed: 1)
        #expect(f == (try Splits.kFold(r, folds: 3, seed: 1)))
        #expect(f != (try Splits.kFold(r, folds: 3, seed: 2)))
        #expect(f.count == 3 && f.foldOfEntry.count == 40)
        let sizes = (0..<3).map { f.entries(inFold: $0).count }
        #expect(sizes.reduce(0, +) == 40 && sizes.max()! - sizes.min()! <= 1)
        var seen: [Int] = []
        for k in 0..<3 {
            let s = f.split(r, fold: k)
            #expect(Set(s.testEntries).isDisjoint(with: s.trainEntries))
            #expect((s.testEntries + s.trainEntries).sorted() == Array(0..<40))
            seen += s.testEntries
        }
        #expect(seen.sorted() == Array(0..<40))
        let tooFew = ratingsError { _ = try Splits.kFold(r, folds: 41) }
        #expect(tooFew?.description.contains("too few ratings (40) for 41 folds") == true)
        #expect(tooFew?.description.hasPrefix(r.source ?? "?") == true)
        #expect(ratingsError { _ = try Splits.kFold(r, folds: 1) } != nil)
    }

    @Test func foldFile() throws {
        // Records in file order: (b,x) (a,x) (a,y) (b,x) duplicate merged by `last`.
        let path = try ratingsFile("b x 1\na x 2\na y 3\nb x 4\n")
        let r = try RatingsReader.read(path, duplicates: .last)
        // Entries in CSR order: (b,x)=0, (a,x)=1, (a,y)=2.
        let f = try Splits.folds(fromFile: try ratingsFile(crlfBOM("5\n1\n\n5\n5\n")), for: r)
        #expect(f.labels == [1, 5])
        #expect(f.foldOfEntry == [1, 0, 1])
        let s = f.split(r, fold: 0)
        #expect(s.testEntries == [1] && s.trainEntries == [0, 2])

        let badText = try ratingsFile("1\nx\n1\n2\n")
        #expect(ratingsError { _ = try Splits.folds(fromFile: badText, for: r) }?.description == "\(badText):2: fold 'x' is not an integer")
        let short = try ratingsFile("1\n2\n1\n")
        #expect(ratingsError { _ = try Splits.folds(fromFile: short, for: r) }?.description.contains("3 fold lines for 4 ratings") == true)
        let long = try ratingsFile("1\n2\n1\n1\n2\n")
        #expect(ratingsError { _ = try Splits.folds(fromFile: long, for: r) }?.line == 5)
        let conflict = try ratingsFile("1\n2\n1\n2\n")
        let e = ratingsError { _ = try Splits.folds(fromFile: conflict, for: r) }
        #expect(e?.line == 4 && e?.description.contains("line 1") == true)
        let single = try ratingsFile("1\n1\n1\n1\n")
        #expect(ratingsError { _ = try Splits.folds(fromFile: single, for: r) } != nil)
    }
}
