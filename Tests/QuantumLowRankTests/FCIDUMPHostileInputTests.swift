import Foundation
import Testing
import Dispatch
import LowRankKernels
import QuantumLowRank

#if canImport(Glibc)
import Glibc
#endif

private func temporaryFile(_ bytes: [UInt8], _ name: String) -> String {
    let path = QChemData.temporaryPath(name)
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

/// LSB-first bit packing for a hand-made deflate stream (RFC 1951 §3.1.1).
private struct BitWriter {
    var bytes: [UInt8] = []
    var accumulator: UInt64 = 0
    var count = 0
    mutating func put(_ value: UInt64, bits: Int) {
        accumulator |= value << UInt64(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator))
            accumulator >>= 8
            count -= 8
        }
    }
    /// A Huffman code, sent most-significant bit first.
    mutating func code(_ value: UInt64, bits: Int) {
        var reversed: UInt64 = 0
        for k in 0..<bits { reversed |= ((value >> UInt64(k)) & 1) << UInt64(bits - 1 - k) }
        put(reversed, bits: bits)
    }
    mutating func flush() { if count > 0 { put(0, bits: 8 - count) } }
}

/// A gzip member whose text is `prefix` followed by `count` copies of `byte`, deflated by hand with the fixed
/// Huffman code (RFC 1951 §3.2.6): one literal, then matches of length 258 at distance 1, so 200 MB take about
/// 1.3 MB. The CRC-32 field is left zero: a reader that inflates everything before checking fails on it too.
private func repeatedByteGzip(prefix: [UInt8], byte: UInt8, count: Int) -> [UInt8] {
    var w = BitWriter()
    w.put(1, bits: 1)  // BFINAL
    w.put(1, bits: 2)  // BTYPE = 01, fixed Huffman
    func literal(_ b: UInt8) {
        if b < 144 { w.code(0x30 + UInt64(b), bits: 8) } else { w.code(0x190 + UInt64(b) - 144, bits: 9) }
    }
    for b in prefix { literal(b) }
    literal(byte)
    var left = count - 1
    while left >= 258 {
        w.code(0xC0 + 5, bits: 8)  // length symbol 285 = 258, no extra bits
        w.code(0, bits: 5)         // distance symbol 0 = 1
        left -= 258
    }
    for _ in 0..<left { literal(byte) }
    w.code(0, bits: 7)  // end of block (256)
    w.flush()
    let size = UInt32(truncatingIfNeeded: prefix.count + count)
    var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff] + w.bytes + [0, 0, 0, 0]
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: size >> (8 * UInt32(k)))) }
    return out
}

