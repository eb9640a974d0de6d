import Foundation
import Testing

/// One hostile, malformed or edge-case invocation of `lowrank`, with what it must do: its exit status, the words its
/// message must hold (the file, line or argument it names), and (unless `writes`) no file created or changed in its
/// fixture folder.
struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let args: [String]
    var status: Int32 = 1
    var message: [String] = []
    /// The case is expected to write output (success cases); the fixture is then not compared.
    var writes = false
    var setup: @Sendable (Fixture) throws -> Void = { _ in }
    var check: @Sendable (Fixture, CLIProcess.Outcome) throws -> Void = { _, _ in }
    var testDescription: String { name }
}

/// The catalogue: every defect of issue 11 and its siblings, generated in the test.
enum BadInputCatalogue {
    static let build = "Data/control/slicot_build"
    static let planted = "Data/kernels/planted_200x150.mtx"
    static let h2o = "Data/qchem/h2o_sto3g.FCIDUMP"

    static func copyBuild(_ f: Fixture) throws { try f.copy(build, to: "model") }
    static func copyH2O(_ f: Fixture) throws { try f.copy(h2o, to: "h2o.FCIDUMP") }
    static func h2oWith(_ edit: @escaping @Sendable (String) -> String) -> @Sendable (Fixture) throws -> Void {
        { f in
            let text = try String(contentsOf: CLIContractTests.root.appendingPathComponent(h2o), encoding: .utf8)
            try f.write("x.FCIDUMP", edit(text))
        }
    }

    static let cases: [BadInput] = readers + memory + outputs + options + degenerate + fcidumps + complete + btOrders + nmf
}
