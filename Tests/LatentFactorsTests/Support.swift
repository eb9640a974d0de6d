import Foundation
@testable import LatentFactors

/// Writes `text` (UTF-8) to a fresh temporary file and returns its path.
func ratingsFile(_ text: String, name: String = "r.data") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

/// The same text with CRLF line endings and a UTF-8 byte-order mark.
func crlfBOM(_ text: String) -> String {
    "\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n")
}

/// The error a throwing expression raises, as a `RatingsError`.
func ratingsError(_ body: () throws -> Void) -> RatingsError? {
    do { try body() } catch let e as RatingsError { return e } catch { return nil }
    return nil
}

/// (user id, item id, value) triples of all entries in CSR order.
func triples(_ r: Ratings) -> [String] {
    var out: [String] = []
    for u in 0..<r.userCount {
        for k in r.rowOffsets[u]..<r.rowOffsets[u + 1] {
            out.append("\(r.userIds[u]) \(r.itemIds[Int(r.rowItems[k])]) \(r.rowValues[k])")
        }
    }
    return out
}

/// The same triples read from the CSC orientation, sorted (to compare with the CSR ones).
func columnTriples(_ r: Ratings) -> [String] {
    var out: [String] = []
    for i in 0..<r.itemCount {
        for k in r.columnOffsets[i]..<r.columnOffsets[i + 1] {
            out.append("\(r.userIds[Int(r.columnUsers[k])]) \(r.itemIds[i]) \(r.columnValues[k])")
        }
    }
    return out
}
