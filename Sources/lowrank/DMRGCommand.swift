import ArgumentParser
import Foundation
import LowRankIO
import LowRankKernels
import QuantumLowRank

/// `lowrank dmrg --model …`: DMRG ground states of the built-in spin chains.
struct DMRGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmrg",
        abstract: "Ground state of a 1-D spin chain by two-site (or one-site) DMRG on matrix product states.",
        discussion: """
            Models (open boundaries): heisenberg / xxz  H = J Σ (SˣSˣ + SʸSʸ + Δ SᶻSᶻ) − h Σ Sᶻ with S = σ/2; \
            spin1-heisenberg the same with spin-1 operators; tfim  H = −J Σ ZZ − g Σ X with Pauli matrices, \
            --field = g. Defaults J = 1, Δ = 1, h = 0, g = 1. The bond dimension ramps 32 → 64 → 128 → χ \
            (one sweep each, with noise), then full sweeps at χ run until the energy changes by less than \
            --energy-tolerance·max(|E|,1) or --sweeps sweeps. --cutoff bounds the discarded weight Σ s² \
            relative to the norm at each bond (ITensor's convention; TeNPy's trunc_cut is its square root).
            """)

    enum AlgorithmName: String, ExpressibleByArgument, CaseIterable { case twoSite = "two-site", singleSite = "single-site" }
    enum Conserve: String, ExpressibleByArgument, CaseIterable { case none, sz, parity }
    enum Ordering: String, ExpressibleByArgument, CaseIterable { case given, fiedler }

    @Option(help: "Model: \(SpinModel.allCases.map(\.rawValue).joined(separator: ", ")).") var model: String?
    @Option(help: "FCIDUMP file: ab initio DMRG with N and 2Sᶻ conserved, from the RHF determinant.") var fcidump: String?
    @Option(help: "Orbital order for --fcidump: given (file order) or fiedler (default).") var ordering: Ordering?
    @Option(name: .customLong("df-threshold"), parsing: .unconditional, help: ArgumentHelp(
        "With --fcidump: also solve the double-factorized Hamiltonian truncated at this threshold and report its energy error against the exact MPO.",
        valueName: "t")) var dfThreshold: Double?
    @Option(parsing: .unconditional, help: "Number of sites L (≥ 2).") var sites: Int?
    @Option(parsing: .unconditional, help: "Coupling J (spin models; default 1).") var coupling: Double?
    @Option(parsing: .unconditional, help: "Anisotropy Δ (Heisenberg family; default 1).") var anisotropy: Double?
    @Option(parsing: .unconditional, help: "Field: h (Heisenberg family, default 0) or g (tfim, default 1).") var field: Double?
    @Option(name: .customLong("max-bond-dimension"), parsing: .unconditional, help: "Largest bond dimension χ.") var maxBondDimension: Int = 64
    @Option(parsing: .unconditional, help: "Most full sweeps (each left→right→left).") var sweeps: Int = 10
    @Option(parsing: .unconditional, help: "Truncation cutoff on the relative discarded weight per bond, in [0, 1).") var cutoff: Double = 1e-12
    @Option(name: .customLong("energy-tolerance"), parsing: .unconditional,
            help: "Stop when |ΔE| ≤ this · max(|E|, 1) between full-χ sweeps.")
    var energyTolerance: Double = 1e-10
    @Option(parsing: .unconditional, help: "Noise amplitude during the ramp (two-site) or expansion coefficient (single-site).") var noise: Double?
    @Option(help: "Update scheme: two-site or single-site (with subspace expansion).") var algorithm: AlgorithmName = .twoSite
    @Flag(name: .customLong("no-ramp"), help: "Start at χ directly instead of ramping 32 → 64 → 128.") var noRamp = false
    @Option(parsing: .unconditional, help: "Seed of the random initial state.") var seed: UInt64 = 1
    @Option(help: "Conserved quantity: none (dense tensors), sz (U(1) total Sᶻ, block-sparse; starts from the Néel state, Sᶻ = 0 for even L) or parity (Z₂, tfim only: solved as −J Σ XX − g Σ Z from all ↑).")
    var conserve: Conserve = .none
    @Option(help: "Contraction of the symmetric engine (with --conserve or --fcidump): enlarged-blocks (fast, default) or channel-wise (reference implementation).")
    var contraction: DMRG.SymmetricContraction?
    @Option(help: "Write an SVG: energy change per sweep and the entanglement profile.") var plot: String?
    @Option(name: .customLong("save-state"), help: ArgumentHelp(
        "Write the final state with its bond charges to exactly this file (LowRank state format, see the DocC article).",
        valueName: "file")) var saveState: String?
    @Option(name: .customLong("initial-state"), help: ArgumentHelp(
        "Start from a state written by --save-state (same model, sites and --conserve): resume at its bond dimension, without the ramp below it.",
        valueName: "file")) var initialState: String?
    @Option(parsing: .unconditional, help: "Threads (default: OPENBLAS_NUM_THREADS). The enlarged-block contraction splits its products over sector pairs, each with one BLAS thread; the dense engine gives them to BLAS.") var threads: Int?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    /// Couplings beyond this magnitude overflow H·x in double precision over a long chain.
    static let largestCoupling = 1e100

    struct SweepReport: Encodable {
        let sweep: Int, energy: Double, energyChange: Double?, maxTruncationError: Double, maxBondDimension: Int
        let seconds: Double, matrixVectorProducts: Int, updates: Int, unconvergedEigensolves: Int
        let noise: Double
        let gemmGflops: Double

        /// The JSON record of one library sweep record.
        init(_ r: DMRG.SweepRecord) {
            sweep = r.sweep; energy = r.energy; energyChange = r.energyChange.isNaN ? nil : r.energyChange
            maxTruncationError = r.maxTruncationError; maxBondDimension = r.maxBondDimension; seconds = r.seconds
            matrixVectorProducts = r.matrixVectorProducts; updates = r.updates
            unconvergedEigensolves = r.unconvergedEigensolves; noise = r.parameters.noise; gemmGflops = r.gemmFlops / 1e9
        }
    }
    struct Parameters: Encodable { let coupling: Double, anisotropy: Double?, field: Double }
    struct Report: Encodable {
        let model: String, sites: Int, parameters: Parameters, algorithm: String, conserve: String
        let energy: Double, energyPerSite: Double, stateEnergy: Double, converged: Bool
        let maxBondDimension: Int, maxTruncationError: Double, cutoff: Double, mpoBondDimension: Int
        let sweeps: [SweepReport]
        let entanglementEntropy: [Double]
        /// With --conserve: the Schmidt values of the central bond by sector of the left part's charge.
        var entanglementSpectrum: [SectorReport]? = nil
        let seconds: Double
    }
    /// One sector of the entanglement spectrum: its charge as [first, second, parity] and its Schmidt values.
    struct SectorReport: Encodable {
        let charge: [Int], schmidtValues: [Double]
        init(_ s: EntanglementSector) {
            charge = [s.charge.first, s.charge.second, s.charge.parity]
            schmidtValues = s.schmidtValues
        }
    }

    func validate() throws {
        if fcidump != nil {
            guard model == nil, sites == nil else { throw ValidationError("--fcidump excludes --model and --sites") }
            guard conserve == .none else {
                throw ValidationError("--fcidump always conserves N and 2Sᶻ; --conserve applies to the spin models")
            }
            guard algorithm == .twoSite else {
                throw ValidationError("--algorithm single-site: --fcidump runs two-site updates (quantum-number conservation needs them)")
            }
            for (name, given) in [("--coupling", coupling != nil), ("--anisotropy", anisotropy != nil), ("--field", field != nil)]
            where given { throw ValidationError("\(name) applies to the spin models (--model); --fcidump takes its Hamiltonian from the file") }
            try validateCommon()
            return
        }
        guard let model else { throw ValidationError("--model is required (one of \(SpinModel.allCases.map(\.rawValue).joined(separator: ", ")))") }
        guard SpinModel(rawValue: model) != nil else {
            throw ValidationError("unknown --model '\(model)' (one of \(SpinModel.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let sites else { throw ValidationError("--sites is required") }
        guard sites >= 2 else { throw ValidationError("--sites \(sites): need at least 2 sites") }
        if ordering != nil { throw ValidationError("--ordering applies to --fcidump (orbital order); the spin chains keep their site order") }
        if model == SpinModel.tfim.rawValue, anisotropy != nil {
            throw ValidationError("--anisotropy applies to the Heisenberg family; tfim has no Δ")
        }
        if conserve == .none, contraction != nil {
            throw ValidationError("--contraction chooses the symmetric engine; it needs --conserve sz or parity")
        }
        try validateCommon()
    }

    func validateCommon() throws {
        guard maxBondDimension >= 1 else { throw ValidationError("--max-bond-dimension \(maxBondDimension): must be ≥ 1") }
        guard sweeps >= 1 else { throw ValidationError("--sweeps \(sweeps): must be ≥ 1") }
        if let t = threads, !(1...4096).contains(t) { throw ValidationError("--threads \(t): must be in 1…4096") }
        guard cutoff >= 0, cutoff < 1 else {
            throw ValidationError("--cutoff \(cutoff): must be in [0, 1) (the discarded fraction of the norm at each bond)")
        }
        guard energyTolerance >= 0, energyTolerance.isFinite else { throw ValidationError("--energy-tolerance must be finite and ≥ 0") }
        for (name, v) in [("--coupling", coupling ?? 1), ("--anisotropy", anisotropy ?? 1), ("--field", field ?? 0)]
        where !(Swift.abs(v) <= Self.largestCoupling) {
            throw ValidationError("\(name) \(v): |value| must be ≤ 1e100 (larger couplings overflow H·x; rescale the Hamiltonian)")
        }
        if let noise, !noise.isFinite { throw ValidationError("--noise must be finite") }
        if let noise, noise < 0 { throw ValidationError("--noise must be ≥ 0") }
        if let t = dfThreshold {
            guard t.isFinite, t >= 0 else { throw ValidationError("--df-threshold must be finite and ≥ 0") }
            guard fcidump != nil else { throw ValidationError("--df-threshold needs --fcidump") }
            guard saveState == nil, initialState == nil else {
                throw ValidationError("--save-state and --initial-state do not combine with --df-threshold (two Hamiltonians are solved)")
            }
        }
    }

    func run() throws {
        if let fcidump { return try runChemistry(fcidump) }
        try Output.reportingErrors {
            common.apply()
            try OutputTarget.checkFile(plot, option: "--plot")
            try OutputTarget.checkFile(saveState, option: "--save-state")
            let start = DispatchTime.now()
            guard let name = model, let kind = SpinModel(rawValue: name), let L = sites else { throw ExitCode(64) }
            let startState = try loadInitialState()
            try MemoryBudget.require(DMRG.memoryEstimate(sites: L, maxBondDimension: maxBondDimension,
                                                         localDimension: kind == .spin1Heisenberg ? 3 : 2,
                                                         mpoBondDimension: kind == .tfim ? 3 : 5),
                                     for: "DMRG on L = \(L) sites at χ = \(maxBondDimension)",
                                     hint: "lower --sites or --max-bond-dimension")
            let coupling = self.coupling ?? 1, anisotropy = self.anisotropy ?? 1
            let params = SpinModel.Parameters(coupling: coupling, anisotropy: anisotropy, field: field)
            // --conserve parity: the Ising chain in the basis where its Z₂ symmetry is diagonal, from all ↑ (even).
            let mpo = conserve == .parity ? try MPO(kind.parityBasisOpSum(sites: L, parameters: params))
                                          : try kind.mpo(sites: L, parameters: params)
            var options = DMRG.Options(maxBondDimension: maxBondDimension, cutoff: cutoff, maxSweeps: sweeps,
                                       energyTolerance: energyTolerance,
                                       algorithm: algorithm == .twoSite ? .twoSite : .singleSite, seed: seed)
            if noRamp { options.bondDimensionRamp = [] }
            options.conserveQuantumNumbers = conserve != .none
            if conserve == .parity {
                options.initialConfiguration = SpinModel.tfim.parityGroundSectorConfiguration(sites: L, parameters: params)
            }
            options.symmetricContraction = contraction ?? .enlargedBlocks
            options.threads = threads
            if let noise { options.noise = noise } else if algorithm == .singleSite { options.noise = 1e-3 }
            let progress = ProgressLine(enabled: !json)
            let result = try groundState(mpo, from: startState, options: options) { rec in
                progress.update(Self.progressText(rec, bond: "χ", digits: 12))
            }
            progress.finish()
            try saveFinalState(result)
            let sweepsOut = result.sweeps.map(SweepReport.init)
            var report = Report(model: name, sites: L,
                                parameters: Parameters(coupling: coupling, anisotropy: kind == .tfim ? nil : anisotropy,
                                                       field: field ?? kind.defaultField),
                                algorithm: algorithm.rawValue, conserve: conserve.rawValue, energy: result.energy,
                                energyPerSite: result.energy / Double(L), stateEnergy: result.stateEnergy, converged: result.converged,
                                maxBondDimension: result.state.maxBondDimension,
                                maxTruncationError: result.maxTruncationError, cutoff: cutoff,
                                mpoBondDimension: mpo.maxBondDimension, sweeps: sweepsOut,
                                entanglementEntropy: result.entanglementEntropies, seconds: secondsSince(start))
            // The central bond of entanglementEntropy (bond (L − 1)/2 + 1): the pass stops there.
            if conserve != .none, let charged = result.chargedState,
               let spectra = try? charged.entanglementSpectra(throughBond: (L - 1) / 2 + 1), let central = spectra.last {
                report.entanglementSpectrum = central.map(SectorReport.init)
            }
            if let plot { try writePlot(plot, sweeps: report.sweeps, entanglementEntropy: report.entanglementEntropy) }
            if json { try Output.printJSON(report) } else { printHuman(report) }
        }
    }

    /// The state of `--initial-state`, read and checked.
    func loadInitialState() throws -> ChargedMPS? {
        try initialState.map { path in try ChargedMPS(serialized: try InputFile.read(path), path: path) }
    }

    /// DMRG from `start` when given (resuming), else from the options' start.
    func groundState(_ mpo: MPO, from start: ChargedMPS?, options: DMRG.Options,
                     observer: @escaping (DMRG.SweepRecord) -> Void) throws -> DMRG.Result {
        if let start { return try DMRG.groundState(of: mpo, from: start, options: options, observer: observer) }
        return try DMRG.groundState(of: mpo, options: options, observer: observer)
    }

    /// Writes the final charged state to `--save-state`, when given.
    func saveFinalState(_ result: DMRG.Result) throws {
        if let saveState, let charged = result.chargedState { try AtomicFile.write(charged.serialized(), to: saveState) }
    }

    /// The live progress line for one sweep.
    static func progressText(_ rec: DMRG.SweepRecord, bond: String, digits: Int) -> String {
        String(format: "sweep %d  E = %.\(digits)f  ΔE = %.2e  \(bond) = %d  trunc = %.1e  %.1f s",
               rec.sweep, rec.energy, rec.energyChange.isNaN ? 0 : rec.energyChange,
               rec.maxBondDimension, rec.maxTruncationError, rec.seconds)
    }

    /// The SVG of `--plot`: |ΔE| (from sweep 2) and the largest truncation error per sweep, each point at its own
    /// sweep number on a log axis, and the entanglement entropy per bond on a linear axis.
    func writePlot(_ path: String, sweeps: [SweepReport], entanglementEntropy: [Double]) throws {
        let changes = sweeps.compactMap { s in s.energyChange.map { (Double(s.sweep), Swift.abs($0)) } }
        let panels = [
            SVGPlot.Panel(title: "Energy convergence", xLabel: "sweep", yLabel: "|ΔE| / truncation", logX: false, series: [
                .init(label: "|E_n − E_{n−1}|", x: changes.map(\.0), y: changes.map(\.1), color: "#1f77b4"),
                .init(label: "max truncation error", x: sweeps.map { Double($0.sweep) },
                      y: sweeps.map(\.maxTruncationError), color: "#d62728"),
            ]),
            SVGPlot.Panel(title: "Entanglement entropy per bond", xLabel: "bond", yLabel: "S", logX: false, series: [
                .init(label: "S(k)", x: entanglementEntropy.indices.map { Double($0 + 1) }, y: entanglementEntropy,
                      color: "#2ca02c"),
            ], logY: false),
        ]
        try SVGPlot(panels: panels).write(to: path)
    }

    func printHuman(_ r: Report) {
        print("\(r.model), L = \(r.sites), \(r.algorithm) DMRG, χ ≤ \(maxBondDimension), cutoff \(fmt(r.cutoff, 2)), MPO bond dimension \(r.mpoBondDimension)")
        for s in r.sweeps {
            print(String(format: "  sweep %2d  E = %.12f  ΔE = %9.2e  χ = %4d  trunc = %8.2e  matvecs %6d  %.2f s  %.1f GF/s",
                         s.sweep, s.energy, s.energyChange ?? .nan, s.maxBondDimension, s.maxTruncationError,
                         s.matrixVectorProducts, s.seconds, s.seconds > 0 ? s.gemmGflops / s.seconds : 0)
                  + (s.unconvergedEigensolves > 0 ? "  (\(s.unconvergedEigensolves) eigensolves unconverged)" : ""))
        }
        print(String(format: "  energy %.12f  (%.12f per site)%@", r.energy, r.energyPerSite,
                     r.converged ? "" : "  — not converged within --sweeps"))
        let mid = r.entanglementEntropy.isEmpty ? 0 : r.entanglementEntropy[r.entanglementEntropy.count / 2]
        print(String(format: "  max bond dimension %d, max truncation error %.2e, central entanglement entropy %.6f, %.2f s",
                     r.maxBondDimension, r.maxTruncationError, mid, r.seconds))
        if let sectors = r.entanglementSpectrum, !sectors.isEmpty {
            let weights = sectors.map { s in
                let q = QuantumNumber(s.charge[0], s.charge[1]) + QuantumNumber(parity: s.charge[2])
                return String(format: "%@: %.4f", q.description, s.schmidtValues.reduce(0) { $0 + $1 * $1 })
            }
            print("  central bond weight by sector (charge of the left half): " + weights.joined(separator: ", "))
        }
    }
}

extension DMRG.SymmetricContraction: ExpressibleByArgument {}
