// Discovery and compression with latent factors:
// 1. sparse NMF of the 1797 handwritten digits (8 × 8 pixels) finds strokes, and the digits that use each stroke most
//    say what it is;
// 2. the axes of confusion of a weak linear classifier and of a strong network name the digits they mix up;
// 3. the network's weight matrices replaced by thin factors, ranks chosen on half of its test set;
// 4. word embeddings from the PPMI of WordNet's glosses (needs the Debian package wordnet-base; skipped without it).
// Run from the repository root:
//   swift run -c release Discovery [parts.svg]
// Data: Data/apps/digits (UCI handwritten digits, CC BY 4.0; network and confusion counts; see its README) and
// Data/apps/words (similarity lists; see its README).
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

// Compressed layers: the digits network with each weight matrix truncated, ranks chosen on the first half of its
// test set, accuracy on the second.
let network = try FactoredNetwork(
    weights: try (1...3).map { try NumPy.readMatrix("Data/apps/digits/W\($0).npy", as: Double.self) },
    biases: try (1...3).map { try NumPy.read("Data/apps/digits/b\($0).npy", as: Double.self).elements })
let testX = try NumPy.readMatrix("Data/apps/digits/X_test.npy", as: Double.self)
let testY = try NumPy.read("Data/apps/digits/y_test.npy", as: Double.self).elements.map { Int($0) }
let half = testX.rows / 2
let selection = try NetworkCompression.chooseRanks(try NetworkCompression.Factorization(network),
                                                   validation: testX.rows(0..<half), labels: Array(testY[0..<half]))
let heldOut = testX.rows(half..<testX.rows), heldOutY = Array(testY[half...])
print(String(format: "\ncompressed layers: ranks %@, %d → %d parameters (%.1f %% fewer), held-out accuracy %.4f → %.4f",
             selection.ranks.map { $0.map(String.init) ?? "dense" }.joined(separator: ", "), network.parameters,
             selection.network.parameters, 100 * (1 - Double(selection.network.parameters) / Double(network.parameters)),
             try network.accuracy(heldOut, labels: heldOutY), try selection.network.accuracy(heldOut, labels: heldOutY)))

// Word embeddings: the glosses of WordNet 3.0 as a corpus (one gloss per line, lowercased words of letters with inner
// apostrophes, everything else a separator: about 1.46 million words), PPMI, block-Krylov SVD, similarity scores.
func glossLines(_ folder: String) throws -> [[UInt8]] {
    var lines: [[UInt8]] = []
    for part in ["noun", "verb", "adj", "adv"] {
        let bytes = try InputFile.read("\(folder)/data.\(part)")
        for raw in bytes.split(separator: UInt8(ascii: "\n")) {
            if raw.starts(with: [0x20, 0x20]) { continue }                       // licence header
            guard let bar = raw.firstIndex(of: UInt8(ascii: "|")) else { continue }
            var out: [UInt8] = [], word: [UInt8] = []
            func flush() {
                while word.last == UInt8(ascii: "'") { word.removeLast() }
                if !word.isEmpty { if !out.isEmpty { out.append(0x20) }; out += word }
                word = []
            }
            for var c in raw[(bar + 1)...] {
                if c >= 0x41 && c <= 0x5A { c += 0x20 }                          // lowercase ASCII
                if c >= 0x61 && c <= 0x7A { word.append(c) }
                else if c == UInt8(ascii: "'"), let last = word.last, last != UInt8(ascii: "'") { word.append(c) }
                else { flush() }
            }
            flush()
            if !out.isEmpty { lines.append(out) }
        }
    }
    return lines
}
let wordnet = "/usr/share/wordnet"
if FileManager.default.fileExists(atPath: wordnet + "/data.noun") {
    let corpus = try glossLines(wordnet)
    let embedding = try PMIEmbedding.fit(lines: corpus)
    print("\nPPMI embeddings of the WordNet glosses: \(embedding.corpusWords) words, vocabulary \(embedding.vocabulary.count)")
    for file in ["wordsim353.tsv", "simlex999.txt"] {
        let text = String(decoding: try InputFile.read("Data/apps/words/\(file)"), as: UTF8.self)
        let pairs = try WordSimilarity.pairs(text: text, name: file)
        let (rho, covered) = WordSimilarity.spearman(embedding, pairs)
        print(String(format: "  %@: Spearman ρ %.3f over %d of %d pairs", file, rho, covered, pairs.count))
    }
    for probe in ["king", "water", "happy", "run"] {
        print("  \(probe): " + embedding.neighbours(of: probe).map { String(format: "%@ %.2f", $0.word, $0.similarity) }
            .joined(separator: ", "))
    }
} else {
    print("\nword embeddings skipped: \(wordnet)/data.noun not found (apt-get install wordnet-base)")
}
