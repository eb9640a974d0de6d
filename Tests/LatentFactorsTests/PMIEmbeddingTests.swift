import Foundation
import Testing
import LowRankKernels
@testable import LatentFactors

/// PPMI against a hand count on a ten-word corpus, Spearman's ρ against SciPy's documented example, and the errors of
/// bad corpora and similarity files.
@Suite struct PMIEmbeddingTests {
    static let corpus = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog ran"]

    /// Direct from the definition: every ordered pair (w, c) of positions at most `window` apart on a line counts
    /// once; PMI = log(C_wc · Σ_c′ C_c′^α / (Σ C · (C_w/Σ C) · C_c^α)) with C_w, C_c the row and column sums.
    @Test func ppmiMatchesAHandCount() throws {
        let window = 2, cds = 0.75
        let lines = Self.corpus.map { $0.split(separator: " ").map(String.init) }
        var vocabulary: [String] = []
        for line in lines { for w in line where !vocabulary.contains(w) { vocabulary.append(w) } }
        #expect(vocabulary.count == 10)
        let n = vocabulary.count
        var count = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for line in lines {
            for i in line.indices { for j in line.indices where j != i && abs(j - i) <= window {
                count[vocabulary.firstIndex(of: line[i])!][vocabulary.firstIndex(of: line[j])!] += 1
            } }
        }
        let total = count.joined().reduce(0, +)
        let rowSum = count.map { $0.reduce(0, +) }
        let columnSum = (0..<n).map { c in count.reduce(0) { $0 + $1[c] } }
        let smoothedTotal = columnSum.reduce(0) { $0 + pow($1, cds) }
        let sentences = lines.map { $0.map { Int32(vocabulary.firstIndex(of: $0)!) } }
        let ppmi = PPMIMatrix(sentences: sentences, size: n, window: window, cds: cds)
        var stored = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for r in 0..<n { for e in ppmi.rowStart[r]..<ppmi.rowStart[r + 1] { stored[r][Int(ppmi.column[e])] = ppmi.values[e] } }
        for w in 0..<n { for c in 0..<n {
            var expected = 0.0
            if count[w][c] > 0 {
                let pmi = log(count[w][c] * smoothedTotal / (total * (rowSum[w] / total) * pow(columnSum[c], cds)))
                expected = Swift.max(pmi, 0)
            }
            #expect(abs(stored[w][c] - expected) < 1e-12, "\(vocabulary[w]), \(vocabulary[c])")
        } }
    }

    /// A X and Aᵀ X of the sparse PPMI operator equal the products with its dense form (identity), for a width that
    /// uses full passes of eight columns and a tail (19 = 2 · 8 + 3).
    @Test func productsMatchTheDenseMatrix() throws {
        let lines = Self.corpus.map { $0.split(separator: " ").map(String.init) }
        var vocabulary: [String] = []
        for line in lines { for w in line where !vocabulary.contains(w) { vocabulary.append(w) } }
        let n = vocabulary.count
        let ppmi = PPMIMatrix(sentences: lines.map { $0.map { Int32(vocabulary.firstIndex(of: $0)!) } }, size: n,
                              window: 2, cds: 0.75)
        var dense = Matrix<Double>(rows: n, columns: n)
        for r in 0..<n { for e in ppmi.rowStart[r]..<ppmi.rowStart[r + 1] { dense[r, Int(ppmi.column[e])] = ppmi.values[e] } }
        var g = SeededGenerator(seed: 3)
        let x = Matrix<Double>.randomNormal(rows: n, columns: 19, using: &g)
        let ax = try ppmi.applied(to: x), atx = try ppmi.adjointApplied(to: x)
        let expectedAX = try Matrix.product(dense, .none, x, .none), expectedATX = try Matrix.product(dense, .transpose, x, .none)
        #expect(try ax.subtracting(expectedAX).frobeniusNorm <= 1e-13 * expectedAX.frobeniusNorm)
        #expect(try atx.subtracting(expectedATX).frobeniusNorm <= 1e-13 * expectedATX.frobeniusNorm)
    }

    /// scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233 (SciPy's documentation).
    @Test func spearmanMatchesSciPy() {
        #expect(abs(WordSimilarity.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) - 0.8207826816681233) < 1e-15)
        #expect(WordSimilarity.spearman([1, 2], [2, 1]) == -1)
    }

    @Test func badCorporaAndPairFilesAreNamed() throws {
        let lines = Self.corpus.map { Array($0.utf8) }
        #expect(throws: LinearAlgebraError.invalidArgument(argument: "corpus", reason: "no word occurs at least 50 times (minCount)")) {
            try PMIEmbedding.fit(lines: lines, options: .init(dimension: 2, minCount: 50))
        }
        #expect(throws: LinearAlgebraError.invalidArgument(argument: "corpus",
                                                           reason: "the vocabulary has 10 words, not more than the dimension 10")) {
            try PMIEmbedding.fit(lines: lines, options: .init(dimension: 10, minCount: 1))
        }
        #expect(throws: LinearAlgebraError.invalidArgument(argument: "p.tsv:2", reason: "expected 'word<TAB>word<TAB>rating', got 'cat dog 3'")) {
            try WordSimilarity.pairs(text: "# header\ncat dog 3\n", name: "p.tsv")
        }
        let pairs = try WordSimilarity.pairs(text: "Cat\tDog\t7.5\n\ncat\tmat\t2\n", name: "p.tsv")
        #expect(pairs == [.init(first: "cat", second: "dog", rating: 7.5), .init(first: "cat", second: "mat", rating: 2)])
        // A small fit runs and embeds every vocabulary word.
        let result = try PMIEmbedding.fit(lines: lines, options: .init(dimension: 3, window: 2, minCount: 1))
        #expect(result.vocabulary.count == 10 && result.vectors.rows == 10 && result.vectors.columns == 3 && result.corpusWords == 18)
    }
}
