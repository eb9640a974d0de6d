import ArgumentParser
import Foundation
import LowRankDistributed

/// `mpirun -np 2 lowrank bench mpi`: the per-message cost of this build's communication path (Swift ``Communicator``
/// over OpenMPI), the constants of docs/SCALING.md.
struct MessageBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi",
        abstract: "Per-message time and bandwidth through the Communicator (run under mpirun -np 2 or more; build with --traits MPI).",
        discussion: """
            Ping-pong between ranks 0 and 1 (half the round trip, median of --repeats), from 8 bytes to 8 MB, and the \
            latency of an 8-byte all-reduce, a (value, index) max-loc all-reduce and an empty all-to-all over all \
            ranks. The 8-byte ping-pong time is the per-message software overhead of docs/SCALING.md; the 8 MB one \
            gives the bandwidth.
            """)

    @Option(parsing: .unconditional, help: "Timed repetitions per size, 1…100000 (median reported).") var repeats = 2000
    @Flag(help: "Print JSON.") var json = false

    struct Size: Encodable { let bytes: Int, microseconds: Double, gigabytesPerSecond: Double }
    struct Report: Encodable {
        let ranks: Int, repeats: Int
        let pingPong: [Size]
        let allreduceMicroseconds: Double, maxlocMicroseconds: Double, alltoallvMicroseconds: Double
        enum CodingKeys: String, CodingKey {
            case ranks, repeats, pingPong = "ping_pong", allreduceMicroseconds = "allreduce_us",
                 maxlocMicroseconds = "maxloc_us", alltoallvMicroseconds = "alltoallv_us"
        }
    }

    func validate() throws {
        guard (1...100_000).contains(repeats) else { throw ValidationError("--repeats \(repeats): must be in 1…100000") }
    }

    func run() throws {
        try Output.reportingErrors {
            let communicator = try Communicator.world()
            defer { communicator.finalize() }
            Output.printErrors(of: communicator)
            guard communicator.size >= 2 else {
                throw ValidationError("bench mpi needs at least two ranks: a build with --traits MPI, started by mpirun -np 2")
            }
            func median(_ samples: [Double]) -> Double { samples.sorted()[samples.count / 2] }
            func timed(_ body: () throws -> Void) throws -> Double {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3
            }
            var sizes: [Size] = []
            var bytes = 8
            while bytes <= 8 << 20 {
                let payload = [UInt8](repeating: 1, count: bytes)
                let count = bytes >= 1 << 20 ? max(1, repeats / 100) : repeats
                var samples: [Double] = []
                try communicator.barrier()
                for _ in 0..<count + 1 {
                    let t = try timed {
                        if communicator.rank == 0 {
                            try communicator.send(payload, to: 1)
                            _ = try communicator.receive(UInt8.self, count: bytes, from: 1)
                        } else if communicator.rank == 1 {
                            _ = try communicator.receive(UInt8.self, count: bytes, from: 0)
                            try communicator.send(payload, to: 0)
                        }
                    }
                    samples.append(t / 2)
                }
                let microseconds = median(Array(samples.dropFirst()))
                sizes.append(Size(bytes: bytes, microseconds: microseconds,
                                  gigabytesPerSecond: Double(bytes) / (microseconds * 1e3)))
                bytes *= 8
            }
            func collective(_ body: () throws -> Void) throws -> Double {
                try communicator.barrier()
                var samples: [Double] = []
                for _ in 0..<repeats { samples.append(try timed(body)) }
                return median(samples)
            }
            let allreduce = try collective { _ = try communicator.allreduceSum([1.0]) }
            let maxloc = try collective { _ = try communicator.allreduceMaxLoc(value: 1, index: communicator.rank) }
            let empty = [[Double]](repeating: [], count: communicator.size)
            let alltoallv = try collective { _ = try communicator.alltoallv(empty) }
            guard communicator.rank == 0 else { return }
            let report = Report(ranks: communicator.size, repeats: repeats, pingPong: sizes,
                                allreduceMicroseconds: allreduce, maxlocMicroseconds: maxloc,
                                alltoallvMicroseconds: alltoallv)
            if json { try Output.printJSON(report, snakeCase: false) } else {
                print("\(report.ranks) ranks, medians of \(repeats) repetitions")
                for s in sizes {
                    print(String(format: "  ping-pong %9d B: %9.2f µs one way, %6.2f GB/s", s.bytes, s.microseconds, s.gigabytesPerSecond))
                }
                print(String(format: "  all-reduce (8 B) %.2f µs, max-loc %.2f µs, empty all-to-all %.2f µs",
                             allreduce, maxloc, alltoallv))
            }
        }
    }
}
