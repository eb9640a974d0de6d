import Foundation

/// Runs the built `lowrank` with a time limit, so that a command that hangs (a FIFO opened for reading, an
/// unbounded loop) fails its test instead of blocking the suite.
enum CLIProcess {
    struct Outcome {
        let status: Int32
        let stdout: Data
        let stderr: String
        let timedOut: Bool
    }

    /// Runs `lowrank ARGS` in `directory` and waits at most `timeout` seconds (then kills it).
    static func run(_ args: [String], in directory: URL, timeout: Double = 120) throws -> Outcome {
        let p = Process()
        p.executableURL = CLIContractTests.binary
        p.arguments = args
        p.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        let readers = DispatchGroup()
        nonisolated(unsafe) var o = Data(), e = Data()
        DispatchQueue.global().async(group: readers) { o = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: readers) { e = err.fileHandleForReading.readDataToEndOfFile() }
        let timedOut = done.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            p.terminate()
            kill(p.processIdentifier, SIGKILL)
            _ = done.wait(timeout: .now() + 5)
        }
        _ = readers.wait(timeout: .now() + 10)
        return Outcome(status: timedOut ? -1 : p.terminationStatus, stdout: o,
                       stderr: String(decoding: e, as: UTF8.self), timedOut: timedOut)
    }
}

/// A fresh temporary folder for one test case, with helpers to write inputs into it.
struct Fixture {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `path` inside the fixture.
    func at(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes text (or bytes) to `name`, creating folders on the way.
    func write(_ name: String, _ text: String) throws { try write(name, Array(text.utf8)) }
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target)
    }

    /// Copies a file or folder of the repository (e.g. "Data/control/slicot_build") to `name`.
    func copy(_ repositoryPath: String, to name: String) throws {
        let target = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLIContractTests.root.appendingPathComponent(repositoryPath), to: target)
    }

    /// Makes a FIFO at `name`.
    func fifo(_ name: String) throws {
        guard mkfifo(at(name), 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Every entry below the fixture with its kind, size and modification time: equal snapshots mean that nothing
    /// was created, removed or changed.
    func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: path) else { return result }
        while let name = walker.nextObject() as? String {
            var st = stat()
            guard lstat(at(name), &st) == 0 else { continue }
            result[name] = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ino)"
        }
        return result
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
