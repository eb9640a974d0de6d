import LowRankKernels

/// The projected Hamiltonian of one DMRG update, H_eff = Pᵀ H P, where P embeds the one- or two-site tensor of the
/// centre into the full Hilbert space through the current left- and right-orthonormal sites (Schollwöck, Ann. Phys.
/// 326, 96 (2011), §6.3; ITensor's `ProjMPO`). Every contraction (dense two-site, one-site, channel-wise, enlarged
/// blocks) implements it; the driver's eigensolve (``DMRG/lowestEigenpair(of:start:_:maxKrylovDimension:site:tally:)``)
/// sees nothing else.
protocol ProjectedHamiltonian: AnyObject {
    /// The length n of the vectors H_eff acts on (the layout is the contraction's own).
    var dimension: Int { get }
    /// y ← H_eff x on buffers of length ``dimension``.
    func apply(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>)
    /// diag(H_eff), the preconditioner of Davidson's method, with its GEMMs counted in `tally`; nil when the
    /// contraction does not form it (the driver then uses Lanczos).
    func diagonal(counting tally: FlopTally) -> [Double]?
    /// GEMM flops of one product (``DMRG/SweepRecord/gemmFlops`` convention; the same for every x).
    var flopsPerProduct: Double { get }
}

extension DMRG {
    /// The lowest eigenpair of a projected Hamiltonian started from the current centre tensor: Davidson's method
    /// preconditioned with diag(H_eff) when the contraction provides it (Davidson 1975, as Block and block2), Lanczos
    /// otherwise, both to the sweep's ``SweepParameters/eigensolverTolerance`` with at most `maxKrylovDimension`
    /// vectors and 4 restarts. The products' flops are added to `tally`.
    ///
    /// - Throws: ``DMRGError/numericalFailure(site:reason:)`` when the eigenvalue is not finite.
    static func lowestEigenpair(of h: ProjectedHamiltonian, start: [Double], _ p: SweepParameters,
                                maxKrylovDimension: Int, site: Int, tally: FlopTally) throws -> LanczosEigensolver.Result {
        let options = LanczosEigensolver.Options(tolerance: p.eigensolverTolerance, maxKrylovDimension: maxKrylovDimension,
                                                 maxRestarts: 4)
        let result: LanczosEigensolver.Result
        if let diagonal = h.diagonal(counting: tally) {
            result = try DavidsonEigensolver.lowest(start: start, diagonal: diagonal, options: options) { h.apply($0, $1) }
        } else {
            result = try LanczosEigensolver.lowest(start: start, options: options) { h.apply($0, $1) }
        }
        guard result.eigenvalue.isFinite else {
            throw DMRGError.numericalFailure(site: site, reason: "the local eigenvalue is not finite")
        }
        tally.add(h.flopsPerProduct * Double(result.matrixVectorProducts))
        return result
    }
}
