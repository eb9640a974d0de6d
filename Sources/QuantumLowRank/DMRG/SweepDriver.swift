import LowRankKernels

/// One DMRG sweep over any contraction: the sweep order, the record and its accounting live here once; what an update
/// does (H_eff, eigensolver, split, noise, environments) belongs to the engine (ITensor's `dmrg` over an
/// `AbstractProjMPO`; Schollwöck, Ann. Phys. 326, 96 (2011), §6.3).
///
/// A full sweep runs left → right then right → left: two-site updates over bonds (i, i+1), i = 0 … L−2 and back
/// (2(L−1) updates); one-site updates over sites 0 … L−2 then L−1 … 1.
protocol SweepRunner: AnyObject {
    /// Number of sites L.
    var L: Int { get }
    /// Sites an update optimizes (1 or 2).
    var updateWidth: Int { get }
    /// The update at bond (i, i+1) (two-site) or site i (one-site), moving the centre right or left.
    func update(_ i: Int, rightward: Bool, _ p: DMRG.SweepParameters) throws -> LocalUpdate
    /// Largest bond dimension of the current state.
    var maxBondDimension: Int { get }
    /// The current site tensors.
    var tensors: [Tensor<Double>] { get }
    /// The latest Schmidt values per bond 0 … L.
    var spectra: [[Double]] { get }
    /// The state with its bond charges, for engines that keep them (nil: the dense engine).
    var chargedState: ChargedMPS? { get }
    /// Whether the contraction splits its work over its own workers (BLAS then runs single-threaded).
    var ownsThreads: Bool { get }
    /// Frees what only sweeps use (environments, operator storage) once the last sweep is done, before the
    /// result's state is assembled; the site tensors, spectra and charges stay.
    func releaseWorkspace()
}

extension SweepRunner {
    /// By default BLAS gets the thread budget.
    var ownsThreads: Bool { false }
    /// By default nothing is freed early.
    func releaseWorkspace() {}
}

extension SweepRunner {
    /// One full sweep (→ then ←); the returned record has sweep, energyChange and seconds unset.
    func sweep(_ p: DMRG.SweepParameters) throws -> DMRG.SweepRecord {
        var record = DMRG.SweepRecord(starting: p)
        for i in 0..<(L - 1) { record.add(try update(i, rightward: true, p)) }
        for i in stride(from: L - 1 - (updateWidth - 1), through: 2 - updateWidth, by: -1) {
            record.add(try update(i, rightward: false, p))
        }
        record.maxBondDimension = maxBondDimension
        return record
    }
}

/// What one local update did (accumulated into a ``DMRG/SweepRecord``).
struct LocalUpdate {
    var energy: Double
    var truncationError: Double
    var products: Int
    var residual: Double
    var converged: Bool
    /// Floating-point operations of the update's GEMM-shaped work, by the convention of
    /// ``DMRG/SweepRecord/gemmFlops``.
    var gemmFlops: Double = 0
}


extension DMRG.SweepRecord {
    /// An empty record for a sweep with parameters `p` (sweep number, energy change and time set by the driver).
    init(starting p: DMRG.SweepParameters) {
        self.init(sweep: 0, parameters: p, energy: .nan, finalUpdateEnergy: .nan, energyChange: .nan, maxTruncationError: 0,
                  maxBondDimension: 1, seconds: 0, matrixVectorProducts: 0, updates: 0, unconvergedEigensolves: 0,
                  maxEigensolverResidual: 0, gemmFlops: 0)
    }

    /// Accumulates one local update: lowest and last energy, worst truncation and residual, counts and flops.
    mutating func add(_ u: LocalUpdate) {
        energy = energy.isNaN ? u.energy : Swift.min(energy, u.energy)
        finalUpdateEnergy = u.energy
        maxTruncationError = Swift.max(maxTruncationError, u.truncationError)
        matrixVectorProducts += u.products
        updates += 1
        if !u.converged { unconvergedEigensolves += 1 }
        maxEigensolverResidual = Swift.max(maxEigensolverResidual, u.residual)
        gemmFlops += u.gemmFlops
    }
}
