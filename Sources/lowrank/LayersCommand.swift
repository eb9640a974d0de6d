import ArgumentParser
import Foundation
import LatentFactors
import LowRankIO
import LowRankKernels

/// `lowrank layers`: compress a ReLU network's weight matrices into thin factors, ranks chosen on validation data.
struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Compress the weight matrices of a ReLU network by truncated SVD, with ranks chosen on validation data.",
        discussion: """
            The network is logits = relu(…relu(X W1 + b1)…) Wn + bn with each W (inputs × outputs) given as .npy. The \
            labelled samples are split in two halves in file order: ranks are chosen on the first half (the fewest \
            weights whose accuracy stays within --tolerance points of the dense network's), and accuracies are reported \
            on the second half, so nothing is chosen on the data it is scored on.
            """)

    @Option(parsing: .unconditional, help: "Weight matrices, comma-separated .npy files (inputs × outputs each), input layer first.")
    var weights: String
    @Option(parsing: .unconditional, help: "Bias vectors, comma-separated .npy files, one per weight matrix.")
    var biases: String
    @Option(parsing: .unconditional, help: "Samples, .npy (samples × inputs).") var inputs: String
    @Option(parsing: .unconditional, help: "Class labels 0 … classes−1, .npy (int64 or float64), one per sample.") var labels: String
    @Option(parsing: .unconditional, help: "Accuracy the compressed network may lose on the validation half, in points (default 0.5).")
    var tolerance: Double = 0.5
    @Option(help: "Write U_k.npy, V_k.npy (factored layers) or W_k.npy (dense) and b_k.npy into this folder.") var out: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct LayerReport: Encodable { let inputs: Int, outputs: Int, rank: Int?, parameters: Int, denseParameters: Int }
    struct Report: Encodable {
        let layers: [LayerReport]
        let parametersDense: Int, parametersFactored: Int, reduction: Double
        let validationSamples: Int, testSamples: Int
        let validationAccuracyDense: Double, validationAccuracyFactored: Double
        let accuracyDense: Double, accuracyFactored: Double
        let forwardSecondsDense: Double, forwardSecondsFactored: Double
        let seconds: Double
    }

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite, tolerance <= 100 else { throw ValidationError("--tolerance must lie in [0, 100] points") }
    }

    static func list(_ text: String) -> [String] { text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            let weightFiles = Self.list(weights), biasFiles = Self.list(biases)
            guard weightFiles.count == biasFiles.count, !weightFiles.contains(""), !biasFiles.contains("") else {
                throw ValidationError("--weights and --biases need the same number of non-empty file names (got \(weightFiles.count) and \(biasFiles.count))")
            }
            try OutputTarget.checkFolder(out, option: "--out", inputs: weightFiles + biasFiles + [inputs, labels])
            let start = DispatchTime.now()
            let w = try weightFiles.map { try NumPy.readMatrix($0, as: Double.self) }
            let b = try biasFiles.map { try NumPy.read($0, as: Double.self).elements }
            let network = try FactoredNetwork(weights: w, biases: b)
            let x = try NumPy.readMatrix(inputs, as: Double.self)
            let y = try NumPy.read(labels, as: Double.self).elements
            guard y.count == x.rows else { throw ValidationError("\(labels) has \(y.count) labels for the \(x.rows) samples of \(inputs)") }
            guard x.columns == w[0].rows else {
                throw ValidationError("\(inputs) has \(x.columns) features but \(weightFiles[0]) takes \(w[0].rows) inputs")
            }
            let classes = w[w.count - 1].columns
            if let bad = y.firstIndex(where: { !($0 >= 0 && $0 < Double(classes) && $0 == $0.rounded()) }) {
                throw ValidationError("\(labels): label \(bad + 1) is \(y[bad]); labels must be whole numbers in 0…\(classes - 1)")
            }
            try finish(network, x, y.map { Int($0) }, start)
        }
    }

    func finish(_ network: FactoredNetwork, _ x: Matrix<Double>, _ y: [Int], _ start: DispatchTime) throws {
        let half = x.rows / 2
        guard half >= 1, x.rows - half >= 1 else { throw ValidationError("\(inputs) needs at least 2 samples (one to choose ranks, one to test)") }
        let validation = x.rows(0..<half), test = x.rows(half..<x.rows)
        let factorization = try NetworkCompression.Factorization(network)
        let selection = try NetworkCompression.chooseRanks(factorization, validation: validation, labels: Array(y[0..<half]),
                                                           tolerance: tolerance / 100)
        let testLabels = Array(y[half...])
        func forward(_ n: FactoredNetwork) throws -> Double {
            var times: [Double] = []
            for _ in 0..<7 {
                let t0 = DispatchTime.now()
                _ = try n.logits(x)
                times.append(secondsSince(t0))
            }
            return times.sorted()[3]
        }
        let denseParameters = network.parameters, factoredParameters = selection.network.parameters
        let report = Report(
            layers: zip(network.layers, selection.network.layers).map { dense, factored in
                LayerReport(inputs: dense.shape.inputs, outputs: dense.shape.outputs, rank: factored.rank,
                            parameters: factored.parameters, denseParameters: dense.parameters)
            },
            parametersDense: denseParameters, parametersFactored: factoredParameters,
            reduction: 1 - Double(factoredParameters) / Double(denseParameters),
            validationSamples: half, testSamples: x.rows - half,
            validationAccuracyDense: selection.denseValidationAccuracy, validationAccuracyFactored: selection.validationAccuracy,
            accuracyDense: try network.accuracy(test, labels: testLabels),
            accuracyFactored: try selection.network.accuracy(test, labels: testLabels),
            forwardSecondsDense: try forward(network), forwardSecondsFactored: try forward(selection.network),
            seconds: secondsSince(start))
        if let out {
            try AtomicDirectory.write(to: out) { folder in
                for (index, layer) in selection.network.layers.enumerated() {
                    switch layer.weights {
                    case .dense(let w): try NumPy.write(w, to: folder + "/W\(index + 1).npy")
                    case .factored(let u, let v):
                        try NumPy.write(u, to: folder + "/U\(index + 1).npy")
                        try NumPy.write(v, to: folder + "/V\(index + 1).npy")
                    }
                    try NumPy.write(vector: layer.bias, to: folder + "/b\(index + 1).npy")
                }
            }
        }
        if json { try Output.printJSON(report); return }
        print("| layer | shape | rank | weights and biases (dense) |")
        print("|---|---|---|---|")
        for (index, l) in report.layers.enumerated() {
            print("| \(index + 1) | \(l.inputs) × \(l.outputs) | \(l.rank.map(String.init) ?? "dense") | \(l.parameters) (\(l.denseParameters)) |")
        }
        print(String(format: "parameters %d → %d (%.1f %% fewer); accuracy on the %d test samples %.4f → %.4f (chosen on %d validation samples: %.4f → %.4f)",
                     denseParameters, factoredParameters, 100 * report.reduction, report.testSamples, report.accuracyDense,
                     report.accuracyFactored, half, report.validationAccuracyDense, report.validationAccuracyFactored))
        print(String(format: "forward pass of all %d samples: dense %.3f ms, factored %.3f ms", x.rows,
                     1000 * report.forwardSecondsDense, 1000 * report.forwardSecondsFactored))
    }
}
