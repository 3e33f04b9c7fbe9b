import Foundation

// Losses ported from torch.nn, Keras and the learning-to-rank and robust-training papers
// (docs/reference.md §4.6), with their analytic backward passes in PortedBackward.swift.
//
// Element-wise ones (hinge_embedding, soft_margin, msle, mape) run on the regression engine
// (`Elementwise.run`: broadcasting, blocked pairwise sums; every element is a sample). Row-wise
// ones (multilabel_soft_margin, multilabel_margin, generalized_ce, listnet, listmle) take
// [N, C] or [C] (any rank: the last axis is the class / list axis, the others are samples), one
// loss per row, reduced with `TermKernel.reduceSamples`. Each loss checks its arguments in one
// `…Inputs` step that the backward pass shares.

extension Losses {
    // MARK: - hinge_embedding, soft_margin (torch, element-wise, ±1 labels)

    /// torch `hinge_embedding_loss`: x where y = 1, max(0, margin − x) where y = −1.
    public static func hingeEmbedding(_ x: Tensor, _ y: Tensor, margin: Double = 1, reduction: Reduction = .mean) throws -> Tensor {
        try plusMinusOneInputs("hinge_embedding", y, margin: margin)
        return try Elementwise.run("hinge_embedding", HingeEmbeddingTerm(margin: margin), x, y, names: ("x", "y"),
                                   weight: nil, reduction: reduction)
    }

    /// torch `soft_margin_loss`: log(1 + e^(−y·x)) per element, y ∈ {−1, +1}.
    public static func softMargin(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        try plusMinusOneInputs("soft_margin", y, margin: 0)
        return try Elementwise.run("soft_margin", SoftMarginTerm(), x, y, names: ("x", "y"), weight: nil, reduction: reduction)
    }

    /// The checks of hinge_embedding and soft_margin: labels exactly ±1, a finite margin.
    static func plusMinusOneInputs(_ fn: String, _ y: Tensor, margin: Double) throws {
        guard margin.isFinite else { throw CoreError("\(fn): margin must be a finite number, got \(formatNumber(margin))") }
        if let i = y.data.firstIndex(where: { $0 != 1 && $0 != -1 }) {
            let zeroOne = y.data.allSatisfy { $0 == 0 || $0 == 1 }
            throw CoreError("\(fn): y must hold labels -1 or +1, got \(formatNumber(y.data[i]))\(TermKernel.position(i, y.shape))",
                            hint: zeroOne ? "for 0/1 labels y, pass 2*y - 1" : "map the two classes to -1 and +1")
        }
    }

    // MARK: - msle, mape (Keras, element-wise)

    /// Keras' `backend.epsilon()`, used by msle and mape.
    static let kerasEpsilon = 1e-7

    /// Keras `MeanSquaredLogarithmicError`: (log(1 + max(pred, ε)) − log(1 + max(y, ε)))², ε = 1e-7.
    public static func msle(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("msle", SquaredLogError(), pred, y, weight: weight, reduction: reduction)
    }

    /// Keras `MeanAbsolutePercentageError`: 100·abs(y − pred) / max(abs(y), ε), ε = 1e-7.
    public static func mape(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("mape", PercentageError(), pred, y, weight: weight, reduction: reduction)
    }

    // MARK: - multilabel_soft_margin, multilabel_margin (torch, rows)

    /// torch `multilabel_soft_margin_loss`: −(1/C) Σ_c w_c·[y log σ(x) + (1 − y) log σ(−x)] per row.
    public static func multilabelSoftMargin(_ x: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        let inp = try MultilabelSoftMarginInputs(x, y, weight)
        var out = [Double](repeating: 0, count: inp.rows.n)
        let c = inp.rows.c
        for r in 0..<inp.rows.n {
            let lo = r * c
            out[r] = -rowSum(c) { j in
                let v = x.data[lo + j], t = y.data[lo + j]
                return inp.w[lo + j] * (t * TermKernel.logSigmoid(v) + (1 - t) * TermKernel.logSigmoid(-v))
            } / Double(c)
        }
        return TermKernel.reduceSamples(out, shape: inp.rows.shape, reduction)
    }

