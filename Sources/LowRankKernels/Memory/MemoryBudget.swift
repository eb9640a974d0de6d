import Foundation

/// A request refused because its estimated memory exceeds what the process may use.
///
/// The message quotes both numbers, e.g. "dense Lyapunov for n = 40000 needs about 64.0 GB, 23.4 GB available;
/// use --method adi".
public struct MemoryBudgetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was requested, in the user's terms ("dense Lyapunov for n = 40000").
    public let request: String
    /// The estimate in bytes.
    public let neededBytes: Double
    /// The budget in bytes (``MemoryBudget/availableBytes``).
    public let availableBytes: Int
    /// How to get the result another way, if there is one.
    public let hint: String?

    /// "REQUEST needs about X GB, Y GB available[; HINT]".
    public var description: String {
        "\(request) needs about \(MemoryBudget.format(neededBytes)), \(MemoryBudget.format(Double(availableBytes))) available"
            + (hint.map { "; \($0)" } ?? "")
    }
}

/// The memory a request may use, and the check made before every large allocation whose size depends on input.
///
/// The budget is the smallest of physical memory, the cgroup limit (`memory.max`), the address-space limit
/// (`RLIMIT_AS`, `ulimit -v`) and a limit set by the caller (``limitBytes``, the CLI's `--memory-limit`).
/// Estimates count every array an algorithm holds at once (see each caller); they are upper estimates, so a
/// request is refused only when it cannot fit.
public enum MemoryBudget {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var userLimit: Int?  // guarded by `lock`

    /// A limit in bytes set by the caller (nil: only the system's limits apply).
    public static var limitBytes: Int? {
        get { lock.lock(); defer { lock.unlock() }; return userLimit }
        set { lock.lock(); userLimit = newValue; lock.unlock() }
    }

    /// The system's limits, read once per process: physical memory, cgroup limit, RLIMIT_AS.
    private static let systemBytes: Int? =
        [SystemMemory.physicalBytes, SystemMemory.cgroupLimitBytes, SystemMemory.addressSpaceLimitBytes]
            .compactMap { $0 }.min()

    /// The budget in bytes: min(physical memory, cgroup limit, RLIMIT_AS, ``limitBytes``).
    public static var availableBytes: Int { [systemBytes, limitBytes].compactMap { $0 }.min() ?? Int.max }

    /// Throws ``MemoryBudgetError`` when `bytes` (an estimate; may exceed `Int.max`) exceeds the budget.
    public static func require(_ bytes: Double, for request: @autoclosure () -> String,
                               hint: @autoclosure () -> String? = nil) throws(MemoryBudgetError) {
        let available = availableBytes
        guard bytes.isFinite, bytes <= Double(available) else {
            throw MemoryBudgetError(request: request(), neededBytes: bytes.isFinite ? bytes : .greatestFiniteMagnitude,
                                    availableBytes: available, hint: hint())
        }
    }

    /// Bytes of `count` elements of `elementBytes` each, in floating point (no overflow for absurd counts).
    public static func bytes(_ count: Double, elementBytes: Int = 8) -> Double { count * Double(elementBytes) }

    /// A byte count in human units: "512 MB", "12.8 GB", "8.0 TB" (decimal prefixes).
    public static func format(_ bytes: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var v = bytes, k = 0
        while v >= 1000, k < units.count - 1 { v /= 1000; k += 1 }
        if k == units.count - 1 && v >= 1000 { return String(format: "%.2g EB", v) }
        return k == 0 ? "\(Int(v)) B" : String(format: v < 10 ? "%.2f %@" : (v < 100 ? "%.1f %@" : "%.0f %@"), v, units[k])
    }

    /// Parses a size: a number with an optional binary-or-decimal suffix (k, M, G, T; `KiB`, `MB`, … also), in bytes.
    /// Returns nil for anything else, a negative or non-finite value.
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { "0123456789.eE+".contains($0) }
        guard !digits.isEmpty, let value = Double(digits), value.isFinite, value >= 0 else { return nil }
        let suffix = t.dropFirst(digits.count).lowercased()
        let factor: Double
        switch suffix {
        case "", "b": factor = 1
        case "k", "kb", "kib": factor = 1024
        case "m", "mb", "mib": factor = 1_048_576
        case "g", "gb", "gib": factor = 1_073_741_824
        case "t", "tb", "tib": factor = 1_099_511_627_776
        default: return nil
        }
        let bytes = value * factor
        return bytes < Double(Int.max) ? Int(bytes) : nil
    }
}
