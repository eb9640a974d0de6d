import LowRankKernels

/// Word embeddings by factoring the positive pointwise mutual information of word co-occurrences (Levy & Goldberg,
/// NIPS 2014; Levy, Goldberg & Dagan, TACL 3 (2015)): the explicit counterpart of word2vec's skip-gram.
///
/// Words occurring at least ``Options/minCount`` times form the vocabulary; other words are dropped from each line
/// before counting. Every pair of vocabulary words at most ``Options/window`` positions apart on a line counts once in
/// each direction (unweighted window), giving C. With context-distribution smoothing α (``Options/cds``),
///
///     PMI(w, c) = log( C_wc · Σ_c′ C_·c′^α / (Σ C · p(w) · C_·c^α) ),   p(w) = C_w· / Σ C,
///
/// kept where positive (PPMI). The embeddings are U_d Σ_d^β (β = ``Options/eig``) of the rank-d truncated SVD of the
/// sparse PPMI matrix, computed by the randomized block-Krylov SVD on the sparse operator (never densified): with the
/// default 4 iterations it reproduces the exact truncated SVD's similarity scores (WordSim-353 ρ to three digits).
public enum PMIEmbedding {
    /// Options; defaults are those of Levy, Goldberg & Dagan's PPMI-SVD (window 5, min count 5, α 0.75, β 0.5).
    public struct Options: Sendable, Equatable {
        /// Dimension d (default 100).
        public var dimension: Int
        /// Window half-width (default 5).
        public var window: Int
        /// Minimum count of a vocabulary word (default 5).
        public var minCount: Int
        /// Context-distribution smoothing exponent α (default 0.75).
        public var cds: Double
        /// Exponent β of the singular values in the embeddings (default 0.5).
        public var eig: Double
        /// Power iterations of the randomized SVD (default 4).
        public var powerIterations: Int
        /// Extra columns of the randomized SVD's sketch beyond the dimension (default 10).
        public var oversampling: Int
        /// Project onto the whole block Krylov space of the power iterations (default true; see
        /// ``RandomizedSVD/Options/blockKrylov``).
        public var blockKrylov: Bool
        /// Seed of the randomized SVD (default 0).
        public var seed: UInt64

        /// Options with the defaults listed on each property.
        public init(dimension: Int = 100, window: Int = 5, minCount: Int = 5, cds: Double = 0.75, eig: Double = 0.5,
                    powerIterations: Int = 4, oversampling: Int = 10, blockKrylov: Bool = true, seed: UInt64 = 0) {
            self.oversampling = oversampling
            self.blockKrylov = blockKrylov
            self.dimension = dimension
            self.window = window
            self.minCount = minCount
            self.cds = cds
            self.eig = eig
            self.powerIterations = powerIterations
            self.seed = seed
        }
    }

    /// The embeddings.
    public struct Result: Sendable {
        /// The vocabulary in order of first occurrence.
        public var vocabulary: [String]
        /// Word → row of ``vectors``.
        public var index: [String: Int]
        /// One embedding per row (vocabulary × d).
        public var vectors: Matrix<Double>
        /// Words in the corpus (all of them, before the vocabulary cut).
        public var corpusWords: Int
        /// Nonzeros of the PPMI matrix.
        public var ppmiNonzeros: Int

        /// The cosine similarity of two words, nil when either is not in the vocabulary.
        public func similarity(_ a: String, _ b: String) -> Double? {
            guard let i = index[a], let j = index[b] else { return nil }
            var dot = 0.0, na = 0.0, nb = 0.0
            for t in 0..<vectors.columns {
                let x = vectors[i, t], y = vectors[j, t]
                dot += x * y; na += x * x; nb += y * y
            }
            return dot / ((na * nb).squareRoot() + 1e-300)
        }

        /// The `count` nearest words to `word` by cosine similarity (the word itself left out); empty when unknown.
        public func neighbours(of word: String, count: Int = 5) -> [(word: String, similarity: Double)] {
            guard index[word] != nil else { return [] }
            let scored = vocabulary.compactMap { w -> (String, Double)? in w == word ? nil : similarity(word, w).map { (w, $0) } }
            return Array(scored.sorted { $0.1 > $1.1 }.prefix(count)).map { (word: $0.0, similarity: $0.1) }
        }
    }

