import Foundation
import Testing

/// `lowrank bt --order 10,20,40` (several orders from one pair of Gramians), `--out` with one subfolder per order, and
/// `--simulate u.npy [--dt h]`: the JSON keys the issue spells out, and values with independent truths.
@Suite struct BTOrdersContractTests {
    static let build = "Data/control/slicot_build"

    func json(_ args: [String], in directory: URL = CLIContractTests.root) throws -> [String: Any] {
        let r = try CLIProcess.run(args, in: directory)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    }

    /// pyMOR 2026.1.1 `BTReductor` with dense Gramians on slicot_build (peers/control/RESULTS.md): r → bound and
    /// measured H∞ error on {0} ∪ logspace(−6, 6, 200), three significant digits.
    static let pyMOR: [(order: Int, bound: Double, measured: Double)] =
        [(10, 4.72e-3, 5.03e-4), (20, 6.89e-4, 1.12e-4), (40, 7.64e-7, 2.19e-7)]

    /// Half a unit in the last of three significant digits.
    static func halfUnit(_ x: Double) -> Double { 0.005 * pow(10, floor(log10(x))) }

    @Test func severalOrdersReportEveryOrderWithPyMORFigures() throws {
        let d = try json(["bt", Self.build, "--order", "10,20,40", "--json"])
        for k in ["model", "n", "hankel_singular_values", "h2_norm", "gramian_methods", "seconds", "orders", "projection"] {
            #expect(d[k] != nil, "\(k)")
        }
        // Per-order values live in `orders`; the single-order keys are absent.
        for k in ["order", "error_bound", "hinf_error", "h2_error", "simulation"] { #expect(d[k] == nil, "\(k)") }
        #expect(d["projection"] as? String == "square-root")
        let orders = try #require(d["orders"] as? [[String: Any]])
        #expect(orders.map { $0["order"] as? Int } == [10, 20, 40])
        for (o, ref) in zip(orders, Self.pyMOR) {
            for k in ["order", "error_bound", "hinf_error", "h2_error", "seconds"] { #expect(o[k] != nil, "\(k)") }
            let bound = try #require(o["error_bound"] as? Double), measured = try #require(o["hinf_error"] as? Double)
            #expect(abs(bound - ref.bound) <= Self.halfUnit(ref.bound), "r = \(ref.order): bound \(bound)")
            #expect(abs(measured - ref.measured) <= Self.halfUnit(ref.measured), "r = \(ref.order): measured \(measured)")
            #expect(measured <= bound)
        }
        // One order: the existing keys, unchanged, and `orders` with the same single element.
        let one = try json(["bt", Self.build, "--order", "20", "--json"])
        for k in ["model", "n", "order", "hankel_singular_values", "error_bound", "hinf_error", "h2_error", "h2_norm",
                  "gramian_methods", "seconds"] { #expect(one[k] != nil, "\(k)") }
        let s = try #require(one["seconds"] as? [String: Any])
        for k in ["gramians", "reduction", "error", "sweep"] { #expect(s[k] != nil, "\(k)") }
        let only = try #require((one["orders"] as? [[String: Any]])?.first)
        #expect(only["order"] as? Int == 20 && one["order"] as? Int == 20)
        #expect(only["error_bound"] as? Double == one["error_bound"] as? Double)
        #expect(only["hinf_error"] as? Double == one["hinf_error"] as? Double)
        #expect(abs((one["error_bound"] as? Double ?? 0) - 6.89e-4) <= Self.halfUnit(6.89e-4))
        // The other projections give the same reduced transfer function, hence the same measured error (to rounding).
        for name in ["balancing-free", "biorthogonal"] {
            let p = try json(["bt", Self.build, "--order", "20", "--projection", name, "--json"])
            #expect(p["projection"] as? String == name)
            let e = try #require(p["hinf_error"] as? Double), ref = try #require(one["hinf_error"] as? Double)
            #expect(abs(e - ref) <= 1e-8 * ref, "\(name): \(e) vs \(ref)")
        }
    }

    /// The `m n` size line of a Matrix Market file, read directly.
    static func size(_ path: String) throws -> [Int] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { !$0.hasPrefix("%") })
        return line.split(separator: " ").compactMap { Int($0) }
    }

    @Test func outWritesOneSubfolderPerOrder() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.copy(Self.build, to: "model")
        let r = try CLIProcess.run(["bt", "model", "--order", "10,20,40", "--out", "roms", "--skip-error"], in: f.url)
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: f.at("roms")).filter { !$0.hasPrefix(".") }.sorted()
        #expect(names == ["r10", "r20", "r40"])
        for k in [10, 20, 40] {
            let files = try FileManager.default.contentsOfDirectory(atPath: f.at("roms/r\(k)")).filter { !$0.hasPrefix(".") }.sorted()
            #expect(files == ["A.mtx", "B.mtx", "C.mtx"], "r\(k): \(files)")
            #expect(try Self.size(f.at("roms/r\(k)/A.mtx")).prefix(2) == [k, k])
            #expect(try Self.size(f.at("roms/r\(k)/B.mtx")).prefix(2) == [k, 1])   // slicot_build: m = p = 1
        }
        // A later run with other orders replaces its own subfolders and removes those it no longer writes.
        let again = try CLIProcess.run(["bt", "model", "--order", "5,10", "--out", "roms", "--skip-error"], in: f.url)
        #expect(again.status == 0, "\(again.stderr)")
        let now = try FileManager.default.contentsOfDirectory(atPath: f.at("roms")).filter { !$0.hasPrefix(".") }.sorted()
        #expect(now == ["r10", "r5"])
        // One order keeps the flat folder.
        let single = try CLIProcess.run(["bt", "model", "--order", "10", "--out", "rom", "--skip-error"], in: f.url)
        #expect(single.status == 0, "\(single.stderr)")
        let flat = try FileManager.default.contentsOfDirectory(atPath: f.at("rom")).filter { !$0.hasPrefix(".") }.sorted()
        #expect(flat == ["A.mtx", "B.mtx", "C.mtx"])
    }

