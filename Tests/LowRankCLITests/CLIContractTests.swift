import Foundation
import Testing

/// The CLI's flags and JSON keys are a contract (scripts depend on them): run the built `lowrank`
/// and check the keys the issues spell out, the exit codes, and a few values with independent truths.
@Suite struct CLIContractTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The `lowrank` executable next to the test bundle (SwiftPM builds it as a dependency of this target).
    static var binary: URL {
        let here = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        let candidates = [here.appendingPathComponent("lowrank"),
                          root.appendingPathComponent(".build/release/lowrank"),
                          root.appendingPathComponent(".build/debug/lowrank")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    struct Run { let status: Int32; let stdout: Data; let stderr: String }

    func run(_ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = Self.root
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: o, stderr: String(decoding: e, as: UTF8.self))
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    }

    @Test func compressKeysAndPlantedRank() throws {
        let d = try json(["compress", "Data/kernels/planted_200x150.mtx", "--json"])
        for k in ["rows", "cols", "rank", "singular_values", "relative_error", "selected_by", "seconds"] { #expect(d[k] != nil, "\(k)") }
        #expect(d["rows"] as? Int == 200 && d["cols"] as? Int == 150)
        #expect(d["rank"] as? Int == 5)  // planted rank (scripts/make-planted-matrix.py)
        #expect((d["singular_values"] as? [Double])?.count == 150)
    }

    @Test func lyapAndBTKeys() throws {
        let l = try json(["lyap", "Data/control/slicot_build", "--json"])
        #expect(l["model"] != nil && l["n"] as? Int == 48)
        let eqs = try #require(l["equations"] as? [[String: Any]])
        #expect(eqs.count == 2)
        for e in eqs {
            for k in ["kind", "method", "steps", "columns", "residual", "converged", "seconds", "residual_floor"] { #expect(e[k] != nil, "\(k)") }
        }
        let b = try json(["bt", "Data/control/slicot_build", "--order", "10", "--frequencies", "40", "--json"])
        for k in ["model", "n", "order", "hankel_singular_values", "error_bound", "hinf_error", "h2_error", "seconds"] { #expect(b[k] != nil, "\(k)") }
        let s = try #require(b["seconds"] as? [String: Any])
        for k in ["gramians", "reduction", "error"] { #expect(s[k] != nil, "\(k)") }
        #expect((b["hinf_error"] as? Double ?? .infinity) <= (b["error_bound"] as? Double ?? 0))
    }

    @Test func eriKeysIncludingCapitalL() throws {
        let d = try json(["eri", "Data/qchem/h2o_sto3g.FCIDUMP", "--df", "1e-3", "--sf-rank", "10", "--json"])
        for k in ["file", "norb", "nelec", "e_core", "cholesky", "double_factorization", "single_factorization", "energy", "seconds"] {
            #expect(d[k] != nil, "\(k)")
        }
        let df = try #require((d["double_factorization"] as? [[String: Any]])?.first)
        for k in ["threshold", "L", "retained_eigenvectors", "lambda_df", "lambda_t", "lambda_f", "max_abs_error", "rhf_error", "mp2_error"] {
            #expect(df[k] != nil, "\(k)")
        }
        let c = try #require(d["cholesky"] as? [String: Any])
        for k in ["tolerance", "vectors", "max_abs_error", "rhf_error", "mp2_error", "seconds"] { #expect(c[k] != nil, "\(k)") }
        let sf = try #require(d["single_factorization"] as? [String: Any])
        for k in ["rank", "lambda_sf", "lambda_t", "lambda_w"] { #expect(sf[k] != nil, "\(k)") }
        let e = try #require(d["energy"] as? [String: Any])
        // RHF energy of water/STO-3G from references.json (PySCF): −74.96302313846 Eh.
        #expect(Swift.abs((e["rhf"] as? Double ?? 0) - (-74.96302313846)) < 1e-8)
    }

    // MARK: tt-compress

    /// Σ_k r_{k−1} n_k r_k, the storage of TT cores with these ranks (Oseledets 2011, §2).
    func ttStorage(_ ranks: [Int], _ shape: [Int]) -> Int {
        shape.indices.reduce(0) { $0 + ranks[$1] * shape[$1] * ranks[$1 + 1] }
    }

    @Test func ttCompressKeysAndExactRanksOfSineOfSum() throws {
        // sin(x₁ + … + x_d) = Im Π_k e^{i x_k}: every unfolding is sin(a)cos(b) + cos(a)sin(b), exactly rank 2.
        let shape = [6, 5, 4, 3]
        let file = try NPYFixture.write("sine.npy", shape: shape) { i in
            sin(zip(i, shape).reduce(0.0) { $0 + Double($1.0) / Double($1.1) })
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let d = try json(["tt-compress", file, "--tolerance", "1e-10", "--json"])
        for k in ["file", "shape", "tolerance", "tt_ranks", "storage", "dense_storage", "compression_ratio",
                  "relative_error", "seconds"] { #expect(d[k] != nil, "\(k)") }
        #expect(d["file"] as? String == file)
        #expect(d["shape"] as? [Int] == shape)
        #expect(d["tolerance"] as? Double == 1e-10)
        let ranks = [1, 2, 2, 2, 1]
        #expect(d["tt_ranks"] as? [Int] == ranks)
        #expect(d["storage"] as? Int == ttStorage(ranks, shape))            // 12 + 20 + 16 + 6 = 54
        #expect(d["dense_storage"] as? Int == 6 * 5 * 4 * 3)
        #expect(Swift.abs((d["compression_ratio"] as? Double ?? 0) - 54.0 / 360.0) < 1e-15)
        #expect((d["relative_error"] as? Double ?? 1) <= 1e-10)
    }

    @Test func ttCompressRanksFollowTheFileAxisOrder() throws {
        // sin(x₁ + x₂)·e^{x₃}·(1 + x₄): rank 2 across bond 1 only, so TT ranks [1, 2, 1, 1, 1];
        // reading the C-order axes reversed would give [1, 1, 1, 2, 1].
        let shape = [5, 4, 3, 6]
        let file = try NPYFixture.write("axes.npy", shape: shape) { i in
            let x = zip(i, shape).map { Double($0) / Double($1) }
            return sin(x[0] + x[1]) * exp(x[2]) * (1 + x[3])
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let d = try json(["tt-compress", file, "--tolerance", "1e-10", "--json"])
        #expect(d["tt_ranks"] as? [Int] == [1, 2, 1, 1, 1])
        // A vector (d = 1) is its own single core: ranks [1, 1], no truncation, no error.
        let v = try NPYFixture.write("vector.npy", shape: [7]) { i in Double(i[0]) - 2.5 }
        defer { try? FileManager.default.removeItem(atPath: v) }
        let e = try json(["tt-compress", v, "--tolerance", "0.5", "--json"])
        #expect(e["tt_ranks"] as? [Int] == [1, 1])
        #expect(e["storage"] as? Int == 7 && e["dense_storage"] as? Int == 7)
        #expect(e["relative_error"] as? Double == 0)
    }

    @Test func ttCompressMeetsTheTolerance() throws {
        // 1/(1 + x₁ + … + x₅) has no exact low TT rank; TT-SVD guarantees ‖A − TT‖_F ≤ ε‖A‖_F (Oseledets 2011,
        // Thm. 2.2) and r_k ≤ min(Π_{j≤k} n_j, Π_{j>k} n_j), the unfolding's size.
        let shape = [6, 6, 6, 6, 6]
        let file = try NPYFixture.write("inverse.npy", shape: shape) { i in
            1 / (1 + zip(i, shape).reduce(0.0) { $0 + Double($1.0) / Double($1.1 - 1) })
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        for eps in [1e-2, 1e-4, 1e-8] {
            let d = try json(["tt-compress", file, "--tolerance", "\(eps)", "--json"])
            #expect((d["relative_error"] as? Double ?? 1) <= eps, "ε = \(eps)")
            let ranks = try #require(d["tt_ranks"] as? [Int])
            #expect(ranks.count == 6 && ranks.first == 1 && ranks.last == 1)
            for k in 1..<5 {
                let bound = Swift.min(shape.prefix(k).reduce(1, *), shape.dropFirst(k).reduce(1, *))
                #expect(ranks[k] >= 1 && ranks[k] <= bound)
            }
            #expect(d["storage"] as? Int == ttStorage(ranks, shape))
        }
    }

    @Test func ttCompressRejectsBadInput() throws {
        func expectFailure(_ name: String, _ bytes: [UInt8]) throws {
            let file = try NPYFixture.writeBytes(name, bytes)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let r = try run(["tt-compress", file, "--tolerance", "1e-6", "--json"])
            #expect(r.status == 1, "\(name): \(r.stderr)")
            #expect(r.stderr.contains(file), "\(name): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        let good = NPYFixture.header(descr: "<f8", shape: [4, 3]) + NPYFixture.float64((0..<12).map(Double.init))
        try expectFailure("magic.npy", Array("NOTNUMPY".utf8) + good.dropFirst(8))
        try expectFailure("truncated.npy", Array(good.dropLast(8)))                       // 11 of 12 values
        try expectFailure("float32.npy", NPYFixture.header(descr: "<f4", shape: [4, 3]) + [UInt8](repeating: 0, count: 48))
        try expectFailure("scalar.npy", NPYFixture.header(descr: "<f8", shape: []) + NPYFixture.float64([1]))
        let missing = NPYFixture.path("missing.npy")
        let m = try run(["tt-compress", missing, "--tolerance", "1e-6"])
        #expect(m.status == 1 && m.stderr.contains(missing))
        // Argument errors: exit 64 naming the option.
        for bad in ["--tolerance=-1", "--tolerance=nan", "--tolerance=inf"] {
            let file = try NPYFixture.writeBytes("ok.npy", good)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let r = try run(["tt-compress", file, bad])
            #expect(r.status == 64, "\(bad): \(r.stderr)")
            #expect(r.stderr.contains("--tolerance"), "\(bad): \(r.stderr)")
        }
    }

    /// `bench matrix-market` JSON contract (issue 13): the keys, the file's size and entry count, and both number
    /// parsers reading the planted matrix bit for bit alike.
    @Test func benchMatrixMarketKeysAndIdenticalParsers() throws {
        let file = "Data/kernels/planted_200x150.mtx"
        let d = try json(["bench", "matrix-market", file, "--repeats", "1", "--json"])
        for k in ["file", "bytes", "entries", "eisel_lemire_seconds", "standard_seconds", "speedup", "identical"] {
            #expect(d[k] != nil, "\(k)")
        }
        #expect(d["identical"] as? Bool == true)
        #expect(d["file"] as? String == file)
        #expect(d["entries"] as? Int == 200 * 150)
        let size = try FileManager.default.attributesOfItem(atPath: Self.root.appendingPathComponent(file).path)[.size]
        #expect((d["bytes"] as? NSNumber)?.intValue == (size as? NSNumber)?.intValue)
        let el = try #require(d["eisel_lemire_seconds"] as? Double), standard = try #require(d["standard_seconds"] as? Double)
        #expect(el > 0 && standard > 0)
        #expect(abs(try #require(d["speedup"] as? Double) - standard / el) <= 1e-12 * standard / el)
    }

    @Test func badInputExitsNonZeroWithMessage() throws {
        let r = try run(["compress", "Data/does-not-exist.mtx"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("Data/does-not-exist.mtx"))
        #expect(r.stdout.isEmpty)
        let l = try run(["lyap", "Data/control/rail_1357", "--method", "adi", "--max-steps", "5", "--json"])
        #expect(l.status == 2)
    }

    /// `dmrg` JSON contract (issue 5) and the free-fermion TFIM energy (Data/tn/references.json, L = 16:
    /// E₀ = 1 − csc(π/66) = −20.01638790048514).
    @Test func dmrgKeysAndIsingEnergy() throws {
        let d = try json(["dmrg", "--model", "tfim", "--sites", "16", "--max-bond-dimension", "32", "--cutoff", "1e-14", "--json"])
        for k in ["model", "sites", "energy", "energy_per_site", "max_bond_dimension", "max_truncation_error", "sweeps",
                  "entanglement_entropy", "seconds"] { #expect(d[k] != nil, "\(k)") }
        #expect(d["model"] as? String == "tfim" && d["sites"] as? Int == 16)
        let e = try #require(d["energy"] as? Double)
        #expect(abs(e - -20.01638790048514) < 1e-9)
        #expect(abs((d["energy_per_site"] as? Double ?? 0) - e / 16) < 1e-15)
        #expect((d["entanglement_entropy"] as? [Double])?.count == 15)
        let sweeps = try #require(d["sweeps"] as? [[String: Any]])
        #expect(!sweeps.isEmpty)
        for s in sweeps {
            for k in ["energy", "max_truncation_error", "max_bond_dimension", "seconds"] { #expect(s[k] != nil, "\(k)") }
        }
    }

    @Test func dmrgRejectsBadArguments() throws {
        for (args, needle) in [(["--model", "potts", "--sites", "8"], "--model"),
                               (["--model", "heisenberg", "--sites", "1"], "--sites"),
                               (["--model", "heisenberg", "--sites", "8", "--max-bond-dimension", "0"], "--max-bond-dimension"),
                               (["--model", "xxz", "--sites", "8", "--cutoff=-1"], "--cutoff"),
                               (["--sites", "8"], "--model")] {
            let r = try run(["dmrg"] + args)
            #expect(r.status == 64, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(needle), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }

    /// `dmrg --fcidump` JSON contract (issue 6) and the LiH/STO-3G FCI energy −7.882403410335496 Eh
    /// (Data/qchem/references.json); `--conserve sz` on the Heisenberg chain reaches the ED energy of L = 12,
    /// −5.14209063284053 (Data/tn/references.json).
    @Test func dmrgChemistryAndConservedSpinKeys() throws {
        let d = try json(["dmrg", "--fcidump", "Data/qchem/lih_sto3g.FCIDUMP", "--max-bond-dimension", "64",
                          "--cutoff", "1e-14", "--json"])
        for k in ["energy", "max_bond_dimension", "max_truncation_error", "sweeps", "entanglement_entropy", "seconds",
                  "norb", "nelec", "ms2", "e_core", "mpo_bond_dimension"] { #expect(d[k] != nil, "\(k)") }
        #expect(d["norb"] as? Int == 6 && d["nelec"] as? Int == 4 && d["ms2"] as? Int == 0)
        #expect(abs((d["energy"] as? Double ?? 0) - -7.882403410335496) < 1e-8)
        let s = try json(["dmrg", "--model", "heisenberg", "--sites", "12", "--conserve", "sz", "--cutoff", "1e-14", "--json"])
        #expect(s["conserve"] as? String == "sz")
        #expect(abs((s["energy"] as? Double ?? 0) - -5.14209063284053) < 1e-10)
        let bad = try run(["dmrg", "--fcidump", "Data/does-not-exist.FCIDUMP"])
        #expect(bad.status == 1 && bad.stderr.contains("Data/does-not-exist.FCIDUMP"))
        let tfim = try run(["dmrg", "--model", "tfim", "--sites", "8", "--conserve", "sz"])
        #expect(tfim.status == 1 && tfim.stderr.contains("conserve"))
    }

    /// Issue 6 additions: `--df-threshold` keys (DF threshold 0 reproduces the exact MPO's energy, so the reported
    /// error is ~0; at 1e-2 the kept factor count is references.json's L = 16 for LiH), `--contraction`, and
    /// `--conserve parity` on the Ising chain against the free-fermion energy of L = 16, −20.01638790048514
    /// (Data/tn/references.json).
    @Test func dmrgDoubleFactorizedAndParity() throws {
        let zero = try json(["dmrg", "--fcidump", "Data/qchem/lih_sto3g.FCIDUMP", "--max-bond-dimension", "64",
                             "--df-threshold", "0", "--json"])
        for k in ["df_threshold", "energy_error_vs_exact_mpo", "mpo_bond_dimension", "exact_energy", "state_energy",
                  "exact_mpo_bond_dimension", "df_retained_eigenvectors"] { #expect(zero[k] != nil, "\(k)") }
        #expect(abs(zero["energy_error_vs_exact_mpo"] as? Double ?? 1) < 1e-9)
        #expect(abs((zero["exact_energy"] as? Double ?? 0) - -7.882403410335496) < 1e-8)
        let coarse = try json(["dmrg", "--fcidump", "Data/qchem/lih_sto3g.FCIDUMP", "--max-bond-dimension", "64",
                               "--df-threshold", "1e-2", "--json"])
        #expect(coarse["df_factors"] as? Int == 16 && coarse["df_retained_eigenvectors"] as? Int == 48)
        #expect(abs(coarse["energy_error_vs_exact_mpo"] as? Double ?? 0) > 1e-6)
        let noDump = try run(["dmrg", "--model", "tfim", "--sites", "8", "--df-threshold", "1e-3"])
        #expect(noDump.status == 64 && noDump.stderr.contains("--df-threshold"))
        let channel = try json(["dmrg", "--model", "heisenberg", "--sites", "12", "--conserve", "sz", "--cutoff", "1e-14",
                                "--contraction", "channel-wise", "--json"])
        #expect(abs((channel["energy"] as? Double ?? 0) - -5.14209063284053) < 1e-10)
        let parity = try json(["dmrg", "--model", "tfim", "--sites", "16", "--conserve", "parity", "--cutoff", "1e-14", "--json"])
        #expect(parity["conserve"] as? String == "parity")
        #expect(abs((parity["energy"] as? Double ?? 0) - -20.01638790048514) < 1e-9)
        let heis = try run(["dmrg", "--model", "heisenberg", "--sites", "8", "--conserve", "parity"])
        #expect(heis.status == 1 && heis.stderr.contains("parity"))
        for (flag, value) in [("--conserve", "sz"), ("--algorithm", "single-site")] {
            let r = try run(["dmrg", "--fcidump", "Data/qchem/lih_sto3g.FCIDUMP", flag, value])
            #expect(r.status == 64 && r.stderr.contains(flag), "\(flag)")
        }
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-lih-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: svg) }
        let plotted = try run(["dmrg", "--fcidump", "Data/qchem/lih_sto3g.FCIDUMP", "--plot", svg.path])
        #expect(plotted.status == 0)
        #expect((try? String(contentsOf: svg, encoding: .utf8))?.contains("<svg") == true)
    }

    /// `dmrg --plot`: |ΔE| is drawn at sweep numbers 2…n, on the same x positions as the truncation error of those
    /// sweeps; the entropy panel's y axis is linear (pixel heights an affine function of S, checked against the
    /// JSON's entanglement entropies).
    @Test func dmrgPlotAxes() throws {
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-plot-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: svg) }
        let d = try json(["dmrg", "--model", "heisenberg", "--sites", "10", "--max-bond-dimension", "4", "--plot", svg.path,
                          "--json"])
        let entropy = try #require(d["entanglement_entropy"] as? [Double])
        let text = try String(contentsOf: svg, encoding: .utf8)
        let lines = text.components(separatedBy: "points=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(lines.count == 3)
        func points(_ line: Substring) -> [(x: Double, y: Double)] {
            line.split(separator: " ").compactMap { pair in
                let v = pair.split(separator: ",").compactMap { Double($0) }
                return v.count == 2 ? (v[0], v[1]) : nil
            }
        }
        let change = points(lines[0]), truncation = points(lines[1]), profile = points(lines[2])
        #expect(change.count == truncation.count - 1)
        for (a, b) in zip(change, truncation.dropFirst()) { #expect(abs(a.x - b.x) < 0.05) }
        #expect(profile.count == entropy.count)
        guard let low = entropy.indices.min(by: { entropy[$0] < entropy[$1] }),
              let high = entropy.indices.max(by: { entropy[$0] < entropy[$1] }), entropy[high] > entropy[low] else { return }
        let slope = (profile[high].y - profile[low].y) / (entropy[high] - entropy[low])
        for j in entropy.indices {
            #expect(abs(profile[low].y + slope * (entropy[j] - entropy[low]) - profile[j].y) < 0.2, "bond \(j + 1)")
        }
    }

    /// `--save-state FILE` writes exactly FILE (no extension added); `--initial-state FILE` resumes there with no
    /// ramp, its first sweep at the saved χ reporting the saved energy to 1e-10 relative; a state of another sector
    /// (saved without --conserve) is refused for a --conserve sz run.
    @Test func dmrgStateRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("chain").path
        // L = 12 at χ = 32 converges well inside --energy-tolerance (1e-10): resuming re-finds the saved energy.
        let base = ["dmrg", "--model", "heisenberg", "--sites", "12", "--max-bond-dimension", "32", "--conserve", "sz"]
        let first = try json(base + ["--save-state", path, "--json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["chain"])
        let resumed = try json(base + ["--initial-state", path, "--noise", "0", "--json"])
        let saved = try #require(first["energy"] as? Double)
        let sweeps = try #require(resumed["sweeps"] as? [[String: Any]])
        let e0 = try #require(sweeps.first?["energy"] as? Double)
        #expect(abs(e0 - saved) <= 1e-10 * abs(saved))
        #expect(sweeps.first?["max_bond_dimension"] as? Int == 32)
        // The central bond's spectrum by sector: weights sum to 1, charges are [2Sz, 0, 0] triples.
        let spectrum = try #require(first["entanglement_spectrum"] as? [[String: Any]])
        let weight = spectrum.reduce(0.0) { sum, sector in
            sum + ((sector["schmidt_values"] as? [Double]) ?? []).reduce(0) { $0 + $1 * $1 }
        }
        #expect(abs(weight - 1) < 1e-10)
        #expect(spectrum.allSatisfy { ($0["charge"] as? [Int])?.count == 3 })
        let densePath = dir.appendingPathComponent("dense").path
        _ = try json(["dmrg", "--model", "heisenberg", "--sites", "12", "--max-bond-dimension", "8", "--save-state", densePath,
                      "--json"])
        let refused = try run(base + ["--initial-state", densePath])
        #expect(refused.status == 1 && refused.stderr.contains("site charges differ"))
        // Ab initio: LiH (6 orbitals, exact at M = 64) saved and resumed re-finds its energy.
        let lih = dir.appendingPathComponent("lih").path
        let chemistry = ["dmrg", "--fcidump", "Data/qchem/lih_sto3g.FCIDUMP", "--max-bond-dimension", "64"]
        let savedLiH = try json(chemistry + ["--save-state", lih, "--json"])
        let again = try json(chemistry + ["--initial-state", lih, "--json"])
        let e = try #require(savedLiH["energy"] as? Double)
        let e1 = try #require((again["sweeps"] as? [[String: Any]])?.first?["energy"] as? Double)
        #expect(abs(e1 - e) <= 1e-10 * abs(e))
    }

    /// `lowrank nmf`: the JSON keys of the issue and identities: the objective is the divergence without penalties, `--beta kullback-leibler` is `kl`, exactly `--iterations` run, and `--out` holds W (m × k) and H (k × n)
    /// whose product reproduces the reported divergence.
    @Test func nmfKeysAndOutputs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-nmf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try NPYFixture.write("nmf-x.npy", shape: [6, 5]) { i in Double((i[0] * 7 + i[1] * 3) % 5) + (i[0] == i[1] ? 2 : 0) }
        let out = dir.appendingPathComponent("model").path
        let d = try json(["nmf", x, "--rank", "2", "--beta", "kullback-leibler", "--iterations", "25", "--out", out, "--json"])
        for key in ["objective", "divergence", "iterations", "zeros_w", "zeros_h", "seconds"] { #expect(d[key] != nil, "\(key)") }
        #expect(d["beta"] as? String == "kl" && d["iterations"] as? Int == 25)
        let objective = try #require(d["objective"] as? Double), divergence = try #require(d["divergence"] as? Double)
        #expect(objective == divergence)
        /// A 2-D little-endian float64 `.npy` as an entry function (i, j) → value.
        func matrix(_ path: String) throws -> (shape: [Int], at: (Int, Int) -> Double) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
            let fortran = header.contains("'fortran_order': True")
            let inside = header.split(separator: "(")[1].split(separator: ")")[0]
            let shape = inside.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let values = stride(from: 10 + headerLength, to: bytes.count, by: 8).map { start in
                Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << (8 * UInt64($1)) })
            }
            return (shape, { i, j in fortran ? values[i + shape[0] * j] : values[i * shape[1] + j] })
        }
        let (ws, w) = try matrix(out + "/W.npy"), (hs, h) = try matrix(out + "/H.npy"), (_, xm) = try matrix(x)
        #expect(ws == [6, 2] && hs == [2, 5])
        var kl = 0.0
        for i in 0..<6 { for j in 0..<5 {
            let wh = w(i, 0) * h(0, j) + w(i, 1) * h(1, j)
            if xm(i, j) > 0 { kl += xm(i, j) * log(xm(i, j) / wh) }
            kl += wh - xm(i, j)
        } }
        #expect(abs(kl - divergence) <= 1e-9 * abs(divergence))
        let early = try json(["nmf", x, "--rank", "2", "--iterations", "5000", "--tolerance", "1e-4", "--json"])
        #expect((early["iterations"] as? Int ?? 5000) < 5000)
    }

    /// `lowrank layers`: an identity network (two 4 × 4 identities, zero biases) classifies every sample by its largest
    /// feature; labels set that way give accuracy 1 dense, and the chosen ranks keep it (tolerance 0).
    @Test func layersKeysAndIdentity() throws {
        let eye = try NPYFixture.write("eye.npy", shape: [4, 4]) { $0[0] == $0[1] ? 1 : 0 }
        let zero = try NPYFixture.write("zero.npy", shape: [4]) { _ in 0 }
        let x = try NPYFixture.write("x.npy", shape: [40, 4]) { i in Double((i[0] * 7 + i[1] * 3) % 11) + (i[0] % 4 == i[1] ? 20 : 0) }
        let y = try NPYFixture.write("y.npy", shape: [40]) { i in Double(i[0] % 4) }
        let d = try json(["layers", "--weights", "\(eye),\(eye)", "--biases", "\(zero),\(zero)", "--inputs", x, "--labels", y,
                          "--tolerance", "0", "--json"])
        for key in ["layers", "parameters_dense", "parameters_factored", "reduction", "accuracy_dense", "accuracy_factored",
                    "validation_accuracy_dense", "validation_accuracy_factored", "forward_seconds_dense",
                    "forward_seconds_factored", "validation_samples", "test_samples"] { #expect(d[key] != nil, "\(key)") }
        #expect(d["accuracy_dense"] as? Double == 1 && d["accuracy_factored"] as? Double == 1)
        #expect(d["parameters_dense"] as? Int == 40 && d["validation_samples"] as? Int == 20)
    }

    /// `lowrank embed`: the JSON keys of the issue, `similarity` keyed by the pairs file's base name; a word and itself
    /// at similarity 1 make a list whose covered pairs are counted.
    @Test func embedKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-embed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.txt").path, pairs = dir.appendingPathComponent("pairs.tsv").path
        let lines = (0..<60).map { i in ["the cat sat on the mat", "a dog ran to the log", "the cat and the dog"][i % 3] }
        try (lines.joined(separator: "\n") + "\n").write(toFile: corpus, atomically: true, encoding: .utf8)
        try "cat\tdog\t5\ncat\tmat\t3\ndog\tlog\t4\nzebra\tcat\t1\n".write(toFile: pairs, atomically: true, encoding: .utf8)
        let d = try json(["embed", corpus, "--dim", "3", "--window", "2", "--pairs", pairs, "--json"])
        for key in ["vocabulary", "corpus_words", "seconds", "similarity"] { #expect(d[key] != nil, "\(key)") }
        #expect(d["vocabulary"] as? Int == 11 && d["corpus_words"] as? Int == 340)
        let score = try #require((d["similarity"] as? [String: Any])?["pairs.tsv"] as? [String: Any])
        #expect(score["pairs_covered"] as? Int == 3 && score["pairs"] as? Int == 4)
        #expect(score["spearman"] != nil)
    }
}
