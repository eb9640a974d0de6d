import ArgumentParser
import Foundation
import LowRankIO
import LowRankKernels

/// `lowrank bench …`: reproducible speed measurements of the library against its peers.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (release builds; compare with the peer scripts at the same thread count).",
        subcommands: [KernelsBench.self, MatrixMarketBench.self, MessageBench.self])
}

/// `lowrank bench kernels`: DGEMM/ZGEMM rates and SVD time through the kernel layer.
struct KernelsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "DGEMM (n = 4000) and ZGEMM GFLOP/s and SVD seconds (n = 2000), medians of repeated runs.")

    @Option(parsing: .unconditional, help: "DGEMM order n.") var dgemmSize = 4000
    @Option(parsing: .unconditional, help: "ZGEMM order n.") var zgemmSize = 2000
    @Option(parsing: .unconditional, help: "SVD order n (full SVD with vectors, dgesdd).") var svdSize = 2000
    @Option(parsing: .unconditional, help: "Timed repetitions, 1…1000 (median reported; one untimed warm-up first).") var repeats = 3
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct Report: Encodable {
        let dgemmGflops: Double
        let zgemmGflops: Double
        let svdSeconds: Double
        let threads: Int
        let dgemmSize: Int
        let zgemmSize: Int
        let svdSize: Int
        let repeats: Int
        let blas: String
    }

    func validate() throws {
        guard repeats >= 1, repeats <= 1000 else { throw ValidationError("--repeats \(repeats): must be in 1…1000") }
        for (name, n) in [("--dgemm-size", dgemmSize), ("--zgemm-size", zgemmSize), ("--svd-size", svdSize)] where n < 1 {
            throw ValidationError("\(name) \(n): must be ≥ 1")
        }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            // Three n×n operands per product; the SVD holds A, its copy, U, Vᵀ and workspace (≈ 5 n²).
            for (name, n, bytes, copies) in [("DGEMM", dgemmSize, 8, 3.0), ("ZGEMM", zgemmSize, 16, 3.0), ("SVD", svdSize, 8, 5.0)] {
                try MemoryBudget.require(copies * Double(n) * Double(n) * Double(bytes), for: "\(name) of order n = \(n)",
                                         hint: "lower --\(name.lowercased())-size")
            }
            let d = try Self.gemmRate(Double.self, n: dgemmSize, repeats: repeats, flopsPerMAC: 2)
            let z = try Self.gemmRate(Complex<Double>.self, n: zgemmSize, repeats: repeats, flopsPerMAC: 8)
            var g = SeededGenerator(seed: 1)
            let a = Matrix<Double>.randomNormal(rows: svdSize, columns: svdSize, using: &g)
            var times: [Double] = []
            for _ in 0..<repeats {
                let t = DispatchTime.now()
                _ = try a.svd()
                times.append(secondsSince(t))
            }
            let report = Report(dgemmGflops: d, zgemmGflops: z, svdSeconds: median(times), threads: BLASThreads.count,
                                dgemmSize: dgemmSize, zgemmSize: zgemmSize, svdSize: svdSize, repeats: repeats,
                                blas: BLASThreads.configuration)
            if json {
                try Output.printJSON(report)
            } else {
                print("BLAS: \(report.blas), \(report.threads) thread(s)")
                print(String(format: "DGEMM n=%d: %.2f GFLOP/s", dgemmSize, d))
                print(String(format: "ZGEMM n=%d: %.2f GFLOP/s", zgemmSize, z))
                print(String(format: "SVD   n=%d: %.3f s (dgesdd, with vectors)", svdSize, report.svdSeconds))
            }
        }
    }

    /// Median GFLOP/s of `C = A B` on n×n matrices into preallocated C, after one untimed warm-up (as `dgemm_ref.c`).
    static func gemmRate<S: LinearAlgebraScalar>(_: S.Type, n: Int, repeats: Int, flopsPerMAC: Double) throws -> Double {
        var a = Matrix<S>(rows: n, columns: n), b = Matrix<S>(rows: n, columns: n)
        for j in 0..<n { for i in 0..<n {
            let idx = i + j * n
            a[i, j] = S(real: Double(idx % 97) / 97.0)
            b[i, j] = S(real: Double(idx % 89) / 89.0)
        } }
        var c = Matrix<S>(rows: n, columns: n)
        try Matrix.multiplyAdd(a, .none, b, .none, into: &c)  // warm-up (also faults in C's pages)
        var rates: [Double] = []
        for _ in 0..<repeats {
            let t = DispatchTime.now()
            try Matrix.multiplyAdd(a, .none, b, .none, into: &c)
            rates.append(flopsPerMAC * Double(n) * Double(n) * Double(n) / secondsSince(t) / 1e9)
        }
        return median(rates)
    }
}

