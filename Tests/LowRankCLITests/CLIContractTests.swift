import Foundation
import Testing

/// The CLI's flags and JSON keys are a contract (scripts depend on them): run the built `lowrank`
/// and check the keys the issues spell out, the exit codes, and a few values with independent truths.
@Suite struct CLIContractTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The `lowrank` executable next to the test bundle (SwiftPM builds it as a dependency of this target).
    static var binary: URL {
        let here = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [here.appendingPathComponent("lowrank"),
                          root.appendingPathComponent(".build/release/lowrank"),
                          root.appendingPathComponent(".build/debug/lowrank")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    struct Run { let status: Int32; let stdout: Data; let stderr: String }

    func run(_ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = Self.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: o, stderr: String(decoding: e, as: UTF8.self))
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    }

    @Test func compressKeysAndPlantedRank() throws {
        let d = try json(["compress", "Data/kernels/planted_200x150.mtx", "--json"])
        for k in ["rows", "cols", "rank", "singular_values", "relative_error", "selected_by", "seconds"] { #expect(d[k] != nil, "\(k)") }
        #expect(d["rows"] as? Int == 200 && d["cols"] as? Int == 150)
        #expect(d["rank"] as? Int == 5)  // planted rank (scripts/make-planted-matrix.py)
        #expect((d["singular_values"] as? [Double])?.count == 150)
    }

    @Test func lyapAndBTKeys() throws {
        let l = try json(["lyap", "Data/control/slicot_build", "--json"])
        #expect(l["model"] != nil && l["n"] as? Int == 48)
        let eqs = try #require(l["equations"] as? [[String: Any]])
        #expect(eqs.count == 2)
        for e in eqs {
            for k in ["kind", "method", "steps", "columns", "residual", "converged", "seconds", "residual_floor"] { #expect(e[k] != nil, "\(k)") }
        }
        let b = try json(["bt", "Data/control/slicot_build", "--order", "10", "--frequencies", "40", "--json"])
        for k in ["model", "n", "order", "hankel_singular_values", "error_bound", "hinf_error", "h2_error", "seconds"] { #expect(b[k] != nil, "\(k)") }
        let s = try #require(b["seconds"] as? [String: Any])
        for k in ["gramians", "reduction", "error"] { #expect(s[k] != nil, "\(k)") }
        #expect((b["hinf_error"] as? Double ?? .infinity) <= (b["error_bound"] as? Double ?? 0))
    }

    @Test func eriKeysIncludingCapitalL() throws {
        let d = try json(["eri", "Data/qchem/h2o_sto3g.FCIDUMP", "--df", "1e-3", "--sf-rank", "10", "--json"])
        for k in ["file", "norb", "nelec", "e_core", "cholesky", "double_factorization", "single_factorization", "energy", "seconds"] {
            #expect(d[k] != nil, "\(k)")
        }
        let df = try #require((d["double_factorization"] as? [[String: Any]])?.first)
        for k in ["threshold", "L", "retained_eigenvectors", "lambda_df", "lambda_t", "lambda_f", "max_abs_error", "rhf_error", "mp2_error"] {
            #expect(df[k] != nil, "\(k)")
        }
        let c = try #require(d["cholesky"] as? [String: Any])
        for k in ["tolerance", "vectors", "max_abs_error", "rhf_error", "mp2_error", "seconds"] { #expect(c[k] != nil, "\(k)") }
        let sf = try #require(d["single_factorization"] as? [String: Any])
        for k in ["rank", "lambda_sf", "lambda_t", "lambda_w"] { #expect(sf[k] != nil, "\(k)") }
        let e = try #require(d["energy"] as? [String: Any])
        // RHF energy of water/STO-3G from references.json (PySCF): −74.96302313846 Eh.
        #expect(Swift.abs((e["rhf"] as? Double ?? 0) - (-74.96302313846)) < 1e-8)
    }

    @Test func badInputExitsNonZeroWithMessage() throws {
        let r = try run(["compress", "Data/does-not-exist.mtx"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Data/does-not-exist.mtx"))
        #expect(r.stdout.isEmpty)
        let l = try run(["lyap", "Data/control/rail_1357", "--method", "adi", "--max-steps", "5", "--json"])
        #expect(l.status == 2)
    }
}
