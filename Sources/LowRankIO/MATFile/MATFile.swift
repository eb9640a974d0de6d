import LowRankKernels
import LowRankSparse

/// MATLAB `.mat` files (v4, v5, v7.3/HDF5) through the matio library: real double matrices,
/// dense or sparse (MATLAB's sparse storage is compressed sparse column, as `SparseMatrix`).
///
/// Every v5 file is checked before matio touches it (matio would skip a compressed variable that fails to inflate
/// and read a damaged one without verifying its checksum): each element must lie inside the file, each compressed
/// variable must inflate completely with a correct Adler-32 checksum, and each array's subelements must lie inside
/// it with data of the size its dimensions imply. A damaged file is refused with
/// ``Error/corrupt(file:variable:reason:)``, e.g. "PATH: corrupt compressed variable 'A' (incorrect data check)".
/// v7.3 files (HDF5, signature at byte 512) pass to matio unchanged; v4 files (no header text or version) pass after
/// a check that every matrix's data lie inside the file (matio allocates what a v4 header claims).
public enum MATFile {
    /// A matrix read from a `.mat` file.
    public enum Variable: Sendable {
        /// A full matrix.
        case dense(Matrix<Double>)
        /// A MATLAB sparse matrix, kept in compressed sparse column form.
        case sparse(SparseMatrix<Double>)
    }

    /// The variable names in the file.
    /// - Throws: ``Error`` (``Error/corrupt(file:variable:reason:)`` for a damaged v5 file).
    public static func variableNames(_ path: String) throws -> [String] {
        try InputFile.requireRegularFile(path)
        return try names(path)
    }

    /// Reads variable `name` as a dense or sparse real matrix.
    /// - Throws: ``Error`` naming the file (``Error/corrupt(file:variable:reason:)`` for a damaged v5 file,
    ///   refused before matio reads it), or `LinearAlgebraError` for non-finite or inconsistent data.
    public static func read(_ path: String, variable name: String) throws -> Variable {
        try InputFile.requireRegularFile(path)
        let v = try load(path, variable: name)
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
