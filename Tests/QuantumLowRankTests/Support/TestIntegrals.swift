import Foundation
import LowRankKernels

/// Test-only FCIDUMP reader (small and simple; to be replaced by the real parser).
///
/// Builds the one-body `h` (n × n) and the pair-space supermatrix `M[(pq),(rs)] = (pq|rs)` over
/// `pairIndex(p, q) = P(P+1)/2 + Q` (0-based, P = max, Q = min) from the 8-fold-symmetric integral lines.
struct TestIntegrals {
    let orbitals: Int
    let h: Matrix<Double>
    let supermatrix: Matrix<Double>
    let coreEnergy: Double

    static func pairIndex(_ p: Int, _ q: Int) -> Int { p >= q ? p * (p + 1) / 2 + q : q * (q + 1) / 2 + p }

    /// The repository root (this file lives in Tests/QuantumLowRankTests/Support/).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static func dataURL(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Data/qchem").appendingPathComponent(name)
    }

    /// Loads `Data/qchem/<name>`.
    static func load(_ name: String) throws -> TestIntegrals { try load(url: dataURL(name)) }

    static func load(url: URL) throws -> TestIntegrals {
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let end = text.range(of: "&END", options: .caseInsensitive) ?? text.range(of: "/\n") else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let header = text[..<end.lowerBound].uppercased()
        guard let norbRange = header.range(of: "NORB") else { throw CocoaError(.fileReadCorruptFile) }
        let afterNorb = header[norbRange.upperBound...].drop { $0 == " " || $0 == "=" }
        let n = Int(afterNorb.prefix { $0.isNumber })!
        let np = n * (n + 1) / 2
        var m = [Double](repeating: 0, count: np * np)
        var h = [Double](repeating: 0, count: n * n)
        var core = 0.0
        let body = text[end.upperBound...]
        for line in body.split(separator: "\n", omittingEmptySubsequences: true) {
            let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
            guard tokens.count >= 5, let v = Double(tokens[0]),
                  let i = Int(tokens[1]), let j = Int(tokens[2]), let k = Int(tokens[3]), let l = Int(tokens[4])
            else { continue }
            if i > 0 && j > 0 && k > 0 && l > 0 {
                let a = pairIndex(i - 1, j - 1), b = pairIndex(k - 1, l - 1)
                m[a + b * np] = v
                m[b + a * np] = v
            } else if i > 0 && j > 0 {
                h[(i - 1) + (j - 1) * n] = v
                h[(j - 1) + (i - 1) * n] = v
            } else if i == 0 && j == 0 && k == 0 && l == 0 {
                core = v
            }
        }
        return TestIntegrals(orbitals: n, h: try Matrix(rows: n, columns: n, elements: h),
                             supermatrix: try Matrix(rows: np, columns: np, elements: m), coreEnergy: core)
    }
}

/// Reference numbers from Data/qchem/references.json.
struct QChemReferences {
    struct Cholesky { let tol: Double; let vectors: Int; let maxAbsError: Double }
    struct DF { let threshold: Double; let l: Int; let retained: Int; let lambdaDF: Double; let lambdaF: Double
                let maxAbsError: Double }
    struct SF { let rank: Int; let lambdaSF: Double; let lambdaT: Double; let lambdaW: Double }
    struct Molecule { let file: String; let norb: Int; let lambdaT: Double; let cholesky: [Cholesky]; let df: [DF]
                      let sf: [SF] }

    static func molecule(_ key: String) throws -> Molecule {
        let data = try Data(contentsOf: TestIntegrals.dataURL("references.json"))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let mol = (root["molecules"] as! [String: Any])[key] as! [String: Any]
        func d(_ x: Any?) -> Double { (x as! NSNumber).doubleValue }
        func i(_ x: Any?) -> Int { (x as! NSNumber).intValue }
        return Molecule(
            file: mol["file"] as! String, norb: i(mol["norb"]), lambdaT: d(mol["lambda_T"]),
            cholesky: (mol["cholesky"] as! [[String: Any]]).map {
                Cholesky(tol: d($0["tol"]), vectors: i($0["vectors"]), maxAbsError: d($0["max_abs_error"])) },
            df: (mol["double_factorization"] as! [[String: Any]]).map {
                DF(threshold: d($0["threshold"]), l: i($0["L"]), retained: i($0["retained_eigenvectors"]),
                   lambdaDF: d($0["lambda_df"]), lambdaF: d($0["lambda_f"]), maxAbsError: d($0["max_abs_error"])) },
            sf: (mol["single_factorization"] as! [[String: Any]]).map {
                SF(rank: i($0["rank"]), lambdaSF: d($0["lambda_sf"]), lambdaT: d($0["lambda_t_sf"]),
                   lambdaW: d($0["lambda_w"])) })
    }

    /// The molecules with plain-text FCIDUMPs in Data/qchem (FeMoco is gzip-compressed and left out).
    static let plainMolecules = ["h2o_sto3g", "lih_sto3g", "h10_sto3g_r1.0A", "h2o_ccpvdz"]
}
