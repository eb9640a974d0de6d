// Discovery with latent factors on the handwritten digits (8 × 8 pixels):
// 1. sparse NMF of the 1797 images finds strokes, and the digits that use each stroke most say what it is;
// 2. the axes of confusion of a weak linear classifier and of a strong network name the digits they mix up.
// Run from the repository root:
//   swift run -c release Discovery [parts.svg]
// Data: Data/apps/digits (UCI handwritten digits, CC BY 4.0; confusion counts from ../shared; see its README).
import Foundation
import LatentFactors
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

// Axes of confusion: the leading factors of the symmetrized off-diagonal confusion rates, printed, and the first two
// axes of each classifier drawn as bars per digit (discovery-confusion.svg, next to the parts).
var bars = ""
for (row, name) in ["confusion_linear", "confusion_mlp"].enumerated() {
    let counts = try NumPy.readMatrix("Data/apps/digits/\(name).npy", as: Double.self)
    let accuracy = (0..<10).reduce(0) { $0 + counts[$1, $1] } / counts.elements.reduce(0, +)
    print(String(format: "\n%@ (accuracy %.3f): axes of confusion", name, accuracy))
    for (index, axis) in try ConfusionAxes.axes(of: counts, count: 3).enumerated() {
        let loadings = axis.classes.map { String(format: "%d (%.2f)", $0, axis.loadings[$0]) }.joined(separator: ", ")
        print(String(format: "  axis %d, strength %.4f: ties %@", index + 1, axis.strength, loadings))
        guard index < 2 else { continue }
        let x0 = Double(index) * 330 + 20, y0 = Double(row) * 170 + 40, mid = y0 + 60
        bars += "<text x=\"\(x0)\" y=\"\(y0 - 10)\" font-size=\"12\">\(name), axis \(index + 1)</text>\n"
        bars += "<line x1=\"\(x0)\" x2=\"\(x0 + 300)\" y1=\"\(mid)\" y2=\"\(mid)\" stroke=\"#888\"/>\n"
        for digit in 0..<10 {
            let height = 60 * axis.loadings[digit], x = x0 + Double(digit) * 30 + 5
            let color = axis.classes.contains(digit) ? "#d62728" : "#1f77b4"
            bars += "<rect x=\"\(x)\" y=\"\(height > 0 ? mid - height : mid)\" width=\"20\" height=\"\(Swift.abs(height))\" fill=\"\(color)\"/>"
            bars += "<text x=\"\(x + 10)\" y=\"\(mid + 75)\" font-size=\"11\" text-anchor=\"middle\">\(digit)</text>\n"
        }
    }
}
let confusionPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("discovery-confusion.svg")
try AtomicFile.write(Array(("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"680\" height=\"360\" font-family=\"sans-serif\">\n"
                            + bars + "</svg>\n").utf8), to: confusionPath)
print("wrote \(confusionPath)")
