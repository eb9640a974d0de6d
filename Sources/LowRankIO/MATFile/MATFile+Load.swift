extension MATFile {
    /// Validates the file (``MATv5Validator``), then reads variable `name` through matio: the one path from a
    /// file to matio's data, shared by ``read(_:variable:)`` and the libFuzzer target.
    static func load(_ path: String, variable name: String) throws(MATFile.Error) -> Matio.Variable {
        try MATv5Validator.validate(path: path)
        do {
            return try Matio.read(path: path, name: name)
        } catch {
            switch error {
            case .open: throw .cannotOpen(file: path)
            case .missing: throw .missingVariable(file: path, name: name, available: (try? names(path)) ?? [])
            case .unsupported(let reason): throw .unsupported(file: path, name: name, reason: reason)
            }
        }
    }

    /// Validates the file, then lists its variable names through matio.
    static func names(_ path: String) throws(MATFile.Error) -> [String] {
        try MATv5Validator.validate(path: path)
        do { return try Matio.variableNames(path: path) } catch { throw .cannotOpen(file: path) }
    }
}
