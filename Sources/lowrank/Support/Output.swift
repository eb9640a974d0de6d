import ArgumentParser
import Foundation
import LowRankKernels

/// Shared output helpers: JSON with snake_case keys, errors to stderr, wall-clock timing.
enum Output {
    /// Encodes `value` as JSON on stdout; property names are converted to snake_case unless the
    /// type spells its keys itself (`snakeCase: false`, e.g. for the contract key "L").
    static func printJSON<T: Encodable>(_ value: T, snakeCase: Bool = true) throws {
        let encoder = JSONEncoder()
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Writes a line to standard error.
    static func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Runs `body`, turning any library error into `lowrank: error: …` on stderr and exit code 1.
    static func reportingErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            warn("lowrank: error: \(error)")
            throw ExitCode(1)
        }
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
