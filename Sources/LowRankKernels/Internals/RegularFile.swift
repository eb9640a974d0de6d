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
        // A directory opens read-only on Linux; where it does not, say what it is rather than EISDIR's text.
        let e = errno
        if e == EISDIR { return .notRegular(.directory) }
        return .failed(errno: e)
    }
    var st = stat()
    if fstat(fd, &st) != 0 {
        let e = errno
        close(fd)
        return .failed(errno: e)
    }
    let type: InputFile.FileType?
    switch st.st_mode & S_IFMT {
    case S_IFREG: type = nil
    case S_IFIFO: type = .fifo
    case S_IFCHR: type = .characterDevice
    case S_IFDIR: type = .directory
    case S_IFBLK: type = .blockDevice
    case S_IFSOCK: type = .socket
    default: type = .other
    }
    if let type {
        close(fd)
        return .notRegular(type)
    }
    let flags = fcntl(fd, F_GETFL)
    if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
    return .opened(fd: fd, size: max(Int(st.st_size), 0))
}

/// `read(2)` retried on `EINTR`: bytes read (0 at end of file), or `-errno`.
func readDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    while true {
        let n = read(fd, buffer, count)
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
