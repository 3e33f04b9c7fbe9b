import Foundation
import COpenBLAS

// Analytic backward passes of the docs/reference.md §4.3 losses, for `grad`. Each keeps the
// convention of Losses.swift (the forward arguments, `upstream`, `wrt`; labels and class indices
// have no gradient) and checks its arguments with the forward pass's own step (`tripletInputs`,
// `contrastiveInputs`, `ClassRowsInputs`, …), never by running the forward pass. Conventions follow
// torch autograd: a hinge passes the gradient where its argument is ≥ 0 (clamp), the norm
// of a zero vector has gradient 0, ties of min/max share the gradient equally, and
// F.normalize divides by max(‖x‖, 1e-12) (below the eps the gradient is g / 1e-12).
extension Losses {
    public static func tripletBackward(anchor: Tensor, positive: Tensor, negative: Tensor, margin: Double = 1, norm: Double = 2,
                                       swap: Bool = false, squared: Bool = false, reduction: Reduction = .mean, upstream g: Tensor,
                                       wrt: Set<String> = ["anchor", "positive", "negative", "margin"]) throws -> [String: Tensor] {
        let (n, d, _) = try tripletInputs(anchor, positive, negative, margin: margin, norm: norm, squared: squared)
        let w = try EmbKernels.sampleWeights(g, n: n, reduction, "triplet")
        var ga = try Memory.doubles(n * d), gp = ga, gn = ga
        var gm = 0.0
        let u1 = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        let u2 = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        let u3 = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        defer { u1.deallocate(); u2.deallocate(); u3.deallocate() }
        let eps = squared ? 0.0 : 1e-6
        for i in 0..<n {
            let o = i * d
            // u = x − y + eps, d = ‖u‖ (or ‖u‖² when squared); φ = ∂d/∂u into the buffer
            func dist(_ x: [Double], _ y: [Double], _ buf: UnsafeMutablePointer<Double>) -> Double {
                for j in 0..<d { buf[j] = x[o + j] - y[o + j] + eps }
                return EmbKernels.normAndGradient(buf, d, p: squared ? -1 : norm)
            }
            let dap = dist(anchor.data, positive.data, u1)
            let dan = dist(anchor.data, negative.data, u2)
            var wan = 1.0, wpn = 0.0
            var dneg = dan
            if swap {
                let dpn = dist(positive.data, negative.data, u3)
                if dpn < dan { wan = 0; wpn = 1; dneg = dpn } else if dpn == dan { wan = 0.5; wpn = 0.5 }
            }
            let v = margin + dap - dneg
            guard v >= 0, w[i] != 0 else { continue }
            gm += w[i]
            for j in 0..<d {
                ga[o + j] += w[i] * (u1[j] - wan * u2[j])
                gp[o + j] += w[i] * (-u1[j] - wpn * u3[j])
                gn[o + j] += w[i] * (wan * u2[j] + wpn * u3[j])
            }
        }
        return picked(["anchor": Tensor(shape: anchor.shape, data: ga), "positive": Tensor(shape: anchor.shape, data: gp),
                       "negative": Tensor(shape: anchor.shape, data: gn), "margin": Tensor(scalar: gm)], wrt)
    }

    public static func contrastiveBackward(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 1, similar: Double = 0,
                                           reduction: Reduction = .mean, upstream g: Tensor,
                                           wrt: Set<String> = ["x1", "x2", "margin"]) throws -> [String: Tensor] {
        let a = try contrastiveInputs(x1, x2, y, similar: similar)
        try rejectLabels("contrastive", wrt, "y", holds: "labels 0 or 1", hint: pairLabelsHint)
        let (n, d, labels) = (a.n, a.d, a.labels)
        let w = try EmbKernels.sampleWeights(g, n: n, reduction, "contrastive")
        var g1 = try Memory.doubles(n * d), g2 = g1
        var gm = 0.0
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        defer { scratch.deallocate() }
        for i in 0..<n {
            let o = i * d
            var c = 1.0  // ∂ℓ/∂u with u = x1 − x2: c·u
            if labels[i] != similar {
                for j in 0..<d { scratch[j] = x1.data[o + j] - x2.data[o + j] }
                let dist = EmbKernels.sumSquares(UnsafePointer(scratch), d, scratch).squareRoot()
                let h = margin - dist
                if h >= 0 { gm += w[i] * h }
                c = (h >= 0 && dist > 0) ? -h / dist : 0
            }
            for j in 0..<d {
                let t = w[i] * c * (x1.data[o + j] - x2.data[o + j])
                g1[o + j] = t; g2[o + j] = -t
            }
        }
        return picked(["x1": Tensor(shape: x1.shape, data: g1), "x2": Tensor(shape: x1.shape, data: g2),
                       "margin": Tensor(scalar: gm)], wrt)
    }

