import Foundation
import LowRankKernels
import LowRankSparse
import LowRankIO

extension LTISystem {
    /// Errors while loading a model.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        /// A required file (`A.mtx`, `B.mtx`, `C.mtx`) is missing from the model folder.
        case missingFile(String)
        /// The path is neither a model folder nor a `.mat` file.
        case unsupportedPath(String)
        public var description: String {
            switch self {
            case .missingFile(let f): return "\(f): no such file (a model folder needs A.mtx, B.mtx, C.mtx, optional E.mtx, D.mtx)"
            case .unsupportedPath(let p): return "\(p): neither a model folder (A.mtx B.mtx C.mtx [E.mtx] [D.mtx]) nor a .mat file"
            }
        }
    }

    /// Loads a model from a folder of Matrix Market files or from a MATLAB `.mat` file.
    public static func load(path: String) throws -> LTISystem {
        path.lowercased().hasSuffix(".mat") ? try load(matFile: path) : try load(directory: path)
    }

    /// Loads `A, B, C[, E, D]` from a MATLAB `.mat` file (v4/v5/v7.3, dense or sparse, real double).
    public static func load(matFile path: String) throws -> LTISystem {
        guard FileManager.default.fileExists(atPath: path) else { throw LoadError.missingFile(path) }
        func system(_ v: MATFile.Variable) -> SystemMatrix {
            switch v { case .dense(let m): return .dense(m); case .sparse(let s): return .sparse(s) }
        }
        let a = system(try MATFile.read(path, variable: "A"))
        let b = try MATFile.read(path, variable: "B").dense
        let c = try MATFile.read(path, variable: "C").dense
        let e = MATFile.contains(path, variable: "E") ? system(try MATFile.read(path, variable: "E")) : nil
        let d = MATFile.contains(path, variable: "D") ? try MATFile.read(path, variable: "D").dense : nil
        var names = ["A": "\(path):A", "B": "\(path):B", "C": "\(path):C"]
        if e != nil { names["E"] = "\(path):E" }
        if d != nil { names["D"] = "\(path):D" }
        return try LTISystem(a: a, b: b, c: c, d: d.flatMap { $0.isEmpty || $0.maxAbs == 0 ? nil : $0 }, e: e, names: names)
    }

    /// Loads `A.mtx B.mtx C.mtx [E.mtx] [D.mtx]` from a folder. `A` and `E` are kept sparse when
    /// stored in `coordinate` format with less than 25 % fill, dense otherwise; `B`, `C`, `D` are dense.
    public static func load(directory: String) throws -> LTISystem {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw LoadError.unsupportedPath(directory)
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
        for required in ["A.mtx", "B.mtx", "C.mtx"] where !exists(required) { throw LoadError.missingFile(path(required)) }
        func systemMatrix(_ name: String) throws -> SystemMatrix {
            let doc = try MatrixMarket.readDocument(path(name))
            let sparse = doc.header.format == .coordinate
                && Double(doc.header.entries) < 0.25 * Double(doc.rows) * Double(Swift.max(doc.columns, 1))
            if sparse { return .sparse(try MatrixMarket.sparse(doc, as: Double.self, name: path(name))) }
            return .dense(try MatrixMarket.dense(doc, as: Double.self, name: path(name)))
        }
        let a = try systemMatrix("A.mtx")
        let e = exists("E.mtx") ? try systemMatrix("E.mtx") : nil
        let b = try MatrixMarket.readDense(path("B.mtx"))
        let c = try MatrixMarket.readDense(path("C.mtx"))
        let d = exists("D.mtx") ? try MatrixMarket.readDense(path("D.mtx")) : nil
        var names = ["A": path("A.mtx"), "B": path("B.mtx"), "C": path("C.mtx")]
        if e != nil { names["E"] = path("E.mtx") }
        if d != nil { names["D"] = path("D.mtx") }
        return try LTISystem(a: a, b: b, c: c, d: d, e: e, names: names)
    }

    /// Writes the system as `A.mtx B.mtx C.mtx [E.mtx] [D.mtx]` into the folder `directory`, atomically
    /// (`AtomicDirectory`): the folder appears complete or not at all, so no stale `E.mtx` of an earlier model can
    /// remain beside the new files. An existing `directory` is replaced only when it is an earlier output or empty.
    public func write(to directory: String) throws {
        try AtomicDirectory.write(to: directory) { folder in
            func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
            func put(_ m: SystemMatrix, _ name: String) throws {
                switch m {
                case .dense(let d): try MatrixMarket.write(d, to: path(name))
                case .sparse(let s): try MatrixMarket.write(s, to: path(name))
                }
            }
            try put(a, "A.mtx")
            try MatrixMarket.write(b, to: path("B.mtx"))
            try MatrixMarket.write(c, to: path("C.mtx"))
            if let e { try put(e, "E.mtx") }
            if let d { try MatrixMarket.write(d, to: path("D.mtx")) }
        }
    }
}
