// Discovery with non-negative parts: sparse NMF of the 1797 handwritten digits (8 × 8 pixels) finds strokes, and
// the digits that use each stroke most say what it is. Run from the repository root:
//   swift run -c release Discovery [parts.svg]
// Data: Data/apps/digits (UCI handwritten digits, CC BY 4.0; see its README).
import Foundation
import LowRankIO
import LowRankKernels

let images = try NumPy.readMatrix("Data/apps/digits/images.npy", as: Double.self)       // 1797 × 64
let labels = try NumPy.readMatrix("Data/apps/digits/labels.npy", as: Double.self)       // 1797 × 1
let rank = 16
let fit = try NMF.fit(images, options: .init(rank: rank, alphaW: 0.001, l1Ratio: 1, initialization: .nndsvd,
                                             iterations: 200))
print(String(format: "sparse NMF, rank %d: objective %.1f, %.0f %% of W and %.0f %% of H exactly zero", rank,
             fit.objective, 100 * fit.zerosW, 100 * fit.zerosH))

// Mean weight of each part per digit: which digits are built from it.
var usage = [[Double]](repeating: [Double](repeating: 0, count: 10), count: rank)
var count = [Double](repeating: 0, count: 10)
for i in 0..<images.rows {
    let digit = Int(labels[i, 0])
    count[digit] += 1
    for t in 0..<rank { usage[t][digit] += fit.w[i, t] }
}
for t in 0..<rank {
    let mean = (0..<10).map { usage[t][$0] / Swift.max(count[$0], 1) }
    let top = (0..<10).sorted { mean[$0] > mean[$1] }.prefix(3)
    let pixels = (0..<64).filter { fit.h[t, $0] > 0 }.count
    print(String(format: "part %2d: %2d pixels, used most by digits %@", t, pixels,
                 top.map { String(format: "%d (%.2f)", $0, mean[$0]) }.joined(separator: ", ")))
}

// The parts as 8 × 8 heat maps, four per row.
let cell = 12.0, gap = 10.0, side = 8 * cell
var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(4 * (side + gap)))\" height=\"\(Int(Double((rank + 3) / 4) * (side + gap)))\">\n"
for t in 0..<rank {
    let x0 = Double(t % 4) * (side + gap), y0 = Double(t / 4) * (side + gap)
    let peak = (0..<64).map { fit.h[t, $0] }.max() ?? 1
    for p in 0..<64 {
        let shade = Int(255 * (1 - fit.h[t, p] / Swift.max(peak, 1e-300)))
        svg += "<rect x=\"\(x0 + Double(p % 8) * cell)\" y=\"\(y0 + Double(p / 8) * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"rgb(\(shade),\(shade),\(shade))\"/>\n"
    }
}
svg += "</svg>\n"
let path = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "discovery-parts.svg"
try AtomicFile.write(Array(svg.utf8), to: path)
print("wrote \(path)")
