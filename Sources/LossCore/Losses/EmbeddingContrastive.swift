import Foundation

/// `infonce`'s `negative_mode` (info-nce-pytorch): one set of negatives shared by every query,
/// or one set per query.
public enum InfoNCENegativeMode: String, CaseIterable, Sendable {
    case unpaired, paired
}

/// `ge2e`'s `method` (Wan et al. 2018, §2.1).
public enum GE2EMethod: String, CaseIterable, Sendable {
    case softmax, contrast
}

// docs/reference.md §4.3, batched contrastive losses: infonce, ntxent, mnr, ge2e. Similarity matrices are
// products of L2-normalised rows through BLAS; every row's loss is a stable log-softmax.
extension Losses {
    /// InfoNCE (van den Oord et al. 2018), as `info_nce` of info-nce-pytorch: rows L2-normalised,
    /// logits [q·k⁺, q·k⁻₁, …]/τ and −log softmax at the positive. `negatives` is [M, D] shared by
    /// every query (`.unpaired`) or [N, M, D], M per query (`.paired`); without negatives the
    /// other rows' positives are the negatives (logits Q·Kᵀ/τ, target on the diagonal).
    public static func infoNCE(query: Tensor, positive: Tensor, negatives: Tensor? = nil, temperature: Double = 0.1,
                               negativeMode: InfoNCENegativeMode = .unpaired, reduction: Reduction = .mean) throws -> Tensor {
        let (n, d, m) = try infoNCEInputs(query, positive, negatives, temperature: temperature, negativeMode: negativeMode)
        let q = EmbKernels.normalizedRows(query.data, rows: n, cols: d)
        let k = EmbKernels.normalizedRows(positive.data, rows: n, cols: d)
        var per = try Memory.doubles(n)
        guard let neg = negatives else {
            var logits = try EmbKernels.gemmNT(q, k, m: n, n: n, k: d)
            for i in 0..<logits.count { logits[i] /= temperature }
            EmbKernels.rowCrossEntropy(logits, rows: n, cols: n, targets: { $0 }, into: &per)
            return reduction.apply(Tensor(per))
        }
        // positive logits q_i·k_i
        var pos = try Memory.doubles(n)
        q.withUnsafeBufferPointer { pq in
            k.withUnsafeBufferPointer { pk in
                guard let bq = pq.baseAddress, let bk = pk.baseAddress else { return }
                for i in 0..<n { pos[i] = EmbKernels.dot(bq + i * d, bk + i * d, d) }
            }
        }
        var logits: [Double]
        switch negativeMode {
        case .unpaired:
            let nk = EmbKernels.normalizedRows(neg.data, rows: m, cols: d)
            let qn = try EmbKernels.gemmNT(q, nk, m: n, n: m, k: d)
            logits = try Memory.doubles(n * (m + 1))
            for i in 0..<n {
                logits[i * (m + 1)] = pos[i] / temperature
                for j in 0..<m { logits[i * (m + 1) + 1 + j] = qn[i * m + j] / temperature }
            }
        case .paired:
            let nk = EmbKernels.normalizedRows(neg.data, rows: n * m, cols: d)
            logits = try Memory.doubles(n * (m + 1))
            q.withUnsafeBufferPointer { pq in
                nk.withUnsafeBufferPointer { pn in
                    for i in 0..<n {
                        logits[i * (m + 1)] = pos[i] / temperature
                        guard let bq = pq.baseAddress, let bn = pn.baseAddress else { continue }
                        for j in 0..<m {
                            logits[i * (m + 1) + 1 + j] = EmbKernels.dot(bq + i * d, bn + (i * m + j) * d, d) / temperature
                        }
                    }
                }
            }
        }
        EmbKernels.rowCrossEntropy(logits, rows: n, cols: m + 1, targets: { _ in 0 }, into: &per)
        return reduction.apply(Tensor(per))
    }

