#if canImport(Glibc)
import Glibc
#endif

/// Large work arrays that ask the kernel for transparent huge pages before they are first touched.
///
/// On Linux with transparent huge pages in `madvise` mode (the Debian and Ubuntu default), a buffer advised with
/// `MADV_HUGEPAGE` faults in 2 MiB at a time instead of 4 KiB, so filling a 100 MB operator costs about 50 page
/// faults instead of 25 000 (and the kernel's page clearing runs in large, cache-friendly pieces). Elsewhere, or when
/// the kernel declines, the advice is ignored and the buffer behaves like any other.
public enum LargeBuffer {
    /// Buffers at least this large (bytes) are advised; smaller ones are left to the allocator as they are.
    public static let adviceThreshold = 4 << 20

    /// An array of `count` doubles whose contents are undefined (every element must be written before it is
    /// read); its 2 MiB-aligned interior is advised for huge pages when it is large.
    public static func uninitialized(count: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress { adviseHugePages(base, bytes: count * MemoryLayout<Double>.stride) }
            initialized = count
        }
    }

    /// Advises the 2 MiB-aligned part of [`pointer`, `pointer` + `bytes`) for huge pages (no effect below the
    /// threshold or off Linux).
    public static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= adviceThreshold else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: pointer) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: pointer) + bytes) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
        #endif
    }

    /// ``adviseHugePages(_:bytes:)`` for typed memory.
    public static func adviseHugePages(_ pointer: UnsafeMutablePointer<Double>, count: Int) {
        adviseHugePages(UnsafeMutableRawPointer(pointer), bytes: count * MemoryLayout<Double>.stride)
    }
}
