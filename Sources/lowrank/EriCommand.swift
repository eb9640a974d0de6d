import ArgumentParser
import Foundation
import LowRankDistributed
import LowRankIO
import LowRankKernels
import QuantumLowRank

/// `lowrank eri FCIDUMP`: pivoted-Cholesky, double- and single-factorized ERIs with λ norms and energy errors.
struct EriCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eri",
        abstract: "Compress the electron-repulsion integrals of an FCIDUMP (pivoted Cholesky, double and single factorization).",
        discussion: """
            Conventions (chemist notation, pair-space supermatrix, published DF/SF λ) are those of \
            Lee et al., PRX Quantum 2, 030305 (2021); see the QuantumLowRank article "Integral conventions". \
            Energy errors are the RHF energy of the aufbau determinant in the FCIDUMP orbitals and the \
            canonical MP2 correlation energy, each with the compressed integrals minus with the exact ones.

            Under mpirun (a build with --traits MPI) the pivoted Cholesky shares the pair index over the ranks and \
            the DF stage-1 eigendecomposition runs in ScaLAPACK (pdsyevd); every rank reads the FCIDUMP, rank 0 \
            alone prints and writes, and --json gains "ranks" and "bytes_communicated".
            """)

    enum Stage1: String, ExpressibleByArgument, CaseIterable { case eigen, cholesky }
    enum SFStage1: String, ExpressibleByArgument, CaseIterable { case block, dense }

    @Argument(help: "FCIDUMP file (plain or gzip-compressed).") var file: String
    @Option(parsing: .unconditional, help: "Pivoted-Cholesky tolerance on the largest remaining diagonal.") var cholesky: Double = 1e-6
    @Option(parsing: .unconditional, help: "Comma-separated double-factorization thresholds.") var df: String = "1e-3,1e-4"
    @Option(name: .customLong("df-stage1"), help: "DF first stage: eigen (published convention) or cholesky.")
    var dfStage1: Stage1 = .eigen
    @Option(name: .customLong("sf-rank"), parsing: .unconditional, help: "Rank of the single factorization whose λ is reported.") var sfRank: Int?
    @Option(name: .customLong("sf-stage1"),
            help: "SF first-stage eigenbasis: block (symmetry blocks, default) or dense (one eigh, as OpenFermion); differs only in degenerate eigenspaces.")
    var sfStage1: SFStage1?
    @Flag(name: .customLong("no-energies"), help: "Skip the RHF/MP2 energy errors.") var noEnergies = false
    @Option(help: "Write an SVG: Cholesky error against the number of vectors, and the DF eigenvalue spectrum.")
    var plot: String?
    @Option(help: "Write a folder with the Cholesky vectors and the DF stage 1 as .npy (cholesky_vectors.npy, pairs × K; df_stage1_vectors.npy, pairs × L; df_stage1_eigenvalues.npy).")
    var out: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct CholeskyReport: Encodable {
        let tolerance: Double, vectors: Int, maxAbsError: Double, rhfError: Double?, mp2Error: Double?, seconds: Double
        enum CodingKeys: String, CodingKey {
            case tolerance, vectors, maxAbsError = "max_abs_error", rhfError = "rhf_error", mp2Error = "mp2_error", seconds
        }
    }
    struct DFReport: Encodable {
        let threshold: Double, l: Int, retainedEigenvectors: Int, lambdaDF: Double, lambdaT: Double, lambdaF: Double
        let maxAbsError: Double, rhfError: Double?, mp2Error: Double?
        enum CodingKeys: String, CodingKey {
            case threshold, l = "L", retainedEigenvectors = "retained_eigenvectors", lambdaDF = "lambda_df",
                 lambdaT = "lambda_t", lambdaF = "lambda_f", maxAbsError = "max_abs_error", rhfError = "rhf_error",
                 mp2Error = "mp2_error"
        }
    }
    struct SFReport: Encodable {
        let rank: Int, lambdaSF: Double, lambdaT: Double, lambdaW: Double, stage1: String
        enum CodingKeys: String, CodingKey { case rank, lambdaSF = "lambda_sf", lambdaT = "lambda_t", lambdaW = "lambda_w", stage1 }
    }
    struct Energy: Encodable {
        let rhf: Double?, mp2: Double?
        /// Why `rhf` and `mp2` are null, when they are.
        let skipped: String?
    }
    struct Seconds: Encodable { let parse: Double, cholesky: Double, df: Double }
    struct Report: Encodable {
        let file: String, norb: Int, nelec: Int, eCore: Double
        let cholesky: CholeskyReport
        let doubleFactorization: [DFReport]
        let singleFactorization: SFReport?
        let energy: Energy
        let seconds: Seconds
        /// MPI ranks and the bytes they sent one another (distributed runs only; omitted otherwise).
        var ranks: Int?
        var bytesCommunicated: Int?
        enum CodingKeys: String, CodingKey {
            case file, norb, nelec, eCore = "e_core", cholesky, doubleFactorization = "double_factorization",
                 singleFactorization = "single_factorization", energy, seconds, ranks,
                 bytesCommunicated = "bytes_communicated"
        }
    }

    func thresholds() throws -> [Double] {
        let parts = df.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let values = parts.compactMap(Double.init)
        guard values.count == parts.count, values.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ValidationError("--df takes comma-separated non-negative numbers (got '\(df)')")
        }
        return values
    }

    func validate() throws {
        guard cholesky > 0, cholesky.isFinite else { throw ValidationError("--cholesky must be finite and > 0") }
        _ = try thresholds()
        if let r = sfRank, r < 1 { throw ValidationError("--sf-rank must be ≥ 1") }
        if sfStage1 != nil && sfRank == nil { throw ValidationError("--sf-stage1 applies to the single factorization; give --sf-rank") }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            // Under mpirun (with the MPI trait) every rank runs this command; rank 0 alone prints and writes.
            let communicator = try Communicator.world()
            defer { communicator.finalize() }
            Output.printErrors(of: communicator)
            try OutputTarget.checkFile(plot, option: "--plot")
            try OutputTarget.checkFolder(out, option: "--out", inputs: [file])
            let t0 = Date()
            let dump = try FCIDUMP.read(file)
            let tParse = Date().timeIntervalSince(t0)
            let n = dump.orbitals
            let pairs = Double(n * (n + 1) / 2)
            // The supermatrix, the DF stage-1 eigenvectors, LAPACK's copy and workspace, and a reconstruction
            // (five pair×pair matrices), plus three packed tensors for the energy errors.
            try MemoryBudget.require(MemoryBudget.bytes(5 * pairs * pairs + 3 * pairs * (pairs + 1) / 2),
                                     for: "factorizing the integrals of NORB = \(n)")
            let m = try dump.eri.supermatrix()
            let skipped: String? = noEnergies ? "--no-energies"
                : dump.ms2 != 0 ? "RHF/MP2 need a closed shell (MS2 = 0); this file has MS2 = \(dump.ms2)"
                : dump.electrons % 2 != 0 ? "RHF/MP2 need an even NELEC; this file has NELEC = \(dump.electrons)"
                : nil
            let energiesPossible = skipped == nil && dump.electrons <= 2 * n
            /// [RHF energy, MP2 correlation energy] with the integrals of `sup` (NaN when energies are skipped).
            func energies(_ sup: @autoclosure () throws -> Matrix<Double>) throws -> [Double] {
                guard energiesPossible else { return [.nan, .nan] }
                let eri = try ERITensor(orbitals: n, supermatrix: try sup())
                return [try MeanField.rhfEnergy(h: dump.h, eri: eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons),
                        try MP2.correlationEnergy(h: dump.h, eri: eri, electrons: dump.electrons)]
            }
            // Pivoted Cholesky.
            let t1 = Date()
            let chol = try PivotedCholesky.decompose(try DenseSupermatrix(m), tolerance: cholesky,
                                                     communicator: communicator)
            let tChol = Date().timeIntervalSince(t1)
            // Double factorization: one stage 1, many thresholds.
            let t2 = Date()
            let stage1: DoubleFactorization.Stage1 = dfStage1 == .eigen ? .eigendecomposition : .cholesky(tolerance: cholesky)
            let dfact = try DoubleFactorization(supermatrix: m, orbitals: n, stage1: stage1, communicator: communicator)
            // The evaluations are independent tasks, shared over the ranks (serially, run in turn): each threshold's
            // truncation with its energies (smallest threshold, the costliest, first), the Cholesky energies, the exact
            // energies, and the single factorization.
            let dfThresholds = try thresholds()
            let order = dfThresholds.indices.sorted { dfThresholds[$0] < dfThresholds[$1] }
            let choleskyTask = order.count, referenceTask = choleskyTask + 1, sfTask = referenceTask + 1
            let results = try communicator.shareTasks(count: sfTask + (sfRank == nil ? 0 : 1)) { task in
                switch task {
                case choleskyTask:
                    return try energies(try Matrix.product(chol.vectors, .none, chol.vectors, .transpose))
                case referenceTask:
                    return try energies(m)
                case sfTask:
                    let basis: Stage1Eigenbasis = sfStage1 == .dense ? .dense : .block
                    let s = dfStage1 == .eigen && basis == .block ? try dfact.singleFactorization(rank: sfRank ?? 1, h: dump.h)
                        : try SingleFactorization.lambda(supermatrix: m, h: dump.h, orbitals: n, rank: sfRank ?? 1,
                                                         stage1: basis)
                    return [Double(s.rank), s.lambdaSF, s.lambdaT, s.lambdaW]
                default:
                    let r = try dfact.truncated(threshold: dfThresholds[order[task]], h: dump.h)
                    return [Double(r.l), Double(r.retainedEigenvectors), r.lambdaDF, r.lambdaT, r.lambdaF, r.maxAbsError]
                        + (try energies(try r.reconstructedSupermatrix()))
                }
            }
            let tDF = Date().timeIntervalSince(t2)
            let reference = results[referenceTask]
            let rhf: Double? = energiesPossible ? reference[0] : nil, mp2: Double? = energiesPossible ? reference[1] : nil
            /// ΔE_RHF and ΔE_MP2 of an [RHF, MP2] pair against the exact integrals' (nil when skipped).
            func errors(_ pair: ArraySlice<Double>) -> (Double?, Double?) {
                guard let rhf, let mp2 else { return (nil, nil) }
                return (pair[pair.startIndex] - rhf, pair[pair.startIndex + 1] - mp2)
            }
            let (cr, cm) = errors(results[choleskyTask][...])
            var dfReports: [DFReport] = []
            for (index, t) in dfThresholds.enumerated() {
                let v = results[order.firstIndex(of: index) ?? 0]
                let (er, em) = errors(v[6...])
                dfReports.append(DFReport(threshold: t, l: Int(v[0]), retainedEigenvectors: Int(v[1]),
                                          lambdaDF: v[2], lambdaT: v[3], lambdaF: v[4], maxAbsError: v[5],
                                          rhfError: er, mp2Error: em))
            }
            var sf: SFReport?
            if sfRank != nil {
                let v = results[sfTask]
                sf = SFReport(rank: Int(v[0]), lambdaSF: v[1], lambdaT: v[2], lambdaW: v[3],
                              stage1: (sfStage1 ?? .block).rawValue)
            }
            // Every rank's bytes, summed before the other ranks leave.
            let bytesCommunicated = communicator.size > 1
                ? Int(try communicator.allreduceSum([Double(communicator.bytesSent)])[0]) : nil
            guard communicator.rank == 0 else { return }
            var report = Report(file: file, norb: n, nelec: dump.electrons, eCore: dump.coreEnergy,
                                cholesky: CholeskyReport(tolerance: cholesky, vectors: chol.count, maxAbsError: chol.maxAbsError,
                                                         rhfError: cr, mp2Error: cm, seconds: tChol),
                                doubleFactorization: dfReports, singleFactorization: sf, energy: Energy(rhf: rhf, mp2: mp2, skipped: skipped),
                                seconds: Seconds(parse: tParse, cholesky: tChol, df: tDF))
            if communicator.size > 1 {
                report.ranks = communicator.size
                report.bytesCommunicated = bytesCommunicated
            }
            if let plot { try writePlot(plot, chol: chol, supermatrix: m) }
            if let out {
                try AtomicDirectory.write(to: out) { folder in
                    try NumPy.write(chol.vectors, to: folder + "/cholesky_vectors.npy")
                    try NumPy.write(dfact.stage1Vectors, to: folder + "/df_stage1_vectors.npy")
                    try NumPy.write(vector: dfact.stage1Eigenvalues, to: folder + "/df_stage1_eigenvalues.npy")
                }
            }
            if json { try Output.printJSON(report, snakeCase: false) } else { printHuman(report) }
        }
    }

    func writePlot(_ path: String, chol: PivotedCholesky.Result, supermatrix m: Matrix<Double>) throws {
        // Error against the number of vectors: the largest remaining diagonal after k vectors.
        var errors: [Double] = []
        var diag = m.diagonalEntries
        for k in 0..<chol.count {
            for i in 0..<diag.count { diag[i] -= chol.vectors[i, k] * chol.vectors[i, k] }
            errors.append(diag.max() ?? 0)
        }
        let eig = try m.symmetricEigen(vectors: false).eigenvalues.filter { $0 > 0 }.sorted(by: >)
        let panels = [
            SVGPlot.Panel(title: "Pivoted Cholesky: largest remaining diagonal", xLabel: "vectors", yLabel: "error",
                          logX: false, series: [.init(label: "max diag", x: errors.indices.map { Double($0 + 1) }, y: errors, color: "#1f77b4")]),
            SVGPlot.Panel(title: "Supermatrix eigenvalues (DF stage 1)", xLabel: "index", yLabel: "w_l", logX: false,
                          series: [.init(label: "w_l", x: eig.indices.map { Double($0 + 1) }, y: eig, color: "#d62728")]),
        ]
        try SVGPlot(panels: panels).write(to: path)
    }

    func printHuman(_ r: Report) {
        print("\(r.file): \(r.norb) orbitals, \(r.nelec) electrons, E_core = \(r.eCore)")
        if let e = r.energy.rhf, let m = r.energy.mp2 { print(String(format: "  RHF energy %.10f Eh, MP2 correlation %.10f Eh", e, m)) }
        if let why = r.energy.skipped, why != "--no-energies" { print("  no RHF/MP2 energies: \(why)") }
        let c = r.cholesky
        print(String(format: "  Cholesky τ = %.1e: %d vectors, max |ΔM| = %.2e", c.tolerance, c.vectors, c.maxAbsError)
              + (c.rhfError.map { String(format: ", ΔE_RHF = %.2e, ΔE_MP2 = %.2e", $0, c.mp2Error ?? 0) } ?? ""))
        for d in r.doubleFactorization {
            print(String(format: "  DF threshold %.2e: L = %d, Ξ = %d, λ_DF = %.4f (λ_T %.4f + λ_F %.4f), max |ΔM| = %.2e",
                         d.threshold, d.l, d.retainedEigenvectors, d.lambdaDF, d.lambdaT, d.lambdaF, d.maxAbsError)
                  + (d.rhfError.map { String(format: ", ΔE_RHF = %.2e, ΔE_MP2 = %.2e", $0, d.mp2Error ?? 0) } ?? ""))
        }
        if let s = r.singleFactorization {
            print(String(format: "  SF rank %d: λ_SF = %.4f (λ_T %.4f + λ_W %.4f)", s.rank, s.lambdaSF, s.lambdaT, s.lambdaW))
        }
        print(String(format: "  seconds: parse %.3f, Cholesky %.3f, DF %.3f", r.seconds.parse, r.seconds.cholesky, r.seconds.df))
        if let ranks = r.ranks, let bytes = r.bytesCommunicated {
            print("  distributed over \(ranks) MPI ranks, \(CompleteCommand.bytesText(bytes)) sent between them")
        }
    }
}
