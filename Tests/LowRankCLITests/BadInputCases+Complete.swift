import Foundation
import Testing

// `lowrank complete`: ratings files and options (issue 12's bad-input list), generated in the test.
extension BadInputCatalogue {
    /// A small planted ratings file: 12 users × 10 items, every third pair observed, value (u + 2i) mod 5 + 1.
    static let smallRatings: String = {
        var lines = ""
        for u in 1...12 { for i in 1...10 where (u * 7 + i) % 3 == 0 { lines += "\(u)\t\(i)\t\((u + 2 * i) % 5 + 1)\t0\n" } }
        return lines
    }()

    static func ratingsFixture(_ f: Fixture) throws { try f.write("r.data", smallRatings) }

    static let complete: [BadInput] = [
        BadInput(name: "complete missing column", args: ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1"],
                 message: ["r.data:2", "column"], setup: { try $0.write("r.data", "1\t1\t3\n2\t5\n") }),
        BadInput(name: "complete non-numeric rating", args: ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1"],
                 message: ["r.data:3"], setup: { try $0.write("r.data", "1 1 3\n2 2 4\n3 3 five\n") }),
        BadInput(name: "complete NaN rating", args: ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1"],
                 message: ["r.data:1"], setup: { try $0.write("r.data", "1 1 nan\n2 2 4\n") }),
        BadInput(name: "complete duplicate pair names both lines", args: ["complete", "r.data", "--method", "als", "--rank", "1", "--lambda", "0.1"],
                 message: ["r.data:3", "1"], setup: { try $0.write("r.data", "1 1 3\n2 2 4\n1 1 5\n") }),
        BadInput(name: "complete --duplicates last accepts", args: ["complete", "r.data", "--method", "als", "--rank", "1", "--lambda", "0.1",
                                                                    "--duplicates", "last", "--json"], status: 0,
                 setup: { try $0.write("r.data", "1 1 3\n2 2 4\n1 1 5\n2 1 1\n") },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     #expect(d["ratings"] as? Int == 3)  // four lines, one duplicate pair merged
                 }),
        BadInput(name: "complete empty file", args: ["complete", "r.data", "--method", "als", "--rank", "1", "--lambda", "0.1"],
                 message: ["r.data", "no ratings"], setup: { try $0.write("r.data", "") }),
        BadInput(name: "complete FIFO", args: ["complete", "r.data", "--method", "als", "--rank", "1", "--lambda", "0.1"],
                 message: ["r.data", "not a regular file"], setup: { try $0.fifo("r.data") }),
        BadInput(name: "complete too few ratings for the folds", args: ["complete", "r.data", "--method", "als", "--rank", "1,2",
                                                                       "--lambda", "0.1", "--folds", "5"],
                 message: ["r.data", "fold"], setup: { try $0.write("r.data", "1 1 3\n2 2 4\n3 3 5\n") }),
        refused("complete --rank 0", ["complete", "r.data", "--method", "als", "--rank", "0", "--lambda", "0.1"], ["--rank 0: must be ≥ 1"]),
        refused("complete --rank -2", ["complete", "r.data", "--method", "als", "--rank", "-2", "--lambda", "0.1"], ["--rank -2"]),
        BadInput(name: "complete --rank above min(users, items)", args: ["complete", "r.data", "--method", "als", "--rank", "40", "--lambda", "0.1"],
                 status: 64, message: ["--rank 40", "min(users, items)"], setup: ratingsFixture),
        BadInput(name: "complete grid rank above min(users, items)", args: ["complete", "r.data", "--method", "als", "--rank", "2,40",
                                                                           "--lambda", "0.1", "--folds", "2"],
                 status: 64, message: ["--rank 40", "min(users, items)"], setup: ratingsFixture),
        refused("complete --lambda -1", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "-1"], ["--lambda -1.0"]),
        refused("complete --lambda list garbage", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1,x"], ["--lambda '0.1,x'"]),
        refused("complete --alpha with als", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1", "--alpha", "2"],
                ["--alpha applies to --method implicit"]),
        refused("complete --lambda-scale with implicit", ["complete", "r.data", "--method", "implicit", "--rank", "2", "--lambda", "0.1",
                                                          "--lambda-scale", "plain"], ["--lambda-scale applies to --method als"]),
        refused("complete --folds without a grid", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1", "--folds", "3"],
                ["--folds and --fold-file choose the grid point"]),
        refused("complete --test and --test-fraction", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                        "--test", "t.data", "--test-fraction", "0.2"], ["at most one of --test and --test-fraction"]),
        refused("complete --test-fraction 1", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                               "--test-fraction", "1"], ["--test-fraction 1.0"]),
        refused("complete --threads 0", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1", "--threads", "0"],
                ["--threads 0"]),
        refused("complete --columns without delimited", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                         "--columns", "1,2,3"], ["--delimiter and --columns apply to --format delimited"]),
        BadInput(name: "complete unknown --recommend user", args: ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                                  "--recommend", "nobody"],
                 status: 64, message: ["--recommend 'nobody'"], setup: ratingsFixture),
        BadInput(name: "complete --out onto the ratings file", args: ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                                     "--out", "r.data"],
                 message: ["--out r.data", "input"], setup: ratingsFixture),
        BadInput(name: "complete --plot /dev/full", args: ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                          "--plot", "/dev/full"],
                 message: ["--plot /dev/full", "not a regular file"], setup: ratingsFixture,
                 check: { _, _ in #expect(isCharacterDevice("/dev/full")) }),
        BadInput(name: "complete fold file with too few lines", args: ["complete", "r.data", "--method", "als", "--rank", "1,2",
                                                                      "--lambda", "0.1", "--fold-file", "folds.txt"],
                 message: ["folds.txt"], setup: { f in try ratingsFixture(f); try f.write("folds.txt", "0\n1\n") }),
        BadInput(name: "complete diverging learning rate", args: ["complete", "r.data", "--method", "sgd", "--rank", "2",
                                                                 "--lambda", "0.02", "--learning-rate", "1000"],
                 message: ["diverged"], setup: ratingsFixture),
        refused("complete --learning-rate with als", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                      "--learning-rate", "0.01"], ["--learning-rate applies to gd, sgd and svdpp"]),
        refused("complete --precision with sgd", ["complete", "r.data", "--method", "sgd", "--rank", "2", "--lambda", "0.1",
                                                  "--precision", "mixed"], ["--precision applies to --method als and implicit"]),
        refused("complete --precision single", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                "--precision", "single"], ["--precision", "single"]),
        refused("complete --bias-lambda with als", ["complete", "r.data", "--method", "als", "--rank", "2", "--lambda", "0.1",
                                                    "--bias-lambda", "0.02"], ["--bias-lambda applies to --method svdpp"]),
        refused("complete --implicit-lambda -1", ["complete", "r.data", "--method", "svdpp", "--rank", "2", "--lambda", "0.1",
                                                  "--implicit-lambda", "-1"], ["--implicit-lambda -1.0"]),
        refused("complete --biases with nmf", ["complete", "r.data", "--method", "nmf", "--rank", "2", "--lambda", "0.1", "--biases"],
                ["--biases applies to als and sgd"]),
        BadInput(name: "complete --top 10^9 allocates by the item count", args: ["complete", "r.data", "--method", "implicit", "--rank", "2",
                                                                               "--lambda", "0.1", "--iterations", "1", "--test-fraction", "0.3",
                                                                               "--top", "1000000000", "--recommend", "1", "--json"],
                 status: 0, setup: ratingsFixture,
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     #expect(d["k"] as? Int == 1_000_000_000)
                     #expect((d["recommendations"] as? [Any])?.count ?? 99 <= 10)  // 10 items in r.data
                 }),
        BadInput(name: "complete test ids unseen in training are counted", args: ["complete", "r.data", "--method", "als", "--rank", "2",
                                                                                 "--lambda", "0.1", "--biases", "--test", "t.data", "--json"],
                 status: 0,
                 setup: { f in try ratingsFixture(f); try f.write("t.data", "1\t1\t3\n99\t1\t4\n1\t99\t2\n98\t97\t5\n") },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     #expect(d["test_unseen"] as? Int == 3)  // users 99, 98 and items 99, 97 are not in r.data
                 }),
    ]
}
