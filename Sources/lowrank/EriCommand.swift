import ArgumentParser
import Foundation
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
        enum CodingKeys: String, CodingKey {
            case file, norb, nelec, eCore = "e_core", cholesky, doubleFactorization = "double_factorization",
                 singleFactorization = "single_factorization", energy, seconds
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
            try OutputTarget.checkFile(plot, option: "--plot")
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
            // Exact energies (the reference for every error).
            var rhf: Double?, mp2: Double?
            let skipped: String? = noEnergies ? "--no-energies"
                : dump.ms2 != 0 ? "RHF/MP2 need a closed shell (MS2 = 0); this file has MS2 = \(dump.ms2)"
                : dump.electrons % 2 != 0 ? "RHF/MP2 need an even NELEC; this file has NELEC = \(dump.electrons)"
                : nil
            let energiesPossible = skipped == nil && dump.electrons <= 2 * n
            if energiesPossible {
                rhf = try MeanField.rhfEnergy(h: dump.h, eri: dump.eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
                mp2 = try MP2.correlationEnergy(h: dump.h, eri: dump.eri, electrons: dump.electrons)
            }
            func energyErrors(_ sup: Matrix<Double>) throws -> (Double?, Double?) {
                guard let rhf, let mp2 else { return (nil, nil) }
                let eri = try ERITensor(orbitals: n, supermatrix: sup)
                let r = try MeanField.rhfEnergy(h: dump.h, eri: eri, coreEnergy: dump.coreEnergy, electrons: dump.electrons)
                let p = try MP2.correlationEnergy(h: dump.h, eri: eri, electrons: dump.electrons)
                return (r - rhf, p - mp2)
            }
            // Pivoted Cholesky.
            let t1 = Date()
            let chol = try PivotedCholesky.decompose(try DenseSupermatrix(m), tolerance: cholesky)
            let tChol = Date().timeIntervalSince(t1)
            let (cr, cm) = rhf == nil ? (nil, nil)
                : try energyErrors(try Matrix.product(chol.vectors, .none, chol.vectors, .transpose))
            // Double factorization: one stage 1, many thresholds.
            let t2 = Date()
            let stage1: DoubleFactorization.Stage1 = dfStage1 == .eigen ? .eigendecomposition : .cholesky(tolerance: cholesky)
            let dfact = try DoubleFactorization(supermatrix: m, orbitals: n, stage1: stage1)
            var dfReports: [DFReport] = []
            for t in try thresholds() {
                let r = try dfact.truncated(threshold: t, h: dump.h)
                let err = r.maxAbsError
                let (er, em) = rhf == nil ? (nil, nil) : try energyErrors(try r.reconstructedSupermatrix())
                dfReports.append(DFReport(threshold: t, l: r.l, retainedEigenvectors: r.retainedEigenvectors,
                                          lambdaDF: r.lambdaDF, lambdaT: r.lambdaT, lambdaF: r.lambdaF,
                                          maxAbsError: err, rhfError: er, mp2Error: em))
            }
            let tDF = Date().timeIntervalSince(t2)
            var sf: SFReport?
            if let rank = sfRank {
                let basis: Stage1Eigenbasis = sfStage1 == .dense ? .dense : .block
                let s = dfStage1 == .eigen && basis == .block ? try dfact.singleFactorization(rank: rank, h: dump.h)
                    : try SingleFactorization.lambda(supermatrix: m, h: dump.h, orbitals: n, rank: rank, stage1: basis)
                sf = SFReport(rank: s.rank, lambdaSF: s.lambdaSF, lambdaT: s.lambdaT, lambdaW: s.lambdaW,
                              stage1: (sfStage1 ?? .block).rawValue)
            }
            let report = Report(file: file, norb: n, nelec: dump.electrons, eCore: dump.coreEnergy,
                                cholesky: CholeskyReport(tolerance: cholesky, vectors: chol.count, maxAbsError: chol.maxAbsError,
                                                         rhfError: cr, mp2Error: cm, seconds: tChol),
                                doubleFactorization: dfReports, singleFactorization: sf, energy: Energy(rhf: rhf, mp2: mp2, skipped: skipped),
                                seconds: Seconds(parse: tParse, cholesky: tChol, df: tDF))
            if let plot { try writePlot(plot, chol: chol, supermatrix: m) }
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
    }
}
