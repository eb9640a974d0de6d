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
    if let problem = replaceableFileProblem(path) { return problem }
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

/// Why an existing `path` must not be replaced by a rename, or nil when it is absent or a regular file.
/// A rename over a device node, FIFO or socket would swap the special file for a regular one (as root even
/// `/dev/full`), and a rename onto a folder fails with a raw error, so both are refused up front.
func replaceableFileProblem(_ path: String) -> String? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }  // absent (or unreachable: the write reports it)
    switch st.st_mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFDIR: return "is a folder"
    default: return "not a regular file (\(fileKindName(st.st_mode))); refusing to replace it"
    }
}

/// "a FIFO", "a character device", … for a `st_mode`.
func fileKindName(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFIFO: return "a FIFO"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFDIR: return "a folder"
    case S_IFLNK: return "a symbolic link"
    default: return "a special file"
    }
}

/// Why a new file cannot be created at `path` (missing or non-folder parent, no write permission, a special file or
/// folder in the way), or nil when a write may go ahead. Checked before long computations, so that output errors
/// come first, not after the work.
func fileTargetProblem(_ path: String) -> String? {
    if path.isEmpty { return "empty path" }
    if let problem = replaceableFileProblem(path) { return problem }
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    var st = stat()
    guard stat(directory, &st) == 0 else { return "no such folder '\(directory)'" }
    guard st.st_mode & S_IFMT == S_IFDIR else { return "'\(directory)' is not a folder" }
    if access(directory, W_OK) != 0 { return "cannot write in '\(directory)': \(errnoText())" }
    if stat(path, &st) == 0, access(path, W_OK) != 0 { return "cannot write: \(errnoText())" }
    return nil
}

/// Directory primitives for ``AtomicDirectory``.
enum DirectorySeam {
    /// Kind of the object at `path`: nil when absent.
    static func kind(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    /// A fresh folder next to `path` (`.NAME.tmp-XXXXXX`): its path, or nil and the error text.
    static func makeTemporarySibling(of path: String) -> (path: String?, error: String?) {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        let slash = trimmed.lastIndex(of: "/")
        let directory = slash.map { String(trimmed[...$0]) } ?? ""
        let base = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
        var template = Array((directory + "." + base + ".tmp-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { return (nil, "cannot create a temporary folder next to it: " + errnoText()) }
        let created = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        _ = chmod(created, 0o755)
        return (created, nil)
    }

    /// `rename(2)`; nil on success, else the error text.
    static func move(_ from: String, _ to: String) -> String? {
        rename(from, to) == 0 ? nil : errnoText()
    }

    /// `realpath(3)` of an existing path, nil otherwise.
    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Names in a folder (without `.` and `..`), nil if it cannot be read.
    static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a folder written by this process: its regular files, then the folder (no recursion into subfolders).
    static func removeFlat(_ path: String) {
        for name in entries(path) ?? [] { unlink(path + "/" + name) }
        rmdir(path)
    }
}