    /// infonce's checked arguments: N queries of D values, M negatives (0 without negatives).
    static func infoNCEInputs(_ query: Tensor, _ positive: Tensor, _ negatives: Tensor?, temperature: Double,
                              negativeMode: InfoNCENegativeMode) throws -> (n: Int, d: Int, m: Int) {
        let fn = "infonce"
        let (n, d, _) = try EmbKernels.matrix(query, fn, "query", allowVector: false)
        try EmbKernels.sameShape(fn, "query", query, "positive", positive)
        try EmbKernels.positive(fn, "temperature", temperature)
        guard let neg = negatives else {
            try EmbKernels.checkMatrix(fn, "N × N similarity", rows: n, cols: n)
            try EmbKernels.checkBlasDims(fn, n, d)
            return (n, d, 0)
        }
        let m: Int
        switch negativeMode {
        case .unpaired:
            guard neg.rank == 2, neg.shape[1] == d else {
                throw CoreError("\(fn): with negative_mode: \"unpaired\", negatives must have shape [M, \(d)] (M negatives shared by every query), got \(formatShape(neg.shape))",
                                hint: neg.rank == 3 ? "use negative_mode: \"paired\" for [N, M, D] negatives, one set per query" : nil)
            }
            m = neg.shape[0]
            try EmbKernels.checkMatrix(fn, "N × (1 + M) logit", rows: n, cols: m + 1)
            try EmbKernels.checkBlasDims(fn, n, m, d)
        case .paired:
            guard neg.rank == 3, neg.shape[0] == n, neg.shape[2] == d else {
                throw CoreError("\(fn): with negative_mode: \"paired\", negatives must have shape [\(n), M, \(d)] (M negatives for each of the \(n) queries), got \(formatShape(neg.shape))",
                                hint: neg.rank == 2 ? "use negative_mode: \"unpaired\" for [M, D] negatives shared by every query" : nil)
            }
            m = neg.shape[1]
            try EmbKernels.checkMatrix(fn, "N × (1 + M) logit", rows: n, cols: m + 1)
        }
        return (n, d, m)
    }

    /// NT-Xent of SimCLR (Chen et al. 2020): the 2N views z = [z1; z2] are L2-normalised,
    /// sim = z·zᵀ/τ, each anchor's own similarity is excluded, and the positive of view a is
    /// its pair a ± N. Per-sample losses are the 2N anchors, [z1 rows; z2 rows].
    public static func ntXent(_ z1: Tensor, _ z2: Tensor, temperature: Double = 0.1, reduction: Reduction = .mean) throws -> Tensor {
        let (n, d) = try ntXentInputs(z1, z2, temperature: temperature)
        let n2 = 2 * n
        let z = EmbKernels.normalizedRows(z1.data + z2.data, rows: n2, cols: d)
        var sim = try EmbKernels.gramMatrix(z, m: n2, k: d)
        for i in 0..<sim.count { sim[i] /= temperature }
        for a in 0..<n2 { sim[a * n2 + a] = -.infinity }
        var per = try Memory.doubles(n2)
        EmbKernels.rowCrossEntropy(sim, rows: n2, cols: n2, targets: { ($0 + n) % n2 }, into: &per)
        return reduction.apply(Tensor(per))
    }

    /// ntxent's checked arguments: N pairs of views of D values.
    static func ntXentInputs(_ z1: Tensor, _ z2: Tensor, temperature: Double) throws -> (n: Int, d: Int) {
        let fn = "ntxent"
        let (n, d, _) = try EmbKernels.matrix(z1, fn, "z1", allowVector: false)
        try EmbKernels.sameShape(fn, "z1", z1, "z2", z2)
        try EmbKernels.positive(fn, "temperature", temperature)
        try EmbKernels.checkMatrix(fn, "2N × 2N similarity", rows: 2 * n, cols: 2 * n)
        try EmbKernels.checkBlasDims(fn, 2 * n, d)
        return (n, d)
    }