    /// The hint of a gradient asked of pair labels.
    static let pairLabelsHint = "differentiate with respect to the embeddings; the labels are constants"

    public static func marginRankingBackward(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 0,
                                             reduction: Reduction = .mean, upstream g: Tensor,
                                             wrt: Set<String> = ["x1", "x2", "margin"]) throws -> [String: Tensor] {
        let shape = try marginRankingShape(x1, x2, y)
        try rejectLabels("margin_ranking", wrt, "y", holds: "labels -1 or +1", hint: pairLabelsHint)
        let count = Tensor.count(of: shape)
        let a = try x1.broadcast(to: shape), b = try x2.broadcast(to: shape), t = try y.broadcast(to: shape)
        let w = try EmbKernels.sampleWeights(g, n: count, reduction, "margin_ranking")
        var g1 = try Memory.doubles(count), g2 = g1
        var gm = 0.0
        for i in 0..<count where -t.data[i] * (a.data[i] - b.data[i]) + margin >= 0 {
            g1[i] = -w[i] * t.data[i]; g2[i] = w[i] * t.data[i]; gm += w[i]
        }
        return picked(["x1": Tensor(shape: shape, data: g1), "x2": Tensor(shape: shape, data: g2), "margin": Tensor(scalar: gm)], wrt)
    }

