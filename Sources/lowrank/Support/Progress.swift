import Foundation

/// A single live status line on a terminal (stderr), redrawn in place; silent when stderr is
/// not a terminal or output is JSON.
final class ProgressLine: @unchecked Sendable {  // state guarded by `lock`
    private let enabled: Bool
    private var lastDraw = DispatchTime(uptimeNanoseconds: 0)
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled && Output.stderrIsTerminal }

    /// Redraws the line (at most 20 times a second).
    func update(_ text: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = DispatchTime.now()
        guard now.uptimeNanoseconds - lastDraw.uptimeNanoseconds > 50_000_000 else { return }
        lastDraw = now
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
