import LowRankKernels

/// Ground-state search by the density-matrix renormalization group in its MPS form (White, PRL 69, 2863
/// (1992); Schollwöck, Ann. Phys. 326, 96 (2011), §6). See ``DMRG/groundState(of:initialState:options:observer:shouldStop:)``.
public enum DMRG {
    /// Which variational update a sweep performs.
    public enum Algorithm: String, Sendable, Equatable, CaseIterable {
        /// Two-site updates: optimize the bond tensor of sites (i, i+1), split it by a truncated SVD
        /// (or, with noise, by the perturbed density matrix). The bond dimension adapts by itself.
        case twoSite = "two-site"
        /// One-site updates with subspace expansion (Hubig, McCulloch, Schollwöck & Wolf, PRB 91, 155115
        /// (2015)): the optimized site tensor is enlarged by α·(L W M) before truncation, α = the sweep's
        /// noise. A factor d cheaper per update than two-site.
        case singleSite = "single-site"
    }

    /// How the charge-conserving engine applies the two-site effective Hamiltonian. Both give the same
    /// result; they differ in speed.
    public enum SymmetricContraction: String, Sendable, Equatable, CaseIterable {
        /// The operators of the two enlarged blocks, Lw_b = L ⊗ W₁ and Rw_b = W₂ ⊗ R, formed once per update and
        /// applied as Σ_b Lw_b X Rw_bᵀ with the channels that join the same sectors stacked into one GEMM
        /// (White 1992's superblock; block2's fused two-site operators). Environments are stored block-sparse.
        /// The default: fastest in every case measured (Heisenberg L = 100: 0.67 s vs 1.09 s at χ = 64, 3.2 s vs
        /// 4.5 s at χ = 256, same eigensolver; H10 at M = 500: about 25 s, where the channel-wise contraction
        /// needs minutes per sweep). Solves the local problem by ``DavidsonEigensolver``.
        case enlargedBlocks = "enlarged-blocks"
        /// Environment, MPO and environment contracted one after the other over charge blocks on dense
        /// storage (O(w d² χ³) in GEMMs plus O(nnz(W₁W₂) χ²) in block AXPYs, χ²·w memory per environment):
        /// kept as an independent implementation to cross-check against.
        case channelWise = "channel-wise"
    }

    /// The parameters of one full sweep (left → right → left).
    public struct SweepParameters: Sendable, Equatable {
        /// Largest bond dimension χ kept in this sweep.
        public var maxBondDimension: Int
        /// Truncation cutoff: the discarded weight Σ_discarded s² relative to Σ s² at each bond may not exceed
        /// it (ITensor's `cutoff`; TeNPy's `trunc_cut` is its square root, block2 applies a cutoff to each
        /// density-matrix eigenvalue).
        public var cutoff: Double
        /// Noise amplitude α: the density-matrix perturbation of White (PRB 72, 180403 (2005)) for two-site
        /// updates, the expansion coefficient for one-site updates. 0 switches it off.
        public var noise: Double
        /// Residual target ‖H_eff x − θ x‖ of the local eigensolver per update (Davidson in the enlarged-block
        /// engine, Lanczos in the others).
        public var eigensolverTolerance: Double

        /// A sweep with the given parameters.
        public init(maxBondDimension: Int, cutoff: Double, noise: Double = 0, eigensolverTolerance: Double = 1e-7) {
            self.maxBondDimension = maxBondDimension
            self.cutoff = cutoff
            self.noise = noise
            self.eigensolverTolerance = eigensolverTolerance
        }
    }

