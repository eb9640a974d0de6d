import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

/// The parts of a DMRG update checked one at a time against a dense construction made here from Pauli
/// matrices (independent of ``MPO`` and of every contraction kernel): environments, the effective Hamiltonian,
/// and the flop convention shared by all engines.
@Suite("DMRG parts")
struct DMRGPartsTests {
    /// (S·S) on two spin-½ sites as a 4 × 4 matrix over (a + 2b) (S = σ/2; the basis order of each site
    /// does not matter because S·S is invariant under up ↔ down).
    static let bond: [[Double]] = {
        var m = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)
        for a in 0..<2 { for b in 0..<2 {
            let sa = a == 0 ? 0.5 : -0.5, sb = b == 0 ? 0.5 : -0.5
            m[a + 2 * b][a + 2 * b] = sa * sb                              // SᶻSᶻ
            if a != b { m[(1 - a) + 2 * (1 - b)][a + 2 * b] = 0.5 }      // ½(S⁺S⁻ + S⁻S⁺)
        } }
        return m
    }()

    /// H ψ for the open Heisenberg chain H = Σ_j S_j·S_{j+1} on L spin-½ sites, ψ indexed by Σ s_j 2^j.
    static func heisenberg(_ psi: [Double], sites: Int) -> [Double] {
        var out = [Double](repeating: 0, count: psi.count)
        for j in 0..<(sites - 1) {
            let stride = 1 << j
            for index in 0..<psi.count {
                let a = (index >> j) & 1, b = (index >> (j + 1)) & 1
                let base = index - a * stride - b * 2 * stride
                for ap in 0..<2 { for bp in 0..<2 {
                    out[index] += bond[a + 2 * b][ap + 2 * bp] * psi[base + ap * stride + bp * 2 * stride]
                } }
            }
        }
        return out
    }

    static func random(_ count: Int, _ g: inout SeededGenerator) -> [Double] { (0..<count).map { _ in g.normal() } }

    /// ψ(s₀ s₁ s₂ s₃) = Σ A₀[s₀, l] x[l, s₁, s₂, r] A₃[r, s₃] for a two-site tensor x between boundary tensors
    /// A₀ [1, 2, χl] and A₃ [χr, 2, 1]; column-major [l, s₁, s₂, r].
    static func embed(_ x: [Double], a0: [Double], a3: [Double], chiL: Int, chiR: Int) -> [Double] {
        var psi = [Double](repeating: 0, count: 16)
        for s0 in 0..<2 { for s1 in 0..<2 { for s2 in 0..<2 { for s3 in 0..<2 {
            var v = 0.0
            for l in 0..<chiL { for r in 0..<chiR {
                v += a0[s0 + 2 * l] * x[l + chiL * (s1 + 2 * (s2 + 2 * r))] * a3[r + chiR * s3]
            } }
            psi[s0 + 2 * s1 + 4 * s2 + 8 * s3] = v
        } } } }
        return psi
    }

    /// Pᵀ y for the same embedding: the two-site tensor of the projection of a full vector y.
    static func project(_ y: [Double], a0: [Double], a3: [Double], chiL: Int, chiR: Int) -> [Double] {
        var x = [Double](repeating: 0, count: chiL * 4 * chiR)
        for l in 0..<chiL { for s1 in 0..<2 { for s2 in 0..<2 { for r in 0..<chiR {
            var v = 0.0
            for s0 in 0..<2 { for s3 in 0..<2 { v += a0[s0 + 2 * l] * y[s0 + 2 * s1 + 4 * s2 + 8 * s3] * a3[r + chiR * s3] } }
            x[l + chiL * (s1 + 2 * (s2 + 2 * r))] = v
        } } } }
        return x
    }

    /// Two-site H_eff = Pᵀ H P on sites (1, 2) of an L = 4 chain, for arbitrary (not orthonormal) outer tensors:
    /// the environments and the three-step product against the dense Hamiltonian, to 1e-12.
    @Test func twoSiteEffectiveHamiltonianIsTheProjectedHamiltonian() throws {
        var g = SeededGenerator(seed: 7)
        let chiL = 2, chiR = 2
        let a0 = Self.random(2 * chiL, &g), a3 = Self.random(chiR * 2, &g)
        let mpo = try SpinModel.heisenberg.mpo(sites: 4)
        let left = Environment.extendLeft(.leftBoundary, site: Tensor(uncheckedShape: [1, 2, chiL], elements: a0),
                                          mpo: mpo.tensors[0])
        let right = Environment.extendRight(.rightBoundary, site: Tensor(uncheckedShape: [chiR, 2, 1], elements: a3),
                                            mpo: mpo.tensors[3])
        let h = EffectiveHamiltonian(left: left, right: right, mpo: [mpo.tensors[1], mpo.tensors[2]])
        #expect(h.dimension == chiL * 4 * chiR)
        for _ in 0..<3 {
            let x = Self.random(h.dimension, &g)
            var y = [Double](repeating: 0, count: h.dimension)
            x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { h.apply(xp.baseAddress!, $0.baseAddress!) } }
            let psi = Self.embed(x, a0: a0, a3: a3, chiL: chiL, chiR: chiR)
            let expected = Self.project(Self.heisenberg(psi, sites: 4), a0: a0, a3: a3, chiL: chiL, chiR: chiR)
            let scale = expected.map(abs).max() ?? 1
            for (got, want) in zip(y, expected) { #expect(abs(got - want) <= 1e-12 * scale) }
        }
    }

    /// A left environment over every site is the scalar ⟨ψ|H|ψ⟩ (its single [1, 1, 1] channel is the MPO's
    /// last one, which collects complete terms), here against the dense Hamiltonian for a random product of
    /// site tensors.
    @Test func fullEnvironmentIsTheExpectationValue() throws {
        var g = SeededGenerator(seed: 11)
        let mpo = try SpinModel.heisenberg.mpo(sites: 4)
        let dims = [1, 3, 2, 3, 1]
        let sites = (0..<4).map { Tensor(uncheckedShape: [dims[$0], 2, dims[$0 + 1]],
                                         elements: Self.random(dims[$0] * 2 * dims[$0 + 1], &g)) }
        var env = Environment.leftBoundary
        for k in 0..<4 { env = Environment.extendLeft(env, site: sites[k], mpo: mpo.tensors[k]) }
        #expect(env.elements.count == 1)
        // ψ by contracting the site tensors in order (index Σ s_j 2^j).
        var psi = [Double](repeating: 0, count: 16)
        for index in 0..<16 {
            var row = [1.0]
            for k in 0..<4 {
                let s = (index >> k) & 1, t = sites[k].elements
                row = (0..<dims[k + 1]).map { r in (0..<dims[k]).reduce(0) { $0 + row[$1] * t[$1 + dims[k] * (s + 2 * r)] } }
            }
            psi[index] = row[0]
        }
        let hpsi = Self.heisenberg(psi, sites: 4)
        let expectation = zip(psi, hpsi).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(env.elements[0] - expectation) <= 1e-12 * max(1, abs(expectation)))
    }

    /// Every engine counts its GEMMs by the same convention: at least 2 n flops per product on a vector of
    /// dimension n ≥ 4 (a lower bound no real contraction goes under), nonzero for one-site sweeps too, and the
    /// channel-wise engine, which does the dense engine's steps 1 and 3 on charge blocks only, counts fewer flops
    /// per product than the dense engine at the same bond dimensions.
    @Test func everyEngineReportsGEMMFlops() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 12)
        let neel = (0..<12).map { $0 % 2 }
        func run(_ options: DMRG.Options) throws -> [DMRG.SweepRecord] {
            try DMRG.groundState(of: mpo, options: options).sweeps
        }
        let dense = DMRG.Options(maxBondDimension: 16, bondDimensionRamp: [], maxSweeps: 4)
        let enlarged = DMRG.Options(maxBondDimension: 16, bondDimensionRamp: [], maxSweeps: 4,
                                    conserveQuantumNumbers: true, initialConfiguration: neel)
        let channel = DMRG.Options(maxBondDimension: 16, bondDimensionRamp: [], maxSweeps: 4,
                                   conserveQuantumNumbers: true, initialConfiguration: neel,
                                   symmetricContraction: .channelWise)
        let oneSite = DMRG.Options(maxBondDimension: 16, bondDimensionRamp: [], maxSweeps: 4, algorithm: .singleSite)
        let runs = [("dense", try run(dense)), ("enlarged", try run(enlarged)), ("channel-wise", try run(channel)),
                    ("one-site", try run(oneSite))]
        for (name, sweeps) in runs {
            #expect(!sweeps.isEmpty, "\(name)")
            for s in sweeps {
                #expect(s.gemmFlops.isFinite && s.gemmFlops >= 2 * 4 * Double(s.matrixVectorProducts),
                        "\(name) sweep \(s.sweep): \(s.gemmFlops) flops for \(s.matrixVectorProducts) products")
            }
        }
        let denseLast = try #require(runs[0].1.last), channelLast = try #require(runs[2].1.last)
        #expect(denseLast.maxBondDimension == 16 && channelLast.maxBondDimension == 16)
        #expect(channelLast.gemmFlops / Double(channelLast.matrixVectorProducts)
                < denseLast.gemmFlops / Double(denseLast.matrixVectorProducts))
    }

    /// A hand count of one two-site sweep on the L = 3 Heisenberg chain (bond dimensions 1, 2, 2, 1; every update
    /// keeps 2 states): per H_eff product the three GEMMs L·x, ·W and ·R (2 wl dp Dl² Dr, 2 wl wr dp² Dl Dr and
    /// 2 wr dp Dl Dr², dp = 4); per update θ = A_i A_{i+1}, the density matrix of the side the centre leaves, the
    /// projection onto the 2 kept states and the environment extension through the new site tensor.
    @Test func denseTwoSiteFlopsMatchAHandCount() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 3)
        let options = DMRG.Options(maxBondDimension: 4, bondDimensionRamp: [], maxSweeps: 3, energyTolerance: 1e-14,
                                   noise: 0)
        let result = try DMRG.groundState(of: mpo, options: options)
        let bonds = [1, 2, 2, 1], d = 2, kept = 2
        func contraction(_ dl: Int, _ dp: Int, _ dr: Int, _ wl: Int, _ wr: Int) -> Double {
            Double(2 * wl * dp * dl * dl * dr + 2 * wl * wr * dp * dp * dl * dr + 2 * wr * dp * dl * dr * dr)
        }
        var perSweepFixed = 0.0, perProduct: Double?
        for (i, rightward) in [(0, true), (1, true), (1, false), (0, false)] {
            let dl = bonds[i], dr = bonds[i + 2], inner = bonds[i + 1]
            let w1 = mpo.tensors[i].shape, w2 = mpo.tensors[i + 1].shape
            let product = contraction(dl, d * d, dr, w1[0], w2[1])
            if let p = perProduct { #expect(p == product) } else { perProduct = product }   // 496 at both bonds
            let (rows, columns) = (dl * d, d * dr)
            perSweepFixed += Double(2 * rows * columns * inner)                                     // θ
            perSweepFixed += Double(rightward ? 2 * rows * rows * columns : 2 * columns * columns * rows)   // ρ
            perSweepFixed += Double(2 * kept * rows * columns)                                     // projection
            perSweepFixed += rightward ? contraction(dl, d, kept, w1[0], w1[1]) : contraction(kept, d, dr, w2[0], w2[1])
        }
        #expect(perProduct == 496)
        let later = result.sweeps.dropFirst()       // the first sweep starts from the random state's bond dimensions
        #expect(!later.isEmpty)
        for s in later {
            #expect(s.maxBondDimension == 2)
            #expect(s.gemmFlops == perSweepFixed + 496 * Double(s.matrixVectorProducts), "sweep \(s.sweep)")
        }
    }

    /// `shouldStop` ends the run after the sweep it returns true for (ITensor's `checkdone!`): exactly two sweeps
    /// although ten are allowed and the energy tolerance (0) is never met.
    @Test func shouldStopEndsTheRun() throws {
        let mpo = try SpinModel.heisenberg.mpo(sites: 8)
        var seen: [Int] = []
        let result = try DMRG.groundState(of: mpo, options: DMRG.Options(maxBondDimension: 8, maxSweeps: 10,
                                                                          energyTolerance: 0),
                                          observer: { seen.append($0.sweep) }, shouldStop: { $0.sweep == 2 })
        #expect(seen == [1, 2])
        #expect(result.sweeps.count == 2 && result.stoppedEarly && !result.converged)
    }

    /// The charge group is stated by the site type and carried by the MPO, not inferred from the charges' values.
    @Test func chargeGroupsAreStatedBySiteTypes() throws {
        #expect(SiteType.spinHalf.chargeGroup == .u1 && SiteType.spinOne.chargeGroup == .u1)
        #expect(SiteType.electron.chargeGroup == .u1xu1 && SiteType.spinHalfParity.chargeGroup == .z2)
        #expect((ChargeGroup.u1 * .z2).description == "U(1)×Z2" && ChargeGroup.trivial.description == "trivial")
        let ising = try MPO(SpinModel.tfim.parityBasisOpSum(sites: 6, parameters: .init()))
        #expect(ising.chargeGroup == .z2)
        #expect(try SpinModel.heisenberg.mpo(sites: 6).compressed().chargeGroup == .u1)
        #expect(try SpinModel.heisenberg.mpo(sites: 6).adjoint.chargeGroup == .u1)
    }
}
