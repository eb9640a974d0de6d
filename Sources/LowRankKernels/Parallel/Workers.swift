import Dispatch

/// Fork–join over a fixed number of workers for kernels that split their own work (block lists, row chunks):
/// worker w of W runs `body(w)`, all on the calling thread when W = 1. BLAS runs single-threaded inside (the thread
/// budget belongs to the workers), so a static split gives the same arithmetic for a given W on every run.
public enum Workers {
    /// Runs `body(worker)` for worker = 0 ..< `count` concurrently and returns when all have finished.
    public static func run(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else { body(0); return }
        nonisolated(unsafe) let work = body
        let previous = BLASThreads.count
        if previous != 1 { BLASThreads.set(1) }
        DispatchQueue.concurrentPerform(iterations: count) { work($0) }
        if previous != 1 { BLASThreads.set(previous) }
    }

    /// C ← α op(A) op(B) + β C with the columns of C split into `workers` contiguous ranges, each a single-threaded
    /// GEMM (``BufferBLAS/gemm(_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``); column j of C reads column j of op(B)
    /// only, so the split changes no sum.
    public static func gemm(_ workers: Int, _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
                            alpha: Double = 1, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        let parts = Swift.max(1, Swift.min(workers, n))
        run(parts) { part in
            let columns = chunk(part, of: parts, count: n)
            guard !columns.isEmpty else { return }
            // Column j of op(B): B[:, j] (untransposed) or row j of B (transposed).
            let bColumn = transB == .none ? b + ldb * columns.lowerBound : b + columns.lowerBound
            BufferBLAS.gemm(transA, transB, m: m, n: columns.count, k: k, alpha: alpha, a: a, lda: lda, b: bColumn, ldb: ldb,
                            beta: beta, c: c + ldc * columns.lowerBound, ldc: ldc)
        }
    }

    /// `body(range)` on `workers` contiguous, nearly equal ranges of 0 ..< `count` (the work of each index alike).
    public static func forEachRange(_ count: Int, workers: Int, _ body: (Range<Int>) -> Void) {
        let parts = Swift.max(1, Swift.min(workers, count))
        run(parts) { body(chunk($0, of: parts, count: count)) }
    }

    /// Part `part` of `parts` nearly equal contiguous ranges of 0 ..< `count`.
    static func chunk(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }

    /// `body(index)` for every index of `costs`, the indices split into contiguous runs of about equal cost over
    /// `workers` workers; the results in index order. Rethrows the error of the lowest failing index.
    public static func map<T>(_ costs: [Double], workers: Int, _ body: (Int) throws -> T) throws -> [T] {
        let runs = balancedRanges(costs, count: workers)
        var results = [T?](repeating: nil, count: costs.count)
        var errors = [(any Error)?](repeating: nil, count: costs.count)
        results.withUnsafeMutableBufferPointer { resultBuffer in
            errors.withUnsafeMutableBufferPointer { errorBuffer in
                let out = resultBuffer.baseAddress!, failures = errorBuffer.baseAddress!
                run(runs.count) { worker in
                    for index in runs[worker] {
                        do { out[index] = try body(index) } catch { failures[index] = error }
                    }
                }
            }
        }
        if let error = errors.lazy.compactMap({ $0 }).first { throw error }
        return results.compactMap { $0 }
    }

