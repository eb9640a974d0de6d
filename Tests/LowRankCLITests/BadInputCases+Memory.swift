import Foundation
import Testing

// Requests whose memory is estimated before allocating, and the estimates at their boundaries (--memory-limit).
extension BadInputCatalogue {
    static let memory: [BadInput] = [
        BadInput(name: "bench dgemm 10^6", args: ["bench", "kernels", "--dgemm-size", "1000000"],
                 message: ["DGEMM of order n = 1000000 needs about 24.0 TB", "available"]),
        // 3 n² doubles for DGEMM: n = 100 needs exactly 240000 bytes; ZGEMM n = 10: 4800; SVD n = 10: 4000.
        BadInput(name: "bench boundary below", args: ["bench", "kernels", "--dgemm-size", "100", "--zgemm-size", "10",
                                                      "--svd-size", "10", "--repeats", "1", "--memory-limit", "239999"],
                 message: ["DGEMM of order n = 100 needs about 240 kB"]),
        BadInput(name: "bench boundary at", args: ["bench", "kernels", "--dgemm-size", "100", "--zgemm-size", "10",
                                                   "--svd-size", "10", "--repeats", "1", "--memory-limit", "240000", "--json"],
                 status: 0),
        // bench matrix-market holds two parsed documents: 2 × 30000 doubles for the 200 × 150 array → 480000 bytes.
        BadInput(name: "bench matrix-market boundary below", args: ["bench", "matrix-market", "p.mtx", "--repeats", "1",
                                                                    "--memory-limit", "479999"],
                 message: ["two parsed copies of p.mtx needs about 480 kB"], setup: { try $0.copy(planted, to: "p.mtx") }),
        BadInput(name: "bench matrix-market boundary at", args: ["bench", "matrix-market", "p.mtx", "--repeats", "1",
                                                                 "--memory-limit", "480000", "--json"],
                 status: 0, setup: { try $0.copy(planted, to: "p.mtx") }),
        // compress holds 3 m·n doubles: 200 × 150 → 720000 bytes.
        BadInput(name: "compress boundary below", args: ["compress", "p.mtx", "--memory-limit", "719999"],
                 message: ["the SVD of a 200×150 matrix needs about 720 kB"], setup: { try $0.copy(planted, to: "p.mtx") }),
        BadInput(name: "compress boundary at", args: ["compress", "p.mtx", "--memory-limit", "720000"], status: 0,
                 setup: { try $0.copy(planted, to: "p.mtx") }),
        BadInput(name: "compress huge coordinate header", args: ["compress", "big.mtx", "--memory-limit", "1G"],
                 message: ["big.mtx", "needs about", "available"],
                 setup: { try $0.write("big.mtx", BadInputFiles.coordinate(rows: 15_000, columns: 15_000, [(1, 1, 1)])) }),
        // Dense Lyapunov holds 5 n×n arrays without E: n = 100 → 400000 bytes.
        BadInput(name: "lyap dense boundary below", args: ["lyap", "model", "--method", "dense", "--memory-limit", "399999"],
                 message: ["dense Lyapunov for n = 100 needs about 400 kB", "use --method adi"],
                 setup: { try BadInputFiles.diagonalModel($0, "model", n: 100) }),
        BadInput(name: "lyap dense boundary at", args: ["lyap", "model", "--method", "dense", "--memory-limit", "400000"],
                 status: 0, setup: { try BadInputFiles.diagonalModel($0, "model", n: 100) }),
        BadInput(name: "lyap dense n = 40000", args: ["lyap", "model", "--method", "dense", "--memory-limit", "20G"],
                 message: ["dense Lyapunov for n = 40000 needs about 64.0 GB", "use --method adi"],
                 setup: { try BadInputFiles.diagonalModel($0, "model", n: 40000) }),
        BadInput(name: "lyap 30M × 30M header with one entry", args: ["lyap", "model"],
                 message: ["model/A.mtx", "30000000×30000000"],
                 setup: { f in
                     let n = 30_000_000
                     try f.write("model/A.mtx", BadInputFiles.coordinate(rows: n, columns: n, [(1, 1, -1)]))
                     try f.write("model/B.mtx", BadInputFiles.coordinate(rows: n, columns: 1, [(1, 1, 1)]))
                     try f.write("model/C.mtx", BadInputFiles.coordinate(rows: 1, columns: n, [(1, 1, 1)]))
                 }),
        // LR-ADI checks its factor before each growth: 8·n·(2·columns + 8) bytes with n = 200000 exceeds 20 MiB (20.97 MB) at
        // the third column (8·200000·14 = 22.4 MB), after two steps that fit (17.6 and 19.2 MB).
        BadInput(name: "lyap ADI factor growth", args: ["lyap", "model", "--method", "adi", "--memory-limit", "20M"],
                 message: ["the LR-ADI factor for n = 200000 at 3 columns"],
                 setup: { try BadInputFiles.diagonalModel($0, "model", n: 200_000) }),
        BadInput(name: "bt 10^9 frequencies", args: ["bt", "model", "--order", "3", "--frequencies", "1000000000"],
                 message: ["frequency sweep of 1000000001 points needs about", "lower --frequencies"],
                 setup: copyBuild),
        BadInput(name: "dmrg 10^9 sites", args: ["dmrg", "--model", "heisenberg", "--sites", "1000000000"],
                 message: ["DMRG on L = 1000000000 sites at χ = 64 needs about", "available"]),
        BadInput(name: "tt-compress memory limit", args: ["tt-compress", "a.npy", "--tolerance", "0.1", "--memory-limit", "1k"],
                 message: ["TT-SVD of a 8×8 array needs about"],
                 setup: { f in try f.write("a.npy", NPYFixture.header(descr: "<f8", shape: [8, 8]) + NPYFixture.float64((0..<64).map(Double.init))) }),
        BadInput(name: "eri memory limit", args: ["eri", "h2o.FCIDUMP", "--memory-limit", "20k"],
                 message: ["NORB = 7 needs about"], setup: copyH2O),
        BadInput(name: "memory limit garbage", args: ["compress", "p.mtx", "--memory-limit", "lots"], status: 64,
                 message: ["--memory-limit 'lots'"], setup: { try $0.copy(planted, to: "p.mtx") }),
        BadInput(name: "memory limit zero", args: ["compress", "p.mtx", "--memory-limit", "0"], status: 64,
                 message: ["--memory-limit '0'"], setup: { try $0.copy(planted, to: "p.mtx") }),
        BadInput(name: "memory limit negative", args: ["compress", "p.mtx", "--memory-limit", "-5G"], status: 64,
                 message: ["--memory-limit '-5G'"], setup: { try $0.copy(planted, to: "p.mtx") }),
    ]
}