    @Test func simulateReportsTheTimeDomainError() throws {
        let f = try Fixture()
        defer { f.remove() }
        // A unit step on the single input of slicot_build, T = 200 rows.
        let steps = 200, dt = 0.5
        try f.write("u.npy", NPYFixture.header(descr: "<f8", shape: [steps, 1]) + NPYFixture.float64(Array(repeating: 1, count: steps)))
        let root = CLIContractTests.root.path
        let d = try json(["bt", root + "/" + Self.build, "--order", "10", "--simulate", "u.npy", "--dt", "\(dt)",
                          "--simulation-out", "y.npy", "--json"], in: f.url)
        let s = try #require(d["simulation"] as? [String: Any])
        for k in ["steps", "dt", "max_output_error", "output_error_l2", "input_l2"] { #expect(s[k] != nil, "\(k)") }
        #expect(s["steps"] as? Int == steps)
        #expect(s["dt"] as? Double == dt)
        #expect(abs((s["input_l2"] as? Double ?? 0) - (dt * Double(steps)).squareRoot()) <= 1e-12)  // (h Σ 1²)^½ = 10
        let e = try #require(s["output_error_l2"] as? Double), bound = try #require(d["error_bound"] as? Double)
        // The published BT bound ‖y − y_r‖ ≤ 2 Σ_{i>r} σᵢ ‖u‖ (the library test also bounds the time step's own error).
        #expect(e > 0 && e <= bound * 10)
        #expect((s["max_output_error"] as? Double ?? .infinity) <= e / dt.squareRoot())  // one sample's share of the sum
        let only = try #require((d["orders"] as? [[String: Any]])?.first?["simulation"] as? [String: Any])
        #expect(only["output_error_l2"] as? Double == e)
        // The outputs file: T × p(1 + orders) = 200 × 2 (read from its header).
        let header = String(decoding: try Data(contentsOf: f.url.appendingPathComponent("y.npy")).prefix(128), as: UTF8.self)
        #expect(header.contains("'shape': (200, 2)"), "\(header)")
        // Several orders: a simulation per order, the full model once.
        let many = try json(["bt", root + "/" + Self.build, "--order", "10,20", "--simulate", "u.npy", "--skip-error", "--json"],
                            in: f.url)
        #expect(many["simulation"] == nil)
        let sims = try #require(many["orders"] as? [[String: Any]]).compactMap { $0["simulation"] as? [String: Any] }
        #expect(sims.count == 2)
        #expect(sims.allSatisfy { $0["dt"] as? Double == 1 && $0["steps"] as? Int == steps })   // default --dt 1
        #expect(sims.allSatisfy { abs(($0["input_l2"] as? Double ?? 0) - Double(steps).squareRoot()) <= 1e-12 })
    }
}