    /// Embeds the words of `lines` (one sentence per line, words separated by spaces or tabs).
    /// - Throws: ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `corpus` when no word reaches the
    ///   minimum count or the vocabulary is not larger than the dimension, and `dimension`, `window`, `minCount`,
    ///   `cds` when out of range.
    public static func fit(lines: [[UInt8]], options: Options = Options()) throws -> Result {
        func bad(_ argument: String, _ reason: String) -> LinearAlgebraError { .invalidArgument(argument: argument, reason: reason) }
        guard options.dimension >= 1 else { throw bad("dimension", "must be ≥ 1") }
        guard options.window >= 1 else { throw bad("window", "must be ≥ 1") }
        guard options.minCount >= 1 else { throw bad("minCount", "must be ≥ 1") }
        guard options.cds > 0, options.cds.isFinite, options.eig.isFinite else { throw bad("cds", "must be finite and > 0") }
        // Tokens and counts.
        var ids: [String: Int32] = [:]
        var words: [String] = []
        var counts: [Int] = []
        var sentences: [[Int32]] = []
        sentences.reserveCapacity(lines.count)
        var corpusWords = 0
        for line in lines {
            var sentence: [Int32] = []
            var start = -1
            for position in 0...line.count {
                let isSpace = position == line.count || line[position] == 0x20 || line[position] == 0x09 || line[position] == 0x0D
                if !isSpace { if start < 0 { start = position }; continue }
                if start >= 0 {
                    let word = String(decoding: line[start..<position], as: UTF8.self)
                    let id: Int32
                    if let known = ids[word] { id = known } else {
                        id = Int32(words.count); ids[word] = id; words.append(word); counts.append(0)
                    }
                    counts[Int(id)] += 1
                    sentence.append(id)
                    start = -1
                }
            }
            corpusWords += sentence.count
            sentences.append(sentence)
        }
        // Vocabulary in order of first occurrence.
        var vocabularyIndex = [Int32](repeating: -1, count: words.count)
        var vocabulary: [String] = []
        for (id, count) in counts.enumerated() where count >= options.minCount {
            vocabularyIndex[id] = Int32(vocabulary.count)
            vocabulary.append(words[id])
        }
        let n = vocabulary.count
        guard n > 0 else { throw bad("corpus", "no word occurs at least \(options.minCount) times (minCount)") }
        guard n > options.dimension else {
            throw bad("corpus", "the vocabulary has \(n) words, not more than the dimension \(options.dimension)")
        }
        var kept: [[Int32]] = []
        kept.reserveCapacity(sentences.count)
        for sentence in sentences {
            var row: [Int32] = []
            row.reserveCapacity(sentence.count)
            for id in sentence where vocabularyIndex[Int(id)] >= 0 { row.append(vocabularyIndex[Int(id)]) }
            kept.append(row)
        }
        let ppmi = PPMIMatrix(sentences: kept, size: n, window: options.window, cds: options.cds)
        let svd = try RandomizedSVD.compute(ppmi, options: .init(rank: options.dimension, oversampling: options.oversampling,
                                                                  powerIterations: options.powerIterations, seed: options.seed,
                                                                  blockKrylov: options.blockKrylov))
        var vectors = svd.u
        vectors.scaleColumns(by: svd.singularValues.map { Double.pow($0, options.eig) })
        var index: [String: Int] = [:]
        for (i, w) in vocabulary.enumerated() { index[w] = i }
        return Result(vocabulary: vocabulary, index: index, vectors: vectors, corpusWords: corpusWords,
                      ppmiNonzeros: ppmi.values.count)
    }
}

/// The PPMI matrix in compressed rows, with its transpose in compressed rows too, so that A X and Aᵀ X are both
/// gathers: each row of the result sums scaled rows of X (AXPYs of length k) and is written once.
struct PPMIMatrix: MatrixOperator {
    let rows: Int
    var columns: Int { rows }
    let rowStart: [Int]
    let column: [Int32]
    let values: [Double]
    /// Aᵀ in compressed rows (A's columns), the same nonzeros.
    let transposeStart: [Int]
    let transposeColumn: [Int32]
    let transposeValues: [Double]

