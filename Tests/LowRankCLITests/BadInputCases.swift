import Foundation
import Testing

// The cases of ``BadInputCatalogue``, by group.
extension BadInputCatalogue {
    /// Files that are not regular files, damaged files, and real-world variants that must read.
    static let readers: [BadInput] = [
        BadInput(name: "compress FIFO", args: ["compress", "in.mtx"], message: ["in.mtx", "not a regular file"],
                 setup: { try $0.fifo("in.mtx") }),
        BadInput(name: "compress /dev/zero", args: ["compress", "/dev/zero"], message: ["/dev/zero", "not a regular file"]),
        BadInput(name: "compress folder", args: ["compress", "dir"], message: ["dir", "not a regular file"],
                 setup: { try FileManager.default.createDirectory(atPath: $0.at("dir"), withIntermediateDirectories: true) }),
        BadInput(name: "compress missing file", args: ["compress", "nope.mtx"], message: ["nope.mtx", "no such file"]),
        BadInput(name: "bench matrix-market missing file", args: ["bench", "matrix-market", "nope.mtx"],
                 message: ["nope.mtx", "no such file"]),
        BadInput(name: "bench matrix-market NaN entry", args: ["bench", "matrix-market", "nan.mtx", "--json"],
                 message: ["nan.mtx:4"],
                 setup: { try $0.write("nan.mtx", BadInputFiles.array(rows: 2, columns: 1, [1, .nan])) }),
        BadInput(name: "compress empty file", args: ["compress", "empty.mtx"], message: ["empty.mtx"],
                 setup: { try $0.write("empty.mtx", "") }),
        BadInput(name: "compress NaN entry", args: ["compress", "nan.mtx"], message: ["nan.mtx:4"],
                 setup: { try $0.write("nan.mtx", BadInputFiles.array(rows: 2, columns: 1, [1, .nan])) }),
        BadInput(name: "compress index out of range", args: ["compress", "idx.mtx"], message: ["idx.mtx:3", "out of range"],
                 setup: { try $0.write("idx.mtx", BadInputFiles.coordinate(rows: 2, columns: 2, [(3, 1, 1)])) }),
        BadInput(name: "compress truncated array", args: ["compress", "short.mtx"], message: ["short.mtx"],
                 setup: { try $0.write("short.mtx", "%%MatrixMarket matrix array real general\n3 3\n1\n2\n") }),
        BadInput(name: "compress bad banner", args: ["compress", "banner.mtx"], message: ["banner.mtx", "only 'matrix'"],
                 setup: { try $0.write("banner.mtx", "%%MatrixMarket tensor array real general\n1 1\n1\n") }),
        BadInput(name: "compress hermitian complex diagonal", args: ["compress", "herm.mtx"],
                 message: ["herm.mtx:3", "diagonal"],
                 setup: { try $0.write("herm.mtx", "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 1.0 0.5\n2 1 1.0 0.0\n") }),
        BadInput(name: "compress npy FIFO", args: ["compress", "a.npy"], message: ["a.npy", "not a regular file"],
                 setup: { try $0.fifo("a.npy") }),
        BadInput(name: "compress npy garbage", args: ["compress", "g.npy"], message: ["g.npy"],
                 setup: { try $0.write("g.npy", [0x93] + Array("NUMPY garbage".utf8)) }),
        BadInput(name: "compress CRLF and BOM read as LF", args: ["compress", "crlf.mtx", "--rank", "1", "--json"], status: 0,
                 setup: { f in
                     let text = BadInputFiles.array(rows: 2, columns: 2, [3, 0, 0, 4]).replacingOccurrences(of: "\n", with: "\r\n")
                     try f.write("crlf.mtx", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
                 },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     #expect(d["singular_values"] as? [Double] == [4, 3])  // diag(3, 4): exact singular values
                 }),
        BadInput(name: "lyap FIFO .mat", args: ["lyap", "m.mat"], message: ["m.mat", "not a regular file"],
                 setup: { try $0.fifo("m.mat") }),
        BadInput(name: "lyap FIFO A.mtx", args: ["lyap", "model"], message: ["A.mtx", "not a regular file"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 4)
                     try FileManager.default.removeItem(atPath: f.at("model/A.mtx"))
                     try f.fifo("model/A.mtx")
                 }),
        BadInput(name: "lyap missing folder", args: ["lyap", "nomodel"], message: ["nomodel", "neither a model folder"]),
        BadInput(name: "lyap missing B.mtx", args: ["lyap", "model"], message: ["B.mtx", "no such file"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 4)
                     try FileManager.default.removeItem(atPath: f.at("model/B.mtx"))
                 }),
        BadInput(name: "lyap NaN in A", args: ["lyap", "model"], message: ["model/A.mtx:3"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 2)
                     try f.write("model/A.mtx", BadInputFiles.coordinate(rows: 2, columns: 2, [(1, 1, .nan), (2, 2, -1)]))
                 }),
        BadInput(name: "lyap B with wrong rows", args: ["lyap", "model"], message: ["B.mtx", "needs 4 rows"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 4)
                     try f.write("model/B.mtx", BadInputFiles.array(rows: 3, columns: 1, [1, 1, 1]))
                 }),
        BadInput(name: "lyap .mat without C", args: ["lyap", "missing_C.mat"], message: ["missing_C.mat", "no variable 'C'"],
                 setup: { try $0.copy("Data/control/mat/missing_C.mat", to: "missing_C.mat") }),
        BadInput(name: "lyap compressed .mat reads as the uncompressed one", args: ["lyap", "z.mat", "--json"], status: 0,
                 setup: { f in
                     let raw = try [UInt8](Data(contentsOf: CLIContractTests.root.appendingPathComponent("Data/control/mat/slicot_build.mat")))
                     try f.write("z.mat", BadInputFiles.compressedMAT(from: raw).bytes)
                 },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     #expect(d["n"] as? Int == 48)  // slicot_build has 48 states (its README)
                 }),
        BadInput(name: "lyap bit-flipped compressed .mat", args: ["lyap", "flip.mat"],
                 message: ["flip.mat", "corrupt compressed variable 'A'"],
                 setup: { f in
                     let raw = try [UInt8](Data(contentsOf: CLIContractTests.root.appendingPathComponent("Data/control/mat/slicot_build.mat")))
                     var (bytes, payloads) = BadInputFiles.compressedMAT(from: raw)
                     // A is the first variable; flip the lowest bit of a byte of its last stored double.
                     let a = payloads[0]
                     bytes[a.offset + a.count - 4 - 3] ^= 1
                     try f.write("flip.mat", bytes)
                 }),
        BadInput(name: "lyap truncated compressed .mat", args: ["lyap", "cut.mat"], message: ["cut.mat"],
                 setup: { f in
                     let raw = try [UInt8](Data(contentsOf: CLIContractTests.root.appendingPathComponent("Data/control/mat/slicot_build.mat")))
                     let (bytes, payloads) = BadInputFiles.compressedMAT(from: raw)
                     try f.write("cut.mat", Array(bytes[0..<(payloads[0].offset + payloads[0].count / 2)]))
                 }),
        BadInput(name: "eri FIFO", args: ["eri", "f.FCIDUMP"], message: ["f.FCIDUMP", "not a regular file"],
                 setup: { try $0.fifo("f.FCIDUMP") }),
        BadInput(name: "eri /dev/zero", args: ["eri", "/dev/zero"], message: ["/dev/zero", "not a regular file"]),
        BadInput(name: "eri gzip bomb of spaces", args: ["eri", "bomb.FCIDUMP.gz"], message: ["bomb.FCIDUMP.gz"],
                 setup: { try BadInputFiles.gzipOfSpaces($0, "bomb.FCIDUMP.gz", bytes: 300_000_000) }),
        BadInput(name: "tt-compress /dev/zero", args: ["tt-compress", "/dev/zero", "--tolerance", "0.1"],
                 message: ["/dev/zero", "not a regular file"],
                 check: { _, r in #expect(!r.stderr.contains("permission")) }),
        BadInput(name: "tt-compress FIFO", args: ["tt-compress", "t.npy", "--tolerance", "0.1"], message: ["t.npy", "not a regular file"],
                 setup: { try $0.fifo("t.npy") }),
        BadInput(name: "dmrg --fcidump FIFO", args: ["dmrg", "--fcidump", "f.FCIDUMP"], message: ["f.FCIDUMP", "not a regular file"],
                 setup: { try $0.fifo("f.FCIDUMP") }),
    ]
}
