import Numerics

/// A small, fast, seedable pseudo-random generator (xoshiro256**, Blackman & Vigna 2018),
/// seeded through SplitMix64, so that randomized algorithms are reproducible from a seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Creates the generator from a 64-bit seed.
    public init(seed: UInt64) {
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = (s.3 << 45) | (s.3 >> 19)
        return result
    }

    /// A uniform double in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal deviate (Box–Muller).
    public mutating func normal() -> Double {
        var u = uniform()
        while u <= 0 { u = uniform() }
        let v = uniform()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }
}

@inline(__always) func _log(_ x: Double) -> Double { Double.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Double.cos(x) }

extension Matrix {
    /// A matrix of independent standard normal entries (complex: real and imaginary parts each
    /// N(0, ½), so E|z|² = 1), drawn from `generator`.
    public static func randomNormal(rows: Int, columns: Int, using generator: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        let half = 0.5.squareRoot()
        m.elements.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count {
                if Scalar.isComplex {
                    p[i] = Scalar(real: generator.normal() * half, imaginary: generator.normal() * half)
                } else {
                    p[i] = Scalar(real: generator.normal())
                }
            }
        }
        return m
    }
}
