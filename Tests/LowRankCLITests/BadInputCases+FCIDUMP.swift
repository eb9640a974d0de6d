import Foundation
import Testing

// FCIDUMP headers checked against the data, real files written by PySCF, and what eri/dmrg do with them.
extension BadInputCatalogue {
    static func header(_ body: String) -> String { "&FCI \(body)\n&END\n" }

    /// A 2-orbital file in PySCF's 4-fold layout: (ij|kl) and (kl|ij) both written, the second copy off in the last
    /// bits. The integrals are M = V Vᵀ over the pairs (11), (21), (22), so the supermatrix is positive semidefinite;
    /// V is chosen so that (22|21) ≈ 2.2e-5 is tiny, where PySCF's twins differ by about 3e-14 absolute.
    static let pyscfLayout: String = {
        let v: [[Double]] = [[1, 0.2, 0.5], [0, 0.3, (2.231030365551132e-05 - 0.1) / 0.3]]
        let pairs = [(1, 1), (2, 1), (2, 2)]
        var lines = ""
        for p in 0..<3 {
            for q in 0...p {
                let value = v[0][p] * v[0][q] + v[1][p] * v[1][q]
                let (i, j) = pairs[p], (k, l) = pairs[q]
                lines += "\(value) \(i) \(j) \(k) \(l)\n"
                if p != q {
                    let twin = value.magnitude < 1e-3 ? value + 3e-14 : value * (1 + 1e-11)  // computed separately
                    lines += "\(twin) \(k) \(l) \(i) \(j)\n"
                }
            }
        }
        return header("NORB=2,NELEC=2,MS2=0,ORBSYM=1,1,ISYM=1,") + lines + "-1.2528 1 1 0 0\n-0.4759 2 2 0 0\n0.7137 0 0 0 0\n"
    }()

    static let fcidumps: [BadInput] = [
        BadInput(name: "eri no integrals", args: ["eri", "x.FCIDUMP", "--json"], message: ["x.FCIDUMP", "no integrals"],
                 setup: { try $0.write("x.FCIDUMP", header("NORB=2,NELEC=2,MS2=0,")) },
                 check: { _, r in #expect(r.stdout.isEmpty) }),
        BadInput(name: "dmrg --fcidump no integrals", args: ["dmrg", "--fcidump", "x.FCIDUMP"], message: ["x.FCIDUMP", "no integrals"],
                 setup: { try $0.write("x.FCIDUMP", header("NORB=2,NELEC=2,MS2=0,")) }),
        BadInput(name: "eri NELEC above 2 NORB", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "NELEC = 20"],
                 setup: h2oWith { $0.replacingOccurrences(of: "NELEC=10", with: "NELEC=20") }),
        BadInput(name: "eri NELEC and MS2 parity", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "NELEC = 11"],
                 setup: h2oWith { $0.replacingOccurrences(of: "NELEC=10", with: "NELEC=11") }),
        BadInput(name: "eri MS2 = 30", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "|MS2| = 30"],
                 setup: h2oWith { $0.replacingOccurrences(of: "MS2=0", with: "MS2=30") }),
        BadInput(name: "eri UHF", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "UHF"],
                 setup: h2oWith { $0.replacingOccurrences(of: "ISYM=1,", with: "ISYM=1,\n  UHF=.TRUE.,") }),
        BadInput(name: "eri missing &END", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "&END"],
                 setup: h2oWith { $0.replacingOccurrences(of: " &END\n", with: "") }),
        BadInput(name: "eri conflicting duplicate", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "conflicting"],
                 setup: { try $0.write("x.FCIDUMP", BadInputFiles.fcidump(integrals: "0.6746 1 1 1 1\n0.6747 1 1 1 1\n0.7 0 0 0 0\n")) }),
        BadInput(name: "eri NORB above the limit", args: ["eri", "x.FCIDUMP"], message: ["x.FCIDUMP", "NORB"],
                 setup: { try $0.write("x.FCIDUMP", header("NORB=100000,NELEC=2,MS2=0,") + "1.0 1 1 1 1\n") }),
        BadInput(name: "eri open shell: energies skipped with the reason", args: ["eri", "x.FCIDUMP", "--json"], status: 0,
                 setup: h2oWith { $0.replacingOccurrences(of: "NELEC=10,MS2=0", with: "NELEC=10,MS2=2") },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     let e = try #require(d["energy"] as? [String: Any])
                     #expect(e["rhf"] == nil && (e["skipped"] as? String)?.contains("MS2 = 2") == true)
                 }),
        BadInput(name: "eri PySCF 4-fold duplicates accepted", args: ["eri", "p.FCIDUMP", "--json", "--df", "1e-3"], status: 0,
                 setup: { try $0.write("p.FCIDUMP", pyscfLayout) },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     #expect(d["norb"] as? Int == 2)
                 }),
        BadInput(name: "eri CRLF and BOM read as LF", args: ["eri", "crlf.FCIDUMP", "--json", "--df", "1e-3"], status: 0,
                 setup: { f in
                     let text = try String(contentsOf: CLIContractTests.root.appendingPathComponent(h2o), encoding: .utf8)
                     try f.write("crlf.FCIDUMP", [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
                 },
                 check: { _, r in
                     let d = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
                     let rhf = try #require((d["energy"] as? [String: Any])?["rhf"] as? Double)
                     #expect(abs(rhf - -74.96302313846283) < 1e-8)  // PySCF RHF for h2o_sto3g (Data/qchem/references.json)
                 }),
    ]
}
