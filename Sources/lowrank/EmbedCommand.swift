import ArgumentParser
import Foundation
import LatentFactors
import LowRankIO
import LowRankKernels

/// `lowrank embed CORPUS`: word embeddings from the truncated SVD of the positive PMI of window co-occurrences.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Word embeddings by factoring positive PMI (window co-occurrences, smoothed contexts), scored on similarity lists.",
        discussion: """
            CORPUS is plain text, one sentence per line, words separated by spaces. Words seen at least --min-count \
            times form the vocabulary; pairs at most --window apart count (unweighted); PPMI uses context-distribution \
            smoothing 0.75; the embeddings are U Σ^0.5 of the rank --dim randomized SVD of the sparse PPMI matrix. \
            --pairs scores them by Spearman's ρ against tab-separated human ratings (word, word, rating).
            """)

    @Argument(help: "The corpus, one sentence per line.") var corpus: String
    @Option(parsing: .unconditional, help: "Embedding dimension (default 100).") var dim: Int = 100
    @Option(parsing: .unconditional, help: "Window half-width (default 5).") var window: Int = 5
    @Option(name: .customLong("min-count"), parsing: .unconditional, help: "Minimum word count (default 5).") var minCount: Int = 5
    @Option(name: .customLong("power-iterations"), parsing: .unconditional,
            help: "Power iterations of the randomized SVD (default 4; more: closer to the exact SVD, slower).")
    var powerIterations: Int = 4
    @Option(parsing: .unconditional, help: "Extra sketch columns of the randomized SVD (default 10).") var oversampling: Int = 10
    @Option(parsing: .unconditional, help: "Similarity files, comma-separated (word<TAB>word<TAB>rating per line).") var pairs: String?
    @Option(parsing: .unconditional, help: "Probe words for nearest neighbours, comma-separated.") var probe: String?
    @Option(help: "Write vocabulary.txt and vectors.npy (vocabulary × dim) into this folder.") var out: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct Score: Encodable { let spearman: Double?, pairsCovered: Int, pairs: Int }
    struct Neighbour: Encodable { let word: String, similarity: Double }
    struct Report: Encodable {
        let corpus: String, vocabulary: Int, corpusWords: Int, dim: Int, window: Int, minCount: Int, ppmiNonzeros: Int
        let similarity: [String: Score]
        let neighbours: [String: [Neighbour]]
        let seconds: Double
    }

    func validate() throws {
        guard dim >= 1 else { throw ValidationError("--dim must be ≥ 1") }
        guard window >= 1 else { throw ValidationError("--window must be ≥ 1") }
        guard minCount >= 1 else { throw ValidationError("--min-count must be ≥ 1") }
        guard powerIterations >= 0, powerIterations <= 100 else { throw ValidationError("--power-iterations must lie in 0…100") }
        guard oversampling >= 0, oversampling <= 10_000 else { throw ValidationError("--oversampling must lie in 0…10000") }
    }

    func run() throws {
        try Output.reportingErrors {
            common.apply()
            let pairFiles = pairs.map { $0.split(separator: ",").map(String.init) } ?? []
            try OutputTarget.checkFolder(out, option: "--out", inputs: [corpus] + pairFiles)
            let start = DispatchTime.now()
            // Similarity files first: a malformed line is reported before the fit.
            var lists: [(name: String, pairs: [WordSimilarity.Pair])] = []
            for file in pairFiles {
                let text = String(decoding: try InputFile.read(file), as: UTF8.self)
                lists.append(((file as NSString).lastPathComponent, try WordSimilarity.pairs(text: text, name: file)))
            }
            let bytes = try InputFile.read(corpus)
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
            let result = try PMIEmbedding.fit(lines: lines, options: .init(dimension: dim, window: window, minCount: minCount,
                                                                                      powerIterations: powerIterations,
                                                                                      oversampling: oversampling))
            var similarity: [String: Score] = [:]
            for list in lists {
                let (rho, covered) = WordSimilarity.spearman(result, list.pairs)
                similarity[list.name] = Score(spearman: rho.isNaN ? nil : rho, pairsCovered: covered, pairs: list.pairs.count)
            }
            let probes = probe.map { $0.split(separator: ",").map { String($0).lowercased() } } ?? []
            var neighbours: [String: [Neighbour]] = [:]
            for word in probes { neighbours[word] = result.neighbours(of: word).map { Neighbour(word: $0.word, similarity: $0.similarity) } }
            if let out {
                try AtomicDirectory.write(to: out) { folder in
                    try NumPy.write(result.vectors, to: folder + "/vectors.npy")
                    try AtomicFile.write(Array((result.vocabulary.joined(separator: "\n") + "\n").utf8), to: folder + "/vocabulary.txt")
                }
            }
            let report = Report(corpus: corpus, vocabulary: result.vocabulary.count, corpusWords: result.corpusWords, dim: dim,
                                window: window, minCount: minCount, ppmiNonzeros: result.ppmiNonzeros, similarity: similarity,
                                neighbours: neighbours, seconds: secondsSince(start))
            if json { try Output.printJSON(report); return }
            print("\(corpus): \(result.corpusWords) words, vocabulary \(result.vocabulary.count) (min count \(minCount)), "
                  + "PPMI nonzeros \(result.ppmiNonzeros), dim \(dim), window \(window), \(String(format: "%.2f", report.seconds)) s")
            for list in lists {
                let s = similarity[list.name]!
                print(String(format: "  %@: Spearman ρ %.3f over %d of %d pairs", list.name, s.spearman ?? .nan, s.pairsCovered, s.pairs))
            }
            for word in probes {
                let near = neighbours[word] ?? []
                print("  \(word): " + (near.isEmpty ? "(not in the vocabulary)"
                                                    : near.map { String(format: "%@ %.2f", $0.word, $0.similarity) }.joined(separator: ", ")))
            }
        }
    }
}
