import ArgumentParser
import Foundation
import LowRankDistributed
import LowRankKernels

/// Shared output helpers: JSON with snake_case keys, errors to stderr, wall-clock timing.
enum Output {
    /// Encodes `value` as JSON on stdout; property names are converted to snake_case unless the
    /// type spells its keys itself (`snakeCase: false`, e.g. for the contract key "L").
    ///
    /// JSON has no NaN or infinity: a non-finite number is written as `null`, and the top-level key
    /// `non_finite_values` lists where and what it was (e.g. `"equations[0].residual_floor: NaN"`), with a warning on
    /// standard error. The encoder therefore never fails on a value.
    static func printJSON<T: Encodable>(_ value: T, snakeCase: Bool = true) throws {
        let data = try encodeJSON(value, snakeCase: snakeCase)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    private static let nonFiniteMarker = "\u{1}lowrank-non-finite:"

    /// The JSON text of `value` (see ``printJSON(_:snakeCase:)``).
    static func encodeJSON<T: Encodable>(_ value: T, snakeCase: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFiniteMarker + "+Inf", negativeInfinity: nonFiniteMarker + "-Inf", nan: nonFiniteMarker + "NaN")
        let data = try encoder.encode(value)
        guard data.range(of: Data(nonFiniteMarker.utf8)) != nil else { return data }
        var found: [String] = []
        func clean(_ x: Any, _ path: String) -> Any {
            if let s = x as? String, s.hasPrefix(nonFiniteMarker) {
                found.append("\(path): \(s.dropFirst(nonFiniteMarker.count))")
                return NSNull()
            }
            if let d = x as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, v) in d { out[k] = clean(v, path.isEmpty ? k : "\(path).\(k)") }
                return out
            }
            if let a = x as? [Any] { return a.enumerated().map { clean($0.element, "\(path)[\($0.offset)]") } }
            return x
        }
        var top = clean(try JSONSerialization.jsonObject(with: data), "")
        if var d = top as? [String: Any] { d["non_finite_values"] = found.sorted(); top = d }
        warn("lowrank: warning: \(found.count) non-finite value(s) written as null: \(found.sorted().joined(separator: ", "))")
        return try JSONSerialization.data(withJSONObject: top, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Writes a line to standard error.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Whether this process prints the errors it meets. Under mpirun every rank meets the same error (the same input,
    /// the same checks), so only rank 0 prints, and the rank whose own failure stopped an agreed step
    /// (``Communicator/reportedOwnFailure``); a command that starts a communicator sets this.
    nonisolated(unsafe) static var printsErrors: () -> Bool = { true }

    /// Runs `body`, turning any library error into `lowrank: error: …` on stderr and exit code 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            if !printsErrors() { throw ExitCode.validationFailure }
            throw error
        } catch {
            if printsErrors() { warn("lowrank: error: \(error)") }
            throw ExitCode(1)
        }
    }

    /// Prints errors on rank 0 and on a rank that reports its own failure only (see ``printsErrors``).
    static func printErrors(of communicator: Communicator) {
        printsErrors = { communicator.rank == 0 || communicator.reportedOwnFailure }
    }

    /// `true` when stderr is a terminal (live progress lines are drawn only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }
}

/// Wall-clock seconds since `start` (monotonic).
func secondsSince(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// Formats a number compactly for human output.
func fmt(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)g", x) }
