import LowRankKernels

extension DMRG {
    /// The ground state of a Hermitian MPO by DMRG sweeps.
    ///
    /// Each full sweep runs updates left → right then right → left over bonds (i, i+1), i = 0 … L−2
    /// (2(L−1) updates; one-site: sites 0 … L−2 then L−1 … 1). An update solves H_eff x = E x for the
    /// local tensor by Lanczos on the matrix-free ``EffectiveHamiltonian`` (started from the current
    /// tensor), splits it with the sweep's truncation (χ, cutoff) and extends the cached environment
    /// block, so a sweep costs O(L χ³ d² w) with one environment update per step. The sweep order and its record
    /// are the driver's (``SweepRunner``); the contraction is the engine's.
    ///
    /// - Parameters:
    ///   - hamiltonian: a Hermitian MPO (checked: ``OperatorError/notHermitian(relativeDeviation:)``).
    ///   - initialState: the start; by default a random MPS of bond dimension ``Options/initialBondDimension``.
    ///   - options: schedule and stopping rules (``Options``).
    ///   - observer: called after every sweep with its ``SweepRecord`` (a trailing closure binds here).
    ///   - shouldStop: called after every sweep (after `observer`) with its ``SweepRecord``; returning `true` ends
    ///     the run there, like ITensor's `checkdone!` (``Result/stoppedEarly`` is then `true`).
    /// - Throws: ``OperatorError/tooFewSites(sites:minimum:)`` for L < 2, ``DMRGError`` for bad options or a
    ///   mismatched initial state, ``DMRGError/numericalFailure(site:reason:)`` for NaN/Inf. An eigensolver
    ///   that stops before its tolerance is *counted* in ``SweepRecord/unconvergedEigensolves``.
    public static func groundState(of hamiltonian: MPO, initialState: MPS<Double>? = nil,
                                   options: Options = Options(),
                                   observer: ((SweepRecord) -> Void)? = nil,
                                   shouldStop: ((SweepRecord) -> Bool)? = nil) throws -> Result {
        try groundState(of: hamiltonian, initialState: initialState, options: options, observer: observer,
                        shouldStop: shouldStop, resumed: false)
    }

    /// ``groundState(of:initialState:options:observer:shouldStop:)``; `resumed` as in ``run(_:options:observer:shouldStop:resumed:)``.
    private static func groundState(of hamiltonian: MPO, initialState: MPS<Double>?, options: Options,
                                    observer: ((SweepRecord) -> Void)?, shouldStop: ((SweepRecord) -> Bool)?,
                                    resumed: Bool) throws -> Result {
        try checkHamiltonian(hamiltonian, options)
        let L = hamiltonian.sites
        let dims = hamiltonian.physicalDimensions
        if let config = options.initialConfiguration {
            guard config.count == L, zip(config, dims).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
                throw DMRGError.invalidOption(argument: "initialConfiguration",
                                              reason: "needs one local basis index per site (\(L)), each below its dimension")
            }
        }
        let engine: SweepRunner
        if options.conserveQuantumNumbers {
            let q = try siteCharges(of: hamiltonian, options)
            guard initialState == nil else {
                throw DMRGError.invalidOption(argument: "initialState",
                                              reason: "symmetric runs start from `initialConfiguration` (a product state fixing the sector) or from a charged state (`groundState(of:from:)`)")
            }
            // Default start: Néel-like when the group has a U(1) factor; all first states for the Z₂ parity alone
            // (the alternating pattern would be odd for L ≡ 2, 3 mod 4). The group is the site type's, not guessed.
            let parityOnly = hamiltonian.chargeGroup == .z2
            let config = options.initialConfiguration
                ?? (0..<L).map { parityOnly || $0 % 2 == 0 ? 0 : dims[$0] - 1 }
            let charges = try hamiltonian.channelCharges(q)
            if options.symmetricContraction == .enlargedBlocks {
                engine = EnlargedBlockSweepEngine(mpo: hamiltonian.tensors, siteQuantumNumbers: q, configuration: config,
                                                  maxKrylovDimension: options.maxKrylovDimension,
                                                  threads: options.resolvedThreads)
            } else {
                engine = BlockSweepEngine(mpo: hamiltonian.tensors, siteQuantumNumbers: q, channelCharges: charges,
                                          configuration: config, maxKrylovDimension: options.maxKrylovDimension)
            }
        } else {
            var psi: MPS<Double>
            if let s = initialState {
                guard s.physicalDimensions == dims else { throw DMRGError.stateMismatch(mpo: dims, state: s.physicalDimensions) }
                psi = s
            } else if let config = options.initialConfiguration {
                psi = try MPS.product(zip(config, dims).map { c, d in (0..<d).map { $0 == c ? 1.0 : 0.0 } })
            } else {
                guard Set(dims).count == 1 else {
                    throw DMRGError.invalidOption(argument: "initialState",
                                                  reason: "sites of different dimension need an explicit initial state")
                }
                psi = try MPS.random(sites: L, physicalDimension: dims[0],
                                     bondDimension: Swift.min(options.initialBondDimension,
                                                              options.parameters(forSweep: 0).maxBondDimension),
                                     seed: options.seed)
            }
            try psi.orthogonalize(center: 0)
            try psi.normalize()
            engine = SweepEngine(mpo: hamiltonian.tensors, sites: psi.tensors,
                                 maxKrylovDimension: options.maxKrylovDimension, algorithm: options.algorithm,
                                 threads: options.resolvedThreads)
        }

