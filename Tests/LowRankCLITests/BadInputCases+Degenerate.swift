import Foundation
import Testing

// Inputs that are well formed but degenerate: they must be refused with the cause, not reach the maths.
extension BadInputCatalogue {
    static let degenerate: [BadInput] = [
        BadInput(name: "compress all-zero matrix", args: ["compress", "z.mtx"], message: ["z.mtx", "the matrix is zero"],
                 setup: { try $0.write("z.mtx", BadInputFiles.array(rows: 3, columns: 2, Array(repeating: 0, count: 6))) },
                 check: { _, r in #expect(!r.stderr.contains("noise-variance")) }),
        BadInput(name: "lyap B = 0", args: ["lyap", "model", "--json"], message: ["model/B.mtx", "B is zero"],
                 setup: { try BadInputFiles.diagonalModel($0, "model", n: 4, zeroB: true) },
                 check: { _, r in #expect(r.stdout.isEmpty) }),
        BadInput(name: "lyap C = 0, observability", args: ["lyap", "model", "--equation", "observability"],
                 message: ["model/C.mtx", "C is zero"], setup: { try BadInputFiles.diagonalModel($0, "model", n: 4, zeroC: true) }),
        BadInput(name: "bt B = 0", args: ["bt", "model", "--order", "2"], message: ["model/B.mtx", "B is zero"],
                 setup: { try BadInputFiles.diagonalModel($0, "model", n: 4, zeroB: true) }),
        BadInput(name: "lyap singular E, ADI", args: ["lyap", "model", "--method", "adi"], message: ["model/E.mtx", "E is singular"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 6)
                     try f.write("model/E.mtx", BadInputFiles.coordinate(rows: 6, columns: 6, (2...6).map { ($0, $0, 1.0) }))
                 }),
        BadInput(name: "lyap singular E, dense", args: ["lyap", "model", "--method", "dense"], message: ["model/E.mtx", "E is singular"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 6)
                     try f.write("model/E.mtx", BadInputFiles.array(rows: 6, columns: 6, Array(repeating: 1, count: 36)))
                 }),
        BadInput(name: "lyap unstable A, dense", args: ["lyap", "model", "--method", "dense"], message: ["not stable"],
                 setup: { f in
                     try BadInputFiles.diagonalModel(f, "model", n: 3)
                     try f.write("model/A.mtx", BadInputFiles.coordinate(rows: 3, columns: 3, [(1, 1, 1), (2, 2, -1), (3, 3, -2)]))
                 }),
        BadInput(name: "bt --order above n", args: ["bt", "model", "--order", "100", "--skip-error"], message: ["order", "100"],
                 setup: copyBuild),
    ]
}
