import ArgumentParser
import LowRankKernels
import LowRankIO

/// Options every subcommand takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("memory-limit"), parsing: .unconditional, help: ArgumentHelp(
        "Refuse requests whose estimated memory exceeds this (bytes, or with a suffix k, M, G, T; default: the "
            + "smallest of physical memory, the cgroup limit and ulimit -v).", valueName: "size"))
    var memoryLimit: String?

    func validate() throws {
        if let text = memoryLimit {
            guard let bytes = MemoryBudget.parse(text), bytes > 0 else {
                throw ValidationError("--memory-limit '\(text)': expected a positive size such as 512M, 8G or 1000000")
            }
            _ = bytes
        }
    }

    /// Sets the process-wide memory budget from `--memory-limit`.
    func apply() {
        if let text = memoryLimit, let bytes = MemoryBudget.parse(text) { MemoryBudget.limitBytes = bytes }
    }
}

/// An output path that was refused before any work was done.
struct OutputPathError: Error, CustomStringConvertible {
    let option: String
    let underlying: FileWriteError
    var description: String { "\(option) \(underlying.path): \(underlying.reason)" }
}

/// Checks of output paths, made before the computation starts.
enum OutputTarget {
    /// A file written by `option` (`--plot`): its folder must exist and be writable; the path must be absent or a
    /// writable regular file.
    static func checkFile(_ path: String?, option: String) throws {
        guard let path else { return }
        do { try AtomicFile.checkTarget(path) } catch { throw OutputPathError(option: option, underlying: error) }
    }

    /// A model folder written by `option` (`--out`): absent, empty, or an earlier lowrank output, and never one of
    /// the inputs (or a folder holding one).
    static func checkFolder(_ path: String?, option: String, inputs: [String]) throws {
        guard let path else { return }
        for input in inputs where AtomicDirectory.contains(path, input) {
            throw OutputPathError(option: option, underlying: FileWriteError(
                path: path, reason: "is the input model \(input); refusing to overwrite it"))
        }
        do { try AtomicDirectory.checkTarget(path) } catch { throw OutputPathError(option: option, underlying: error) }
    }
}
