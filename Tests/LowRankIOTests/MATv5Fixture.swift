@testable import LowRankKernels
@testable import LowRankIO

/// MATLAB v5 files built byte by byte from the format description (MathWorks, "MAT-File Format", ch. 1), so the
/// tests know every value without reading any external file.
enum MATv5Fixture {
    static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
    static func f64(_ v: Double) -> [UInt8] { (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
    static func padded(_ b: [UInt8]) -> [UInt8] { b + [UInt8](repeating: 0, count: (8 - b.count % 8) % 8) }

    /// 116 bytes of text, 8 bytes of subsystem offset, version 0x0100 and "IM" (little-endian).
    static func header() -> [UInt8] {
        let text = Array("MATLAB 5.0 MAT-file, Platform: test, Created by: LowRank tests".utf8)
        return text + [UInt8](repeating: 0x20, count: 116 - text.count) + [UInt8](repeating: 0, count: 8) + [0x00, 0x01]
            + Array("IM".utf8)
    }

    /// A miMATRIX element (tag included) holding a real double `rows × columns` array: column-major `values`, whose
    /// count may differ from rows·columns to build damaged files.
    static func doubleMatrix(name: String, rows: Int, columns: Int, values: [Double]) -> [UInt8] {
        var body: [UInt8] = []
        body += u32(6) + u32(8) + u32(6) + u32(0)                            // array flags: miUINT32, mxDOUBLE_CLASS
        body += u32(5) + u32(8) + u32(UInt32(rows)) + u32(UInt32(columns))   // dimensions: miINT32
        let n = Array(name.utf8)
        if n.count <= 4 {
            body += u32(UInt32(n.count) << 16 | 1) + n + [UInt8](repeating: 0, count: 4 - n.count)  // small miINT8
        } else {
            body += u32(1) + u32(UInt32(n.count)) + padded(n)
        }
        body += u32(9) + u32(UInt32(8 * values.count)) + values.flatMap(f64)  // real part: miDOUBLE
        return u32(14) + u32(UInt32(body.count)) + body
    }

    /// A miCOMPRESSED element wrapping `element` (zlib stream, as MATLAB's `save -v7`).
    static func compressed(_ element: [UInt8]) -> [UInt8] {
        let z = zlibCompress(element) ?? []
        return u32(15) + u32(UInt32(z.count)) + z
    }
}
