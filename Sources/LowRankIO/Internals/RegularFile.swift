// The C seam for file input: open without blocking, refuse what is not a regular file, read and map by descriptor.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `openRegularFile` found at a path.
enum RegularFileOpen {
    /// A regular file, open read-only (blocking mode restored) with its size at open time.
    case opened(fd: Int32, size: Int)
    /// `open` failed with this `errno`.
    case failed(errno: Int32)
    /// The path names something else; the descriptor is already closed.
    case notRegular(InputFile.FileType)
}

/// Opens `path` with `O_RDONLY | O_NONBLOCK | O_CLOEXEC` (so a FIFO without a writer, or a device, cannot block the
/// open), `fstat`s the descriptor and keeps it only when it is a regular file; `O_NONBLOCK` is then cleared.
/// The check and every later read use the same descriptor, so the file cannot be swapped in between.
func openRegularFile(_ path: String) -> RegularFileOpen {
    var fd: Int32
    repeat { fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) } while fd < 0 && errno == EINTR
    if fd < 0 {
        // Sockets cannot be opened (ENXIO), nor, on some systems, directories (EISDIR) or devices without a driver:
        // say what the path is rather than the open error. Nothing is read from it, so naming it by path is safe.
        let e = errno
        var st = stat()
        if e != ENOENT, stat(path, &st) == 0, let type = fileType(st.st_mode) { return .notRegular(type) }
        return .failed(errno: e)
    }
    var st = stat()
    if fstat(fd, &st) != 0 {
        let e = errno
        close(fd)
        return .failed(errno: e)
    }
    if let type = fileType(st.st_mode) {
        close(fd)
        return .notRegular(type)
    }
    let flags = fcntl(fd, F_GETFL)
    if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    return .opened(fd: fd, size: max(Int(st.st_size), 0))
}

/// The type of a non-regular file from `st_mode`; nil for a regular file.
private func fileType(_ mode: mode_t) -> InputFile.FileType? {
    switch mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFIFO: return .fifo
    case S_IFCHR: return .characterDevice
    case S_IFDIR: return .directory
    case S_IFBLK: return .blockDevice
    case S_IFSOCK: return .socket
    default: return .other
    }
}

/// `read(2)` retried on `EINTR`: bytes read (0 at end of file), or `-errno`.
func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    while true {
        let n = read(fd, buffer, count)
        if n >= 0 { return n }
        if errno != EINTR { return -Int(errno) }
    }
}

/// `pread(2)` at `offset`, retried on `EINTR`: bytes read (0 at end of file), or `-errno`. The file position is
/// unchanged.
func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, at offset: Int) -> Int {
    while true {
        let n = pread(fd, buffer, count, off_t(offset))
        if n >= 0 { return n }
        if errno != EINTR { return -Int(errno) }
    }
}

/// Closes a descriptor opened by `openRegularFile`.
func closeDescriptor(_ fd: Int32) { close(fd) }

/// Maps `size` bytes of `fd` read-only (pre-faulted with `MAP_POPULATE` where available); nil when mapping fails.
func mapDescriptor(_ fd: Int32, size: Int) -> UnsafeRawPointer? {
    #if os(Linux)
    let flags = MAP_PRIVATE | MAP_POPULATE
    #else
    let flags = MAP_PRIVATE
    #endif
    guard size > 0, let p = mmap(nil, size, PROT_READ, flags, fd, 0), p != MAP_FAILED else { return nil }
    return UnsafeRawPointer(p)
}

/// Unmaps a mapping made by `mapDescriptor`.
func unmapDescriptor(_ p: UnsafeRawPointer, size: Int) { munmap(UnsafeMutableRawPointer(mutating: p), size) }

/// `strerror` text of an `errno` value.
func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

/// `ENOENT`, the "no such file" error.
func isMissingFileError(_ code: Int32) -> Bool { code == ENOENT }
