import Foundation

/// Hostile and real-world input files for the bad-input catalogue, generated in the test from stated rules (never
/// taken from the package's own writers).
enum BadInputFiles {
    /// A Matrix Market `array real general` file holding `values` column by column.
    static func array(rows: Int, columns: Int, _ values: [Double]) -> String {
        "%%MatrixMarket matrix array real general\n\(rows) \(columns)\n" + values.map { "\($0)\n" }.joined()
    }

    /// A Matrix Market `coordinate real general` file with 1-based entries.
    static func coordinate(rows: Int, columns: Int, _ entries: [(Int, Int, Double)]) -> String {
        "%%MatrixMarket matrix coordinate real general\n\(rows) \(columns) \(entries.count)\n"
            + entries.map { "\($0.0) \($0.1) \($0.2)\n" }.joined()
    }

    /// A stable diagonal model of order n (A = −diag(1…n), B = C ones), as a folder's three files.
    static func diagonalModel(_ f: Fixture, _ name: String, n: Int, zeroB: Bool = false, zeroC: Bool = false) throws {
        try f.write("\(name)/A.mtx", coordinate(rows: n, columns: n, (1...n).map { ($0, $0, -Double($0)) }))
        try f.write("\(name)/B.mtx", array(rows: n, columns: 1, Array(repeating: zeroB ? 0 : 1, count: n)))
        try f.write("\(name)/C.mtx", array(rows: 1, columns: n, Array(repeating: zeroC ? 0 : 1, count: n)))
    }

    /// A small closed-shell FCIDUMP (2 orbitals, 2 electrons) with the given namelist and integral lines.
    static func fcidump(header: String = "&FCI NORB=2,NELEC=2,MS2=0,ORBSYM=1,1,ISYM=1,\n&END\n",
                        integrals: String = """
                            0.6746 1 1 1 1
                            0.1813 2 1 1 1
                            0.6636 2 1 2 1
                            0.6975 2 2 1 1
                            0.0 2 2 2 1
                            0.6975 2 2 2 2
                            -1.2528 1 1 0 0
                            -0.4759 2 2 0 0
                            0.7137 0 0 0 0

                            """) -> String { header + integrals }

    /// A FIFO-free gzip stream of `bytes` spaces (no newline), made by the system's gzip.
    static func gzipOfSpaces(_ f: Fixture, _ name: String, bytes: Int) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "head -c \(bytes) /dev/zero | tr '\\0' ' ' | gzip -1 -n > '\(f.at(name))'"]
        try p.run()
        p.waitUntilExit()
    }

    /// Adler-32 (RFC 1950 §8.2).
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in bytes { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        return b << 16 | a
    }

    /// A zlib stream (RFC 1950) of `payload` in stored (uncompressed) deflate blocks (RFC 1951 §3.2.4).
    static func zlibStored(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, payload.count - offset)
            let last: UInt8 = offset + n == payload.count ? 1 : 0
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += payload[offset..<(offset + n)]
            offset += n
        } while offset < payload.count
        let s = adler32(payload)
        return out + [UInt8(s >> 24), UInt8((s >> 16) & 0xFF), UInt8((s >> 8) & 0xFF), UInt8(s & 0xFF)]
    }

    /// Rewrites an uncompressed MATLAB v5 file (little-endian, 8-byte tags) with every top-level miMATRIX element
    /// (type 14) wrapped in miCOMPRESSED (type 15), as MATLAB's default `save` does. Returns the bytes and the
    /// offset of each compressed payload's first byte.
    static func compressedMAT(from uncompressed: [UInt8]) -> (bytes: [UInt8], payloads: [(offset: Int, count: Int)]) {
        func u32(_ o: Int) -> Int { Int(uncompressed[o]) | Int(uncompressed[o + 1]) << 8 | Int(uncompressed[o + 2]) << 16 | Int(uncompressed[o + 3]) << 24 }
        func le(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var out = Array(uncompressed[0..<128])
        var payloads: [(Int, Int)] = []
        var offset = 128
        while offset + 8 <= uncompressed.count {
            let type = u32(offset), size = u32(offset + 4)
            let element = Array(uncompressed[offset..<(offset + 8 + size)])
            if type == 14 {
                let z = zlibStored(element)
                out += le(15) + le(z.count)
                payloads.append((out.count, z.count))
                out += z
            } else {
                out += element
            }
            offset += 8 + size
        }
        return (out, payloads)
    }
}
