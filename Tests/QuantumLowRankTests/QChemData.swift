import Foundation

/// Locates `Data/qchem` from this file's path and reads `references.json`.
enum QChemData {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Data/qchem")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("references.json").path) {
                return candidate.path
            }
        }
        fatalError("Data/qchem not found above \(#filePath)")
    }()

    static func path(_ file: String) -> String { directory + "/" + file }

    /// `molecules` from references.json.
    nonisolated(unsafe) static let molecules: [String: [String: Any]] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: path("references.json")))
        let json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return json["molecules"] as! [String: [String: Any]]
    }()

    /// Molecules whose entries carry RHF and MP2 reference energies.
    static let withEnergies = ["h2o_sto3g", "lih_sto3g", "h10_sto3g_r1.0A", "h2o_ccpvdz"]

    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "/lowrank-fcidump-\(getpid())-\(UUID().uuidString.prefix(8))-" + name
    }
}
