/// MATLAB `.mat` files (v4, v5, v7.3/HDF5) through the matio library: real double matrices,
/// dense or sparse (MATLAB's sparse storage is compressed sparse column, as ``SparseMatrix``).
public enum MATFile {
    /// A matrix read from a `.mat` file.
    public enum Variable: Sendable {
        case dense(Matrix<Double>)
        case sparse(SparseMatrix<Double>)
    }

    /// Errors naming the file and variable.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case cannotOpen(file: String)
        case missingVariable(file: String, name: String, available: [String])
        case unsupported(file: String, name: String, reason: String)

        public var description: String {
            switch self {
            case .cannotOpen(let f): return "\(f): cannot open as a MATLAB .mat file"
            case let .missingVariable(f, n, available):
                return "\(f): no variable '\(n)' (the file holds: \(available.isEmpty ? "nothing readable" : available.joined(separator: ", ")))"
            case let .unsupported(f, n, r): return "\(f): variable '\(n)': unsupported \(r)"
            }
        }
    }

    /// The variable names in the file.
    public static func variableNames(_ path: String) throws -> [String] {
        try InputFile.requireRegularFile(path)
        do { return try Matio.variableNames(path: path) } catch { throw Error.cannotOpen(file: path) }
    }

    /// Reads variable `name` as a dense or sparse real matrix.
    public static func read(_ path: String, variable name: String) throws -> Variable {
        try InputFile.requireRegularFile(path)
        let v: Matio.Variable
        do {
            v = try Matio.read(path: path, name: name)
        } catch Matio.Failure.open {
            throw Error.cannotOpen(file: path)
        } catch Matio.Failure.missing {
            throw Error.missingVariable(file: path, name: name, available: (try? variableNames(path)) ?? [])
        } catch Matio.Failure.unsupported(let reason) {
            throw Error.unsupported(file: path, name: name, reason: reason)
        }
        switch v {
        case let .dense(r, c, values):
            let m = try Matrix(rows: r, columns: c, elements: values)
            try m.requireFinite("\(path):\(name)")
            return .dense(m)
        case let .sparse(r, c, cp, ri, values):
            let s = try SparseMatrix(rows: r, columns: c, columnPointers: cp, rowIndices: ri, values: values)
            try s.requireFinite("\(path):\(name)")
            return .sparse(s)
        }
    }

    /// `true` when the file holds a variable called `name`.
    public static func contains(_ path: String, variable name: String) -> Bool {
        ((try? variableNames(path)) ?? []).contains(name)
    }
}

extension MATFile.Variable {
    /// The dense form.
    public var dense: Matrix<Double> {
        switch self { case .dense(let m): return m; case .sparse(let s): return s.dense }
    }
}