    public static func cosineEmbeddingBackward(_ x1: Tensor, _ x2: Tensor, _ y: Tensor, margin: Double = 0,
                                               reduction: Reduction = .mean, upstream g: Tensor,
                                               wrt: Set<String> = ["x1", "x2", "margin"]) throws -> [String: Tensor] {
        let inputs = try cosineEmbeddingInputs(x1, x2, y)
        try rejectLabels("cosine_embedding", wrt, "y", holds: "labels -1 or +1", hint: pairLabelsHint)
        let (n, d, labels) = (inputs.n, inputs.d, inputs.labels)
        let w = try EmbKernels.sampleWeights(g, n: n, reduction, "cosine_embedding")
        var g1 = try Memory.doubles(n * d), g2 = g1
        var gm = 0.0
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(d, 1))
        defer { scratch.deallocate() }
        x1.data.withUnsafeBufferPointer { pa in
            x2.data.withUnsafeBufferPointer { pb in
                guard let a = pa.baseAddress, let b = pb.baseAddress else { return }
                for i in 0..<n {
                    let ra = a + i * d, rb = b + i * d
                    let (cos, m1, m2, den) = EmbKernels.torchCosine(ra, rb, d, scratch)
                    // ∂ℓ/∂cos
                    var dc = 0.0
                    if labels[i] == 1 { dc = -w[i] } else if cos - margin >= 0 { dc = w[i]; gm -= w[i] }
                    if dc == 0 { continue }
                    for j in 0..<d {
                        g1[i * d + j] = dc * (rb[j] / den - cos * ra[j] / m1)
                        g2[i * d + j] = dc * (ra[j] / den - cos * rb[j] / m2)
                    }
                }
            }
        }
        return picked(["x1": Tensor(shape: x1.shape, data: g1), "x2": Tensor(shape: x1.shape, data: g2),
                       "margin": Tensor(scalar: gm)], wrt)
    }

    public static func infoNCEBackward(query: Tensor, positive: Tensor, negatives: Tensor? = nil, temperature: Double = 0.1,
                                       negativeMode: InfoNCENegativeMode = .unpaired, reduction: Reduction = .mean, upstream g: Tensor,
                                       wrt: Set<String> = ["query", "positive", "negatives", "temperature"]) throws -> [String: Tensor] {
        let (n, d, m) = try infoNCEInputs(query, positive, negatives, temperature: temperature, negativeMode: negativeMode)
        let w = try EmbKernels.sampleWeights(g, n: n, reduction, "infonce")
        let q = EmbKernels.normalizedRows(query.data, rows: n, cols: d)
        let k = EmbKernels.normalizedRows(positive.data, rows: n, cols: d)
        var out: [String: Tensor] = [:]
        var gq = try Memory.doubles(n * d), gk = gq
        var gtau = 0.0
        guard let neg = negatives else {
            let s = try EmbKernels.gemmNT(q, k, m: n, n: n, k: d)
            var z = s
            for i in 0..<z.count { z[i] /= temperature }
            var dz = try EmbKernels.softmaxMinusOneHot(z, rows: n, cols: n, weights: w, targets: { $0 })
            for i in 0..<dz.count { gtau -= dz[i] * z[i] / temperature; dz[i] /= temperature }
            gq = try EmbKernels.gemm(dz, k, m: n, n: d, k: n)                 // dZ·K̂
            gk = try EmbKernels.gemm(dz, q, m: n, n: d, k: n, transA: true)   // dZᵀ·Q̂
            out["query"] = Tensor(shape: query.shape, data: try EmbKernels.normalizeBackward(gq, query.data, rows: n, cols: d))
            out["positive"] = Tensor(shape: positive.shape, data: try EmbKernels.normalizeBackward(gk, positive.data, rows: n, cols: d))
            out["temperature"] = Tensor(scalar: gtau)
            return picked(out, wrt)
        }
        let rowsN = negativeMode == .unpaired ? m : n * m
        let nk = EmbKernels.normalizedRows(neg.data, rows: rowsN, cols: d)
        // logits [N, 1 + M]
        var z = try Memory.doubles(n * (m + 1))
        for i in 0..<n {
            z[i * (m + 1)] = EmbKernels.dotRows(q, i, k, i, d) / temperature
            for j in 0..<m {
                let r = negativeMode == .unpaired ? j : i * m + j
                z[i * (m + 1) + 1 + j] = EmbKernels.dotRows(q, i, nk, r, d) / temperature
            }
        }
        var dz = try EmbKernels.softmaxMinusOneHot(z, rows: n, cols: m + 1, weights: w, targets: { _ in 0 })
        for i in 0..<dz.count { gtau -= dz[i] * z[i] / temperature; dz[i] /= temperature }
        var gn = try Memory.doubles(rowsN * d)
        for i in 0..<n {
            let d0 = dz[i * (m + 1)]
            for t in 0..<d {
                gq[i * d + t] += d0 * k[i * d + t]
                gk[i * d + t] += d0 * q[i * d + t]
            }
            for j in 0..<m {
                let dij = dz[i * (m + 1) + 1 + j]
                if dij == 0 { continue }
                let r = negativeMode == .unpaired ? j : i * m + j
                for t in 0..<d {
                    gq[i * d + t] += dij * nk[r * d + t]
                    gn[r * d + t] += dij * q[i * d + t]
                }
            }
        }
        out["query"] = Tensor(shape: query.shape, data: try EmbKernels.normalizeBackward(gq, query.data, rows: n, cols: d))
        out["positive"] = Tensor(shape: positive.shape, data: try EmbKernels.normalizeBackward(gk, positive.data, rows: n, cols: d))
        out["negatives"] = Tensor(shape: neg.shape, data: try EmbKernels.normalizeBackward(gn, neg.data, rows: rowsN, cols: d))
        out["temperature"] = Tensor(scalar: gtau)
        return picked(out, wrt)
    }

    public static func ntXentBackward(_ z1: Tensor, _ z2: Tensor, temperature: Double = 0.1, reduction: Reduction = .mean,
                                      upstream g: Tensor, wrt: Set<String> = ["z1", "z2", "temperature"]) throws -> [String: Tensor] {
        let (n, d) = try ntXentInputs(z1, z2, temperature: temperature)
        let n2 = 2 * n
        let w = try EmbKernels.sampleWeights(g, n: n2, reduction, "ntxent")
        let raw = z1.data + z2.data
        let z = EmbKernels.normalizedRows(raw, rows: n2, cols: d)
        var s = try EmbKernels.gramMatrix(z, m: n2, k: d)
        for i in 0..<s.count { s[i] /= temperature }
        for a in 0..<n2 { s[a * n2 + a] = -.infinity }
        var dz = try EmbKernels.softmaxMinusOneHot(s, rows: n2, cols: n2, weights: w, targets: { ($0 + n) % n2 })
        var gtau = 0.0
        for i in 0..<dz.count where s[i].isFinite { gtau -= dz[i] * s[i] / temperature }
        // symmetric: dẐ = (dZ + dZᵀ)·Ẑ / τ
        var sym = dz
        for i in 0..<n2 { for j in 0..<n2 { sym[i * n2 + j] = (dz[i * n2 + j] + dz[j * n2 + i]) / temperature } }
        dz = []
        let gzh = try EmbKernels.gemm(sym, z, m: n2, n: d, k: n2)
        let gz = try EmbKernels.normalizeBackward(gzh, raw, rows: n2, cols: d)
        return picked(["z1": Tensor(shape: z1.shape, data: Array(gz[0..<(n * d)])),
                       "z2": Tensor(shape: z2.shape, data: Array(gz[(n * d)...])), "temperature": Tensor(scalar: gtau)], wrt)
    }

    public static func multipleNegativesRankingBackward(anchor: Tensor, positive: Tensor, negatives: Tensor? = nil, scale: Double = 20,
                                                        symmetric: Bool = false, reduction: Reduction = .mean, upstream g: Tensor,
                                                        wrt: Set<String> = ["anchor", "positive", "negatives", "scale"]) throws -> [String: Tensor] {
        let (n, d, m) = try mnrInputs(anchor, positive, negatives, scale: scale)
        var w = try EmbKernels.sampleWeights(g, n: n, reduction, "mnr")
        if symmetric { for i in 0..<n { w[i] *= 0.5 } }
        let a = EmbKernels.normalizedRows(anchor.data, rows: n, cols: d)
        let p = EmbKernels.normalizedRows(positive.data, rows: n, cols: d)
        let ng = negatives.map { EmbKernels.normalizedRows($0.data, rows: m, cols: d) } ?? []
        let cols = n + m
        // forward logits [N, N + M] = scale·Â[P̂; N̂]ᵀ
        let cands = p + ng
        let z = try EmbKernels.gemmNT(a, cands, m: n, n: cols, k: d, alpha: scale)
        let dzf = try EmbKernels.softmaxMinusOneHot(z, rows: n, cols: cols, weights: w, targets: { $0 })
        var dap = try Memory.doubles(n * n)   // ∂/∂(scale·â_i·p̂_j)
        var dan = try Memory.doubles(n * m)
        for i in 0..<n {
            for j in 0..<n { dap[i * n + j] = dzf[i * cols + j] }
            for j in 0..<m { dan[i * m + j] = dzf[i * cols + n + j] }
        }
        if symmetric {
            // backward logits [N, N] = scale·P̂Âᵀ, row i targets i
            let zb = try EmbKernels.gemmNT(p, a, m: n, n: n, k: d, alpha: scale)
            let dzb = try EmbKernels.softmaxMinusOneHot(zb, rows: n, cols: n, weights: w, targets: { $0 })
            for i in 0..<n { for j in 0..<n { dap[j * n + i] += dzb[i * n + j] } }
        }
        var gscale = 0.0
        for i in 0..<n {
            for j in 0..<n { gscale += dap[i * n + j] * EmbKernels.dotRows(a, i, p, j, d) }
            for j in 0..<m { gscale += dan[i * m + j] * EmbKernels.dotRows(a, i, ng, j, d) }
        }
        for i in 0..<dap.count { dap[i] *= scale }
        for i in 0..<dan.count { dan[i] *= scale }
        var ga = try EmbKernels.gemm(dap, p, m: n, n: d, k: n)
        if m > 0 {
            let extra = try EmbKernels.gemm(dan, ng, m: n, n: d, k: m)
            for i in 0..<ga.count { ga[i] += extra[i] }
        }
        let gp = try EmbKernels.gemm(dap, a, m: n, n: d, k: n, transA: true)
        var out: [String: Tensor] = [
            "anchor": Tensor(shape: anchor.shape, data: try EmbKernels.normalizeBackward(ga, anchor.data, rows: n, cols: d)),
            "positive": Tensor(shape: positive.shape, data: try EmbKernels.normalizeBackward(gp, positive.data, rows: n, cols: d)),
            "scale": Tensor(scalar: gscale),
        ]
        if let neg = negatives {
            let gn = try EmbKernels.gemm(dan, a, m: m, n: d, k: n, transA: true)
            out["negatives"] = Tensor(shape: neg.shape, data: try EmbKernels.normalizeBackward(gn, neg.data, rows: m, cols: d))
        }
        return picked(out, wrt)
    }

    public static func ge2eBackward(_ e: Tensor, speakers: Int? = nil, method: GE2EMethod = .softmax, w: Double = 10, b: Double = -5,
                                    reduction: Reduction = .mean, upstream g: Tensor,
                                    wrt: Set<String> = ["e", "w", "b"]) throws -> [String: Tensor] {
        let (nSpk, m, d) = try ge2eInputs(e, speakers: speakers, method: method, w: w, b: b)
        let rows = nSpk * m
        let wt = try EmbKernels.sampleWeights(g, n: rows, reduction, "ge2e")
        if rows == 0 { return picked(["e": Tensor(shape: e.shape, data: []), "w": Tensor(scalar: 0), "b": Tensor(scalar: 0)], wrt) }
        let x = EmbKernels.normalizedRows(e.data, rows: rows, cols: d)
        var sums = try Memory.doubles(nSpk * d)
        x.withUnsafeBufferPointer { px in
            guard let bx = px.baseAddress else { return }
            for k in 0..<nSpk { for j in 0..<d { sums[k * d + j] = Summation.pairwise(bx + k * m * d + j, m, stride: d) } }
        }
        var cent = sums
        for i in 0..<cent.count { cent[i] /= Double(m) }
        let chat = EmbKernels.normalizedRows(cent, rows: nSpk, cols: d)
        var cosm = try EmbKernels.gemmNT(x, chat, m: rows, n: nSpk, k: d)
        var excl = try Memory.doubles(rows * d)      // own centroids without the utterance
        for r in 0..<rows {
            let j = r / m
            for t in 0..<d { excl[r * d + t] = (sums[j * d + t] - x[r * d + t]) / Double(m - 1) }
        }
        let exclHat = EmbKernels.normalizedRows(excl, rows: rows, cols: d)
        for r in 0..<rows { cosm[r * nSpk + r / m] = EmbKernels.dotRows(x, r, exclHat, r, d) }
        var s = cosm
        for i in 0..<s.count { s[i] = w * s[i] + b }
        // ∂ℓ/∂S
        var ds = try Memory.doubles(rows * nSpk)
        switch method {
        case .softmax:
            ds = try EmbKernels.softmaxMinusOneHot(s, rows: rows, cols: nSpk, weights: wt, targets: { $0 / m })
        case .contrast:
            for r in 0..<rows {
                let j = r / m
                var best = -1
                for k in 0..<nSpk where k != j { if best < 0 || s[r * nSpk + k] > s[r * nSpk + best] { best = k } }
                let sj = EmbKernels.sigmoid(s[r * nSpk + j])
                ds[r * nSpk + j] = -wt[r] * sj * (1 - sj)
                if best >= 0 {
                    let sk = EmbKernels.sigmoid(s[r * nSpk + best])
                    ds[r * nSpk + best] = wt[r] * sk * (1 - sk)
                }
            }
        }
        var gw = 0.0, gb = 0.0
        for i in 0..<ds.count { gw += ds[i] * cosm[i]; gb += ds[i] }
        // ∂ℓ/∂cos, then through the centroids
        var dcos = ds
        for i in 0..<dcos.count { dcos[i] *= w }
        var dOwn = try Memory.doubles(rows)
        for r in 0..<rows { dOwn[r] = dcos[r * nSpk + r / m]; dcos[r * nSpk + r / m] = 0 }
        var dx = try EmbKernels.gemm(dcos, chat, m: rows, n: d, k: nSpk)                    // other centroids
        let dchat = try EmbKernels.gemm(dcos, x, m: nSpk, n: d, k: rows, transA: true)
        let dcent = try EmbKernels.normalizeBackward(dchat, cent, rows: nSpk, cols: d)
        var dsums = try Memory.doubles(nSpk * d)
        for i in 0..<dsums.count { dsums[i] = dcent[i] / Double(m) }
        var dexclHat = try Memory.doubles(rows * d)
        for r in 0..<rows {
            for t in 0..<d {
                dx[r * d + t] += dOwn[r] * exclHat[r * d + t]
                dexclHat[r * d + t] = dOwn[r] * x[r * d + t]
            }
        }
        let dexcl = try EmbKernels.normalizeBackward(dexclHat, excl, rows: rows, cols: d)
        for r in 0..<rows {
            let j = r / m
            for t in 0..<d {
                let v = dexcl[r * d + t] / Double(m - 1)
                dsums[j * d + t] += v
                dx[r * d + t] -= v
            }
        }
        for r in 0..<rows { let j = r / m; for t in 0..<d { dx[r * d + t] += dsums[j * d + t] } }
        return picked(["e": Tensor(shape: e.shape, data: try EmbKernels.normalizeBackward(dx, e.data, rows: rows, cols: d)),
                       "w": Tensor(scalar: gw), "b": Tensor(scalar: gb)], wrt)
    }

    public static func arcfaceBackward(_ x: Tensor, _ W: Tensor, _ y: Tensor, s: Double = 64, m: Double = 0.5, easyMargin: Bool = false,
                                       reduction: Reduction = .mean, upstream g: Tensor,
                                       wrt: Set<String> = ["x", "W", "s"]) throws -> [String: Tensor] {
        try checkArcfaceMargin(m)
        let cosM = Foundation.cos(m), sinM = Foundation.sin(m)
        let th = Foundation.cos(Double.pi - m), mm = Foundation.sin(Double.pi - m) * m
        return try embeddingMarginSoftmaxBackward("arcface", x, W, y, s: s, reduction: reduction, upstream: g, wrt: wrt) { c in
            let t = 1 - c * c
            let sine = Swift.min(1, Swift.max(0, t)).squareRoot()
            let phi = c * cosM - sine * sinM
            // dφ/dc = cos m + c·sin m / sin θ (0 for the sine term where sin θ = 0: cos θ = ±1 stays finite)
            let dphi = cosM + (sine > 0 && t <= 1 ? c * sinM / sine : 0)
            if easyMargin { return c > 0 ? (phi, dphi) : (c, 1) }
            return c > th ? (phi, dphi) : (c - mm, 1)
        }
    }

    public static func cosfaceBackward(_ x: Tensor, _ W: Tensor, _ y: Tensor, s: Double = 64, m: Double = 0.35,
                                       reduction: Reduction = .mean, upstream g: Tensor,
                                       wrt: Set<String> = ["x", "W", "s"]) throws -> [String: Tensor] {
        try EmbKernels.finite("cosface", "m", m)
        return try embeddingMarginSoftmaxBackward("cosface", x, W, y, s: s, reduction: reduction, upstream: g, wrt: wrt) { c in (c - m, 1) }
    }

    /// Backward of arcface/cosface; `target(c)` gives the target's modified cosine and its derivative.
    static func embeddingMarginSoftmaxBackward(_ fn: String, _ x: Tensor, _ W: Tensor, _ y: Tensor, s: Double, reduction: Reduction,
                                               upstream g: Tensor, wrt: Set<String>,
                                               target: (Double) -> (Double, Double)) throws -> [String: Tensor] {
        let a = try ClassRowsInputs(fn, x, W, "W", y, logits: true, s: s)
        if wrt.contains("y") { throw classIndexGradient(fn, "y") }
        let (n, d, c, labels) = (a.n, a.d, a.c, a.labels)
        let wts = try EmbKernels.sampleWeights(g, n: n, reduction, fn)
        let xh = EmbKernels.normalizedRows(x.data, rows: n, cols: d)
        let wh = EmbKernels.normalizedRows(W.data, rows: c, cols: d)
        var cosm = try EmbKernels.gemmNT(xh, wh, m: n, n: c, k: d)
        var deriv = try Memory.doubles(n, repeating: 1)
        for i in 0..<n {
            let t = i * c + labels[i]
            let (v, dv) = target(cosm[t])
            cosm[t] = v; deriv[i] = dv
        }
        var logits = cosm
        for i in 0..<logits.count { logits[i] *= s }
        var dl = try EmbKernels.softmaxMinusOneHot(logits, rows: n, cols: c, weights: wts, targets: { labels[$0] })
        var gs = 0.0
        for i in 0..<dl.count { gs += dl[i] * cosm[i]; dl[i] *= s }
        for i in 0..<n { dl[i * c + labels[i]] *= deriv[i] }
        let dxh = try EmbKernels.gemm(dl, wh, m: n, n: d, k: c)
        let dwh = try EmbKernels.gemm(dl, xh, m: c, n: d, k: n, transA: true)
        return picked(["x": Tensor(shape: x.shape, data: try EmbKernels.normalizeBackward(dxh, x.data, rows: n, cols: d)),
                       "W": Tensor(shape: W.shape, data: try EmbKernels.normalizeBackward(dwh, W.data, rows: c, cols: d)),
                       "s": Tensor(scalar: gs)], wrt)
    }

    public static func spherefaceBackward(_ x: Tensor, _ W: Tensor, _ y: Tensor, m: Int = 4, reduction: Reduction = .mean,
                                          upstream g: Tensor, wrt: Set<String> = ["x", "W"]) throws -> [String: Tensor] {
        let fn = "sphereface"
        try checkSphereFaceMargin(m)
        let a = try ClassRowsInputs(fn, x, W, "W", y, logits: true)
        if wrt.contains("y") { throw classIndexGradient(fn, "y") }
        let (n, d, c, labels) = (a.n, a.d, a.c, a.labels)
        let wts = try EmbKernels.sampleWeights(g, n: n, reduction, fn)
        let xnorm = try EmbKernels.rowNorms(x.data, rows: n, cols: d)
        let xh = EmbKernels.normalizedRows(x.data, rows: n, cols: d)
        let wh = EmbKernels.normalizedRows(W.data, rows: c, cols: d)
        let raw = try EmbKernels.gemmNT(xh, wh, m: n, n: c, k: d)
        var f = raw, fp = raw   // f(cos) and ‖x‖·f'(cos)·[inside the clamp]
        for i in 0..<n {
            for j in 0..<c {
                let t = i * c + j
                let inside = raw[t] >= -1 && raw[t] <= 1
                let cs = Swift.min(1, Swift.max(-1, raw[t]))
                if j == labels[i] {
                    let (v, dv) = EmbKernels.sphereFacePsiWithDerivative(cs, m)
                    f[t] = v; fp[t] = inside ? dv : 0
                } else {
                    f[t] = cs; fp[t] = inside ? 1 : 0
                }
            }
        }
        var logits = f
        for i in 0..<n { for j in 0..<c { logits[i * c + j] *= xnorm[i] } }
        let dl = try EmbKernels.softmaxMinusOneHot(logits, rows: n, cols: c, weights: wts, targets: { labels[$0] })
        var dcos = dl
        var dnorm = try Memory.doubles(n)
        for i in 0..<n {
            for j in 0..<c {
                let t = i * c + j
                dnorm[i] += dl[t] * f[t]
                dcos[t] = dl[t] * xnorm[i] * fp[t]
            }
        }
        let dxh = try EmbKernels.gemm(dcos, wh, m: n, n: d, k: c)
        let dwh = try EmbKernels.gemm(dcos, xh, m: c, n: d, k: n, transA: true)
        var dx = try EmbKernels.normalizeBackward(dxh, x.data, rows: n, cols: d)
        for i in 0..<n where xnorm[i] > 0 {
            for t in 0..<d { dx[i * d + t] += dnorm[i] * x.data[i * d + t] / xnorm[i] }
        }
        return picked(["x": Tensor(shape: x.shape, data: dx),
                       "W": Tensor(shape: W.shape, data: try EmbKernels.normalizeBackward(dwh, W.data, rows: c, cols: d))], wrt)
    }

    public static func centerLossBackward(_ x: Tensor, _ centers: Tensor, _ y: Tensor, reduction: Reduction = .mean,
                                          upstream g: Tensor, wrt: Set<String> = ["x", "centers"]) throws -> [String: Tensor] {
        let fn = "center_loss"
        let a = try ClassRowsInputs(fn, x, centers, "centers", y, logits: false)
        if wrt.contains("y") { throw classIndexGradient(fn, "y") }
        let (n, d, c, labels) = (a.n, a.d, a.c, a.labels)
        let w = try EmbKernels.sampleWeights(g, n: n, reduction, fn)
        var gx = try Memory.doubles(n * d)
        var gc = try Memory.doubles(c * d)
        for i in 0..<n {
            let k = labels[i]
            for t in 0..<d {
                let v = w[i] * (x.data[i * d + t] - centers.data[k * d + t])
                gx[i * d + t] = v
                gc[k * d + t] -= v
            }
        }
        return picked(["x": Tensor(shape: x.shape, data: gx), "centers": Tensor(shape: centers.shape, data: gc)], wrt)
    }
}