    init(sentences: [[Int32]], size n: Int, window: Int, cds: Double) {
        // Contexts per row: count, then fill, then sort and merge each row.
        var rowCount = [Int](repeating: 0, count: n + 1)
        for s in sentences {
            for i in s.indices {
                let lo = Swift.max(0, i - window), hi = Swift.min(s.count - 1, i + window)
                rowCount[Int(s[i]) + 1] += hi - lo
            }
        }
        for r in 0..<n { rowCount[r + 1] += rowCount[r] }
        var next = rowCount
        var contexts = [Int32](repeating: 0, count: rowCount[n])
        for s in sentences {
            for i in s.indices {
                let lo = Swift.max(0, i - window), hi = Swift.min(s.count - 1, i + window)
                let row = Int(s[i])
                for j in lo...hi where j != i { contexts[next[row]] = s[j]; next[row] += 1 }
            }
        }
        // Merge each row's contexts by a slot table (slot[c] = position of column c in the row, −1 when new).
        var start = [0], columnOut: [Int32] = [], countOut: [Double] = []
        columnOut.reserveCapacity(contexts.count / 2)
        countOut.reserveCapacity(contexts.count / 2)
        var rowSum = [Double](repeating: 0, count: n), columnSum = [Double](repeating: 0, count: n)
        var slot = [Int](repeating: -1, count: n)
        contexts.withUnsafeBufferPointer { ctx in
            for r in 0..<n {
                let first = columnOut.count
                for e in rowCount[r]..<rowCount[r + 1] {
                    let c = Int(ctx[e])
                    if slot[c] < 0 { slot[c] = columnOut.count; columnOut.append(Int32(c)); countOut.append(1) }
                    else { countOut[slot[c]] += 1 }
                }
                for e in first..<columnOut.count {
                    let c = Int(columnOut[e])
                    slot[c] = -1
                    rowSum[r] += countOut[e]
                    columnSum[c] += countOut[e]
                }
                start.append(columnOut.count)
            }
        }
        let total = rowSum.reduce(0, +)
        let smoothed = columnSum.map { Double.pow($0, cds) }
        let smoothedTotal = smoothed.reduce(0, +)
        var keptStart = [0], keptColumn: [Int32] = [], keptValue: [Double] = []
        for r in 0..<n {
            let pw = rowSum[r] / total
            for e in start[r]..<start[r + 1] {
                let c = Int(columnOut[e])
                let pmi = Double.log(countOut[e] / total / (pw * smoothed[c] / smoothedTotal))
                if pmi > 0 { keptColumn.append(columnOut[e]); keptValue.append(pmi) }
            }
            keptStart.append(keptColumn.count)
        }
        rows = n
        rowStart = keptStart
        column = keptColumn
        values = keptValue
        // The transpose by a counting sort on the column index (rows stay sorted within each transposed row).
        var tStart = [Int](repeating: 0, count: n + 1)
        for c in keptColumn { tStart[Int(c) + 1] += 1 }
        for c in 0..<n { tStart[c + 1] += tStart[c] }
        var fill = tStart
        var tColumn = [Int32](repeating: 0, count: keptColumn.count), tValue = [Double](repeating: 0, count: keptValue.count)
        for r in 0..<n {
            for e in keptStart[r]..<keptStart[r + 1] {
                let c = Int(keptColumn[e])
                tColumn[fill[c]] = Int32(r); tValue[fill[c]] = keptValue[e]; fill[c] += 1
            }
        }
        transposeStart = tStart
        transposeColumn = tColumn
        transposeValues = tValue
    }

    /// A X: rows of X (length k) gathered, scaled and summed per row of A.
    func applied(to x: Matrix<Double>) throws -> Matrix<Double> { try product(x, transposed: false) }

    /// Aᵀ Y: rows of Y scattered into the rows of the result.
    func adjointApplied(to y: Matrix<Double>) throws -> Matrix<Double> { try product(y, transposed: true) }

    /// Columns of X handled per pass: the gathered rows of one pass (n × 8 doubles, 1.2 MB for n = 18,593) stay in
    /// a core's L2 cache instead of streaming all k columns of each row from L3 for every nonzero.
    static let passWidth = 8

