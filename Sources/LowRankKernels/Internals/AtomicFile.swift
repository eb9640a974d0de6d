// The C seam for file output: atomic replacement of a file (POSIX mkstemp + write + fsync + rename).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to `path` atomically: the bytes go to a fresh temporary file in the same directory
/// (`mkstemp`), which is flushed (`fsync`) and then `rename`d over `path`. Readers see either the old
/// file or the complete new one, never a partial write; on any failure the temporary file is removed
/// and the error text (`strerror`) is returned. The file gets mode 0644 (mkstemp's 0600 would hide it from other users).
func atomicWriteFile(_ bytes: [UInt8], to path: String) -> String? {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var template = Array((directory + "." + base + ".tmp-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    if fd < 0 { return "cannot create a temporary file next to it: " + errnoText() }
    let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    func fail(_ what: String) -> String {
        let text = what + ": " + errnoText()
        close(fd)
        unlink(tempPath)
        return text
    }
    var written = 0
    while written < bytes.count {
        let r = bytes.withUnsafeBytes { buf in
            write(fd, buf.baseAddress! + written, bytes.count - written)
        }
        if r < 0 {
            if errno == EINTR { continue }
            return fail("write failed")
        }
        written += r
    }
    if fchmod(fd, 0o644) != 0 { return fail("chmod failed") }
    if fsync(fd) != 0 { return fail("fsync failed") }
    if close(fd) != 0 {
        let text = "close failed: " + errnoText()
        unlink(tempPath)
        return text
    }
    if rename(tempPath, path) != 0 {
        let text = "rename failed: " + errnoText()
        unlink(tempPath)
        return text
    }
    return nil
}

private func errnoText() -> String { String(cString: strerror(errno)) }
