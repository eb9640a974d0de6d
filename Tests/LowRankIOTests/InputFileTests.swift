import Foundation
import Testing
import Dispatch
@testable import LowRankKernels
@testable import LowRankIO

#if canImport(Glibc)
import Glibc
#endif

/// A FIFO (named pipe) in a fresh temporary directory. A watchdog opens it for writing a few seconds later (and
/// closes it at once), so a reader that wrongly blocks in `open` is released and the test fails instead of hanging.
func makeFIFO(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowrank-fifo-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    for delay in [3.0, 6.0, 12.0] {
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
    }
    return path
}

/// A listening-less Unix-domain socket bound at a fresh temporary path.
func makeSocket() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lr-\(UUID().uuidString.prefix(8)).sock").path
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (k, b) in path.utf8.enumerated() where k < raw.count - 1 { raw[k] = b }
    }
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    close(fd)
    guard status == 0 else { throw POSIXError(.EIO) }
    return path
}

@Suite struct InputFileTests {
    @Test func fifoIsRefusedByEveryReaderWithoutBlocking() throws {
        let fifo = try makeFIFO("m.mtx")
        defer { unlink(fifo) }
        let message = "\(fifo): not a regular file (a FIFO)"
        #expect(throws: InputFileError(path: fifo, kind: .notRegularFile(.fifo))) { _ = try InputFile.read(fifo) }
        #expect(throws: InputFileError(path: fifo, kind: .notRegularFile(.fifo))) {
            try InputFile.requireRegularFile(fifo)
        }
        do { _ = try MatrixMarket.readDense(fifo); Issue.record("FIFO read as Matrix Market") } catch {
            #expect("\(error)" == message)
        }
        do { _ = try MatrixMarket.readDocument(fifo); Issue.record("FIFO read as Matrix Market") } catch {
            #expect("\(error)" == message)
        }
        do { _ = try NumPy.read(fifo, as: Double.self); Issue.record("FIFO read as .npy") } catch {
            #expect(error as? NumPyError == .notRegularFile(file: fifo, type: .fifo))
            #expect("\(error)" == message)
        }
        do { _ = try Gzip.readFile(fifo); Issue.record("FIFO read by Gzip") } catch {
            #expect(error == .notRegularFile(path: fifo, type: .fifo))
            #expect("\(error)" == message)
        }
        do { _ = try MATFile.read(fifo, variable: "A"); Issue.record("FIFO read as .mat") } catch {
            #expect("\(error)" == message)
        }
        do { _ = try MATFile.variableNames(fifo); Issue.record("FIFO read as .mat") } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func devicesDirectoriesAndSocketsAreNotRegularFiles() throws {
        // /dev/zero is readable by everyone (and endless): the reason must be its type, never permissions.
        #expect(throws: InputFileError(path: "/dev/zero", kind: .notRegularFile(.characterDevice))) {
            _ = try InputFile.read("/dev/zero")
        }
        do { _ = try MatrixMarket.readSparse("/dev/zero"); Issue.record("/dev/zero read") } catch {
            #expect("\(error)" == "/dev/zero: not a regular file (a character device)")
        }
        do { _ = try NumPy.read("/dev/zero", as: Double.self); Issue.record("/dev/zero read") } catch {
            #expect("\(error)" == "/dev/zero: not a regular file (a character device)")
        }
        let dir = FileManager.default.temporaryDirectory.path
        do { _ = try Gzip.readFile(dir); Issue.record("directory read") } catch {
            #expect("\(error)" == "\(dir): not a regular file (a directory)")
        }
        let socketPath = try makeSocket()
        defer { unlink(socketPath) }
        // A socket cannot be opened at all (ENXIO): it is still named by its type.
        #expect(throws: InputFileError(path: socketPath, kind: .notRegularFile(.socket))) {
            _ = try InputFile.read(socketPath)
        }
        do { _ = try MatrixMarket.readDense(socketPath); Issue.record("socket read") } catch {
            #expect("\(error)" == "\(socketPath): not a regular file (a socket)")
        }
        // Block devices exist only on some machines; check the type phrase where one is visible.
        if let disk = ["/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1"].first(where: { path in
            var st = stat()
            return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFBLK && access(path, R_OK) == 0
        }) {
            #expect(throws: InputFileError(path: disk, kind: .notRegularFile(.blockDevice))) {
                _ = try InputFile.read(disk)
            }
        }
    }

    @Test func missingFilesKeepTheirMessages() {
        let path = "/nonexistent/dir/x.bin"
        #expect(throws: InputFileError(path: path, kind: .notFound)) { _ = try InputFile.read(path) }
        #expect("\(InputFileError(path: path, kind: .notFound))" == "\(path): no such file")
        #expect(throws: MatrixMarketError.fileNotFound(file: path)) { _ = try MatrixMarket.readDense(path) }
        #expect(throws: NumPyError.readFailed(file: path, reason: "no such file")) {
            _ = try NumPy.read(path, as: Double.self)
        }
    }

    @Test func regularFilesReadWholeAndMapped() throws {
        // Sizes on both sides of the mapping threshold; content is a known byte pattern.
        for size in [0, 1, 65_537, (1 << 20) + 3] {
            let path = temporaryPath("bytes-\(size)")
            defer { unlink(path) }
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            #expect(try InputFile.read(path) == bytes)
            let mapped = try InputFile.withBytes(path) { Array($0) }
            #expect(mapped == bytes)
            #expect(try InputFile.open(path).size == size)
        }
    }

    @Test func gzipReaderBoundsLineLengthOnPlainText() throws {
        // Line 3 is 41 bytes long: refused at a 40-byte limit with its line number, accepted at 41.
        let text = "short\nline two\n" + String(repeating: "x", count: 41) + "\nend\n"
        let path = temporaryPath("lines.txt")
        defer { unlink(path) }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: GzipError.lineTooLong(path: path, line: 3, limit: 40)) {
            _ = try Gzip.readFile(path, maximumLineLength: 40)
        }
        #expect("\(GzipError.lineTooLong(path: path, line: 3, limit: 40))" == "\(path):3: line longer than 40 bytes")
        #expect(try Gzip.readFile(path, maximumLineLength: 41) == Array(text.utf8))
        // inspect: a limit below the size refuses; stop returns the text read so far.
        #expect(throws: GzipError.exceedsTextLimit(path: path, limit: 10, reason: "test")) {
            _ = try Gzip.readFile(path) { _ in .limit(bytes: 10, reason: "test") }
        }
        #expect(try Gzip.readFile(path) { _ in .stop } == Array(text.utf8))  // one chunk: all of it
    }
}