    /// Options with the conventions of the peer codes (TeNPy, quimb, block2): a bond-dimension ramp of one
    /// sweep each at 32, 64, 128 below the target, noise during the ramp, then sweeps at the target χ until
    /// the energy changes by less than ``energyTolerance`` · max(|E|, 1) between two full sweeps.
    public struct Options: Sendable, Equatable {
        /// Target bond dimension χ (default 64).
        public var maxBondDimension: Int
        /// Bond dimensions of the ramp sweeps; entries ≥ ``maxBondDimension`` are skipped (default 32, 64, 128).
        public var bondDimensionRamp: [Int]
        /// Truncation cutoff (relative discarded weight per bond; default 1e-12).
        public var cutoff: Double
        /// Most full sweeps (default 10).
        public var maxSweeps: Int
        /// Convergence: |E_n − E_{n−1}| ≤ energyTolerance · max(|E_n|, 1) between two sweeps at the target χ
        /// without noise (default 1e-10).
        public var energyTolerance: Double
        /// Noise amplitude during the ramp and the first full-χ sweep (default 1e-5 for two-site; one-site
        /// updates use it as the expansion coefficient, halving it every sweep instead of switching it off).
        public var noise: Double
        /// Residual target ‖H_eff x − θ x‖ of the local eigensolver (Davidson or Lanczos, by engine) per
        /// update (default 1e-7; 1e-5 during the ramp).
        public var eigensolverTolerance: Double
        /// Krylov (Lanczos) or search-space (Davidson) vectors per cycle (default 20).
        public var maxKrylovDimension: Int
        /// Two-site (default) or one-site updates.
        public var algorithm: Algorithm
        /// Bond dimension of the random initial state when none is given (default 16).
        public var initialBondDimension: Int
        /// Seed of the random initial state (default 1).
        public var seed: UInt64
        /// Conserve the MPO's quantum numbers (U(1) or U(1)×U(1), e.g. total Sᶻ): tensors become block-sparse
        /// in charge sectors and the run stays in the sector of ``initialConfiguration`` (default false).
        public var conserveQuantumNumbers: Bool
        /// A product initial state given as one local basis index per site (e.g. Néel: 0, 1, 0, 1, …). For
        /// symmetric runs it fixes the sector (default: alternating first and last basis state, Sᶻ = 0 for
        /// even spin chains; all first states when the site charges are pure Z₂ parities, the even sector); for
        /// dense runs it replaces the random start.
        public var initialConfiguration: [Int]?
        /// How the charge-conserving engine contracts the MPO (default ``SymmetricContraction/enlargedBlocks``).
        public var symmetricContraction: SymmetricContraction
        /// An explicit per-sweep schedule; when set it replaces the ramp, noise and tolerance rules (the last
        /// entry repeats until ``maxSweeps``).
        public var schedule: [SweepParameters]?
        /// Threads of the run (default nil: OpenBLAS's count at the start, i.e. `OPENBLAS_NUM_THREADS`). The
        /// enlarged-block contraction splits its H_eff products over this many workers across sector pairs, each with
        /// single-threaded BLAS; the other contractions give the count to BLAS.
        public var threads: Int?

        /// The worker count of a run: ``threads``, or OpenBLAS's current count.
        var resolvedThreads: Int { threads ?? BLASThreads.count }

        /// Options with the defaults listed on each property.
        public init(maxBondDimension: Int = 64, bondDimensionRamp: [Int] = [32, 64, 128], cutoff: Double = 1e-12,
                    maxSweeps: Int = 10, energyTolerance: Double = 1e-10, noise: Double = 1e-5,
                    eigensolverTolerance: Double = 1e-7, maxKrylovDimension: Int = 20,
                    algorithm: Algorithm = .twoSite, initialBondDimension: Int = 16, seed: UInt64 = 1,
                    conserveQuantumNumbers: Bool = false, initialConfiguration: [Int]? = nil,
                    schedule: [SweepParameters]? = nil, symmetricContraction: SymmetricContraction = .enlargedBlocks) {
            self.symmetricContraction = symmetricContraction
            self.conserveQuantumNumbers = conserveQuantumNumbers
            self.initialConfiguration = initialConfiguration
            self.maxBondDimension = maxBondDimension
            self.bondDimensionRamp = bondDimensionRamp
            self.cutoff = cutoff
            self.maxSweeps = maxSweeps
            self.energyTolerance = energyTolerance
            self.noise = noise
            self.eigensolverTolerance = eigensolverTolerance
            self.maxKrylovDimension = maxKrylovDimension
            self.algorithm = algorithm
            self.initialBondDimension = initialBondDimension
            self.seed = seed
            self.schedule = schedule
        }