    struct MultilabelSoftMarginInputs {
        let rows: PortedRows
        let w: [Double]
        init(_ x: Tensor, _ y: Tensor, _ weight: Tensor?) throws {
            let fn = "multilabel_soft_margin"
            rows = try PortedRows(fn, x, "x")
            guard y.shape == x.shape else {
                throw CoreError("\(fn): y must have x's shape \(formatShape(x.shape)) (one 0/1 label per class), got \(formatShape(y.shape))",
                                hint: y.shape == rows.shape ? "for one class index per sample, use cross_entropy" : nil)
            }
            try TermKernel.checkUnitTargets(y, fn, "y")
            w = try broadcastData(fn, "weight", weight, to: x.shape)
        }
    }

    /// torch `multilabel_margin_loss`: Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x[j] − x[i])) / C per row;
    /// y holds the target class indices of each row, ended by the first −1.
    public static func multilabelMargin(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let inp = try MultilabelMarginInputs(x, y)
        let c = inp.rows.c
        var out = [Double](repeating: 0, count: inp.rows.n)
        for r in 0..<inp.rows.n {
            let lo = r * c
            let targets = inp.targets[r], isTarget = inp.isTarget(r)
            // Σ over the targets of a pairwise sum over the classes (no C² temporaries)
            let perTarget = targets.map { t -> Double in
                let xt = x.data[lo + t]
                return rowSum(c) { i in
                    if isTarget[i] { return 0 }
                    let z = 1 - xt + x.data[lo + i]
                    return z > 0 || z.isNaN ? z : 0
                }
            }
            out[r] = Summation.sum(perTarget) / Double(c)
        }
        return TermKernel.reduceSamples(out, shape: inp.rows.shape, reduction)
    }

    struct MultilabelMarginInputs {
        let rows: PortedRows
        /// The target classes of each row (in y's order, before the first −1).
        let targets: [[Int]]
        init(_ x: Tensor, _ y: Tensor) throws {
            let fn = "multilabel_margin"
            rows = try PortedRows(fn, x, "x")
            guard y.shape == x.shape else {
                throw CoreError("\(fn): y must have x's shape \(formatShape(x.shape)) (each row: target class indices, then -1), got \(formatShape(y.shape))",
                                hint: y.shape == rows.shape ? "for one class index per sample, use multiclass_hinge" : nil)
            }
            let c = rows.c
            var all: [[Int]] = []
            all.reserveCapacity(rows.n)
            for r in 0..<rows.n {
                var row: [Int] = []
                for j in 0..<c {
                    let v = y.data[r * c + j]
                    if v == -1 { break }
                    guard v >= 0, v < Double(c), v == v.rounded() else {
                        throw CoreError("\(fn): y must hold class indices (integers in [0, \(c - 1)]) ended by -1, got \(formatNumber(v))"
                                        + TermKernel.position(r * c + j, y.shape),
                                        hint: "each row of y lists the row's target classes, then -1 (the rest of the row is ignored)")
                    }
                    row.append(Int(v))
                }
                all.append(row)
            }
            targets = all
        }
        func isTarget(_ r: Int) -> [Bool] {
            var m = [Bool](repeating: false, count: rows.c)
            for t in targets[r] { m[t] = true }
            return m
        }
    }

    // MARK: - generalized_ce (Zhang & Sabuncu 2018)

    /// Generalized cross-entropy (L_q): (1 − p_t^q)/q with p_t = p[y]; q → 0 is cross-entropy, q = 1 is MAE.
    public static func generalizedCE(_ p: Tensor, _ y: Tensor, q: Double = 0.7, logits: Bool = false,
                                     reduction: Reduction = .mean) throws -> Tensor {
        let inp = try GeneralizedCEInputs(p, y, q: q, logits: logits)
        let out = (0..<inp.rows.n).map { r in -Foundation.expm1(q * inp.logPt(p, r)) / q }
        return TermKernel.reduceSamples(out, shape: inp.rows.shape, reduction)
    }