extension EmbKernels {
    /// The gradient of each sample's loss given the gradient `g` of the reduced output.
    static func sampleWeights(_ g: Tensor, n: Int, _ reduction: Reduction, _ fn: String) throws -> [Double] {
        switch reduction {
        case .none:
            guard g.count == n else {
                throw CoreError("\(fn): internal gradient of \(g.count) values for \(n) samples")
            }
            return g.data
        case .sum:
            return try Memory.doubles(n, repeating: g.data.first ?? 0)
        case .mean:
            return try Memory.doubles(n, repeating: n == 0 ? 0 : (g.data.first ?? 0) / Double(n))
        }
    }

    /// d = ‖u‖_p of the n values at `u` (p = −1: ‖u‖², FaceNet), and ∂d/∂u written over u.
    static func normAndGradient(_ u: UnsafeMutablePointer<Double>, _ n: Int, p: Double) -> Double {
        if p == -1 {
            var s = 0.0
            for j in 0..<n { s += u[j] * u[j]; u[j] *= 2 }
            return s
        }
        if p == .infinity {
            var mx = 0.0
            for j in 0..<n { mx = Swift.max(mx, Swift.abs(u[j])) }
            var ties = 0.0
            for j in 0..<n where Swift.abs(u[j]) == mx && mx > 0 { ties += 1 }
            for j in 0..<n {
                u[j] = (mx > 0 && Swift.abs(u[j]) == mx) ? (u[j] > 0 ? 1 : -1) / ties : 0
            }
            return mx
        }
        if p == 1 {
            var s = 0.0
            for j in 0..<n { s += Swift.abs(u[j]); u[j] = u[j] > 0 ? 1 : (u[j] < 0 ? -1 : 0) }
            return s
        }
        var s = 0.0
        for j in 0..<n { s += Foundation.pow(Swift.abs(u[j]), p) }
        let dist = Foundation.pow(s, 1 / p)
        for j in 0..<n {
            let a = Swift.abs(u[j])
            u[j] = dist > 0 && a > 0 ? (u[j] > 0 ? 1 : -1) * Foundation.pow(a / dist, p - 1) : 0
        }
        return dist
    }

