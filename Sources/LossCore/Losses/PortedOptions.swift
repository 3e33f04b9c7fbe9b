import Foundation

// Options of existing losses that users port from other libraries (docs/reference.md §4.6), kept
// in their own file: kl with `log: true` (p and q given as log-probabilities, torch
// `kl_div(log_q, log_p, log_target=True)` summed over the axis).

extension Losses {
    /// D_KL(P‖Q) from log-probabilities: Σ exp(log p)·(log p − log q) along `axis`, 0 where p = 0
    /// (log p = −inf; torch gives nan there), inf where q = 0 < p.
    public static func klLog(_ logP: Tensor, _ logQ: Tensor, axis: Int = -1) throws -> Tensor {
        let a = try KLLogInputs(logP, logQ, axis: axis)
        let L = try a.p.layout(axis: a.axis, keepdims: false, "kl")
        var out = [Double](repeating: 0, count: L.lanes)
        Reduce.forLanes(L) { start, stride, lane in
            out[lane] = rowSum(L.n) { k in
                let i = start + k * stride
                let lp = a.p.data[i]
                return lp == -.infinity ? 0 : Foundation.exp(lp) * (lp - a.q.data[i])
            }
        }
        return Tensor(shape: L.shape, data: out)
    }

    /// Gradients: exp(log p)·(log p − log q + 1) for p, −exp(log p) for q (0 where log p = −inf),
    /// each summed back to the shape it was given in.
    public static func klLogBackward(_ logP: Tensor, _ logQ: Tensor, axis: Int = -1, upstream g: Tensor,
                                     wrt: Set<String> = ["p", "q"]) throws -> [String: Tensor] {
        let a = try KLLogInputs(logP, logQ, axis: axis)
        let L = try a.p.layout(axis: a.axis, keepdims: false, "kl")
        guard g.count == L.lanes else {
            throw CoreError("kl: internal: the upstream gradient must have shape \(formatShape(L.shape)), got \(formatShape(g.shape))")
        }
        var gp = [Double](repeating: 0, count: a.p.count), gq = gp
        Reduce.forLanes(L) { start, stride, lane in
            for k in 0..<L.n {
                let i = start + k * stride
                let lp = a.p.data[i]
                if lp == -.infinity { continue }
                let e = Foundation.exp(lp) * g.data[lane]
                gp[i] = e * (lp - a.q.data[i] + 1)
                gq[i] = -e
            }
        }
        var out: [String: Tensor] = [:]
        if wrt.contains("p") { out["p"] = try Tape.sumToShape(Tensor(shape: a.p.shape, data: gp), logP.shape) }
        if wrt.contains("q") { out["q"] = try Tape.sumToShape(Tensor(shape: a.p.shape, data: gq), logQ.shape) }
        return out
    }

    /// kl's arguments with `log: true`: log-probabilities (≤ 0, or nan) broadcast to one shape.
    struct KLLogInputs {
        let p, q: Tensor
        let axis: Int
        init(_ p: Tensor, _ q: Tensor, axis: Int) throws {
            let (p, q, axis) = try KLInputs.broadcast(p, q, axis: axis)
            self.axis = axis
            for (name, t) in [("p", p), ("q", q)] {
                if let i = t.data.firstIndex(where: { $0 > 0 }) {
                    throw CoreError("kl: with log: true, \(name) must hold log-probabilities (≤ 0), got \(formatNumber(t.data[i]))\(TermKernel.position(i, t.shape))",
                                    hint: "pass probabilities with log: false (the default)")
                }
            }
            self.p = p
            self.q = q
        }
    }
}

// MARK: - label_smoothing on bce (Keras)

extension Losses {
    /// Binary labels smoothed as Keras' BinaryCrossentropy does: y·(1 − ε) + ε/2, after checking
    /// that y holds labels or probabilities in [0, 1] and ε is in [0, 1].
    public static func smoothedBinaryLabels(_ y: Tensor, _ epsilon: Double, _ fn: String) throws -> Tensor {
        guard epsilon >= 0, epsilon <= 1 else {
            throw CoreError("\(fn): label_smoothing must be in [0, 1], got \(formatNumber(epsilon))")
        }
        try TermKernel.checkUnitTargets(y, fn, "y")
        if epsilon == 0 { return y }
        return Tensor(shape: y.shape, data: y.data.map { $0 * (1 - epsilon) + 0.5 * epsilon })
    }
}

