import Foundation
import Testing

// `bt --order` lists, `--out` with several orders, and `--simulate u.npy [--dt h]` (issue 13).
extension BadInputCatalogue {
    /// A float64 `.npy` of `shape` holding `values` in C order, written into the fixture.
    static func npy(_ name: String, shape: [Int], _ values: [Double]) -> @Sendable (Fixture) throws -> Void {
        { f in
            try copyBuild(f)
            try f.write(name, NPYFixture.header(descr: "<f8", shape: shape) + NPYFixture.float64(values))
        }
    }

    static let btOrders: [BadInput] = [
        refused("bt --order 10,,20", ["bt", "model", "--order", "10,,20"], ["--order '10,,20'", "empty entry"]),
        refused("bt --order with a trailing comma", ["bt", "model", "--order", "10,20,"], ["--order '10,20,'", "empty entry"]),
        refused("bt --order abc", ["bt", "model", "--order", "abc"], ["--order 'abc'", "'abc' is not a whole number"]),
        refused("bt --order 10,x", ["bt", "model", "--order", "10,x"], ["--order '10,x'", "'x' is not a whole number"]),
        refused("bt --order 2.5", ["bt", "model", "--order", "2.5"], ["'2.5' is not a whole number"]),
        refused("bt --order 10,0", ["bt", "model", "--order", "10,0"], ["--order must be ≥ 1", "got 0 in '10,0'"]),
        refused("bt --order 10,-3", ["bt", "model", "--order", "10,-3"], ["--order must be ≥ 1", "got -3 in '10,-3'"]),
        refused("bt --order 10,10", ["bt", "model", "--order", "10,10"], ["--order '10,10'", "10 is listed twice"]),
        refused("bt --order list with --max-error", ["bt", "model", "--order", "3,5", "--max-error", "1"],
                ["exactly one of --order or --max-error"]),
        refused("bt --projection unknown", ["bt", "model", "--order", "3", "--projection", "oblique"], ["--projection"]),
        BadInput(name: "bt --order list above n", args: ["bt", "model", "--order", "10,100", "--skip-error"],
                 message: ["--order 100", "exceeds the number of states n = 48"], setup: copyBuild),
        refused("bt --dt 0", ["bt", "model", "--order", "3", "--simulate", "u.npy", "--dt", "0"], ["--dt 0.0: must be finite and > 0"]),
        refused("bt --dt -1", ["bt", "model", "--order", "3", "--simulate", "u.npy", "--dt", "-1"], ["--dt -1.0: must be finite and > 0"]),
        refused("bt --dt nan", ["bt", "model", "--order", "3", "--simulate", "u.npy", "--dt", "nan"], ["--dt nan: must be finite and > 0"]),
        refused("bt --dt inf", ["bt", "model", "--order", "3", "--simulate", "u.npy", "--dt", "inf"], ["--dt inf: must be finite and > 0"]),
        refused("bt --dt without --simulate", ["bt", "model", "--order", "3", "--dt", "0.1"], ["--dt applies to --simulate"]),
        refused("bt --simulation-out without --simulate", ["bt", "model", "--order", "3", "--simulation-out", "y.npy"],
                ["--simulation-out applies to --simulate"]),
        BadInput(name: "bt --simulate u.npy with a column per input too many", args: ["bt", "model", "--order", "3", "--simulate", "u.npy"],
                 message: ["--simulate u.npy", "has 2 columns", "m = 1 input"],
                 setup: npy("u.npy", shape: [10, 2], Array(repeating: 1, count: 20))),
        BadInput(name: "bt --simulate u.npy with NaN", args: ["bt", "model", "--order", "3", "--simulate", "u.npy"],
                 message: ["--simulate u.npy", "(row 4, column 0) is nan"],
                 setup: npy("u.npy", shape: [6, 1], [1, 1, 1, 1, .nan, 1])),
        BadInput(name: "bt --simulate u.npy with infinity", args: ["bt", "model", "--order", "3", "--simulate", "u.npy"],
                 message: ["--simulate u.npy", "(row 0, column 0) is inf"],
                 setup: npy("u.npy", shape: [2, 1], [.infinity, 1])),
        BadInput(name: "bt --simulate u.npy without rows", args: ["bt", "model", "--order", "3", "--simulate", "u.npy"],
                 message: ["--simulate u.npy", "has no rows"], setup: npy("u.npy", shape: [0, 1], [])),
        BadInput(name: "bt --simulate rank-1 u.npy", args: ["bt", "model", "--order", "3", "--simulate", "v.npy"],
                 message: ["--simulate v.npy", "rank 2"], setup: npy("v.npy", shape: [5], [1, 1, 1, 1, 1])),
        BadInput(name: "bt --simulate missing file", args: ["bt", "model", "--order", "3", "--simulate", "nope.npy"],
                 message: ["--simulate nope.npy", "no such file"], setup: copyBuild),
        BadInput(name: "bt --simulate FIFO", args: ["bt", "model", "--order", "3", "--simulate", "u.npy"],
                 message: ["--simulate u.npy", "not a regular file"], setup: { f in try copyBuild(f); try f.fifo("u.npy") }),
        BadInput(name: "bt --simulation-out onto a folder", args: ["bt", "model", "--order", "3", "--simulate", "u.npy",
                                                                   "--simulation-out", "dir"],
                 message: ["--simulation-out dir", "is a folder"],
                 setup: { f in
                     try npy("u.npy", shape: [3, 1], [1, 1, 1])(f)
                     try FileManager.default.createDirectory(atPath: f.at("dir"), withIntermediateDirectories: true)
                 }),
        BadInput(name: "bt several orders --out into a foreign folder", args: ["bt", "model", "--order", "3,5", "--out", "old"],
                 message: ["--out old", "neither empty nor an earlier `bt` output with several orders"],
                 setup: { f in try copyBuild(f); try f.write("old/notes.txt", "keep me\n") }),
        BadInput(name: "bt several orders --out onto the input model", args: ["bt", "model", "--order", "3,5", "--out", "model"],
                 message: ["--out model", "is the input model"], setup: copyBuild),
        BadInput(name: "bt several orders --out over an earlier one-order output", args: ["bt", "model", "--order", "3,5", "--out", "rom"],
                 message: ["--out rom", "neither empty nor an earlier"],
                 setup: { f in try copyBuild(f); try f.write("rom/.lowrank-output", "earlier output\n"); try f.write("rom/A.mtx", "x\n") }),
        BadInput(name: "bt several orders --out writes a subfolder per order", args: ["bt", "model", "--order", "3,5", "--out", "roms",
                                                                                      "--skip-error"],
                 status: 0, writes: true, setup: copyBuild,
                 check: { f, _ in
                     let names = try FileManager.default.contentsOfDirectory(atPath: f.at("roms")).sorted()
                     #expect(names == [".lowrank-orders", "r3", "r5"])
                     #expect(!(try FileManager.default.contentsOfDirectory(atPath: f.path)).contains { $0.contains(".tmp-") })
                 }),
    ]
}