    /// Contiguous ranges of `costs.indices`, at most `count`, of about equal total cost (each nonempty; none when
    /// `costs` is empty): the static split of a block list over workers.
    public static func balancedRanges(_ costs: [Double], count: Int) -> [Range<Int>] {
        guard !costs.isEmpty else { return [] }
        let total = costs.reduce(0, +)
        let parts = Swift.max(1, Swift.min(count, costs.count))
        var ranges: [Range<Int>] = []
        var start = 0, running = 0.0
        for (index, cost) in costs.enumerated() {
            running += cost
            let remainingParts = parts - ranges.count - 1
            let remainingItems = costs.count - index - 1
            if remainingParts > 0, running >= total * Double(ranges.count + 1) / Double(parts) || remainingItems < remainingParts {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
        }
        if start < costs.count { ranges.append(start..<costs.count) }
        return ranges
    }
}

/// Scratch buffers per worker that grow and are never shrunk, handed from one kernel call to the next so that large
/// blocks are not re-faulted from the kernel on every call. Each buffer is uninitialized memory.
public final class WorkerScratch: @unchecked Sendable {  // each worker touches only its own buffers
    private var buffers: [[UnsafeMutablePointer<Double>]] = []
    private var capacities: [[Int]] = []

    public init() {}

    /// Buffer `slot` of worker `worker`, with room for at least `count` doubles (its contents are undefined).
    /// Call from one thread before the workers start.
    public func reserve(worker: Int, slot: Int, count: Int) -> UnsafeMutablePointer<Double> {
        while buffers.count <= worker { buffers.append([]); capacities.append([]) }
        while buffers[worker].count <= slot {
            buffers[worker].append(.allocate(capacity: 1)); capacities[worker].append(1)
        }
        if capacities[worker][slot] < count {
            buffers[worker][slot].deallocate()
            buffers[worker][slot] = .allocate(capacity: count)
            LargeBuffer.adviseHugePages(buffers[worker][slot], count: count)
            capacities[worker][slot] = count
        }
        return buffers[worker][slot]
    }

    deinit { for list in buffers { for b in list { b.deallocate() } } }
}

extension Workers {
    /// C ← α op(A) op(B) + β C on matrices, its columns split over `workers` (``gemm(_:_:_:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``);
    /// the same sums as ``Matrix/multiplyAdd(_:_:_:_:alpha:beta:into:)`` for every worker count.
    /// Throws ``LinearAlgebraError/dimensionMismatch(operation:lhs:rhs:)`` when the shapes do not chain.
    public static func multiplyAdd(_ a: Matrix<Double>, _ transA: Transpose = .none, _ b: Matrix<Double>,
                                   _ transB: Transpose = .none, alpha: Double = 1, beta: Double = 0,
                                   into c: inout Matrix<Double>, workers: Int) throws {
        guard workers > 1 else { return try Matrix.multiplyAdd(a, transA, b, transB, alpha: alpha, beta: beta, into: &c) }
        let (m, ka) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard ka == kb, c.rows == m, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(operation: "multiplyAdd", lhs: "op(A) \(m)×\(ka) · op(B) \(kb)×\(n)",
                                                       rhs: "C \(c.rows)×\(c.columns)")
        }
        guard m > 0, n > 0, ka > 0 else { return try Matrix.multiplyAdd(a, transA, b, transB, alpha: alpha, beta: beta, into: &c) }
        let rows = c.rows
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    gemm(workers, transA, transB, m: m, n: n, k: ka, alpha: alpha, a: pa.baseAddress!, lda: Swift.max(1, a.rows),
                         b: pb.baseAddress!, ldb: Swift.max(1, b.rows), beta: beta, c: pc.baseAddress!, ldc: Swift.max(1, rows))
                }
            }
        }
    }

    /// α op(A) op(B), its columns split over `workers`; ``Matrix/product(_:_:_:_:alpha:)`` for one worker.
    public static func product(_ a: Matrix<Double>, _ transA: Transpose = .none, _ b: Matrix<Double>,
                               _ transB: Transpose = .none, alpha: Double = 1, workers: Int) throws -> Matrix<Double> {
        guard workers > 1 else { return try Matrix.product(a, transA, b, transB, alpha: alpha) }
        var c = Matrix<Double>(rows: transA == .none ? a.rows : a.columns, columns: transB == .none ? b.columns : b.rows)
        try multiplyAdd(a, transA, b, transB, alpha: alpha, into: &c, workers: workers)
        return c
    }
}
