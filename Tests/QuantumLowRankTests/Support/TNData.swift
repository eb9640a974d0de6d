import Foundation

/// Locates `Data/tn/references.json` (copied from the shared reference data; see Data/tn/README.md).
enum TNData {
    nonisolated(unsafe) static let references: [String: Any] = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Data/tn/references.json")
            if FileManager.default.fileExists(atPath: candidate.path) {
                let data = try! Data(contentsOf: candidate)
                return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
            }
        }
        fatalError("Data/tn/references.json not found above \(#filePath)")
    }()

    /// Free-fermion TFIM energy (open chain, g = J = 1) for L sites.
    static func tfim(_ L: Int) -> Double {
        ((references["tfim_open_g1"] as! [String: Any])["\(L)"] as! [String: Any])["E0"] as! Double
    }

    /// Exact-diagonalization Heisenberg energy for L sites.
    static func heisenbergED(_ L: Int) -> Double {
        ((references["heisenberg_ed"] as! [String: Any])["\(L)"] as! [String: Any])["E0_ED"] as! Double
    }

    /// The L = 100 Heisenberg reference energy.
    static var heisenberg100: Double {
        (references["heisenberg_L100"] as! [String: Any])["E0"] as! Double
    }
}
