import Foundation
import LowRankKernels

/// Parallel loops over the rows of one side (users or items) whose solves are independent: each row's result
/// depends only on its own ratings and the other side's fixed factors, and is written to its own column. Rows are
/// split into chunks of about equal rating counts; workers take chunks in any order, but every row is computed by
/// the same arithmetic (BLAS runs single-threaded inside the loop), so results are bit-identical for any thread count.
enum RowParallel {
    /// Contiguous row ranges of about `|Ω| / pieces` ratings each (at least one row each; empty when `rows` is 0).
    static func chunks(offsets: [Int], pieces: Int) -> [Range<Int>] {
        let rows = offsets.count - 1
        guard rows > 0 else { return [] }
        let total = offsets[rows] - offsets[0]
        let target = Swift.max(1, total / Swift.max(1, pieces))
        var result: [Range<Int>] = []
        var start = 0
        var r = 0
        while r < rows {
            r += 1
            if offsets[r] - offsets[start] >= target || r == rows {
                result.append(start..<r)
                start = r
            }
        }
        return result
    }

    /// Runs `body` on every chunk with up to `threads` workers; rethrows the error of the lowest failing chunk.
    static func run(threads: Int, chunks: [Range<Int>], _ body: (Range<Int>) throws -> Void) throws {
        if threads <= 1 || chunks.count <= 1 {
            for c in chunks { try body(c) }
            return
        }
        let failures = FailureBox()
        nonisolated(unsafe) let work = body
        let next = ChunkCounter()
        DispatchQueue.concurrentPerform(iterations: Swift.min(threads, chunks.count)) { _ in
            while let index = next.take(below: chunks.count) {
                do { try work(chunks[index]) } catch { failures.record(index, error) }
            }
        }
        if let error = failures.first { throw error }
    }

    /// Runs `body` with OpenBLAS at one thread (restored afterwards): the thread budget belongs to the row loop.
    static func withSingleThreadedBLAS<T>(_ body: () throws -> T) rethrows -> T {
        let previous = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(previous) }
        return try body()
    }
}

/// Hands out chunk numbers 0, 1, 2, … to workers.
private final class ChunkCounter: @unchecked Sendable {  // state guarded by `lock`
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// The error of the lowest-numbered failing chunk.
private final class FailureBox: @unchecked Sendable {  // state guarded by `lock`
    private let lock = NSLock()
    private var best: (Int, Error)?
    func record(_ index: Int, _ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if let current = best, current.0 <= index { return }
        best = (index, error)
    }
    var first: Error? { lock.lock(); defer { lock.unlock() }; return best?.1 }
}
