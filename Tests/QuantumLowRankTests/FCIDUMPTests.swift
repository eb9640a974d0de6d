import Foundation
import Testing
import LowRankKernels
import LowRankIO
import QuantumLowRank

/// A gzip member holding `data` in one stored (uncompressed) deflate block (RFC 1951 §3.2.4, RFC 1952).
func storedGzip(_ data: [UInt8]) -> [UInt8] {
    precondition(data.count < 65536)
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    crc ^= 0xFFFF_FFFF
    let n = UInt16(data.count)
    var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
    out += [1, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8(~n >> 8)]
    out += data
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: crc >> (8 * k))) }
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: UInt32(data.count) >> (8 * k))) }
    return out
}

private func writeTemp(_ bytes: [UInt8], _ name: String) -> String {
    let path = QChemData.temporaryPath(name)
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

/// CPU seconds of the calling thread (tests run in parallel, so process CPU time would include other tests).
private func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

private let smallHeader = " &FCI NORB=2,NELEC=2,MS2=0,\n  ORBSYM=1,1,\n  ISYM=1,\n &END\n"

@Suite struct FCIDUMPTests {
    @Test(arguments: ["h2o_sto3g", "lih_sto3g", "h10_sto3g_r1.0A", "h2o_ccpvdz", "femoco_reiher"])
    func headerMatchesReferences(molecule: String) throws {
        let ref = try #require(QChemData.molecules[molecule])
        let dump = try FCIDUMP.read(QChemData.path(ref["file"] as! String))
        #expect(dump.orbitals == ref["norb"] as! Int)
        #expect(dump.electrons == ref["nelec"] as! Int)
        #expect(dump.ms2 == ref["ms2"] as! Int)
        #expect(dump.orbsym.count == dump.orbitals)
        #expect(dump.isym == 1)
        #expect(abs(dump.coreEnergy - (ref["e_core"] as! Double)) <= 1e-9 * abs(dump.coreEnergy))
        #expect(dump.eri.pairCount == dump.orbitals * (dump.orbitals + 1) / 2)
        #expect(dump.h.isSymmetricExactly)
    }

    @Test func femocoGzipParsesQuickly() throws {
        let path = QChemData.path("femoco_reiher.FCIDUMP.gz")
        let t0 = cpuSeconds()
        let bytes = try Gzip.readFile(path)
        let t1 = cpuSeconds()
        let dump = try FCIDUMP.parse(bytes: bytes, name: path)
        let t2 = cpuSeconds()
        print("FeMoco: gunzip \(bytes.count) bytes \(t1 - t0) s CPU, parse \(t2 - t1) s CPU")
        #expect(bytes.count == 43_588_130)
        #expect(dump.orbitals == 54 && dump.electrons == 54 && dump.ms2 == 0)
        #expect(abs(dump.coreEnergy - (-13212.970326)) < 1e-6)
        #expect(dump.eri[0, 0, 0, 0] == 0.150459512213)
        #expect(dump.eri[1, 0, 0, 0] == -0.00436724084093 && dump.eri[0, 0, 0, 1] == -0.00436724084093)
        #expect(t2 - t1 < 1.0)
    }

    @Test func eightFoldSymmetryAndPermutedOrderings() throws {
        let path = QChemData.path("h2o_sto3g.FCIDUMP")
        let dump = try FCIDUMP.read(path)
        let n = dump.orbitals
        for p in 0..<n { for q in 0..<n { for r in 0..<n { for s in 0..<n {
            let v = dump.eri[p, q, r, s]
            #expect(v == dump.eri[q, p, r, s] && v == dump.eri[p, q, s, r] && v == dump.eri[q, p, s, r])
            #expect(v == dump.eri[r, s, p, q] && v == dump.eri[s, r, p, q] && v == dump.eri[r, s, q, p] && v == dump.eri[s, r, q, p])
        } } } }
        let m = try dump.eri.supermatrix()
        #expect(m == m.transposed)
        #expect(try ERITensor(orbitals: n, supermatrix: m) == dump.eri)
        // Rewrite every two-electron line in a different one of its eight orderings: same tensor.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var counter = 0
        let permuted = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let f = line.split(separator: " ")
            guard f.count == 5, f[1...].allSatisfy({ $0 != "0" }) else { return String(line) }
            counter += 1
            let (i, j, k, l) = (f[1], f[2], f[3], f[4])
            let orders = [[i, j, k, l], [j, i, k, l], [i, j, l, k], [j, i, l, k], [k, l, i, j], [l, k, i, j], [k, l, j, i], [l, k, j, i]]
            return ([f[0]] + orders[counter % 8]).joined(separator: "   ")
        }.joined(separator: "\n")
        let again = try FCIDUMP.parse(bytes: Array(permuted.utf8), name: "permuted")
        #expect(again == dump)
        #expect(counter > 100)
    }

    @Test(arguments: ["h2o_sto3g.FCIDUMP", "h2o_ccpvdz.FCIDUMP", "h10_sto3g_r1.0A.FCIDUMP"])
    func writeReadRoundTrip(file: String) throws {
        let dump = try FCIDUMP.read(QChemData.path(file))
        let out = QChemData.temporaryPath(file)
        defer { unlink(out) }
        try dump.write(to: out)
        let back = try FCIDUMP.read(out)
        #expect(back == dump)
        #expect(back.eri.maxAbsDifference(dump.eri) == 0)
        // The writer emits each unique integral once: no duplicate keys on re-parse is implied by the equality;
        // also check line count ≤ unique integrals + one-body + core + header.
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count
        #expect(lines <= dump.eri.packed.count + dump.eri.pairCount + 1 + 4)
    }

    @Test func namelistLayoutsAndRecordKinds() throws {
        let text = """
        &fci norb = 2 ,
         nelec=2 ms2=0
         orbsym = 1 1 , isym=1, iuhf=0 /
          0.5 1 1 1 1
          0.25D-01 2 1 1 1
          1.0E-01 2 1 2 1
          0.3 2 2 1 1
          0.25e-1 1 1 1 2
          0.7 2 2 2 2
         -1.25 1 1 0 0
          0.125 1 2 0 0
         -0.5 2 2 0 0
          -0.9 1 0 0 0
          0.75 0 0 0 0
        """
        let d = try FCIDUMP.parse(bytes: Array(text.utf8), name: "inline")
        #expect(d.orbitals == 2 && d.electrons == 2 && d.ms2 == 0 && d.orbsym == [1, 1])
        #expect(d.eri[0, 0, 0, 0] == 0.5 && d.eri[0, 0, 1, 0] == 0.025 && d.eri[0, 1, 0, 1] == 0.1)
        #expect(d.eri[0, 0, 1, 1] == 0.3 && d.eri[1, 1, 1, 1] == 0.7)
        #expect(d.h[0, 0] == -1.25 && d.h[1, 0] == 0.125 && d.h[0, 1] == 0.125 && d.h[1, 1] == -0.5)
        #expect(d.coreEnergy == 0.75)
        let ampersandEnd = try FCIDUMP.parse(bytes: Array((smallHeader + "1.0 1 1 1 1\n").utf8), name: "x")
        #expect(ampersandEnd.eri[0, 0, 0, 0] == 1)
    }

    static let badInputs: [(String, Int, String)] = [
        ("NORB=2 &END\n", 1, "malformed &FCI namelist"),
        (" &FCI NORB=2,NELEC=2\n 1.0 1 1 1 1\n", 2, "malformed &FCI namelist"),
        (" &FCI NELEC=2 &END\n", 1, "has no NORB"),
        (" &FCI NORB=x &END\n", 1, "is not an integer"),
        (" &FCI NORB=2,\n ORBSYM=1,1,1 &END\n", 2, "ORBSYM has 3 entries"),
        (smallHeader + "1.0 1 1 1 3\n", 5, "outside 1…2"),
        (smallHeader + "\n1.0 1 -1 1 1\n", 6, "outside 1…2"),
        (smallHeader + "1.0 1 1 1\n", 5, "truncated integral line"),
        (smallHeader + "1.0 1 1 1 1\n2.0", 6, "truncated integral line"),
        (smallHeader + "1.0x 1 1 1 1\n", 5, "not a number"),
        (smallHeader + "1.0 1 a 1 1\n", 5, "not a number"),
        (smallHeader + "nan 1 1 1 1\n", 5, "non-finite"),
        (smallHeader + "-Inf 1 1 1 1\n", 5, "non-finite"),
        (smallHeader + "1e400 1 1 1 1\n", 5, "non-finite"),
        (smallHeader + "1.0 1 1 1 1 7\n", 5, "unexpected text"),
        (smallHeader + "1.0 0 1 1 1\n", 5, "index pattern"),
        (smallHeader + "0.5 2 1 1 1\n0.5 1 1 1 2\n0.6 1 1 2 1\n", 7, "line 5 gave 0.5"),
        (smallHeader + "0.5 2 1 0 0\n0.50001 1 2 0 0\n", 6, "line 5 gave 0.5"),
        (smallHeader + "1.5 0 0 0 0\n1.6 0 0 0 0\n", 6, "line 5 gave 1.5"),
        (" &FCI NORB=300 &END\n", 1, "exceeds the limit"),
    ]

    @Test(arguments: 0..<badInputs.count)
    func badInputThrowsWithFileAndLine(caseIndex: Int) {
        let (text, line, fragment) = Self.badInputs[caseIndex]
        let path = writeTemp(Array(text.utf8), "bad\(caseIndex).FCIDUMP")
        defer { unlink(path) }
        do {
            _ = try FCIDUMP.read(path)
            Issue.record("case \(caseIndex) parsed: \(text)")
        } catch {
            #expect(error.file == path)
            #expect(error.line == line, "case \(caseIndex): \(error)")
            #expect(error.description.hasPrefix("\(path):\(line): "), "\(error)")
            #expect(error.description.contains(fragment), "case \(caseIndex): \(error)")
        }
    }

    @Test func duplicatesWithinToleranceAreAccepted() throws {
        let text = smallHeader + "0.5 2 1 1 1\n0.5000000000000001 1 1 1 2\n0.5 1 2 1 1\n2.231030365551132e-05 2 2 2 1\n2.231030365537237e-05 2 1 2 2\n"
        let d = try FCIDUMP.parse(bytes: Array(text.utf8), name: "dup")
        #expect(d.eri[1, 0, 0, 0] == 0.5)
    }

    @Test func gzipFilesDecompressTransparently() throws {
        let plain = Array((smallHeader + "1.0 1 1 1 1\n0.25 2 2 0 0\n").utf8)
        let gz = writeTemp(storedGzip(plain), "a.FCIDUMP.gz")
        defer { unlink(gz) }
        #expect(try Gzip.readFile(gz) == plain)
        #expect(try FCIDUMP.read(gz).h[1, 1] == 0.25)
        // Two members (as `cat a.gz b.gz`), with trailing zero padding.
        let half = plain.count / 2
        let multi = writeTemp(storedGzip(Array(plain[..<half])) + storedGzip(Array(plain[half...])) + [0, 0, 0], "m.gz")
        defer { unlink(multi) }
        #expect(try Gzip.readFile(multi) == plain)
        // Uncompressed files pass through.
        let raw = writeTemp(plain, "raw.FCIDUMP")
        defer { unlink(raw) }
        #expect(try Gzip.readFile(raw) == plain)
    }

    @Test func gzipErrorsNameTheFile() throws {
        let plain = Array((smallHeader + String(repeating: "1.0 1 1 1 1\n", count: 50)).utf8)
        let good = storedGzip(plain)
        // Truncated: cut inside the deflate data.
        let truncated = writeTemp(Array(good[..<(good.count / 2)]), "t.gz")
        defer { unlink(truncated) }
        #expect(throws: GzipError.truncated(path: truncated)) { try Gzip.readFile(truncated) }
        // Corrupt: damage a data byte (CRC mismatch) and, separately, the block header.
        var bad = good
        bad[40] ^= 0x55
        let crc = writeTemp(bad, "c.gz")
        defer { unlink(crc) }
        do { _ = try Gzip.readFile(crc); Issue.record("corrupt file accepted") } catch {
            guard case .corrupt(let p, _) = error else { Issue.record("\(error)"); return }
            #expect(p == crc && error.description.hasPrefix(crc))
        }
        var badHeader = good
        badHeader[10] = 0x07  // reserved block type 11
        let hdr = writeTemp(badHeader, "h.gz")
        defer { unlink(hdr) }
        #expect(throws: GzipError.self) { try Gzip.readFile(hdr) }
        // Too large: ISIZE above the limit, named with the size.
        let big = writeTemp(good, "big.gz")
        defer { unlink(big) }
        do { _ = try Gzip.readFile(big, maximumBytes: 100); Issue.record("size limit ignored") } catch {
            #expect(error == .tooLarge(path: big, bytes: plain.count, limit: 100))
            #expect(error.description.contains("\(plain.count) bytes"))
        }
        // FCIDUMP.read wraps gzip and I/O errors.
        do { _ = try FCIDUMP.read(truncated); Issue.record("truncated accepted") } catch {
            #expect(error.file == truncated && error.description.contains("truncated"))
        }
        do { _ = try FCIDUMP.read("/nonexistent/x.FCIDUMP"); Issue.record("missing file accepted") } catch {
            #expect(error.description.hasPrefix("/nonexistent/x.FCIDUMP"))
        }
    }
}

extension Matrix where Scalar == Double {
    var isSymmetricExactly: Bool {
        guard rows == columns else { return false }
        for i in 0..<rows { for j in 0..<i where self[i, j] != self[j, i] { return false } }
        return true
    }
}