    /// Multiple negatives ranking loss (Henderson et al. 2017), as sentence-transformers
    /// `MultipleNegativesRankingLoss` (cos_sim, scale 20): row i is the cross-entropy of
    /// scale·cos(a_i, [positives; negatives]) at column i. `negatives` [M, D] are extra rows
    /// (hard negatives) shared by every anchor. `symmetric` averages it with the backward
    /// direction, positive p_i against every anchor (MultipleNegativesSymmetricRankingLoss).
    public static func multipleNegativesRanking(anchor: Tensor, positive: Tensor, negatives: Tensor? = nil, scale: Double = 20,
                                                symmetric: Bool = false, reduction: Reduction = .mean) throws -> Tensor {
        let (n, d, m) = try mnrInputs(anchor, positive, negatives, scale: scale)
        let cols = n + m
        var per = try Memory.doubles(n)
        if n == 0 { return reduction.apply(Tensor(per)) }
        let a = EmbKernels.normalizedRows(anchor.data, rows: n, cols: d)
        // the candidates [positives; negatives], normalised row by row: one product gives
        // row i = scale·cos(a_i, every candidate), contiguous
        let c = EmbKernels.normalizedRows(negatives.map { positive.data + $0.data } ?? positive.data, rows: cols, cols: d)
        let sim = try EmbKernels.gemmNT(a, c, m: n, n: cols, k: d, alpha: scale)
        sim.withUnsafeBufferPointer { ps in
            per.withUnsafeMutableBufferPointer { pp in
                guard let s = ps.baseAddress, let out = pp.baseAddress else { return }
                EmbKernels.parallelRows(n, work: n * cols) { lo, hi in
                    let row = UnsafeMutablePointer<Double>.allocate(capacity: cols)
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: cols)
                    defer { row.deallocate(); scratch.deallocate() }
                    for i in lo..<hi {
                        var l = EmbKernels.crossEntropy(s + i * cols, cols, target: i, scratch)
                        if symmetric {
                            // positive p_i against every anchor: column i of the positives' block
                            for j in 0..<n { row[j] = s[j * cols + i] }
                            l = 0.5 * (l + EmbKernels.crossEntropy(UnsafePointer(row), n, target: i, scratch))
                        }
                        out[i] = l
                    }
                }
            }
        }
        return reduction.apply(Tensor(per))
    }

    /// mnr's checked arguments: N anchors of D values, M hard negatives (0 without).
    static func mnrInputs(_ anchor: Tensor, _ positive: Tensor, _ negatives: Tensor?, scale: Double) throws -> (n: Int, d: Int, m: Int) {
        let fn = "mnr"
        let (n, d, _) = try EmbKernels.matrix(anchor, fn, "anchor", allowVector: false)
        try EmbKernels.sameShape(fn, "anchor", anchor, "positive", positive)
        try EmbKernels.positive(fn, "scale", scale)
        var m = 0
        if let neg = negatives {
            guard neg.rank == 2, neg.shape[1] == d else {
                throw CoreError("\(fn): negatives must have shape [M, \(d)] (extra candidate rows shared by every anchor), got \(formatShape(neg.shape))",
                                hint: neg.rank == 3 ? "stack several hard-negative columns row-wise, e.g. concat(n1, n2, axis: 0)" : nil)
            }
            m = neg.shape[0]
        }
        try EmbKernels.checkMatrix(fn, "N × (N + M) similarity", rows: n, cols: n + m)
        try EmbKernels.checkBlasDims(fn, n, m, d)
        return (n, d, m)
    }

    /// GE2E loss (Wan et al. 2018). `e` is [N, M, D] (N speakers × M utterances), or [N·M, D]
    /// grouped by speaker with `speakers: N`; M ≥ 2. Embeddings are L2-normalised, centroids
    /// c_k are means of the normalised embeddings, and S_{ji,k} = w·cos(e_ji, c_k) + b where the
    /// own centroid c_j excludes e_ji (mean of the other M − 1). `.softmax`:
    /// −S_{ji,j} + log Σ_k exp S_{ji,k}; `.contrast`: 1 − σ(S_{ji,j}) + max_{k≠j} σ(S_{ji,k}).
    /// Per-sample losses are the N·M utterances, shaped [N, M] for 3-D input, [N·M] for 2-D.
    public static func ge2e(_ e: Tensor, speakers: Int? = nil, method: GE2EMethod = .softmax, w: Double = 10, b: Double = -5,
                            reduction: Reduction = .mean) throws -> Tensor {
        let (nSpk, m, d) = try ge2eInputs(e, speakers: speakers, method: method, w: w, b: b)
        let rows = nSpk * m
        let x = EmbKernels.normalizedRows(e.data, rows: rows, cols: d)
        // per-speaker sums and normalised centroids
        var sums = try Memory.doubles(nSpk * d)
        var chat = try Memory.doubles(nSpk * d)
        x.withUnsafeBufferPointer { px in
            guard let bx = px.baseAddress else { return }
            for k in 0..<nSpk {
                for j in 0..<d { sums[k * d + j] = Summation.pairwise(bx + k * m * d + j, m, stride: d) }
            }
        }
        for i in 0..<chat.count { chat[i] = sums[i] / Double(m) }
        chat = EmbKernels.normalizedRows(chat, rows: nSpk, cols: d)
        var s = try EmbKernels.gemmNT(x, chat, m: rows, n: nSpk, k: d)
        // own centroid without the utterance itself
        let excl = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, nSpk, 1))
        defer { excl.deallocate(); scratch.deallocate() }
        x.withUnsafeBufferPointer { px in
            guard let bx = px.baseAddress else { return }
            for r in 0..<rows {
                let j = r / m
                for t in 0..<d { excl[t] = (sums[j * d + t] - bx[r * d + t]) / Double(m - 1) }
                let nrm = Swift.max(EmbKernels.sumSquares(UnsafePointer(excl), d, scratch).squareRoot(), EmbKernels.normalizeEps)
                s[r * nSpk + j] = EmbKernels.dot(bx + r * d, UnsafePointer(excl), d) / nrm
            }
        }
        for i in 0..<s.count { s[i] = w * s[i] + b }
        var per = try Memory.doubles(rows)
        switch method {
        case .softmax:
            EmbKernels.rowCrossEntropy(s, rows: rows, cols: nSpk, targets: { $0 / m }, into: &per)
        case .contrast:
            for r in 0..<rows {
                let j = r / m
                var best = -Double.infinity
                var nan = false
                for k in 0..<nSpk where k != j {
                    let v = s[r * nSpk + k]
                    if v.isNaN { nan = true }
                    best = Swift.max(best, v)
                }
                per[r] = nan ? .nan : EmbKernels.sigmoid(-s[r * nSpk + j]) + EmbKernels.sigmoid(best)
            }
        }
        let shape = e.rank == 3 ? [nSpk, m] : [rows]
        return reduction.apply(Tensor(shape: shape, data: per))
    }

    /// ge2e's checked arguments: N speakers, M utterances each, embeddings of D values.
    static func ge2eInputs(_ e: Tensor, speakers: Int?, method: GE2EMethod, w: Double, b: Double) throws -> (nSpk: Int, m: Int, d: Int) {
        let fn = "ge2e"
        let nSpk: Int, m: Int, d: Int
        switch e.rank {
        case 3:
            nSpk = e.shape[0]; m = e.shape[1]; d = e.shape[2]
            if let s = speakers, s != nSpk {
                throw CoreError("\(fn): speakers: \(s) does not match e of shape \(formatShape(e.shape)), which holds \(nSpk) speaker\(nSpk == 1 ? "" : "s")")
            }
        case 2:
            guard let s = speakers else {
                throw CoreError("\(fn): e of shape \(formatShape(e.shape)) needs speakers: N (rows grouped by speaker), or give e the shape [N, M, D]")
            }
            guard s >= 1 else { throw CoreError("\(fn): speakers must be at least 1, got \(s)") }
            let rows = e.shape[0]
            guard rows % s == 0 else {
                throw CoreError("\(fn): e has \(rows) rows, which cannot be split evenly among speakers: \(s)")
            }
            nSpk = s; m = rows / s; d = e.shape[1]
        default:
            throw CoreError("\(fn): e must have shape [N, M, D] (speakers × utterances × embedding) or [N·M, D] with speakers: N, got \(formatShape(e.shape))")
        }
        guard m >= 2 else {
            throw CoreError("\(fn): needs M ≥ 2 utterances per speaker (the own centroid leaves the utterance out), got M = \(m) for e of shape \(formatShape(e.shape))")
        }
        try EmbKernels.finite(fn, "w", w)
        try EmbKernels.finite(fn, "b", b)
        if method == .contrast && nSpk < 2 {
            throw CoreError("\(fn): method \"contrast\" needs at least 2 speakers (it takes the max over the other speakers' centroids), got \(nSpk)")
        }
        try EmbKernels.checkMatrix(fn, "N·M × N similarity", rows: nSpk * m, cols: nSpk)
        try EmbKernels.checkBlasDims(fn, nSpk * m, d)
        return (nSpk, m, d)
    }
}