/// A FIFO in the temporary directory, with a watchdog that opens it for writing later so that a reader wrongly
/// blocking in `open` is released (and the test fails) instead of hanging.
private func makeFIFO(_ name: String) throws -> String {
    let path = QChemData.temporaryPath(name)
    guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    for delay in [3.0, 6.0, 12.0] {
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
            let fd = open(path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
    }
    return path
}

/// Random 8-fold symmetric integrals over `n` orbitals and PySCF's 4-fold FCIDUMP text for them
/// (`pyscf.tools.fcidump.write_eri` on a 2-d `eri`: every (ij|kl) with i ≥ j, k ≥ l, for all pair pairs, so (ij|kl)
/// and (kl|ij) both appear; values as `%.16g`). The later copy of each pair is perturbed by `perturb`.
private struct PySCFFourFold {
    let n: Int
    /// Value of the unique integral of pairs (ij, kl), ij ≥ kl, as written first (and read back), keyed by ij·P + kl.
    var unique: [Int: Double] = [:]
    var h: [Int: Double] = [:]
    var text = ""
    /// The 1-based line of the first and second copy of pair (ij, kl), ij > kl.
    var lines: [Int: (Int, Int)] = [:]
    /// The lines (first, second) of each pair, in the order the second copies appear (copy 1, 2, …).
    var copies: [(Int, Int)] = []

    init(n: Int, seed: UInt64, perturb: (Double, Int) -> Double) {
        self.n = n
        var rng = SeededGenerator(seed: seed)
        let npair = n * (n + 1) / 2
        func written(_ v: Double) -> (String, Double) {
            let s = String(format: "%.16g", v)
            return (s, Double(s)!)
        }
        var raw: [Int: Double] = [:]
        for ij in 0..<npair {
            for kl in 0...ij {
                // Magnitudes from 1e-14 to 1, as in real files; both signs.
                let magnitude = pow(10, Double.random(in: -14...0, using: &rng))
                raw[ij * npair + kl] = Bool.random(using: &rng) ? magnitude : -magnitude
            }
        }
        text = " &FCI NORB=\(String(format: "%4d", n)),NELEC=\(2 * (n / 2)),MS2=0,\n  ORBSYM=" + String(repeating: "1,", count: n)
            + "\n  ISYM=1,\n &END\n"
        var line = 5
        var copy = 0
        var ij = 0
        for i in 0..<n {
            for j in 0...i {
                var kl = 0
                for k in 0..<n {
                    for l in 0...k {
                        let key = max(ij, kl) * npair + min(ij, kl)
                        var value = raw[key]!
                        if ij != kl {
                            if lines[key] == nil {
                                lines[key] = (line, 0)
                            } else {
                                lines[key]!.1 = line
                                copies.append((lines[key]!.0, line))
                                copy += 1
                                value = perturb(value, copy)
                            }
                        }
                        let (s, v) = written(value)
                        if unique[key] == nil { unique[key] = v }
                        text += " \(s) \(String(format: "%4d %4d %4d %4d", i + 1, j + 1, k + 1, l + 1))\n"
                        line += 1
                        kl += 1
                    }
                }
                ij += 1
            }
        }
        for i in 0..<n {
            for j in 0...i {
                let (s, v) = written(Double.random(in: -2...2, using: &rng))
                h[i * n + j] = v
                text += " \(s) \(String(format: "%4d %4d %4d %4d", i + 1, j + 1, 0, 0))\n"
            }
        }
        text += " 1.25 0 0 0 0\n"
    }
}

extension FCIDUMPTests {
    @Test func pyscfFourFoldDuplicatesReadAsTheFirstCopy() throws {
        // The second copy differs by a few ulps, by up to 1e-11 relative, or by 3e-14 absolute (tiny values).
        let file = PySCFFourFold(n: 4, seed: 11) { v, copy in
            switch copy % 3 {
            case 0: return v.nextUp.nextUp.nextUp
            case 1: return v * (1 + 1e-11)
            default: return v + 3e-14
            }
        }
        let dump = try FCIDUMP.parse(bytes: Array(file.text.utf8), name: "pyscf4")
        let n = file.n, npair = n * (n + 1) / 2
        var checked = 0
        for i in 0..<n { for j in 0...i { for k in 0..<n { for l in 0...k {
            let ij = i * (i + 1) / 2 + j, kl = k * (k + 1) / 2 + l
            let expected = file.unique[max(ij, kl) * npair + min(ij, kl)]!
            #expect(dump.eri[i, j, k, l] == expected && dump.eri[l, k, j, i] == expected)
            checked += 1
        } } } }
        #expect(checked == npair * npair)
        for i in 0..<n { for j in 0...i { #expect(dump.h[i, j] == file.h[i * n + j]! && dump.h[j, i] == dump.h[i, j]) } }
        #expect(dump.coreEnergy == 1.25)
    }

    @Test func pyscfFourFoldRealConflictNamesBothLines() throws {
        // One copy off by 1e-6 relative: a real conflict, reported on the second line naming the first.
        // The first second copy whose value is at least 1e-3 in magnitude gets the conflict.
        var conflicted = 0
        let file = PySCFFourFold(n: 4, seed: 5) { v, copy in
            guard conflicted == 0, abs(v) >= 1e-3 else { return v }
            conflicted = copy
            return v * (1 + 1e-6)
        }
        try #require(conflicted > 0)
        let pair = file.copies[conflicted - 1]
        do {
            _ = try FCIDUMP.parse(bytes: Array(file.text.utf8), name: "conflict")
            Issue.record("a 1e-6 relative conflict was accepted")
        } catch {
            guard case let .conflictingDuplicate(firstLine, a, b) = error.kind else { Issue.record("\(error)"); return }
            #expect(error.line == pair.1 && firstLine == pair.0)
            #expect(abs(b / a - (1 + 1e-6)) < 1e-12)
            #expect(error.description.hasPrefix("conflict:\(pair.1): ") && error.description.contains("line \(pair.0)"))
        }
    }

    @Test func crlfAndByteOrderMarkReadAsTheSameFCIDUMP() throws {
        let generated = PySCFFourFold(n: 3, seed: 2) { v, _ in v }.text
        let shipped = try String(contentsOfFile: QChemData.path("h2o_sto3g.FCIDUMP"), encoding: .utf8)
        for text in [generated, shipped] {
            let unix = try FCIDUMP.parse(bytes: Array(text.utf8), name: "lf")
            let windows = [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            let path = temporaryFile(windows, "crlf.FCIDUMP")
            defer { unlink(path) }
            #expect(try FCIDUMP.read(path) == unix)
            #expect(try FCIDUMP.parse(bytes: windows, name: "crlf") == unix)
        }
    }

    static let inconsistentHeaders: [(String, Int, String)] = [
        (" &FCI NORB=2,NELEC=5,MS2=1 &END\n 1.0 1 1 1 1\n", 1, "NELEC = 5 exceeds 2·NORB = 4"),
        (" &FCI NORB=6,NELEC=11,MS2=0,\n &END\n 1.0 1 1 1 1\n", 2, "NELEC = 11 and MS2 = 0 have different parity"),
        (" &FCI NORB=4,NELEC=2,MS2=4 &END\n 1.0 1 1 1 1\n", 1, "|MS2| = 4 exceeds NELEC = 2"),
        (" &FCI NORB=3,NELEC=2,MS2=-4 &END\n 1.0 1 1 1 1\n", 1, "|MS2| = 4 exceeds NELEC = 2"),
        (" &FCI NORB=3,NELEC=4,MS2=4 &END\n 1.0 1 1 1 1\n", 1,
         "|MS2| = 4 exceeds 2·NORB − NELEC = 2 (not enough orbitals for that spin)"),
        (" &FCI NORB=3,NELEC=5,MS2=3 &END\n 1.0 1 1 1 1\n", 1,
         "|MS2| = 3 exceeds 2·NORB − NELEC = 1 (not enough orbitals for that spin)"),
        (" &FCI NORB=2,NELEC=2,MS2=0,UHF=.TRUE. &END\n 1.0 1 1 1 1\n", 1, "unrestricted (UHF) FCIDUMP is not supported"),
        (" &FCI NORB=2,NELEC=2,\n IUHF=1 /\n 1.0 1 1 1 1\n", 2, "unrestricted (UHF) FCIDUMP is not supported"),
        (" &FCI NORB=2,NELEC=2,MS2=0,\n  ORBSYM=1,1,\n  ISYM=1,\n &END\n", 4, "no integrals after the namelist"),
        (" &FCI NORB=2,NELEC=2,MS2=0,\n  ORBSYM=1,1,\n  ISYM=1,\n 4.74 1 1 1 1\n 0.5 2 1 1 1\n", 4,
         "no &END or / terminator before the integrals (line 4)"),
        (" &FCI NORB=2,NELEC=2,MS2=0,\n  ORBSYM=1,1,\n  ISYM=1\n  1.0D+00   2   2   1   1\n", 4,
         "no &END or / terminator before the integrals (line 4)"),
        (" &FCI NORB=2,\n" + String(repeating: " ", count: 70_000) + "NELEC=2 &END\n 1.0 1 1 1 1\n", 2,
         "line longer than 65536 bytes"),
        (" &FCI NORB=1,NELEC=2 &END\n" + String(repeating: " 0.5 1 1 1 1\n", count: 8 + 2 + 1 + 1 + 64 + 1), 78,
         "more than 76 integral lines, more than NORB = 1 allows"),
    ]

    @Test(arguments: 0..<inconsistentHeaders.count)
    func headerContradictingItselfOrTheDataIsRefused(caseIndex: Int) {
        let (text, line, message) = Self.inconsistentHeaders[caseIndex]
        let path = temporaryFile(Array(text.utf8), "hdr\(caseIndex).FCIDUMP")
        defer { unlink(path) }
        do {
            _ = try FCIDUMP.read(path)
            Issue.record("case \(caseIndex) parsed")
        } catch {
            #expect(error.line == line, "case \(caseIndex): \(error)")
            #expect(error.description.hasPrefix("\(path):\(line): "), "\(error)")
            #expect(error.description.hasSuffix(message), "case \(caseIndex): \(error)")
        }
    }

    @Test func consistentHeadersStillRead() throws {
        // NELEC = 0, MS2 = 0; a high-spin case at the limit; UHF=.FALSE.; MS2 absent with odd NELEC (defaults to 1).
        for (header, ms2) in [("NORB=2,NELEC=0,MS2=0", 0), ("NORB=3,NELEC=3,MS2=-3", -3),
                              ("NORB=2,NELEC=2,MS2=0,UHF=.FALSE.,IUHF=0", 0), ("NORB=2,NELEC=3", 1)] {
            let d = try FCIDUMP.parse(bytes: Array(" &FCI \(header) &END\n 0.5 1 1 1 1\n".utf8), name: header)
            #expect(d.ms2 == ms2 && d.eri[0, 0, 0, 0] == 0.5)
        }
    }

    @Test func nonRegularFilesAreRefusedWithoutBlocking() throws {
        let fifo = try makeFIFO("fifo.FCIDUMP")
        defer { unlink(fifo) }
        do { _ = try FCIDUMP.read(fifo); Issue.record("FIFO read") } catch {
            #expect(error.description == "\(fifo): not a regular file (a FIFO)")
        }
        do { _ = try FCIDUMP.read("/dev/zero"); Issue.record("/dev/zero read") } catch {
            #expect(error.description == "/dev/zero: not a regular file (a character device)")
        }
        // Missing files name the path once.
        do { _ = try FCIDUMP.read("/nonexistent/x.FCIDUMP"); Issue.record("missing file read") } catch {
            #expect(error.description == "/nonexistent/x.FCIDUMP: cannot read: No such file or directory")
        }
    }

    @Test func gzipBombOfBlanksFailsAtTheFirstLongLine() throws {
        // 200 MB of spaces in about 1.3 MB of gzip: refused on line 1 after inflating about a megabyte.
        let bomb = repeatedByteGzip(prefix: [], byte: 32, count: 200_000_000)
        #expect(bomb.count < 2_000_000)
        let path = temporaryFile(bomb, "bomb.FCIDUMP.gz")
        defer { unlink(path) }
        let started = DispatchTime.now()
        do { _ = try FCIDUMP.read(path); Issue.record("gzip bomb read") } catch {
            #expect(error.kind == .lineTooLong(limit: 65536) && error.line == 1, "\(error)")
            #expect(error.description == "\(path):1: line longer than 65536 bytes")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) * 1e-9
        print("gzip bomb of blanks refused after \(seconds) s")
    }

    @Test func gzipBombOfBlankLinesFailsAtTheSizeNORBAllows() throws {
        // A valid NORB = 2 namelist, then 200 MB of empty lines: no line is long, but the text passes the bound
        // (every unique integral in 8 orderings, h in both, orbital energies, core, 64 spare: 48 + 6 + 2 + 1 + 64 = 121
        // lines of at most 128 bytes after the namelist) long before it ends.
        let header = Array(" &FCI NORB=2,NELEC=2,MS2=0,\n  ORBSYM=1,1,\n  ISYM=1,\n &END\n 0.5 1 1 1 1\n".utf8)
        let namelistBytes = header.count - " 0.5 1 1 1 1\n".utf8.count
        let bomb = repeatedByteGzip(prefix: header, byte: 10, count: 200_000_000)
        let path = temporaryFile(bomb, "lines.FCIDUMP.gz")
        defer { unlink(path) }
        let limit = namelistBytes + 121 * 128
        do { _ = try FCIDUMP.read(path); Issue.record("gzip bomb read") } catch {
            #expect(error.kind == .tooLarge(bytes: limit, norb: 2), "\(error)")
            #expect(error.description == "\(path): text longer than the \(limit) bytes NORB = 2 allows")
        }
        // The same generator, small enough: inflated to the end, it fails only on its zero CRC-32 (the deflate data
        // are sound, so the bomb above was refused for its size, not for bad data).
        let small = temporaryFile(repeatedByteGzip(prefix: header, byte: 10, count: 1000), "ok.FCIDUMP.gz")
        defer { unlink(small) }
        do { _ = try FCIDUMP.read(small); Issue.record("zero CRC accepted") } catch {
            #expect(error.description.contains("corrupt gzip data"), "\(error)")
        }
    }
}
