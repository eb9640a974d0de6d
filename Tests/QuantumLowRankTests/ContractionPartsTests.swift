import Foundation
import Testing
import LowRankKernels
@testable import QuantumLowRank

/// Each symmetric implementation of ``ProjectedHamiltonian`` against the dense contraction of the same L, W, W, R
/// (``EffectiveHamiltonian``, itself checked against Pauli matrices in ``DMRGPartsTests``) on random charged inputs,
/// and the enlarged-block split against a dense SVD of the same two-site tensor.
@Suite("Contraction parts")
struct ContractionPartsTests {
    /// A random XXZ chain (charged) and LiH STO-3G (four states per site, many MPO channels), with their starts.
    static func models() throws -> [(name: String, mpo: MPO, configuration: [Int])] {
        var g = SeededGenerator(seed: 5)
        let xxz = try MPO(randomXXZ(sites: 8, &g))
        let dump = try FCIDUMP.read(QChemData.path("lih_sto3g.FCIDUMP"))
        let lih = try MPO(AbInitioHamiltonian.opSum(dump))
        return [("xxz", xxz, (0..<8).map { $0 % 2 }), ("lih", lih, try AbInitioHamiltonian.rhfConfiguration(dump))]
    }

    /// Sweep parameters that open several sectors on every bond (small χ, noise on).
    static let opening = DMRG.SweepParameters(maxBondDimension: 6, cutoff: 0, noise: 1e-2, eigensolverTolerance: 1e-6)

    /// The dense H_eff of bond (i, i+1) from dense site tensors: sites < i on the left, sites > i+1 on the right.
    static func denseHamiltonian(_ mpo: MPO, _ sites: [Tensor<Double>], bond i: Int) -> EffectiveHamiltonian {
        var left = Environment.leftBoundary
        for k in 0..<i { left = Environment.extendLeft(left, site: sites[k], mpo: mpo.tensors[k]) }
        var right = Environment.rightBoundary
        for k in stride(from: sites.count - 1, through: i + 2, by: -1) {
            right = Environment.extendRight(right, site: sites[k], mpo: mpo.tensors[k])
        }
        return EffectiveHamiltonian(left: left, right: right, mpo: [mpo.tensors[i], mpo.tensors[i + 1]])
    }