        /// The ramp entries actually used (those below the target).
        var ramp: [Int] { bondDimensionRamp.filter { $0 >= 1 && $0 < maxBondDimension } }

        /// The parameters of sweep `n` (0-based).
        public func parameters(forSweep n: Int) -> SweepParameters {
            if let schedule, !schedule.isEmpty { return schedule[Swift.min(n, schedule.count - 1)] }
            let ramp = self.ramp
            let chi = n < ramp.count ? ramp[n] : maxBondDimension
            let noisy = n <= ramp.count
            let alpha: Double
            switch algorithm {
            case .twoSite: alpha = noisy ? noise : 0
            case .singleSite: alpha = noise * Double.pow(0.5, Double(n))
            }
            let tol = n < ramp.count ? Swift.max(eigensolverTolerance, 1e-5) : eigensolverTolerance
            return SweepParameters(maxBondDimension: chi, cutoff: cutoff, noise: alpha, eigensolverTolerance: tol)
        }

        /// Whether sweep `n` may be compared with sweep n − 1 for convergence: both at the target χ, noise off
        /// in sweep n (with an explicit schedule: the schedule has been exhausted or repeats).
        func isConvergenceSweep(_ n: Int) -> Bool {
            guard n >= 1 else { return false }
            let p = parameters(forSweep: n), q = parameters(forSweep: n - 1)
            let target = schedule == nil ? maxBondDimension : p.maxBondDimension
            return p.maxBondDimension == target && q.maxBondDimension == target
                && (algorithm == .singleSite || p.noise == 0)
        }

        /// Checks ranges; throws ``DMRGError/invalidOption(argument:reason:)``.
        func validate() throws {
            func bad(_ a: String, _ r: String) -> DMRGError { .invalidOption(argument: a, reason: r) }
            guard maxBondDimension >= 1 else { throw bad("maxBondDimension", "bond dimension \(maxBondDimension) must be ≥ 1") }
            guard cutoff >= 0, cutoff.isFinite else { throw bad("cutoff", "\(cutoff) must be finite and ≥ 0") }
            guard maxSweeps >= 1 else { throw bad("maxSweeps", "\(maxSweeps) must be ≥ 1") }
            guard energyTolerance >= 0, energyTolerance.isFinite else { throw bad("energyTolerance", "must be finite and ≥ 0") }
            guard noise >= 0, noise.isFinite else { throw bad("noise", "\(noise) must be finite and ≥ 0") }
            guard eigensolverTolerance > 0, eigensolverTolerance.isFinite else {
                throw bad("eigensolverTolerance", "must be finite and > 0")
            }
            guard maxKrylovDimension >= 2 else { throw bad("maxKrylovDimension", "must be ≥ 2") }
            guard initialBondDimension >= 1 else { throw bad("initialBondDimension", "must be ≥ 1") }
            if let t = threads { guard t >= 1, t <= 4096 else { throw bad("threads", "\(t) must be in 1…4096") } }
            for p in schedule ?? [] {
                guard p.maxBondDimension >= 1 else { throw bad("schedule.maxBondDimension", "must be ≥ 1") }
                guard p.cutoff >= 0, p.cutoff.isFinite, p.noise >= 0, p.noise.isFinite,
                      p.eigensolverTolerance > 0, p.eigensolverTolerance.isFinite else {
                    throw bad("schedule", "cutoff, noise and tolerance must be finite and ≥ 0")
                }
            }
        }
    }

