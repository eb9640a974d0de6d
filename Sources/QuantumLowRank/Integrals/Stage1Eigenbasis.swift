/// How the stage-1 eigendecomposition of the pair supermatrix `M[(pq),(rs)] = (pq|rs)` is computed, which fixes the
/// basis chosen inside degenerate eigenspaces (``DoubleFactorization/init(supermatrix:orbitals:stage1:eigenbasis:)``,
/// ``SingleFactorization/lambda(supermatrix:h:orbitals:rank:stage1:)``).
///
/// Both give the same eigenvalues, the same λ_T and, where no kept eigenvalue is degenerate, the same vectors up to
/// sign and hence the same λ. Inside a degenerate eigenspace any orthonormal basis is an eigenbasis, but the
/// single-factorization `λ_W = ¼ Σ_P (Σ_ij |L^P_ij|)²` (an ℓ₁ norm) and the double-factorization stage 2 depend on
/// which one: only λ_W (and λ_F) can differ, and only through degenerate eigenspaces. Molecules with degenerate
/// orbitals (point groups with E/Π representations) have them. For N₂/cc-pVDZ at SF rank 100 the block basis gives
/// λ_W = 723.4 against 783.5 for OpenFermion's dense `eigh`, with λ_T identical (see the "Integral conventions"
/// article).
public enum Stage1Eigenbasis: String, Sendable, Equatable, CaseIterable {
    /// The default: `M` is split into the connected components of its exact-zero pattern (its point-group symmetry
    /// blocks) and each block is diagonalized on its own, so every vector is symmetry-pure and sparse. Reproducible,
    /// cheaper, and the smaller λ_W where eigenspaces are degenerate.
    case block
    /// One dense symmetric eigendecomposition of the whole (√2-scaled) supermatrix, as OpenFermion's
    /// `resource_estimates` (`numpy.linalg.eigh` of the n² × n² matrix): inside degenerate eigenspaces the basis is
    /// whatever LAPACK returns, generally mixing symmetry blocks, so λ_W matches OpenFermion's convention rather than
    /// its exact digits there.
    case dense
}