// MARK: - distance: "cosine" on triplet and contrastive (torch TripletMarginWithDistanceLoss)

/// 1 − cos(a, b) of two rows, cos = a·b / (max(‖a‖, 1e-8)·max(‖b‖, 1e-8)) (torch cosine_similarity's eps),
/// with ∂cos/∂a and ∂cos/∂b.
struct CosinePair {
    let dist: Double
    let da: [Double], db: [Double]
    init(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) {
        let eps = 1e-8
        let a = Array(a), b = Array(b), d = a.count
        let dot = rowSum(d) { a[$0] * b[$0] }
        let na = rowSum(d) { a[$0] * a[$0] }.squareRoot(), nb = rowSum(d) { b[$0] * b[$0] }.squareRoot()
        let ca = Swift.max(na, eps), cb = Swift.max(nb, eps)
        let cos = dot / (ca * cb)
        dist = 1 - cos
        // the clamped norms are constants where they were clamped
        da = (0..<d).map { k in b[k] / (ca * cb) - (na > eps ? cos * a[k] / (na * na) : 0) }
        db = (0..<d).map { k in a[k] / (ca * cb) - (nb > eps ? cos * b[k] / (nb * nb) : 0) }
    }
}

extension Losses {
    struct CosineRows {
        let n, d: Int
        let vector: Bool
        init(_ fn: String, _ names: [String], _ ts: [Tensor]) throws {
            let m = try EmbKernels.matrix(ts[0], fn, names[0], allowVector: true)
            for k in 1..<ts.count { try EmbKernels.sameShape(fn, names[0], ts[0], names[k], ts[k]) }
            n = m.n; d = m.d; vector = m.vector
        }
        func row(_ t: Tensor, _ i: Int) -> ArraySlice<Double> { t.data[(i * d)..<((i + 1) * d)] }
    }

    /// triplet with distance "cosine": max(0, d(a, p) − d(a, n) + margin), d = 1 − cos; `swap` uses
    /// min(d(a, n), d(p, n)). Per sample, and the gradients (anchor, positive, negative, margin) of each.
    static func tripletCosineRows(_ a: Tensor, _ p: Tensor, _ n: Tensor, margin: Double, swap: Bool)
        throws -> (rows: CosineRows, loss: [Double], grads: [[String: [Double]]]) {
        let fn = "triplet"
        let r = try CosineRows(fn, ["anchor", "positive", "negative"], [a, p, n])
        try EmbKernels.positive(fn, "margin", margin)
        var loss = [Double](repeating: 0, count: r.n)
        var grads: [[String: [Double]]] = []
        for i in 0..<r.n {
            let ap = CosinePair(r.row(a, i), r.row(p, i)), an = CosinePair(r.row(a, i), r.row(n, i))
            let pn = swap ? CosinePair(r.row(p, i), r.row(n, i)) : nil
            var dn = an.dist
            // weights of d(a, n) and d(p, n) in the negative distance (torch.minimum shares ties)
            var wan = 1.0, wpn = 0.0
            if let pn = pn {
                if pn.dist < an.dist { dn = pn.dist; wan = 0; wpn = 1 } else if pn.dist == an.dist { wan = 0.5; wpn = 0.5 }
            }
            let h = margin + ap.dist - dn
            loss[i] = Losses.positivePart(h)
            let zero = [Double](repeating: 0, count: r.d)
            guard h > 0 else { grads.append(["anchor": zero, "positive": zero, "negative": zero, "margin": [0]]); continue }
            // ∂d/∂x = −∂cos/∂x; ℓ = margin + d(a, p) − wan·d(a, n) − wpn·d(p, n)
            var ga = zero, gp = zero, gn = zero
            for k in 0..<r.d {
                ga[k] = -ap.da[k] + wan * an.da[k]
                gp[k] = -ap.db[k] + wpn * (pn?.da[k] ?? 0)
                gn[k] = wan * an.db[k] + wpn * (pn?.db[k] ?? 0)
            }
            grads.append(["anchor": ga, "positive": gp, "negative": gn, "margin": [1]])
        }
        return (r, loss, grads)
    }

    public static func tripletCosine(anchor: Tensor, positive: Tensor, negative: Tensor, margin: Double = 1, swap: Bool = false,
                                     reduction: Reduction = .mean) throws -> Tensor {
        let t = try tripletCosineRows(anchor, positive, negative, margin: margin, swap: swap)
        return EmbKernels.reduce(t.loss, vector: t.rows.vector, reduction)
    }