    static func apply(_ h: ProjectedHamiltonian, _ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: h.dimension)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { h.apply(xp.baseAddress!, $0.baseAddress!) } }
        return y
    }

    /// Whether θ[l, s₁, s₂, r] may be nonzero: q_l + q(s₁) + q(s₂) = q_r (the charge rule, from the bond charges).
    static func allowed(_ index: Int, left: [QuantumNumber], right: [QuantumNumber], q1: [QuantumNumber],
                        q2: [QuantumNumber]) -> Bool {
        let cl = left.count, d1 = q1.count, d2 = q2.count
        let l = index % cl, s1 = (index / cl) % d1, s2 = (index / (cl * d1)) % d2, r = index / (cl * d1 * d2)
        return left[l] + q1[s1] + q2[s2] == right[r]
    }

    static func expectClose(_ got: [Double], _ want: [Double], _ tolerance: Double, _ comment: Comment) {
        let scale = max(want.map(abs).max() ?? 1, 1e-300)
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        #expect(got.count == want.count && worst <= tolerance * scale, comment)
    }

    /// Enlarged blocks: H_eff x and diag(H_eff) on the block layout equal the dense contraction of the same
    /// environments, at every bond, for random x; the layout holds exactly the charge-allowed entries.
    @Test func enlargedApplyAndDiagonalMatchDense() throws {
        for model in try Self.models() {
            let q = try #require(model.mpo.siteQuantumNumbers)
            let L = model.mpo.sites
            let engine = EnlargedBlockSweepEngine(mpo: model.mpo.tensors, siteQuantumNumbers: q,
                                                  configuration: model.configuration, maxKrylovDimension: 40)
            _ = try engine.sweep(Self.opening)
            var g = SeededGenerator(seed: 9)
            for i in 0..<(L - 1) {
                if i > 0 { _ = try engine.update(i - 1, rightward: true, Self.opening) }
                let problem = engine.problem(at: i)
                let dense = Self.denseHamiltonian(model.mpo, engine.tensors, bond: i)
                let h = problem.hamiltonian
                let left = engine.bases[i].charges, right = engine.bases[i + 2].charges
                // The layout is the charge rule: a random layout vector fills exactly the allowed entries.
                let filled = engine.denseTwoSite((0..<h.dimension).map { Double($0 + 1) }, problem)
                let allowedCount = filled.indices.filter { Self.allowed($0, left: left, right: right, q1: q[i], q2: q[i + 1]) }.count
                #expect(filled.filter { $0 != 0 }.count == h.dimension, "\(model.name) bond \(i)")
                #expect(allowedCount == h.dimension, "\(model.name) bond \(i)")
                for _ in 0..<2 {
                    let x = (0..<h.dimension).map { _ in g.normal() }
                    let got = engine.denseTwoSite(Self.apply(h, x), problem)
                    let want = Self.apply(dense, engine.denseTwoSite(x, problem))
                    Self.expectClose(got, want, 1e-12, "\(model.name) apply at bond \(i)")
                }
                let diagonal = try #require(h.diagonal(counting: FlopTally()))
                var wantDiagonal = [Double](repeating: 0, count: h.dimension)
                for j in 0..<h.dimension {
                    var unit = [Double](repeating: 0, count: h.dimension)
                    unit[j] = 1
                    let theta = engine.denseTwoSite(unit, problem)
                    wantDiagonal[j] = zip(theta, Self.apply(dense, theta)).reduce(0) { $0 + $1.0 * $1.1 }
                }
                Self.expectClose(diagonal, wantDiagonal, 1e-12, "\(model.name) diagonal at bond \(i)")
            }
        }
    }

    /// Both enlarged operators of an update share one arena that the next update refills; a problem a caller keeps
    /// must not be overwritten by it: its H_eff x equals the dense contraction of the environments it was built from,
    /// and is the same, bit for bit, after the engine has swept on.
    @Test func keptProblemSurvivesTheNextUpdate() throws {
        let model = try Self.models()[1]
        let q = try #require(model.mpo.siteQuantumNumbers)
        let engine = EnlargedBlockSweepEngine(mpo: model.mpo.tensors, siteQuantumNumbers: q,
                                              configuration: model.configuration, maxKrylovDimension: 40)
        _ = try engine.sweep(Self.opening)
        let i = 2
        for k in 0..<i { _ = try engine.update(k, rightward: true, Self.opening) }
        let problem = engine.problem(at: i)
        let dense = Self.denseHamiltonian(model.mpo, engine.tensors, bond: i)
        var g = SeededGenerator(seed: 31)
        let x = (0..<problem.hamiltonian.dimension).map { _ in g.normal() }
        let before = Self.apply(problem.hamiltonian, x)
        Self.expectClose(engine.denseTwoSite(before, problem), Self.apply(dense, engine.denseTwoSite(x, problem)), 1e-12,
                         "kept problem against dense")
        for k in i..<(model.mpo.sites - 1) { _ = try engine.update(k, rightward: true, Self.opening) }
        for k in stride(from: model.mpo.sites - 2, through: 0, by: -1) { _ = try engine.update(k, rightward: false, Self.opening) }
        #expect(Self.apply(problem.hamiltonian, x) == before, "the next updates overwrote a kept problem's operators")
    }

    /// Channel-wise blocks: H_eff θ on dense charge-conserving θ equals the dense contraction at every bond.
    @Test func channelWiseApplyMatchesDense() throws {
        for model in try Self.models() {
            let q = try #require(model.mpo.siteQuantumNumbers)
            let L = model.mpo.sites
            let engine = BlockSweepEngine(mpo: model.mpo.tensors, siteQuantumNumbers: q,
                                          channelCharges: try model.mpo.channelCharges(q),
                                          configuration: model.configuration, maxKrylovDimension: 40)
            _ = try engine.sweep(Self.opening)
            var g = SeededGenerator(seed: 13)
            for i in 0..<(L - 1) {
                if i > 0 { _ = try engine.update(i - 1, rightward: true, Self.opening) }
                let h = engine.effectiveHamiltonian(at: i)
                let dense = Self.denseHamiltonian(model.mpo, engine.tensors, bond: i)
                #expect(h.dimension == dense.dimension)
                let left = engine.bases[i].charges, right = engine.bases[i + 2].charges
                let x = (0..<h.dimension).map {
                    Self.allowed($0, left: left, right: right, q1: q[i], q2: q[i + 1]) ? g.normal() : 0
                }
                Self.expectClose(Self.apply(h, x), Self.apply(dense, x), 1e-12, "\(model.name) apply at bond \(i)")
                #expect(h.flopsPerProduct > 0)
            }
        }
    }

    /// The enlarged-block split with global truncation across sectors keeps the k largest singular values of the
    /// dense two-site matrix θ[(l s₁), (s₂ r)] (LAPACK dgesdd), reports the discarded weight Σ_{j>k} σ_j², and leaves
    /// A_i A_{i+1} equal to the rank-k truncation of θ scaled to unit norm, with A_i left-orthonormal.
    @Test func enlargedSplitIsTheTruncatedSVD() throws {
        for model in try Self.models() {
            let q = try #require(model.mpo.siteQuantumNumbers)
            let engine = EnlargedBlockSweepEngine(mpo: model.mpo.tensors, siteQuantumNumbers: q,
                                                  configuration: model.configuration, maxKrylovDimension: 40)
            _ = try engine.sweep(Self.opening)
            _ = try engine.update(0, rightward: true, Self.opening)
            let i = 1
            let problem = engine.problem(at: i)
            var g = SeededGenerator(seed: 21)
            var x = (0..<problem.layout.count).map { _ in g.normal() }
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            x = x.map { $0 / norm }
            let cl = engine.bases[i].dimension, cr = engine.bases[i + 2].dimension, d1 = q[i].count, d2 = q[i + 1].count
            let theta = try Matrix(rows: cl * d1, columns: d2 * cr, elements: engine.denseTwoSite(x, problem))
            let svd = try theta.svd()
            let sigma = svd.singularValues
            let k = 3
            #expect(sigma.count > k && sigma[k - 1] - sigma[k] > 1e-6, "\(model.name): a gap at k")
            let discarded = try engine.split(x, rightward: true, problem,
                                             DMRG.SweepParameters(maxBondDimension: k, cutoff: 0, noise: 0))
            let keptNorm = sigma.prefix(k).reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(discarded - sigma.dropFirst(k).reduce(0) { $0 + $1 * $1 }) <= 1e-12, "\(model.name)")
            Self.expectClose(engine.spectra[i + 1], sigma.prefix(k).map { $0 / keptNorm }, 1e-10, "\(model.name) spectrum")
            #expect(engine.bases[i + 1].dimension == k)
            // A_i A_{i+1} against U_k Σ_k V_kᵀ / ‖Σ_k‖.
            let a = engine.tensors[i], b = engine.tensors[i + 1]
            let product = try Matrix.product(a.matricized(rowAxes: 2), .none, b.matricized(rowAxes: 1), .none)
            var truncated = svd.u.columns(0..<k)
            truncated.scaleColumns(by: sigma.prefix(k).map { $0 / keptNorm })
            let want = try Matrix.product(truncated, .none, svd.vt.rows(0..<k), .none)
            Self.expectClose(product.elements, want.elements, 1e-10, "\(model.name) A_i A_{i+1}")
            let gram = try Matrix.product(a.matricized(rowAxes: 2), .transpose, a.matricized(rowAxes: 2), .none)
            let identity = (0..<(k * k)).map { $0 % (k + 1) == 0 ? 1.0 : 0.0 }
            Self.expectClose(gram.elements, identity, 1e-12, "\(model.name) left-orthonormal")
        }
    }
}
