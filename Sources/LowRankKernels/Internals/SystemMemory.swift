// The C seam for memory limits: physical pages (sysconf), the address-space limit (getrlimit) and the
// cgroup limit (a text file under /sys/fs/cgroup, read with plain POSIX calls).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits on the memory this process may use, as the operating system states them.
enum SystemMemory {
    /// Physical memory in bytes (`sysconf(_SC_PHYS_PAGES) · sysconf(_SC_PAGESIZE)`), or nil if unknown.
    static var physicalBytes: Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return nil }
        let (product, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : product
    }

    /// `RLIMIT_AS` (`ulimit -v`) in bytes, or nil when unlimited.
    static var addressSpaceLimitBytes: Int? {
        var limit = rlimit()
        #if canImport(Glibc)
        let status = getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit)
        #else
        let status = getrlimit(RLIMIT_AS, &limit)
        #endif
        guard status == 0, limit.rlim_cur != rlim_t.max else { return nil }  // RLIM_INFINITY is all ones
        return limit.rlim_cur > UInt64(Int.max) ? nil : Int(limit.rlim_cur)
    }

    /// The cgroup memory limit in bytes: `memory.max` (cgroup v2) or `memory.limit_in_bytes` (v1); nil when
    /// absent or unlimited ("max", or v1's huge sentinel).
    static var cgroupLimitBytes: Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = readSmallTextFile(path) else { continue }
            let trimmed = text.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init) ?? ""
            if trimmed == "max" { return nil }
            if let v = Int(trimmed), v > 0, v < (1 << 60) { return v }
            return nil
        }
        return nil
    }

    /// The first 256 bytes of a small text file, or nil if it cannot be read.
    private static func readSmallTextFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}
