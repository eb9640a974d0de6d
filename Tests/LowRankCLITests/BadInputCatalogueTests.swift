import Foundation
import Testing

/// Runs every case of ``BadInputCatalogue``: the exit status, the words of the message, no hang, no crash, no JSON
/// with NaN, and no file created or changed in the case's folder (unless the case is a success that writes).
@Suite struct BadInputCatalogueTests {
    @Test func catalogueIsLargeAndNamesAreUnique() {
        #expect(BadInputCatalogue.cases.count >= 80)
        #expect(Set(BadInputCatalogue.cases.map(\.name)).count == BadInputCatalogue.cases.count)
    }

    @Test(arguments: BadInputCatalogue.cases)
    func badInput(_ c: BadInput) throws {
        let f = try Fixture()
        defer { f.remove() }
        try c.setup(f)
        let before = f.snapshot()
        let r = try CLIProcess.run(c.args, in: f.url)
        #expect(!r.timedOut, "\(c.name): hung")
        #expect(r.status == c.status, "\(c.name): exit \(r.status), stderr: \(r.stderr)")
        for word in c.message {
            #expect(r.stderr.contains(word), "\(c.name): message lacks '\(word)': \(r.stderr)")
        }
        if c.status != 0 {
            #expect(!r.stderr.isEmpty)
        } else if c.args.contains("--json") {
            #expect((try? JSONSerialization.jsonObject(with: r.stdout)) != nil, "\(c.name): stdout is not one JSON document")
        }
        #expect(!String(decoding: r.stdout, as: UTF8.self).contains("NaN"), "\(c.name): NaN in the output")
        if !c.writes {
            #expect(f.snapshot() == before, "\(c.name): files in its folder were created or changed")
        }
        try c.check(f, r)
    }
}

/// No trap is reachable from input: every `fatalError(`, `precondition(`, `preconditionFailure(`, `try!` and `as!` in
/// `Sources/` carries, on its line or the line above, a comment starting "unreachable from input:" that says why.
@Suite struct TrapAuditTests {
    @Test func everyTrapInSourcesIsJustified() throws {
        let sources = CLIContractTests.root.appendingPathComponent("Sources")
        let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
        let traps = ["fatalError(", "precondition(", "preconditionFailure(", "try!", "as!"]
        var unjustified: [String] = []
        var files = 0
        while let name = walker.nextObject() as? String {
            guard name.hasSuffix(".swift") else { continue }
            files += 1
            let lines = try String(contentsOf: sources.appendingPathComponent(name), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            for (i, line) in lines.enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                guard traps.contains(where: { line.contains($0) }) else { continue }
                let above = i > 0 ? String(lines[i - 1]) : ""
                if !(line.contains("unreachable from input:") || above.contains("unreachable from input:")) {
                    unjustified.append("Sources/\(name):\(i + 1): \(code)")
                }
            }
        }
        #expect(files > 100, "the scan read only \(files) Swift files: is it reading Sources/?")
        #expect(unjustified.isEmpty, "traps without an 'unreachable from input:' comment:\n\(unjustified.joined(separator: "\n"))")
    }
}
