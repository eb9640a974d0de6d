import Foundation
import LowRankKernels
import QuantumLowRank

/// The integrals of a shipped FCIDUMP in the form the factorizations take (read with ``FCIDUMP``).
///
/// Holds the one-body `h` (n × n) and the pair-space supermatrix `M[(pq),(rs)] = (pq|rs)` over
/// `pairIndex(p, q) = P(P+1)/2 + Q` (0-based, P = max, Q = min) from the 8-fold-symmetric integral lines.
struct TestIntegrals {
    let orbitals: Int
    let h: Matrix<Double>
    let supermatrix: Matrix<Double>
    let coreEnergy: Double

    static func pairIndex(_ p: Int, _ q: Int) -> Int { ERITensor.pairIndex(p, q) }

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
        let dump = try FCIDUMP.read(url.path)
        return try TestIntegrals(orbitals: dump.orbitals, h: dump.h, supermatrix: dump.eri.supermatrix(),
                             coreEnergy: dump.coreEnergy)
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