    /// What one full sweep did, passed to the observer after every sweep.
    public struct SweepRecord: Sendable, Equatable {
        /// 1-based sweep number.
        public var sweep: Int
        /// The parameters used.
        public var parameters: SweepParameters
        /// The sweep's energy: the lowest Ritz value of its local updates. Each is the variational
        /// energy of the untruncated local (two-site) state, so this is an upper bound to the ground-state
        /// energy; it is the sweep energy Block and block2 report.
        public var energy: Double
        /// The Ritz value of the sweep's last update: ⟨ψ|H|ψ⟩ of the truncated MPS the sweep ends with (≥
        /// ``energy``; the two differ by O(discarded weight)).
        public var finalUpdateEnergy: Double
        /// E − E_previous (NaN for the first sweep).
        public var energyChange: Double
        /// Largest relative discarded weight of any truncation in the sweep.
        public var maxTruncationError: Double
        /// Largest bond dimension after the sweep.
        public var maxBondDimension: Int
        /// Wall-clock seconds of the sweep.
        public var seconds: Double
        /// Effective-Hamiltonian products in the sweep.
        public var matrixVectorProducts: Int
        /// Number of local updates in the sweep.
        public var updates: Int
        /// Updates whose eigensolver stopped before reaching its tolerance (reported, never silent).
        public var unconvergedEigensolves: Int
        /// Largest final eigensolver residual of the sweep.
        public var maxEigensolverResidual: Double
        /// Floating-point operations of the sweep's GEMM-shaped work, 2 m n k per m × k by k × n product,
        /// counted from the actual block dimensions by every engine alike: effective-Hamiltonian products
        /// (and, for Davidson, its diagonal), the starting two-site tensor, density matrices, White's noise
        /// term, projections and environment updates, for two-site and one-site sweeps. Eigendecompositions,
        /// SVDs and copies are not counted. Divided by ``seconds`` it gives the sustained rate to compare with
        /// one-thread DGEMM.
        public var gemmFlops: Double
    }

    /// The ground-state search's outcome.
    public struct Result: Sendable {
        /// Final energy: the last sweep's ``SweepRecord/energy`` (its lowest two-site Ritz value, the convention
        /// of Block and block2).
        public var energy: Double
        /// ⟨ψ|H|ψ⟩ of the returned (truncated) ``state``: the last update's Ritz value.
        public var stateEnergy: Double { sweeps.last?.finalUpdateEnergy ?? energy }
        /// The variational state, normalized, in mixed-canonical form with centre 0.
        public var state: MPS<Double>
        /// One record per sweep.
        public var sweeps: [SweepRecord]
        /// Whether the energy criterion was met before ``Options/maxSweeps``.
        public var converged: Bool
        /// Von Neumann entropies S = −Σ p ln p of the Schmidt spectra at bonds 1 … L−1 from the last sweep.
        public var entanglementEntropies: [Double]
        /// Largest truncation error of the last sweep.
        public var maxTruncationError: Double { sweeps.last?.maxTruncationError ?? 0 }
        /// Wall-clock seconds of the whole run.
        public var seconds: Double
        /// Whether the `shouldStop` callback of ``DMRG/groundState(of:initialState:options:observer:shouldStop:)``
        /// ended the run (before convergence or ``Options/maxSweeps``).
        public var stoppedEarly: Bool = false
        /// The returned state with its bond charges, in the gauge a sweep ends in (centre on site 0): the start of a
        /// resumed run (``DMRG/groundState(of:from:options:observer:shouldStop:)``) and what `--save-state` writes.
        /// Charge-conserving runs keep their sectors; dense runs give the trivial symmetry (every charge zero).
        public var chargedState: ChargedMPS? = nil
    }
}

/// Errors of the DMRG driver.
public enum DMRGError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option out of range.
    case invalidOption(argument: String, reason: String)
    /// The initial state does not fit the Hamiltonian.
    case stateMismatch(mpo: [Int], state: [Int])
    /// A local eigenproblem or factorization produced NaN/Inf.
    case numericalFailure(site: Int, reason: String)

    /// A one-line human-readable message.
    public var description: String {
        switch self {
        case let .invalidOption(arg, reason): return "invalid DMRG option '\(arg)': \(reason)"
        case let .stateMismatch(mpo, state):
            return "initial state physical dimensions \(state) do not match the Hamiltonian's \(mpo)"
        case let .numericalFailure(site, reason): return "numerical failure at site \(site): \(reason)"
        }
    }
}
