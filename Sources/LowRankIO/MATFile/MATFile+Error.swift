extension MATFile {
    /// Errors naming the file and variable.
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        /// matio cannot open the file (missing, unreadable, or not a .mat file).
        case cannotOpen(file: String)
        /// No variable called `name`; `available` lists the names the file holds.
        case missingVariable(file: String, name: String, available: [String])
        /// The variable exists but is not a real double matrix (dense or sparse).
        case unsupported(file: String, name: String, reason: String)
        /// A MATLAB v5 file is damaged (or a v4 file's sizes exceed the file): an element runs past the end of the file or of its parent, array data do not
        /// match their dimensions, or a compressed variable fails to inflate (zlib's reason, e.g. "incorrect data
        /// check", is given). `variable` is the damaged top-level variable (`nil` for the file header).
        case corrupt(file: String, variable: VariableLocation?, reason: String)

        /// One line: "PATH: …".
        public var description: String {
            switch self {
            case .cannotOpen(let f): return "\(f): cannot open as a MATLAB .mat file"
            case let .missingVariable(f, n, available):
                return "\(f): no variable '\(n)' (the file holds: \(available.isEmpty ? "nothing readable" : available.joined(separator: ", ")))"
            case let .unsupported(f, n, r): return "\(f): variable '\(n)': unsupported \(r)"
            case let .corrupt(f, v?, r):
                return "\(f): corrupt \(v.compressed ? "compressed " : "")variable \(v.name.map { "'\($0)'" } ?? "#\(v.index)") (\(r))"
            case let .corrupt(f, nil, r): return "\(f): corrupt .mat file (\(r))"
            }
        }
    }

    /// Where a damaged variable sits in a v5 file.
    public struct VariableLocation: Equatable, Sendable {
        /// The array name, when it could be read before the damage.
        public var name: String?
        /// The 1-based position of the variable's element in the file.
        public var index: Int
        /// `true` for a miCOMPRESSED element (zlib-compressed, as MATLAB's default `-v7` writes).
        public var compressed: Bool

        /// A location; `name` is `nil` when it could not be read.
        public init(name: String?, index: Int, compressed: Bool) {
            self.name = name
            self.index = index
            self.compressed = compressed
        }
    }
}
