import Foundation
import Testing

extension CLIContractTests {
    /// `--sf-stage1 block|dense` and the `single_factorization.stage1` key. Water has no degenerate stage-1
    /// eigenvalues, so both give the same λ (to rounding) and exactly the same λ_T.
    @Test func eriSFStage1OptionAndKey() throws {
        let base = ["eri", "Data/qchem/h2o_sto3g.FCIDUMP", "--df", "1e-3", "--sf-rank", "10", "--no-energies", "--json"]
        let block = try #require(try json(base)["single_factorization"] as? [String: Any])
        let dense = try #require(try json(base + ["--sf-stage1", "dense"])["single_factorization"] as? [String: Any])
        #expect(block["stage1"] as? String == "block")
        #expect(dense["stage1"] as? String == "dense")
        #expect(block["lambda_t"] as? Double == dense["lambda_t"] as? Double)
        let lb = block["lambda_sf"] as? Double ?? 0, ld = dense["lambda_sf"] as? Double ?? 1
        #expect(abs(lb - ld) <= 1e-10 * lb)
        #expect(try run(base + ["--sf-stage1", "sparse"]).status == 64)
    }
}