    struct GeneralizedCEInputs {
        let rows: PortedRows
        let y: [Int]
        let logits: Bool
        init(_ p: Tensor, _ yt: Tensor, q: Double, logits: Bool) throws {
            let fn = "generalized_ce"
            rows = try PortedRows(fn, p, "p")
            try TermKernel.requireIndices(fn, p, yt, "p", "y", sameShapeHint: "y holds one class index per sample (0-based)")
            guard q > 0, q.isFinite else {
                throw CoreError("\(fn): q must be a positive number (the paper uses (0, 1]), got \(formatNumber(q))",
                                hint: "q → 0 is cross-entropy: use cross_entropy")
            }
            if !logits { try TermKernel.checkProbabilities(p, fn, "p") }
            y = try TermKernel.classIndices(yt, classes: rows.c, ignoreIndex: nil, fn, "y")
            self.logits = logits
        }
        /// log p_t of row r (log-softmax at the target with logits).
        func logPt(_ p: Tensor, _ r: Int) -> Double {
            let lo = r * rows.c
            if !logits { return Foundation.log(p.data[lo + y[r]]) }
            return p.data[lo + y[r]] - rowLogSumExp(p.data, lo, rows.c)
        }
    }

    // MARK: - listnet, listmle (learning to rank, rows are lists)

    /// ListNet (top-one): −Σ_j softmax(relevance)_j · log softmax(scores)_j per list.
    public static func listnet(_ scores: Tensor, _ relevance: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let rows = try rankingInputs("listnet", scores, relevance)
        var out = [Double](repeating: 0, count: rows.n)
        for r in 0..<rows.n {
            let lo = r * rows.c
            let ls = rowLogSumExp(scores.data, lo, rows.c), lr = rowLogSumExp(relevance.data, lo, rows.c)
            out[r] = -rowSum(rows.c) { j in
                let pr = Foundation.exp(relevance.data[lo + j] - lr)
                return pr == 0 ? 0 : pr * (scores.data[lo + j] - ls)
            }
        }
        return TermKernel.reduceSamples(out, shape: rows.shape, reduction)
    }

    /// ListMLE: −log of the Plackett–Luce likelihood of the order of decreasing relevance (ties: the
    /// earlier position first), Σ_i [log Σ_{k ≥ i} e^{s_π(k)} − s_π(i)] per list.
    public static func listmle(_ scores: Tensor, _ relevance: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let rows = try rankingInputs("listmle", scores, relevance)
        var out = [Double](repeating: 0, count: rows.n)
        for r in 0..<rows.n {
            let (s, lse, _) = listmleRow(scores, relevance, r, rows.c)
            out[r] = rowSum(rows.c) { i in lse[i] - s[i] }
        }
        return TermKernel.reduceSamples(out, shape: rows.shape, reduction)
    }

    /// The scores of row r in the order of decreasing relevance (stable: ties keep their positions'
    /// order) and the log-sum-exp of each suffix, lse[i] = log Σ_{k ≥ i} e^{s[k]}.
    static func listmleRow(_ scores: Tensor, _ relevance: Tensor, _ r: Int, _ c: Int) -> (s: [Double], lse: [Double], order: [Int]) {
        let lo = r * c
        let order = (0..<c).sorted { a, b in
            let ra = relevance.data[lo + a], rb = relevance.data[lo + b]
            return ra > rb || (ra == rb && a < b)
        }
        let s = order.map { scores.data[lo + $0] }
        var lse = [Double](repeating: -.infinity, count: c)
        var acc = -Double.infinity
        for i in stride(from: c - 1, through: 0, by: -1) {
            acc = logAddExp(acc, s[i])
            lse[i] = acc
        }
        return (s, lse, order)
    }

