import LowRankKernels
import LowRankIO

/// A model folder (see ``FactorModel/write(to:)``) that cannot be read back.
public struct ModelFolderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file (or folder) to blame.
    public let path: String
    /// What is wrong.
    public let reason: String
    /// "PATH: REASON".
    public var description: String { "\(path): \(reason)" }

    /// An error for `path` with `reason`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

extension FactorModel {
    /// Reads a model folder written by ``write(to:)``: the factor matrices (users × k and items × k), the bias
    /// vectors, μ and the id lists (one per line, index order; a trailing line break is optional, CRLF tolerated).
    /// - Throws: ``ModelFolderError`` for a missing or unreadable text file, a μ that is not a finite number, shapes
    ///   that disagree (ranks, id counts, bias lengths) or repeated ids; ``NumPyError`` for a bad `.npy` file.
    public static func read(from directory: String) throws -> FactorModel {
        func path(_ name: String) -> String { directory + "/" + name }
        func text(_ name: String) throws(ModelFolderError) -> String {
            do { return String(decoding: try InputFile.read(path(name)), as: UTF8.self) } catch {
                throw ModelFolderError(path: path(name), reason: error.reason)
            }
        }
        func lines(_ name: String) throws(ModelFolderError) -> [String] {
            var out = try text(name).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            if out.last == "" { out.removeLast() }
            return out
        }
        let u = try NumPy.readMatrix(path(FileName.userFactors), as: Double.self)
        let v = try NumPy.readMatrix(path(FileName.itemFactors), as: Double.self)
        let b = try NumPy.read(path(FileName.userBiases), as: Double.self)
        let c = try NumPy.read(path(FileName.itemBiases), as: Double.self)
        let muText = try text(FileName.globalMean).trimmingASCIIWhitespace
        guard let mu = Double(muText), mu.isFinite else {
            throw ModelFolderError(path: path(FileName.globalMean), reason: "'\(muText)' is not a finite number")
        }
        let userIds = try lines(FileName.userIds), itemIds = try lines(FileName.itemIds)
        func check(_ ok: Bool, _ name: String, _ reason: String) throws(ModelFolderError) {
            if !ok { throw ModelFolderError(path: path(name), reason: reason) }
        }
        try check(u.columns == v.columns, FileName.itemFactors, "rank \(v.columns) differs from the user factors' \(u.columns)")
        try check(u.rows == userIds.count, FileName.userIds, "\(userIds.count) ids for \(u.rows) user factor rows")
        try check(v.rows == itemIds.count, FileName.itemIds, "\(itemIds.count) ids for \(v.rows) item factor rows")
        try check(b.rank == 1 && b.count == u.rows, FileName.userBiases, "shape \(b.shape), expected (\(u.rows),)")
        try check(c.rank == 1 && c.count == v.rows, FileName.itemBiases, "shape \(c.shape), expected (\(v.rows),)")
        var ui: [String: Int] = [:], ii: [String: Int] = [:]
        for (k, id) in userIds.enumerated() {
            try check(ui.updateValue(k, forKey: id) == nil, FileName.userIds, "user id '\(id)' repeats (line \(k + 1))")
        }
        for (k, id) in itemIds.enumerated() {
            try check(ii.updateValue(k, forKey: id) == nil, FileName.itemIds, "item id '\(id)' repeats (line \(k + 1))")
        }
        return FactorModel(globalMean: mu, userBiases: b.elements, itemBiases: c.elements, userFactors: u.transposed,
                           itemFactors: v.transposed, userIds: userIds, itemIds: itemIds, userIndex: ui, itemIndex: ii)
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs, CR and LF.
    var trimmingASCIIWhitespace: String {
        let ws: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var s = Substring(self)
        while let f = s.first, ws.contains(f) { s = s.dropFirst() }
        while let l = s.last, ws.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
