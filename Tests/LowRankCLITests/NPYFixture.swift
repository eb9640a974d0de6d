import Foundation

/// Writes small NumPy `.npy` files for the CLI tests, byte by byte as `numpy.save` does (format 1.0, C order,
/// header padded with spaces and a newline to a multiple of 64 bytes), independently of the library's writer.
enum NPYFixture {
    /// A fresh path in the temporary directory ending in `name`.
    static func path(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("lowrank-cli-\(UUID().uuidString)-\(name)").path
    }

    /// The header bytes (magic, version 1.0, length, dict) for a C-order array.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        while (10 + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        let n = dict.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xFF), UInt8(n >> 8)] + Array(dict.utf8)
    }

    /// The little-endian float64 bytes of `values`.
    static func float64(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8((v.bitPattern >> (8 * UInt64($0))) & 0xFF) } }
    }

    /// Samples `f` on the grid `shape` in C order (last index fastest), as `f(*np.indices(shape))` would.
    static func sampled(_ shape: [Int], _ f: ([Int]) -> Double) -> [Double] {
        let count = shape.reduce(1, *)
        var values: [Double] = []
        values.reserveCapacity(count)
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<count {
            values.append(f(index))
            var a = shape.count - 1
            while a >= 0 {
                index[a] += 1
                if index[a] < shape[a] { break }
                index[a] = 0
                a -= 1
            }
        }
        return values
    }

    /// Writes a float64 C-order `.npy` of `shape` sampled from `f`; returns its path.
    static func write(_ name: String, shape: [Int], _ f: ([Int]) -> Double) throws -> String {
        try writeBytes(name, header(descr: "<f8", shape: shape) + float64(sampled(shape, f)))
    }

    /// Writes raw bytes to a fresh temporary path; returns it.
    static func writeBytes(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}