    static func rankingInputs(_ fn: String, _ scores: Tensor, _ relevance: Tensor) throws -> PortedRows {
        let rows = try PortedRows(fn, scores, "scores")
        guard relevance.shape == scores.shape else {
            throw CoreError("\(fn): relevance must have the shape of scores \(formatShape(scores.shape)) (one grade per item), got \(formatShape(relevance.shape))")
        }
        if let i = relevance.data.firstIndex(where: { $0.isNaN }) {
            throw CoreError("\(fn): relevance must hold numbers, got nan\(TermKernel.position(i, relevance.shape))")
        }
        return rows
    }
}

// MARK: - Rows and small helpers

/// A tensor's rows along its last axis: n rows of c values; `shape` is the per-row output shape.
struct PortedRows {
    let n: Int
    let c: Int
    let shape: [Int]
    init(_ fn: String, _ x: Tensor, _ arg: String) throws {
        guard let last = x.shape.last else {
            throw CoreError("\(fn): \(arg) must have a last axis (shape [C] or [N, C]), got a number")
        }
        c = last
        shape = Array(x.shape.dropLast())
        n = Tensor.count(of: shape)
    }
}

/// The values of `t` broadcast to `shape` (1 everywhere when t is nil).
func broadcastData(_ fn: String, _ arg: String, _ t: Tensor?, to shape: [Int]) throws -> [Double] {
    let n = Tensor.count(of: shape)
    guard let t = t else { return [Double](repeating: 1, count: n) }
    if t.shape == shape { return t.data }
    guard Broadcast.shape(shape, t.shape) == shape else {
        throw CoreError("\(fn): \(arg) must have the shape \(formatShape(shape)) or one that broadcasts to it, got \(formatShape(t.shape))")
    }
    if t.count == 1 { return [Double](repeating: t.data[0], count: n) }
    var out = [Double](repeating: 0, count: n)
    Tensor.walk(shape, Broadcast.strides(t.shape, to: shape)) { i, off in out[i] = t.data[off] }
    return out
}

/// log Σ_j e^{d[lo + j]} over j < c, max-subtracted (−inf for no values).
func rowLogSumExp(_ d: [Double], _ lo: Int, _ c: Int) -> Double {
    var m = -Double.infinity
    for j in 0..<c where d[lo + j] > m || d[lo + j].isNaN { m = d[lo + j] }
    if m.isNaN { return m }
    if m == -.infinity || m == .infinity { return m }
    return m + Foundation.log(rowSum(c) { j in Foundation.exp(d[lo + j] - m) })
}

/// Σ term(i) for i < n, pairwise (a leaf of 8 accumulators up to 128 terms).
func rowSum(_ n: Int, _ term: (Int) -> Double) -> Double {
    if n <= 128 { return Summation.leaf(0, n, term) }
    return Summation.sum((0..<n).map(term))
}

/// log(e^a + e^b) without overflow.
@inline(__always) func logAddExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    let m = Swift.max(a, b)
    return m + Foundation.log1p(Foundation.exp(-Swift.abs(a - b)))
}

// MARK: - Per-element kernels

@usableFromInline struct HingeEmbeddingTerm: PointwiseLoss {
    let margin: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        y == 1 ? x : Losses.positivePart(margin - x)
    }
}

@usableFromInline struct SoftMarginTerm: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        -TermKernel.logSigmoid(y * x)
    }
}

/// (log1p(max(x, ε)) − log1p(max(y, ε)))², ε = 1e-7 (Keras; nan propagates).
@usableFromInline struct SquaredLogError: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let e = Losses.kerasEpsilon
        let d = Foundation.log1p(x < e ? e : x) - Foundation.log1p(y < e ? e : y)
        return d * d
    }
}

