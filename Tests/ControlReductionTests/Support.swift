import Foundation
import ControlReduction
import LowRankKernels

/// Paths to the models shipped in Data/control (relative to this file, so tests run from any directory).
enum Models {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Data/control").path
    }()

    static func path(_ name: String) -> String { root + "/" + name }

    static func load(_ name: String) throws -> LTISystem { try LTISystem.load(directory: path(name)) }

    /// Reference Hankel singular values stored next to a model (one per line, `#` comments).
    static func referenceHSV(_ name: String, file: String) throws -> [Double] {
        let text = try String(contentsOfFile: path(name) + "/" + file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            line.hasPrefix("#") ? nil : Double(line.trimmingCharacters(in: .whitespaces))
        }
    }

    /// max relative difference over the values ≥ 1e-6 σ₁ (the issue's acceptance rule).
    static func maxRelativeDifference(_ a: [Double], _ ref: [Double]) -> Double {
        let cut = 1e-6 * (ref.first ?? 0)
        var worst = 0.0
        for (x, r) in zip(a, ref) where r >= cut { worst = Swift.max(worst, Swift.abs(x - r) / r) }
        return worst
    }
}