    private func product(_ x: Matrix<Double>, transposed: Bool) throws -> Matrix<Double> {
        let k = x.columns, n = rows
        var y = Matrix<Double>(rows: n, columns: k)
        let (starts, indices, entries) = transposed ? (transposeStart, transposeColumn, transposeValues)
                                                    : (rowStart, column, values)
        var source = [Double](repeating: 0, count: n * Self.passWidth)
        var target = [Double](repeating: 0, count: n * Self.passWidth)
        x.elements.withUnsafeBufferPointer { px in
            y.elements.withUnsafeMutableBufferPointer { py in
                starts.withUnsafeBufferPointer { start in
                    indices.withUnsafeBufferPointer { index in
                        entries.withUnsafeBufferPointer { value in
                            source.withUnsafeMutableBufferPointer { ps in
                                target.withUnsafeMutableBufferPointer { pt in
                                    var first = 0
                                    while first < k {
                                        let width = Swift.min(Self.passWidth, k - first)
                                        // Rows of this pass's columns, contiguous: source[w · r + t] = X[r, first + t].
                                        for t in 0..<width {
                                            let col = px.baseAddress! + n * (first + t)
                                            for r in 0..<n { ps[width * r + t] = col[r] }
                                        }
                                        let src = ps.baseAddress!, dst = pt.baseAddress!
                                        if width == 8 {                 // the sum of a row stays in registers
                                            for r in 0..<n {
                                                var sum = SIMD8<Double>(repeating: 0)
                                                for e in start[r]..<start[r + 1] {
                                                    let row = UnsafeRawPointer(src + 8 * Int(index[e]))
                                                    sum += value[e] * row.loadUnaligned(as: SIMD8<Double>.self)
                                                }
                                                UnsafeMutableRawPointer(dst + 8 * r).storeBytes(of: sum, as: SIMD8<Double>.self)
                                            }
                                        } else {
                                            for r in 0..<n {
                                                let out = dst + width * r
                                                for t in 0..<width { out[t] = 0 }
                                                for e in start[r]..<start[r + 1] {
                                                    let row = src + width * Int(index[e]), a = value[e]
                                                    for t in 0..<width { out[t] += a * row[t] }
                                                }
                                            }
                                        }
                                        for t in 0..<width {
                                            let col = py.baseAddress! + n * (first + t)
                                            for r in 0..<n { col[r] = dst[width * r + t] }
                                        }
                                        first += width
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}

/// Word-similarity benchmarks: Spearman's ρ between the embeddings' cosine similarities and human ratings.
public enum WordSimilarity {
    /// One rated pair.
    public struct Pair: Sendable, Equatable { public var first: String, second: String, rating: Double }

    /// Pairs from a tab-separated file `word1<TAB>word2<TAB>rating[<TAB>…]` (lines starting with `#` and blank lines
    /// skipped; words lowercased), as WordSim-353 and SimLex-999 are distributed. Throws
    /// ``LinearAlgebraError/invalidArgument(argument:reason:)`` naming `name:line` for a line without three fields or
    /// with a non-numeric rating.
    public static func pairs(text: String, name: String) throws -> [Pair] {
        var out: [Pair] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].isEmpty, !fields[1].isEmpty, let rating = Double(fields[2]), rating.isFinite else {
                throw LinearAlgebraError.invalidArgument(
                    argument: "\(name):\(number + 1)", reason: "expected 'word<TAB>word<TAB>rating', got '\(trimmed.prefix(80))'")
            }
            out.append(Pair(first: fields[0].lowercased(), second: fields[1].lowercased(), rating: rating))
        }
        return out
    }

    /// Spearman's ρ over the pairs whose two words are in the vocabulary (average ranks for ties, as SciPy's
    /// `spearmanr`), with the number of pairs covered; ρ is NaN with fewer than 2 pairs.
    public static func spearman(_ result: PMIEmbedding.Result, _ pairs: [Pair]) -> (rho: Double, covered: Int) {
        var got: [Double] = [], want: [Double] = []
        for p in pairs {
            if let s = result.similarity(p.first, p.second) { got.append(s); want.append(p.rating) }
        }
        return (spearman(got, want), got.count)
    }

    /// Spearman's rank correlation of two equally long samples (average ranks for ties).
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count, a.count >= 2 else { return .nan }
        func ranks(_ v: [Double]) -> [Double] {
            let order = v.indices.sorted { v[$0] < v[$1] }
            var r = [Double](repeating: 0, count: v.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
                let average = Double(i + j) / 2 + 1
                for t in i...j { r[order[t]] = average }
                i = j + 1
            }
            return r
        }
        let ra = ranks(a), rb = ranks(b)
        let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
        var cov = 0.0, va = 0.0, vb = 0.0
        for i in ra.indices { cov += (ra[i] - ma) * (rb[i] - mb); va += (ra[i] - ma) * (ra[i] - ma); vb += (rb[i] - mb) * (rb[i] - mb) }
        return cov / (va * vb).squareRoot()
    }
}