    public static func tripletCosineBackward(anchor: Tensor, positive: Tensor, negative: Tensor, margin: Double = 1, swap: Bool = false,
                                             reduction: Reduction = .mean, upstream: Tensor,
                                             wrt: Set<String> = ["anchor", "positive", "negative"]) throws -> [String: Tensor] {
        let t = try tripletCosineRows(anchor, positive, negative, margin: margin, swap: swap)
        return try cosineRowGrads(t.rows, t.grads, shapes: ["anchor": anchor.shape, "positive": positive.shape, "negative": negative.shape],
                                  reduction: reduction, upstream: upstream, wrt: wrt, fn: "triplet")
    }

    /// contrastive with distance "cosine": D = 1 − cos(x1, x2); ½D² for similar pairs, ½max(0, margin − D)² otherwise.
    static func contrastiveCosineRows(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double, similar: Double)
        throws -> (rows: CosineRows, loss: [Double], grads: [[String: [Double]]]) {
        let fn = "contrastive"
        let r = try CosineRows(fn, ["x1", "x2"], [x1, x2])
        let labels = try EmbKernels.pairLabels(y, n: r.n, fn, rowsOf: "x1")
        for (i, v) in labels.enumerated() where !(v == 0 || v == 1) {
            throw CoreError("\(fn): y must hold labels 0 or 1, got \(formatNumber(v)) at position \(i)")
        }
        guard similar == 0 || similar == 1 else { throw CoreError("\(fn): similar must be 0 or 1, got \(formatNumber(similar))") }
        try EmbKernels.finite(fn, "margin", margin)
        var loss = [Double](repeating: 0, count: r.n)
        var grads: [[String: [Double]]] = []
        for i in 0..<r.n {
            let c = CosinePair(r.row(x1, i), r.row(x2, i))
            let dl: Double, dm: Double   // ∂ℓ/∂D and ∂ℓ/∂margin
            if labels[i] == similar {
                loss[i] = 0.5 * c.dist * c.dist
                dl = c.dist; dm = 0
            } else {
                let h = Swift.max(margin - c.dist, 0)
                loss[i] = 0.5 * h * h
                dl = -h; dm = h
            }
            grads.append(["x1": c.da.map { -dl * $0 }, "x2": c.db.map { -dl * $0 }, "margin": [dm]])
        }
        return (r, loss, grads)
    }

    public static func contrastiveCosine(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 1, similar: Double = 0,
                                         reduction: Reduction = .mean) throws -> Tensor {
        let t = try contrastiveCosineRows(x1, x2, y, margin: margin, similar: similar)
        return EmbKernels.reduce(t.loss, vector: t.rows.vector, reduction)
    }

    public static func contrastiveCosineBackward(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 1, similar: Double = 0,
                                                 reduction: Reduction = .mean, upstream: Tensor,
                                                 wrt: Set<String> = ["x1", "x2"]) throws -> [String: Tensor] {
        let t = try contrastiveCosineRows(x1, x2, y, margin: margin, similar: similar)
        try rejectLabels("contrastive", wrt, "y", holds: "0/1 labels", hint: "differentiate with respect to x1 and x2")
        return try cosineRowGrads(t.rows, t.grads, shapes: ["x1": x1.shape, "x2": x2.shape], reduction: reduction,
                                  upstream: upstream, wrt: wrt, fn: "contrastive")
    }

    /// Per-row gradients scaled by the upstream gradient of each row's loss; "margin" summed to a number.
    static func cosineRowGrads(_ r: CosineRows, _ grads: [[String: [Double]]], shapes: [String: [Int]], reduction: Reduction,
                               upstream: Tensor, wrt: Set<String>, fn: String) throws -> [String: Tensor] {
        let g = try rowUpstream(fn, reduction, upstream, rows: r.n)
        var out: [String: Tensor] = [:]
        for (name, shape) in shapes where wrt.contains(name) {
            var data = [Double](repeating: 0, count: r.n * r.d)
            for i in 0..<r.n { for k in 0..<r.d { data[i * r.d + k] = g(i) * (grads[i][name]?[k] ?? 0) } }
            out[name] = Tensor(shape: shape, data: data)
        }
        if wrt.contains("margin") {
            out["margin"] = Tensor(scalar: Summation.sum((0..<r.n).map { g($0) * (grads[$0]["margin"]?[0] ?? 0) }))
        }
        return out
    }
}
