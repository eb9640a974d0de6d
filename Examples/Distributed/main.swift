// Distributed ALS and ERI factorization with one code path for one process and for many.
//
//   swift run -c release Distributed                                  (one process)
//   swift build -c release --traits MPI --scratch-path .build-mpi --product Distributed
//   mpirun -np 2 .build-mpi/release/Distributed                       (two ranks; rank 0 prints)
//
// Each rank makes the same planted ratings, reads its share of a ratings file and the same FCIDUMP (Data/qchem/h2o_ccpvdz.FCIDUMP), fits ALS
// and factorizes the integrals over the communicator, and rank 0 compares with the single-process run it also
// does: the distributed factors equal the serial ones (the arithmetic per row is the same), and the communication
// is reported in bytes.
import Foundation
import LatentFactors
import LowRankDistributed
import LowRankKernels
import QuantumLowRank

do {
    let world = try Communicator.world()
    defer { world.finalize() }
    func say(_ line: String) { if world.rank == 0 { print(line) } }
    say("\(world.size) rank(s)\(world.usesMPI ? " over MPI" : " (no MPI: a default build, or not started by mpirun)")")

    // 1. Explicit ALS on a planted rank-4 table, 400 users × 300 items, 30 % observed.
    var g = SeededGenerator(seed: 7)
    let truth = try Matrix.product(Matrix<Double>.randomNormal(rows: 400, columns: 4, using: &g), .none,
                                   Matrix<Double>.randomNormal(rows: 300, columns: 4, using: &g), .transpose)
    var users: [Int] = [], items: [Int] = [], values: [Double] = []
    for item in 0..<300 {
        for user in 0..<400 where Double.random(in: 0..<1, using: &g) < 0.3 {
            users.append(user); items.append(item); values.append(truth[user, item])
        }
    }
    let ratings = try Ratings(userIds: (0..<400).map { "u\($0)" }, itemIds: (0..<300).map { "i\($0)" },
                              users: users, items: items, values: values)
    var options = ExplicitALSOptions(rank: 4, lambda: 0.01, scaling: .countScaled, biases: true, maxIterations: 8, seed: 1)
    options.tolerance = 0
    let distributed = try DistributedExplicitALS.fit(ratings, options: options, communicator: world)
    let serial = try ExplicitALS.fit(ratings, options: options)
    let largest = zip(distributed.model.userFactors.elements, serial.model.userFactors.elements)
        .map { abs($0 - $1) }.max() ?? 0
    say(String(format: "ALS: %d ratings, train RMSE %.2e after %d iterations; largest difference from one process %.1e; "
               + "%d bytes per iteration, %d in all", ratings.count, distributed.history.last?.record.trainRMSE ?? .nan,
               distributed.history.count, largest, distributed.bytesPerIteration, distributed.bytesCommunicated))

    // 2. One ratings file read by byte ranges: each rank parses its share of the lines, every rank gets the whole.
    let file = "Data/recsys/planted_ratings.tsv"
    let parallel = try DistributedRatingsReader.read(file, communicator: world)
    let whole = try RatingsReader.read(file)
    let identical = parallel.userIds == whole.userIds && parallel.itemIds == whole.itemIds
        && parallel.rowOffsets == whole.rowOffsets && parallel.rowItems == whole.rowItems
        && parallel.rowValues == whole.rowValues
    say("read by byte ranges: \(parallel.count) ratings of \(parallel.userCount) users and \(parallel.itemCount) items; "
        + "identical to one process's read: \(identical)")

    // 3. Pivoted Cholesky and the DF stage 1 of H2O/cc-pVDZ.
    let path = "Data/qchem/h2o_ccpvdz.FCIDUMP"
    let dump = try FCIDUMP.read(path)
    let m = try dump.eri.supermatrix()
    let before = world.bytesSent
    let cholesky = try PivotedCholesky.decompose(try DenseSupermatrix(m), tolerance: 1e-6, communicator: world)
    let df = try DoubleFactorization(supermatrix: m, orbitals: dump.orbitals, communicator: world)
    let truncated = try df.truncated(threshold: 1e-4, h: dump.h)
    let oneProcess = try PivotedCholesky.decompose(try DenseSupermatrix(m), tolerance: 1e-6)
    say("ERI: \(cholesky.count) Cholesky vectors (one process: \(oneProcess.count), identical: "
        + "\(cholesky.vectors.elements == oneProcess.vectors.elements)); DF at 1e-4: L = \(truncated.l), "
        + "Ξ = \(truncated.retainedEigenvectors), λ_DF = \(String(format: "%.4f", truncated.lambdaDF)); "
        + "this rank sent \(world.bytesSent - before) bytes")
} catch {
    FileHandle.standardError.write("Distributed: \(error)\n".data(using: .utf8)!)
    exit(1)
}
