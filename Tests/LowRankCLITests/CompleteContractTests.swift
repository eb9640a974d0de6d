import Foundation
import Testing

/// The `lowrank complete` JSON contract of issue 12: keys, nulls where a value does not apply, and the grid.
@Suite struct CompleteContractTests {
    func json(_ args: [String]) throws -> [String: Any] {
        let r = try CLIProcess.run(args, in: CLIContractTests.root)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    }

    static let data = "Data/recsys/planted_ratings.tsv"

    @Test func explicitKeysAndNulls() throws {
        let d = try json(["complete", Self.data, "--method", "als", "--rank", "4", "--lambda", "0.1", "--biases",
                          "--iterations", "3", "--test-fraction", "0.1", "--threads", "1", "--json"])
        for k in ["method", "users", "items", "ratings", "rank", "lambda", "lambda_scale", "threads", "iterations",
                  "test_rmse", "test_mae", "test_unseen", "seconds"] { #expect(d[k] != nil, "\(k)") }
        #expect(d["method"] as? String == "als" && d["rank"] as? Int == 4 && d["lambda_scale"] as? String == "count")
        #expect(d["ratings"] as? Int == 90_000)  // 100,000 lines (Data/recsys/README.md), 10 % held out
        let its = try #require(d["iterations"] as? [[String: Any]])
        #expect(its.count == 3)
        for it in its { for k in ["iteration", "objective", "train_rmse", "test_rmse", "seconds"] { #expect(it[k] != nil, "\(k)") } }
        #expect(d["precision_at_k"] == nil && d["certificate"] == nil)
        #expect(d["precision"] as? String == "double")
        let mixed = try json(["complete", Self.data, "--method", "als", "--rank", "4", "--lambda", "0.1", "--biases",
                              "--iterations", "3", "--test-fraction", "0.1", "--threads", "1", "--precision", "mixed", "--json"])
        #expect(mixed["precision"] as? String == "mixed")
        // Same split and start: float32 rounding of the Gram moves the test RMSE by far less than 1e-4.
        let a = try #require(d["test_rmse"] as? Double), b = try #require(mixed["test_rmse"] as? Double)
        #expect(abs(a - b) < 1e-4, "double \(a), mixed \(b)")
        // Without a test set the test keys are present and null.
        let n = try json(["complete", Self.data, "--method", "als", "--rank", "2", "--lambda", "0.1", "--iterations", "1", "--json"])
        #expect(n["test_rmse"] is NSNull && n["test_mae"] is NSNull && n["test_unseen"] is NSNull)
        #expect(((n["iterations"] as? [[String: Any]])?.first?["test_rmse"]) is NSNull)
    }

    @Test func implicitKeys() throws {
        let d = try json(["complete", Self.data, "--method", "implicit", "--rank", "8", "--lambda", "0.01", "--alpha", "1",
                          "--iterations", "2", "--test-fraction", "0.1", "--top", "5", "--json"])
        #expect(d["k"] as? Int == 5)
        let p = try #require(d["precision_at_k"] as? Double), g = try #require(d["ndcg_at_k"] as? Double)
        #expect(p >= 0 && p <= 1 && g >= 0 && g <= 1)
        #expect(((d["iterations"] as? [[String: Any]])?.first?["train_rmse"]) is NSNull)
        #expect(d["lambda_scale"] is NSNull)
        #expect(d["precision"] as? String == "double")
        let mixed = try json(["complete", Self.data, "--method", "implicit", "--rank", "8", "--lambda", "0.01", "--alpha", "1",
                              "--iterations", "2", "--test-fraction", "0.1", "--top", "5", "--precision", "mixed", "--json"])
        #expect(mixed["precision"] as? String == "mixed")
        // float32 row products move each score by ~1e-7 relative: the ranking metric is unchanged up to ties.
        let pm = try #require(mixed["precision_at_k"] as? Double)
        #expect(abs(pm - p) <= 0.02)
    }

    @Test func gridChoosesByCrossValidation() throws {
        let d = try json(["complete", Self.data, "--method", "als", "--rank", "2,6", "--lambda", "0.05,0.2", "--folds", "3",
                          "--iterations", "3", "--json"])
        let grid = try #require(d["grid"] as? [[String: Any]])
        #expect(grid.count == 4)
        for p in grid { for k in ["rank", "lambda", "cv_rmse", "cv_mae"] { #expect(p[k] != nil, "\(k)") } }
        let best = try #require(d["best"] as? [String: Any])
        let minimum = grid.compactMap { $0["cv_rmse"] as? Double }.min()
        #expect(best["cv_rmse"] as? Double == minimum)
        #expect(d["rank"] as? Int == best["rank"] as? Int && d["lambda"] as? Double == best["lambda"] as? Double)
    }
}

/// Every model is bit-identical for a seed at 1 and 2 threads (the whole thread budget, BLAS single-threaded inside).
@Suite struct CompleteThreadIdentityTests {
    @Test(arguments: ["als", "implicit", "soft-impute", "gd", "sgd", "svdpp", "nmf"])
    func sameResultsAtOneAndTwoThreads(method: String) throws {
        func run(_ threads: Int) throws -> [String: Any] {
            let r = try CLIProcess.run(["complete", CompleteContractTests.data, "--method", method, "--rank", "4", "--lambda",
                                        method == "soft-impute" ? "5" : "0.1", "--iterations", "3", "--seed", "3",
                                        "--test-fraction", "0.1", "--threads", "\(threads)", "--json"], in: CLIContractTests.root)
            #expect(r.status == 0, "\(method): \(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        }
        let one = try run(1), two = try run(2)
        let objectives = { (d: [String: Any]) in (d["iterations"] as? [[String: Any]] ?? []).compactMap { $0["objective"] as? Double } }
        #expect(!objectives(one).isEmpty && objectives(one) == objectives(two))
        for key in ["test_rmse", "test_mae", "precision_at_k", "ndcg_at_k", "certificate"] {
            #expect("\(one[key] ?? "absent")" == "\(two[key] ?? "absent")", "\(method) \(key)")
        }
    }
}