        return try run(engine, options: options, observer: observer, shouldStop: shouldStop, resumed: resumed)
    }

    /// The ground state from a charged state (``ChargedMPS``), which fixes the sector: DMRG resumes where the state
    /// was saved. With ``Options/conserveQuantumNumbers`` the run keeps the state's bond charges (enlarged-block
    /// contraction only) and returns them in ``Result/chargedState``; without it the state's tensors are the dense
    /// start. Ramp entries at or below the state's largest bond dimension are skipped, so a χ = 64 state continued at
    /// χ = 256 goes on at 128 or 256 rather than restarting at 32.
    ///
    /// - Throws: as ``groundState(of:initialState:options:observer:shouldStop:)``, and
    ///   ``DMRGError/invalidOption(argument:reason:)`` when the state's site charges differ from the MPO's, its sites
    ///   1 … L−1 are not right-orthonormal (defect above 10⁻⁸) or the channel-wise contraction is chosen.
    public static func groundState(of hamiltonian: MPO, from state: ChargedMPS, options: Options = Options(),
                                   observer: ((SweepRecord) -> Void)? = nil,
                                   shouldStop: ((SweepRecord) -> Bool)? = nil) throws -> Result {
        var continued = options
        continued.bondDimensionRamp = options.bondDimensionRamp.filter { $0 > state.state.maxBondDimension }
        guard continued.conserveQuantumNumbers else {
            return try groundState(of: hamiltonian, initialState: state.state, options: continued, observer: observer,
                                   shouldStop: shouldStop, resumed: true)
        }
        try checkHamiltonian(hamiltonian, continued)
        func bad(_ argument: String, _ reason: String) -> DMRGError { .invalidOption(argument: argument, reason: reason) }
        guard state.state.physicalDimensions == hamiltonian.physicalDimensions else {
            throw DMRGError.stateMismatch(mpo: hamiltonian.physicalDimensions, state: state.state.physicalDimensions)
        }
        let q = try siteCharges(of: hamiltonian, continued)
        guard continued.symmetricContraction == .enlargedBlocks else {
            throw bad("initialState", "a charged start needs the enlarged-block contraction")
        }
        guard q == state.siteCharges else { throw bad("initialState", "its site charges differ from the Hamiltonian's") }
        let defect = state.rightOrthonormalityDefect
        guard defect <= 1e-8 else {
            throw bad("initialState", "sites 1…L−1 must be right-orthonormal, as DMRG saves them (defect \(defect))")
        }
        let engine = EnlargedBlockSweepEngine(mpo: hamiltonian.tensors, state: state,
                                              maxKrylovDimension: continued.maxKrylovDimension,
                                              threads: continued.resolvedThreads)
        return try run(engine, options: continued, observer: observer, shouldStop: shouldStop, resumed: true)
    }

    /// The checks every run starts with: options in range, at least two sites, a Hermitian MPO.
    private static func checkHamiltonian(_ hamiltonian: MPO, _ options: Options) throws {
        try options.validate()
        guard hamiltonian.sites >= 2 else { throw OperatorError.tooFewSites(sites: hamiltonian.sites, minimum: 2) }
        try hamiltonian.requireHermitian()
    }

    /// The site charges a charge-conserving run needs, with its two-site requirement.
    private static func siteCharges(of hamiltonian: MPO, _ options: Options) throws -> [[QuantumNumber]] {
        guard options.algorithm == .twoSite else {
            throw DMRGError.invalidOption(argument: "algorithm", reason: "quantum-number conservation needs two-site updates")
        }
        guard let q = hamiltonian.siteQuantumNumbers else {
            throw DMRGError.invalidOption(argument: "conserveQuantumNumbers",
                                          reason: "the MPO carries no site quantum numbers (build it from an OpSum)")
        }
        return q
    }

    /// The sweep loop every engine runs under: schedule, adaptive local tolerance, observer, early stop and the
    /// convergence rule (``Options/energyTolerance``), then the returned state. A `resumed` run starts from a
    /// converged state, so its first sweep solves at the full ``Options/eigensolverTolerance`` instead of the loose
    /// first-sweep one.
    private static func run(_ engine: SweepRunner, options: Options, observer: ((SweepRecord) -> Void)?,
                            shouldStop: ((SweepRecord) -> Bool)?, resumed: Bool = false) throws -> Result {
        // The thread budget: BLAS gets it, except under a contraction that splits its own products over workers
        // (then BLAS runs single-threaded everywhere, so idle BLAS threads do not compete with the workers).
        let previousBLASThreads = BLASThreads.count
        BLASThreads.set(engine.ownsThreads ? 1 : options.resolvedThreads)
        defer { BLASThreads.set(previousBLASThreads) }
        let clock = ContinuousClock()
        let start = clock.now
        var records: [SweepRecord] = []
        var converged = false, stoppedEarly = false
        var previous = Double.nan
        for n in 0..<options.maxSweeps {
            var p = options.parameters(forSweep: n)
            if options.schedule == nil {
                // Adaptive local accuracy: no point solving H_eff far below the current sweep-to-sweep energy
                // change; the residual r enters the energy as O(r²).
                let change = records.last.map { Swift.abs($0.energyChange) } ?? (resumed ? 0 : .nan)
                let loose = change.isFinite ? 0.02 * change.squareRoot() : 1e-4
                p.eigensolverTolerance = Swift.max(p.eigensolverTolerance, Swift.min(1e-4, loose))
            }
            let t0 = clock.now
            var stats = try engine.sweep(p)
            stats.sweep = n + 1
            stats.energyChange = stats.energy - previous
            stats.seconds = (clock.now - t0).seconds
            records.append(stats)
            observer?(stats)
            if shouldStop?(stats) == true {
                stoppedEarly = true
                break
            }
            // A small change only counts when the local solves were tight enough not to have hidden a
            // larger one: r² ≤ 0.01 × the energy tolerance (a solve's energy error is O(r²/gap)).
            let target = options.energyTolerance * Swift.max(Swift.abs(stats.energy), 1)
            let tightEnough = p.eigensolverTolerance * p.eigensolverTolerance <= 0.01 * target
                || options.schedule != nil
            if options.isConvergenceSweep(n), tightEnough, Swift.abs(stats.energy - previous) <= target {
                converged = true
                break
            }
            previous = stats.energy
        }
        engine.releaseWorkspace()
        let charged = engine.chargedState
        var state = try charged?.state ?? MPS(tensors: engine.tensors)
        try state.orthogonalize(center: 0)
        try state.normalize()
        let entropies = engine.spectra.dropFirst().dropLast().map { s -> Double in
            var e = 0.0
            for x in s where x > 0 { let p = x * x; e -= p * Double.log(p) }
            return Swift.max(e, 0)
        }
        return Result(energy: records.last?.energy ?? .nan, state: state, sweeps: records, converged: converged,
                      entanglementEntropies: Array(entropies), seconds: (clock.now - start).seconds,
                      stoppedEarly: stoppedEarly, chargedState: charged ?? ChargedMPS(trivial: state))
    }
}

extension BlockSweepEngine: SweepRunner {
    /// The state with its bond charges (centre on site 0 after a sweep).
    var chargedState: ChargedMPS? {
        guard let state = try? MPS<Double>(tensors: tensors) else { return nil }
        return ChargedMPS(unchecked: state, siteCharges: siteQ, bondCharges: bases.map(\.charges))
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}