/// `lowrank bench matrix-market FILE`: the whole read of a Matrix Market file (bytes to parsed document, as for every
/// `.mtx` input) with the hand-written Eisel–Lemire number parser and with the C library's `strtod` (issue 13).
struct MatrixMarketBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix-market",
        abstract: "Seconds to read a Matrix Market file with the Eisel–Lemire and the strtod number parser, medians of repeated runs.",
        discussion: """
            Each timed read is the path → parsed document step every .mtx input of lowrank takes (memory-mapped from \
            1 MiB, parsed on up to 8 threads). One untimed read with each parser comes first: it loads the file into \
            the page cache, and its two documents are compared bit for bit ('identical'). The timed reads alternate \
            between the parsers. speedup = standard seconds / Eisel–Lemire seconds.
            """)

    @Argument(help: "A Matrix Market file (.mtx).") var file: String
    @Option(parsing: .unconditional, help: "Timed reads per parser, 1…1000 (median reported; one untimed read of each first).")
    var repeats = 3
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct Report: Encodable {
        let file: String
        let bytes: Int
        let entries: Int
        let eiselLemireSeconds: Double
        let standardSeconds: Double
        let speedup: Double
        let identical: Bool
        let repeats: Int
    }

    func validate() throws {
        guard repeats >= 1, repeats <= 1000 else { throw ValidationError("--repeats \(repeats): must be in 1…1000") }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            let reference = try MatrixMarket.readDocument(file, numbers: .eiselLemire)
            // The reference stays while each timed read builds another document of the same size.
            try MemoryBudget.require(2 * Self.documentBytes(reference), for: "two parsed copies of \(file)")
            let difference = Self.firstDifference(reference, try MatrixMarket.readDocument(file, numbers: .standard))
            var seconds: [MatrixMarket.NumberParser: [Double]] = [:]
            for k in 0..<repeats {
                for parser in k.isMultiple(of: 2) ? [.eiselLemire, .standard] : [.standard, .eiselLemire] as [MatrixMarket.NumberParser] {
                    let t = DispatchTime.now()
                    let document = try MatrixMarket.readDocument(file, numbers: parser)
                    seconds[parser, default: []].append(secondsSince(t))
                    withExtendedLifetime(document) {}  // freed after the clock stops
                }
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? -1
            let el = median(seconds[.eiselLemire] ?? []), std = median(seconds[.standard] ?? [])
            let report = Report(file: file, bytes: bytes, entries: reference.header.entries, eiselLemireSeconds: el,
                                standardSeconds: std, speedup: std / el, identical: difference == nil, repeats: repeats)
            if let difference { Output.warn("lowrank: warning: the two parsers disagree: \(difference)") }
            if json {
                try Output.printJSON(report)
            } else {
                print("\(file): \(bytes) bytes, \(report.entries) entries, median of \(repeats) read(s) per parser")
                print(String(format: "Eisel–Lemire: %.4f s", el))
                print(String(format: "standard:     %.4f s (strtod)", std))
                print(String(format: "speedup:      %.2f (standard / Eisel–Lemire)", report.speedup))
                print("identical:    \(report.identical)")
            }
        }
    }

    /// Bytes a document holds: 8 per value, 16 per coordinate entry's indices.
    static func documentBytes(_ d: MatrixMarket.Document) -> Double {
        switch d.storage {
        case .dense(let values): return 8 * Double(values.count)
        case let .coordinate(rows, _, values): return 8 * Double(values.count) + 16 * Double(rows.count)
        }
    }

    /// Where two documents of the same file differ (header, storage kind, an index, a value's bits), or nil.
    static func firstDifference(_ a: MatrixMarket.Document, _ b: MatrixMarket.Document) -> String? {
        if a.header != b.header { return "headers \(a.header) and \(b.header)" }
        func values(_ x: [Double], _ y: [Double]) -> String? {
            if x.count != y.count { return "\(x.count) and \(y.count) values" }
            guard let k = x.indices.first(where: { x[$0].bitPattern != y[$0].bitPattern }) else { return nil }
            return "value \(k): \(x[k]) (0x\(String(x[k].bitPattern, radix: 16))) and \(y[k]) (0x\(String(y[k].bitPattern, radix: 16)))"
        }
        switch (a.storage, b.storage) {
        case let (.dense(x), .dense(y)): return values(x, y)
        case let (.coordinate(ri, ci, x), .coordinate(rj, cj, y)):
            if ri != rj || ci != cj { return "coordinate indices" }
            return values(x, y)
        default: return "storage kinds"
        }
    }
}

func median(_ x: [Double]) -> Double {
    let s = x.sorted()
    if s.isEmpty { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
}
