import LowRankKernels

/// Single factorization (SF) of the two-electron integrals (Berry, Gidney, Motta, McClean & Babbush,
/// Quantum 3, 208 (2019); Lee et al., PRX Quantum 2, 030305 (2021); OpenFermion `resource_estimates.sf`).
///
/// Stage 1 as for ``DoubleFactorization`` (eigendecomposition of `M[(pq),(rs)] = (pq|rs)`, positive
/// eigenvalues descending, `L^P = √w_P u_P` as `n × n`, by symmetry blocks or densely: ``Stage1Eigenbasis``),
/// keeping the leading `rank` vectors;
/// `λ_SF = λ_T,SF + λ_W` with `λ_T,SF = Σ_pq |T_pq|` (absolute entries, unlike DF's |eigenvalues|),
/// `T_pq = h_pq − ½ Σ_q' (pq'|q's) + Σ_r (pq|rr)` and `λ_W = ¼ Σ_P (Σ_ij |L^P_ij|)²`.
public enum SingleFactorization {
    /// λ for one rank. For several ranks, build one ``DoubleFactorization`` and call
    /// ``DoubleFactorization/singleFactorization(rank:h:)`` so stage 1 is computed once.
    /// - Parameters:
    ///   - supermatrix: pair-space `M`, `n(n+1)/2` square.
    ///   - h: one-body integrals, `n × n`.
    ///   - orbitals: `n`.
    ///   - rank: number of leading stage-1 vectors kept (`1...` number of positive eigenvalues).
    ///   - stage1: ``Stage1Eigenbasis/block`` (default: symmetry blocks) or ``Stage1Eigenbasis/dense`` (one dense
    ///     eigendecomposition, as OpenFermion); only λ_W can differ, and only in degenerate eigenspaces.
    public static func lambda(supermatrix: Matrix<Double>, h: Matrix<Double>, orbitals: Int,
                              rank: Int, stage1: Stage1Eigenbasis = .block) throws -> SFResult {
        try DoubleFactorization(supermatrix: supermatrix, orbitals: orbitals, stage1: .eigendecomposition,
                                eigenbasis: stage1)
            .singleFactorization(rank: rank, h: h)
    }
}