/// 100·abs(y − x)/max(abs(y), ε), ε = 1e-7 (Keras).
@usableFromInline struct PercentageError: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let a = Swift.abs(y)
        return 100 * Swift.abs(y - x) / (a < Losses.kerasEpsilon ? Losses.kerasEpsilon : a)
    }
}

// MARK: - sparsemax, sparsemax_loss (Martins & Astudillo 2016; optax)

extension Losses {
    /// The Euclidean projection of x onto the probability simplex along `axis` (optax
    /// `projection_simplex`): max(x − τ, 0) with τ such that the values sum to 1.
    public static func sparsemax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
        let L = try x.layout(axis: axis, keepdims: true, "sparsemax")
        var out = [Double](repeating: 0, count: x.count)
        guard L.n > 0 else { return Tensor(shape: x.shape, data: out) }
        var lane = [Double](repeating: 0, count: L.n)
        Reduce.forLanes(L) { start, stride, _ in
            for k in 0..<L.n { lane[k] = x.data[start + k * stride] }
            let p = simplexProjection(lane)
            for k in 0..<L.n { out[start + k * stride] = p[k] }
        }
        return Tensor(shape: x.shape, data: out)
    }

    /// Multiclass sparsemax loss (optax `multiclass_sparsemax_loss`), per row with p = sparsemax(x):
    /// Σ_j p_j·(x_j − x_y) + ½(1 − ‖p‖²).
    public static func sparsemaxLoss(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let inp = try SparsemaxLossInputs(x, y)
        let out = (0..<inp.rows.n).map { r in sparsemaxLossRow(x, inp, r).loss }
        return TermKernel.reduceSamples(out, shape: inp.rows.shape, reduction)
    }

    struct SparsemaxLossInputs {
        let rows: PortedRows
        let y: [Int]
        init(_ x: Tensor, _ yt: Tensor) throws {
            let fn = "sparsemax_loss"
            rows = try PortedRows(fn, x, "x")
            try TermKernel.requireIndices(fn, x, yt, "x", "y", sameShapeHint: "y holds one class index per sample (0-based)")
            y = try TermKernel.classIndices(yt, classes: rows.c, ignoreIndex: nil, fn, "y")
        }
    }

    static func sparsemaxLossRow(_ x: Tensor, _ inp: SparsemaxLossInputs, _ r: Int) -> (loss: Double, p: [Double]) {
        let c = inp.rows.c, lo = r * c
        let row = Array(x.data[lo..<(lo + c)])
        let p = simplexProjection(row)
        let xy = row[inp.y[r]]
        let dot = rowSum(c) { j in p[j] == 0 ? 0 : p[j] * (row[j] - xy) }
        let sq = rowSum(c) { j in p[j] * p[j] }
        return (dot + 0.5 * (1 - sq), p)
    }
}

/// The projection of v onto the probability simplex: sort (descending), the largest k with
/// 1 + k·u_k > Σ_{j ≤ k} u_j, τ = (Σ_{j ≤ k} u_j − 1)/k, p = max(u − τ, 0), all on u = v − max v
/// (exact for large offsets). A row with nan or +inf gives nan; −inf entries get 0.
func simplexProjection(_ v: [Double]) -> [Double] {
    let n = v.count
    guard n > 0 else { return [] }
    var m = -Double.infinity
    for x in v {
        if x.isNaN || x == .infinity { return [Double](repeating: .nan, count: n) }
        if x > m { m = x }
    }
    if m == -.infinity { return [Double](repeating: .nan, count: n) }
    let u = v.map { $0 - m }
    let sorted = u.sorted(by: >)
    var cs = 0.0, tau = 0.0
    for k in 0..<n {
        let s = cs + sorted[k]
        if 1 + Double(k + 1) * sorted[k] > s {
            cs = s
            tau = (s - 1) / Double(k + 1)
        } else {
            break
        }
    }
    return u.map { Swift.max($0 - tau, 0) }
}
