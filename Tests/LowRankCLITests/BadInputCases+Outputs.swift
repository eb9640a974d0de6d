import Foundation
import Testing

// Output paths: checked before the work, never replacing a special file or user data, never half-written.
extension BadInputCatalogue {
    static func isCharacterDevice(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFCHR
    }

    static let outputs: [BadInput] = [
        BadInput(name: "bt --out onto the input model", args: ["bt", "model", "--order", "3", "--out", "model"],
                 message: ["--out model", "is the input model"], setup: copyBuild),
        BadInput(name: "bt --out onto a folder holding the model", args: ["bt", "m/model", "--order", "3", "--out", "m"],
                 message: ["--out m", "is the input model"], setup: { try $0.copy(build, to: "m/model") }),
        BadInput(name: "bt --out into a foreign folder with E.mtx", args: ["bt", "model", "--order", "3", "--out", "old"],
                 message: ["--out old", "not an earlier lowrank output"],
                 setup: { f in try copyBuild(f); try f.write("old/E.mtx", BadInputFiles.array(rows: 1, columns: 1, [2])) }),
        BadInput(name: "bt --out replaces an earlier output whole", args: ["bt", "model", "--order", "3", "--out", "rom", "--skip-error"],
                 status: 0, writes: true,
                 setup: { f in
                     try copyBuild(f)
                     try f.write("rom/.lowrank-output", "earlier output\n")
                     try f.write("rom/E.mtx", BadInputFiles.array(rows: 1, columns: 1, [2]))
                 },
                 check: { f, _ in
                     let names = try FileManager.default.contentsOfDirectory(atPath: f.at("rom")).sorted()
                     #expect(names == [".lowrank-output", "A.mtx", "B.mtx", "C.mtx"])  // the stale E.mtx is gone
                     #expect(!(try FileManager.default.contentsOfDirectory(atPath: f.path)).contains { $0.contains(".tmp-") })
                 }),
        BadInput(name: "bt --out with a missing parent", args: ["bt", "model", "--order", "3", "--out", "no/such/rom"],
                 message: ["--out no/such/rom", "no such folder"], setup: copyBuild),
        BadInput(name: "bt --out onto a regular file", args: ["bt", "model", "--order", "3", "--out", "file"],
                 message: ["--out file", "not a folder"],
                 setup: { f in try copyBuild(f); try f.write("file", "keep me\n") }),
        BadInput(name: "bt --plot /dev/full", args: ["bt", "model", "--order", "3", "--plot", "/dev/full"],
                 message: ["--plot /dev/full", "not a regular file"], setup: copyBuild,
                 check: { _, _ in #expect(isCharacterDevice("/dev/full")) }),
        BadInput(name: "bt --plot FIFO", args: ["bt", "model", "--order", "3", "--plot", "p.svg"],
                 message: ["--plot p.svg", "not a regular file"], setup: { f in try copyBuild(f); try f.fifo("p.svg") }),
        BadInput(name: "bt --plot into a missing folder", args: ["bt", "model", "--order", "3", "--plot", "none/p.svg"],
                 message: ["--plot none/p.svg", "no such folder"], setup: copyBuild),
        BadInput(name: "bt --plot onto a folder", args: ["bt", "model", "--order", "3", "--plot", "dir"],
                 message: ["--plot dir", "is a folder"],
                 setup: { f in try copyBuild(f); try FileManager.default.createDirectory(atPath: f.at("dir"), withIntermediateDirectories: true) }),
        BadInput(name: "eri --plot /dev/full", args: ["eri", "h2o.FCIDUMP", "--plot", "/dev/full"],
                 message: ["--plot /dev/full", "not a regular file"], setup: copyH2O,
                 check: { _, _ in #expect(isCharacterDevice("/dev/full")) }),
        BadInput(name: "dmrg --plot /dev/full", args: ["dmrg", "--model", "tfim", "--sites", "8", "--plot", "/dev/full"],
                 message: ["--plot /dev/full", "not a regular file"],
                 check: { _, _ in #expect(isCharacterDevice("/dev/full")) }),
        BadInput(name: "dmrg --plot into a missing folder", args: ["dmrg", "--model", "tfim", "--sites", "8", "--plot", "x/y.svg"],
                 message: ["--plot x/y.svg", "no such folder"]),
        BadInput(name: "dmrg --fcidump --plot FIFO", args: ["dmrg", "--fcidump", "h2o.FCIDUMP", "--plot", "p.svg"],
                 message: ["--plot p.svg", "not a regular file"], setup: { f in try copyH2O(f); try f.fifo("p.svg") }),
        BadInput(name: "dmrg --save-state into a missing folder",
                 args: ["dmrg", "--model", "heisenberg", "--sites", "8", "--save-state", "x/s.mps"],
                 message: ["--save-state x/s.mps", "no such folder"]),
        BadInput(name: "dmrg --initial-state missing", args: ["dmrg", "--model", "heisenberg", "--sites", "8",
                                                             "--initial-state", "none.mps"],
                 message: ["none.mps", "no such file"]),
        BadInput(name: "dmrg --initial-state FIFO", args: ["dmrg", "--model", "heisenberg", "--sites", "8",
                                                          "--initial-state", "s.mps"],
                 message: ["s.mps", "not a regular file"], setup: { f in try f.fifo("s.mps") }),
        BadInput(name: "dmrg --initial-state not a state file", args: ["dmrg", "--model", "heisenberg", "--sites", "8",
                                                                      "--initial-state", "s.mps"],
                 message: ["s.mps", "not a LowRank state file"],
                 setup: { f in try Data("%%MatrixMarket matrix array real general\n1 1\n1\n".utf8).write(to: URL(fileURLWithPath: f.at("s.mps"))) }),
    ]
}
