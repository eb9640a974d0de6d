import Foundation
import Testing

// Option values out of range (including the negative forms that used to read as a missing value), and options that
// would be silently ignored: every option is used or refused (exit 64, naming it).
extension BadInputCatalogue {
    static func refused(_ name: String, _ args: [String], _ words: [String], setup: @escaping @Sendable (Fixture) throws -> Void = { _ in })
        -> BadInput { BadInput(name: name, args: args, status: 64, message: words, setup: setup) }

    static let options: [BadInput] = [
        refused("compress --rank -1", ["compress", "p.mtx", "--rank", "-1"], ["--rank must be ≥ 0"]),
        refused("compress --tolerance -1", ["compress", "p.mtx", "--tolerance", "-1"], ["--tolerance must be finite and ≥ 0"]),
        refused("compress --seed -1", ["compress", "p.mtx", "--rank", "2", "--randomized", "--seed", "-1"], ["'-1'", "--seed"]),
        refused("compress --seed without --randomized", ["compress", "p.mtx", "--seed", "3"], ["--seed applies to --randomized"]),
        refused("compress --randomized without --rank", ["compress", "p.mtx", "--randomized"], ["--randomized needs --rank"]),
        refused("compress two rank rules", ["compress", "p.mtx", "--rank", "2", "--tolerance", "0.1"], ["at most one of"]),
        refused("compress --noise-variance -1", ["compress", "p.mtx", "--noise-variance", "-1"], ["--noise-variance must be finite and > 0"]),
        refused("compress --noise-variance with gap", ["compress", "p.mtx", "--noise-variance", "1", "--select", "gap"],
                ["--noise-variance applies to --select aic"]),
        refused("lyap --tolerance 0", ["lyap", "model", "--tolerance", "0"], ["--tolerance 0.0: must be finite and > 0"]),
        refused("lyap --tolerance -1", ["lyap", "model", "--tolerance", "-1"], ["--tolerance -1.0"]),
        refused("lyap --max-steps 0", ["lyap", "model", "--max-steps", "0"], ["--max-steps 0: must be ≥ 1"]),
        refused("lyap ADI option with --method dense", ["lyap", "model", "--method", "dense", "--shifts", "heuristic"],
                ["--shifts applies to ADI"]),
        refused("bt --order 0", ["bt", "model", "--order", "0"], ["--order must be ≥ 1"]),
        refused("bt --order -3", ["bt", "model", "--order", "-3"], ["--order must be ≥ 1"]),
        refused("bt without order", ["bt", "model"], ["exactly one of --order or --max-error"]),
        refused("bt --order and --max-error", ["bt", "model", "--order", "3", "--max-error", "1"], ["exactly one of --order or --max-error"]),
        refused("bt --max-error -1", ["bt", "model", "--max-error", "-1"], ["--max-error must be finite and > 0"]),
        refused("bt --frequencies 0", ["bt", "model", "--order", "3", "--frequencies", "0"], ["--frequencies 0: must be ≥ 1"]),
        refused("bt --omega-min -1", ["bt", "model", "--order", "3", "--omega-min", "-1"], ["--omega-min -1.0"]),
        refused("bt --omega-max below --omega-min", ["bt", "model", "--order", "3", "--omega-min", "10", "--omega-max", "1"], ["--omega-max 1.0"]),
        refused("bt sweep options with --skip-error", ["bt", "model", "--order", "3", "--skip-error", "--frequencies", "10"],
                ["--frequencies sets the error sweep"]),
        refused("eri --cholesky -1", ["eri", "x.FCIDUMP", "--cholesky", "-1"], ["--cholesky must be finite and > 0"]),
        refused("eri --df garbage", ["eri", "x.FCIDUMP", "--df", "a,b"], ["--df takes comma-separated"]),
        refused("eri --df negative", ["eri", "x.FCIDUMP", "--df", "-1e-3"], ["--df takes comma-separated"]),
        refused("eri --sf-stage1 without --sf-rank", ["eri", "x.FCIDUMP", "--sf-stage1", "dense"], ["--sf-stage1 applies to the single factorization"]),
        refused("eri --sf-stage1 unknown", ["eri", "x.FCIDUMP", "--sf-rank", "4", "--sf-stage1", "diagonal"], ["--sf-stage1"]),
        refused("eri --sf-rank 0", ["eri", "x.FCIDUMP", "--sf-rank", "0"], ["--sf-rank must be ≥ 1"]),
        refused("dmrg --field 1e308", ["dmrg", "--model", "tfim", "--sites", "8", "--field", "1e308"], ["--field", "≤ 1e100"]),
        refused("dmrg --coupling -1e200", ["dmrg", "--model", "heisenberg", "--sites", "8", "--coupling", "-1e200"], ["--coupling", "≤ 1e100"]),
        refused("dmrg --anisotropy on tfim", ["dmrg", "--model", "tfim", "--sites", "8", "--anisotropy", "2"], ["--anisotropy applies to the Heisenberg family"]),
        refused("dmrg --ordering on a spin model", ["dmrg", "--model", "heisenberg", "--sites", "8", "--ordering", "given"], ["--ordering applies to --fcidump"]),
        refused("dmrg --cutoff 2", ["dmrg", "--model", "heisenberg", "--sites", "8", "--cutoff", "2"], ["--cutoff 2.0: must be in [0, 1)"]),
        refused("dmrg --cutoff -1", ["dmrg", "--model", "heisenberg", "--sites", "8", "--cutoff", "-1"], ["--cutoff -1.0"]),
        refused("dmrg --sites 1", ["dmrg", "--model", "heisenberg", "--sites", "1"], ["--sites 1: need at least 2 sites"]),
        refused("dmrg --sites -5", ["dmrg", "--model", "heisenberg", "--sites", "-5"], ["--sites -5"]),
        refused("dmrg --max-bond-dimension 0", ["dmrg", "--model", "heisenberg", "--sites", "8", "--max-bond-dimension", "0"], ["--max-bond-dimension 0"]),
        refused("dmrg unknown model", ["dmrg", "--model", "potts", "--sites", "8"], ["unknown --model 'potts'"]),
        refused("dmrg --contraction without --conserve", ["dmrg", "--model", "heisenberg", "--sites", "8", "--contraction", "channel-wise"],
                ["--contraction chooses the symmetric engine"]),
        refused("dmrg --fcidump with --coupling", ["dmrg", "--fcidump", "x.FCIDUMP", "--coupling", "2"], ["--coupling applies to the spin models"]),
        refused("dmrg --fcidump with --sites", ["dmrg", "--fcidump", "x.FCIDUMP", "--sites", "4"], ["--fcidump excludes --model and --sites"]),
        refused("dmrg --noise -1", ["dmrg", "--model", "heisenberg", "--sites", "8", "--noise", "-1"], ["--noise must be ≥ 0"]),
        refused("tt-compress --tolerance -1", ["tt-compress", "a.npy", "--tolerance", "-1"], ["--tolerance must be finite and ≥ 0"]),
        refused("bench --repeats 0", ["bench", "kernels", "--repeats", "0"], ["--repeats 0: must be in 1…1000"]),
        refused("bench --dgemm-size -5", ["bench", "kernels", "--dgemm-size", "-5"], ["--dgemm-size -5: must be ≥ 1"]),
        BadInput(name: "dmrg --conserve parity on heisenberg", args: ["dmrg", "--model", "heisenberg", "--sites", "8", "--conserve", "parity"],
                 message: ["parity"]),
    ]
}
