import LowRankKernels

/// The ab initio electronic Hamiltonian of an ``FCIDUMP`` as an ``OpSum`` on spatial-orbital sites
/// (``SiteType/electron``), with orbital ordering and the RHF initial configuration for DMRG.
///
///     H = E_core + Σ_pq h_pq Σ_σ a†_pσ a_qσ + ½ Σ_pqrs (pq|rs) Σ_στ a†_pσ a†_rτ a_sτ a_qσ
///
/// (chemists' notation for (pq|rs), real orbitals; Helgaker, Jørgensen & Olsen, *Molecular Electronic-Structure
/// Theory*, eq. 2.2.18). Site k holds orbital `ordering[k]`.
public enum AbInitioHamiltonian {
    /// The Hamiltonian as an operator sum. Integrals with |value| ≤ `threshold` are dropped; terms that vanish
    /// identically (a†_pσ a†_pσ) are skipped. `ordering` maps sites to orbitals (default: file order).
    public static func opSum(_ dump: FCIDUMP, ordering: [Int]? = nil, threshold: Double = 1e-13) throws -> OpSum {
        let n = dump.orbitals
        let order = ordering ?? Array(0..<n)
        guard order.count == n, Set(order) == Set(0..<n) else {
            throw DMRGError.invalidOption(argument: "ordering", reason: "must be a permutation of 0..<\(n)")
        }
        var siteOf = [Int](repeating: 0, count: n)
        for (k, p) in order.enumerated() { siteOf[p] = k }
        var h = OpSum(sites: n, siteType: .electron)
        if dump.coreEnergy != 0 { h.add(dump.coreEnergy, []) }
        let create = ["Cdagup", "Cdagdn"], annihilate = ["Cup", "Cdn"]
        for p in 0..<n { for q in 0..<n {
            let v = dump.h[p, q]
            guard Swift.abs(v) > threshold else { continue }
            for s in 0..<2 { h.add(v, (create[s], siteOf[p]), (annihilate[s], siteOf[q])) }
        } }
        for p in 0..<n { for q in 0..<n { for r in 0..<n { for s in 0..<n {
            let v = 0.5 * dump.eri[p, q, r, s]
            guard Swift.abs(v) > threshold else { continue }
            for a in 0..<2 { for b in 0..<2 {
                if a == b && (p == r || q == s) { continue }               // a†a† or aa on one spin-orbital
                h.add(v, (create[a], siteOf[p]), (create[b], siteOf[r]), (annihilate[b], siteOf[s]),
                      (annihilate[a], siteOf[q]))
            } }
        } } } }
        return h
    }

    /// The Hamiltonian with its two-electron integrals replaced by their double factorization truncated at
    /// `threshold` (``DoubleFactorization``, published stage 1 and stage-2 rule of Lee et al., PRX Quantum 2,
    /// 030305 (2021)): (pq|rs) → Σ_l L̃^l_pq L̃^l_rs with L̃^l = U_l diag(f̃^l) U_lᵀ over the kept eigenpairs.
    /// Since Σ_στ a†_pσ a†_rτ a_sτ a_qσ = E_pq E_rs − δ_qr E_ps (E_pq = Σ_σ a†_pσ a_qσ), its two-electron
    /// part is ½ Σ_l O_l² − ½ Σ_pq (Σ_r Ṽ_prrq) E_pq with the squared one-body operators
    /// O_l = Σ_k f̃_k^l n_k^(l) (number operators of the rotated orbitals U_l). `E_core` and h are unchanged.
    /// The result carries the reconstructed four-index integrals, so ``opSum(_:ordering:threshold:)`` and the
    /// automaton see an ordinary Hamiltonian: the MPO's structure comes from the automaton and from
    /// ``MPO/compressed(relativeError:)``, not from the factors.
    ///
    /// - Returns: the DF Hamiltonian as an ``FCIDUMP`` (for ``opSum(_:ordering:threshold:)``) and the
    ///   truncation (kept factors, retained eigenvectors, λ, max |M − M̃|).
    public static func doubleFactorized(_ dump: FCIDUMP, threshold: Double) throws -> (hamiltonian: FCIDUMP, factorization: DFResult) {
        let n = dump.orbitals
        let df = try DoubleFactorization(supermatrix: dump.eri.supermatrix(), orbitals: n)
        let r = try df.truncated(threshold: threshold, h: dump.h)
        let eri = try ERITensor(orbitals: n, supermatrix: try r.reconstructedSupermatrix())
        let out = try FCIDUMP(orbitals: n, electrons: dump.electrons, ms2: dump.ms2, orbsym: dump.orbsym, isym: dump.isym,
                              h: dump.h, eri: eri, coreEnergy: dump.coreEnergy)
        return (out, r)
    }

    /// Fiedler ordering: orbitals sorted by the Fiedler vector (eigenvector of the second-smallest eigenvalue)
    /// of the graph Laplacian of the exchange matrix K_pq = |(pq|qp)|, p ≠ q (Barcza, Legeza, Marti & Reiher,
    /// PRA 83, 012508 (2011)), so strongly exchanging orbitals sit close on the chain.
    public static func fiedlerOrdering(_ dump: FCIDUMP) throws -> [Int] {
        let n = dump.orbitals
        guard n > 2 else { return Array(0..<n) }
        var lap = Matrix<Double>(rows: n, columns: n)
        for p in 0..<n { for q in 0..<n where p != q {
            let k = Swift.abs(dump.eri[p, q, q, p])
            lap[p, q] = -k
            lap[p, p] += k
        } }
        let e = try lap.symmetricEigen(vectors: true)
        let v = Array(e.eigenvectors.column(1))
        return (0..<n).sorted { v[$0] < v[$1] }
    }

    /// The RHF (aufbau) determinant as local basis indices per site: the lowest (N + MS2)/2 orbitals carry an
    /// ↑ electron and the lowest (N − MS2)/2 a ↓ one (orbitals in file order, i.e. canonical orbitals sorted by
    /// energy), placed on their sites. Throws ``DMRGError/invalidOption(argument:reason:)`` when N or MS2 are
    /// inconsistent with the number of orbitals.
    public static func rhfConfiguration(_ dump: FCIDUMP, ordering: [Int]? = nil) throws -> [Int] {
        let n = dump.orbitals, ne = dump.electrons, ms2 = dump.ms2
        guard ne >= 0, ne <= 2 * n, (ne + ms2) % 2 == 0, Swift.abs(ms2) <= ne,
              (ne + Swift.abs(ms2)) / 2 <= n else {
            throw DMRGError.invalidOption(argument: "NELEC/MS2",
                                          reason: "NELEC = \(ne), MS2 = \(ms2) do not fit \(n) spatial orbitals")
        }
        let order = ordering ?? Array(0..<n)
        let na = (ne + ms2) / 2, nb = (ne - ms2) / 2
        return order.map { p in (p < na ? 1 : 0) + (p < nb ? 2 : 0) }
    }
}
