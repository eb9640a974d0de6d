import LowRankKernels
@testable import QuantumLowRank

/// An open XXZ chain with random bond couplings J_i ∈ [0.5, 1.5) and anisotropies Δ_i ∈ [0.5, 1.5):
/// H = Σ_i J_i (½(S⁺S⁻ + S⁻S⁺) + Δ_i SᶻSᶻ). Antiferromagnetic, so for even L the ground state has Sᶻ = 0.
func randomXXZ(sites L: Int, _ g: inout SeededGenerator) -> OpSum {
    var h = OpSum(sites: L, siteType: .spinHalf)
    for i in 0..<(L - 1) {
        let j = 0.5 + g.uniform(), delta = 0.5 + g.uniform()
        h.add(0.5 * j, ("S+", i), ("S-", i + 1))
        h.add(0.5 * j, ("S-", i), ("S+", i + 1))
        h.add(j * delta, ("Sz", i), ("Sz", i + 1))
    }
    return h
}
