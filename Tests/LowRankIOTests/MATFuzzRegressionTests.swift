import Foundation
import Testing
@testable import LowRankKernels
@testable import LowRankIO

/// Inputs found by `scripts/fuzz-mat`, kept as regression cases: each must be refused with a typed error naming the
/// file, never read into a matrix with impossible dimensions.
@Suite struct MATFuzzRegressionTests {
    /// A 216-byte v4 file whose second variable claims 2⁶³ rows (read by matio as a negative size) and a sparse
    /// layout with one entry in zero columns (fuzz-mat, 2026-12-04).
    static let negativeDimensions = "0000000002000000020000000000000002000000ff2e2824000000789ce36360100000623620e60062464d000041544c4142001d00000200000002000000020000000000000002000000000002000000004d0042001d00000001fffffffffffff7df2000008585df200020000000000002000000020000000000000002000000ff2e282e000000789ce36360100000623620e60062464d000041544c4142001d00000000000002000000020000000000000002000000004d0042001d0000000200000000000000df2000000000ef00008a8585df20002000"

    @Test func negativeDimensionsAreRefused() throws {
        let hex = Array(Self.negativeDimensions.utf8)
        var bytes: [UInt8] = []
        for k in stride(from: 0, to: hex.count, by: 2) { bytes.append(UInt8(String(decoding: hex[k..<(k + 2)], as: UTF8.self), radix: 16) ?? 0) }
        #expect(bytes.count == 216)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-fuzz-\(UUID().uuidString).mat").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Since the v4 sparse check (2026-12-05) the whole file is refused when its variables are listed.
        let names: [String]
        do { names = try MATFile.variableNames(path) } catch {
            #expect((error as? MATFile.Error)?.description.hasPrefix(path + ":") == true)
            return
        }
        for name in names {
            #expect(throws: MATFile.Error.self) { _ = try MATFile.read(path, variable: name) }
            do { _ = try MATFile.load(path, variable: name) } catch {
                #expect(error.description.hasPrefix(path + ":"))
                continue
            }
            Issue.record("variable '\(name)' was read")
        }
    }
}
