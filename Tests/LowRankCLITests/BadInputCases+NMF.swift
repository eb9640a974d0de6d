import Foundation
import Testing

// `lowrank nmf` (issue 15): negative entries, a rank above min(m, n), complex input and bad options.
extension BadInputCatalogue {
    /// A float64 `.npy` of `shape` holding `values` in C order, written into the fixture (no other files).
    static func npyOnly(_ name: String, shape: [Int], _ values: [Double]) -> @Sendable (Fixture) throws -> Void {
        { f in try f.write(name, NPYFixture.header(descr: "<f8", shape: shape) + NPYFixture.float64(values)) }
    }

    static let nmf: [BadInput] = [
        BadInput(name: "nmf negative entry", args: ["nmf", "x.npy", "--rank", "1"],
                 message: ["x.npy", "non-negative", "(2, 1)", "-1.0"], setup: npyOnly("x.npy", shape: [2, 2], [1, 2, -1, 3])),
        BadInput(name: "nmf rank above min(m, n)", args: ["nmf", "x.npy", "--rank", "3"], status: 64,
                 message: ["--rank 3 exceeds min(m, n) = 2", "x.npy"], setup: npyOnly("x.npy", shape: [2, 3], [1, 2, 3, 4, 5, 6])),
        BadInput(name: "nmf complex input", args: ["nmf", "x.npy", "--rank", "1"], message: ["x.npy", "complex"],
                 setup: { f in try f.write("x.npy", NPYFixture.header(descr: "<c16", shape: [1, 1]) + NPYFixture.float64([1, 2])) }),
        BadInput(name: "nmf missing file", args: ["nmf", "none.npy", "--rank", "1"], message: ["none.npy", "no such file"]),
        refused("nmf --rank 0", ["nmf", "x.npy", "--rank", "0"], ["--rank must be ≥ 1"]),
        refused("nmf --l1-ratio 2", ["nmf", "x.npy", "--rank", "1", "--l1-ratio", "2"], ["--l1-ratio must lie in [0, 1]"]),
        refused("nmf --alpha-w -1", ["nmf", "x.npy", "--rank", "1", "--alpha-w", "-1"], ["--alpha-w must be finite and ≥ 0"]),
        refused("nmf --beta is", ["nmf", "x.npy", "--rank", "1", "--beta", "is"], ["--beta", "is"]),
        refused("nmf --iterations -1", ["nmf", "x.npy", "--rank", "1", "--iterations", "-1"], ["--iterations must be ≥ 0"]),
        BadInput(name: "nmf --out onto the input", args: ["nmf", "x.npy", "--rank", "1", "--out", "."],
                 message: ["--out .", "input"], setup: npyOnly("x.npy", shape: [2, 2], [1, 2, 3, 4])),
        BadInput(name: "layers shapes that do not chain", args: ["layers", "--weights", "w1.npy,w2.npy", "--biases", "b1.npy,b2.npy",
                                                                 "--inputs", "x.npy", "--labels", "y.npy"],
                 message: ["layer 2 takes 3 inputs but layer 1 gives 2"], setup: { f in
                     try npyOnly("w1.npy", shape: [2, 2], [1, 0, 0, 1])(f); try npyOnly("w2.npy", shape: [3, 2], [1, 0, 0, 1, 1, 1])(f)
                     try npyOnly("b1.npy", shape: [2], [0, 0])(f); try npyOnly("b2.npy", shape: [2], [0, 0])(f)
                     try npyOnly("x.npy", shape: [2, 2], [1, 2, 3, 4])(f); try npyOnly("y.npy", shape: [2], [0, 1])(f)
                 }),
        BadInput(name: "layers label out of range", args: ["layers", "--weights", "w1.npy", "--biases", "b1.npy",
                                                           "--inputs", "x.npy", "--labels", "y.npy"], status: 64,
                 message: ["y.npy", "label 2 is 5.0"], setup: { f in
                     try npyOnly("w1.npy", shape: [2, 2], [1, 0, 0, 1])(f); try npyOnly("b1.npy", shape: [2], [0, 0])(f)
                     try npyOnly("x.npy", shape: [2, 2], [1, 2, 3, 4])(f); try npyOnly("y.npy", shape: [2], [0, 5])(f)
                 }),
        BadInput(name: "embed no word above --min-count", args: ["embed", "c.txt", "--dim", "2"],
                 message: ["corpus", "no word occurs at least 5 times"],
                 setup: { f in try f.write("c.txt", Array("the cat sat\non the mat\n".utf8)) }),
        BadInput(name: "embed malformed similarity line", args: ["embed", "c.txt", "--dim", "2", "--pairs", "p.tsv"],
                 message: ["p.tsv:1", "word<TAB>word<TAB>rating"],
                 setup: { f in
                     try f.write("c.txt", Array("the cat sat\n".utf8))
                     try f.write("p.tsv", Array("cat dog 3\n".utf8))
                 }),
        refused("embed --dim 0", ["embed", "c.txt", "--dim", "0"], ["--dim must be ≥ 1"]),
        refused("dmrg --df-threshold with --save-state", ["dmrg", "--fcidump", "h.FCIDUMP", "--df-threshold", "1e-3",
                                                          "--save-state", "s.mps"], ["--save-state and --initial-state do not combine"]),
        refused("layers --weights with an empty name", ["layers", "--weights", "w1.npy,", "--biases", "b1.npy", "--inputs", "x.npy",
                                                        "--labels", "y.npy"], ["--weights and --biases"]),
    ]
}