    /// Rows of weights·(softmax(z) − onehot(target)), the gradient of weighted cross-entropies.
    static func softmaxMinusOneHot(_ z: [Double], rows: Int, cols: Int, weights: [Double], targets: (Int) -> Int) throws -> [Double] {
        var out = try Memory.doubles(rows * cols)
        if rows == 0 || cols == 0 { return out }
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: cols)
        defer { scratch.deallocate() }
        z.withUnsafeBufferPointer { pz in
            guard let base = pz.baseAddress else { return }
            for i in 0..<rows {
                let row = base + i * cols
                let lse = logSumExp(row, cols, scratch)
                for j in 0..<cols { out[i * cols + j] = weights[i] * Foundation.exp(row[j] - lse) }
                out[i * cols + targets(i)] -= weights[i]
            }
        }
        return out
    }

    /// Dot product of row i of a and row j of b (both with `d` columns).
    @inline(__always)
    static func dotRows(_ a: [Double], _ i: Int, _ b: [Double], _ j: Int, _ d: Int) -> Double {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let ba = pa.baseAddress, let bb = pb.baseAddress, d > 0 else { return 0 }
                return dot(ba + i * d, bb + j * d, d)
            }
        }
    }

    /// C (m × n) = op(A)·B with B k × n; op(A) = A (m × k) or Aᵀ (A stored k × m).
    static func gemm(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, transA: Bool = false) throws -> [Double] {
        var c = try Memory.doubles(m * n)
        if m == 0 || n == 0 || k == 0 { return c }
        let blas = try BLAS.functions("matrix product")
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    blas.dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                                1, pa.baseAddress, Int32(transA ? m : k), pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
                }
            }
        }
        return c
    }

    /// Backward of x̂ = x / max(‖x‖, 1e-12) per row: (ĝ − x̂(x̂·ĝ)) / ‖x‖, or ĝ / 1e-12 below the eps.
    static func normalizeBackward(_ gh: [Double], _ x: [Double], rows: Int, cols: Int) throws -> [Double] {
        let norms = try rowNorms(x, rows: rows, cols: cols)
        var out = gh
        for i in 0..<rows {
            let nr = norms[i]
            if nr > normalizeEps {
                var dotp = 0.0
                for t in 0..<cols { dotp += x[i * cols + t] * gh[i * cols + t] }
                dotp /= nr
                for t in 0..<cols { out[i * cols + t] = (gh[i * cols + t] - x[i * cols + t] / nr * dotp) / nr }
            } else {
                for t in 0..<cols { out[i * cols + t] = gh[i * cols + t] / normalizeEps }
            }
        }
        return out
    }

    /// ψ(c) and dψ/dc = (−1)^k·m·U_{m−1}(c) (k held constant, as the reference implementation).
    static func sphereFacePsiWithDerivative(_ c: Double, _ m: Int) -> (Double, Double) {
        let psi = sphereFacePsi(c, m)
        if c.isNaN { return (.nan, .nan) }
        // Chebyshev polynomials of the second kind: U_0 = 1, U_1 = 2c
        var u0 = 1.0, u1 = 2 * c
        if m - 1 == 0 { u1 = 1 }
        var i = 1
        while i < m - 1 { let u2 = 2 * c * u1 - u0; u0 = u1; u1 = u2; i += 1 }
        let theta = Foundation.acos(c)
        var k = Int((Double(m) * theta / Double.pi).rounded(.down))
        k = Swift.min(Swift.max(k, 0), m - 1)
        let sign: Double = k % 2 == 0 ? 1 : -1
        return (psi, sign * Double(m) * u1)
    }
}
