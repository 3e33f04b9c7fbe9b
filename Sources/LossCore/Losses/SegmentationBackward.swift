import Foundation

// Analytic backward passes of the segmentation losses (docs/reference.md §4.4), for `grad`.
//
// Each takes the forward arguments and the gradient `upstream` of the final result with
// respect to the loss's output (a number for "mean"/"sum" and for a single sample, one
// value per sample for "none") and returns the gradients with respect to "p" and "g"
// (both are differentiable, as in torch autograd of the formulas), each in the shape of
// p. `wrt` names the inputs to differentiate (by default both).
//
// The per-sample sums are taken again by the forward's own checked step (`Overlap.diceSums`,
// `Overlap.tverskySums`: the argument checks and one fused pass); then
// every gradient element is a·other + b·self + c with per-sample coefficients, one fused
// pass per gradient, split across the cores above ~1M elements:
//   Dice score D = (2Σpg + s)/den, den = Σp² + Σg² + s:  ∂D/∂pᵢ = (2gᵢ − D·2pᵢ)/den
//   (squared: false, den = Σp + Σg + s:                   ∂D/∂pᵢ = (2gᵢ − D)/den), and the same for g;
//   Tversky T = tp/den, den = tp + α·fp + β·fn + s:
//     ∂(1 − T)/∂pᵢ = (T·α − (1 − T(1 − α − β))·gᵢ)/den, and ∂/∂gᵢ likewise with pᵢ and β.
// Where den = 0 (all-zero p and g, smooth 0) the value is the constant the forward defines
// (Dice 1, Tversky loss 0), so the gradient is 0 — what torch gives for the same formulas
// written with torch.where.
extension Losses {
    public static func diceBackward(_ p: Tensor, _ g: Tensor, smooth: Double = 0, squared: Bool = true,
                                    axis: Int? = nil, includeBackground: Bool = true,
                                    reduction: Reduction = .mean, upstream: Tensor, wrt: Set<String> = ["p", "g"]) throws -> [String: Tensor] {
        try OverlapGrad.perChannel("dice", p, g, axis: axis, includeBackground: includeBackground, upstream: upstream) { p, g, u in
            try OverlapGrad.dice("dice", p, g, smooth: smooth, squared: squared, reduction: reduction, upstream: u,
                                 wrt: wrt, sign: -1)
        }
    }

    public static func diceScoreBackward(_ p: Tensor, _ g: Tensor, smooth: Double = 0, squared: Bool = true,
                                         axis: Int? = nil, includeBackground: Bool = true,
                                         reduction: Reduction = .mean, upstream: Tensor, wrt: Set<String> = ["p", "g"]) throws -> [String: Tensor] {
        try OverlapGrad.perChannel("dice_score", p, g, axis: axis, includeBackground: includeBackground, upstream: upstream) { p, g, u in
            try OverlapGrad.dice("dice_score", p, g, smooth: smooth, squared: squared, reduction: reduction, upstream: u,
                                 wrt: wrt, sign: 1)
        }
    }

    public static func tverskyBackward(_ p: Tensor, _ g: Tensor, alpha: Double = 0.5, beta: Double = 0.5, smooth: Double = 0,
                                       axis: Int? = nil, includeBackground: Bool = true,
                                       reduction: Reduction = .mean, upstream: Tensor, wrt: Set<String> = ["p", "g"]) throws -> [String: Tensor] {
        if axis != nil || !includeBackground {
            return try OverlapGrad.perChannel("tversky", p, g, axis: axis, includeBackground: includeBackground, upstream: upstream) { p, g, u in
                try tverskyBackward(p, g, alpha: alpha, beta: beta, smooth: smooth, reduction: reduction, upstream: u, wrt: wrt)
            }
        }
        let s = try Overlap.tverskySums(p, g, alpha: alpha, beta: beta, smooth: smooth)
        let u = try OverlapGrad.perSample("tversky", s, reduction: reduction, upstream)
        let k = s.q1.count
        var out: [String: Tensor] = [:]
        for (name, w) in [("p", alpha), ("g", beta)] where wrt.contains(name) {
            // ∂(1 − T)/∂pᵢ = (T·α − (1 − T(1 − α − β))·gᵢ)/den; for g: pᵢ and β
            var a = try Memory.doubles(k), c = a
            for i in 0..<k {
                let tp = s.q1[i], den = tp + alpha * s.q2[i] + beta * s.q3[i] + smooth
                if den == 0 { continue }
                let t = tp / den, f = u[i] / den
                a[i] = -f * (1 - t * (1 - alpha - beta))
                c[i] = f * t * w
            }
            let zero = try Memory.doubles(k)
            out[name] = OverlapGrad.combine(name == "p" ? g : p, name == "p" ? p : g, a: a, b: zero, c: c,
                                            useSelf: false, samples: k)
        }
        return out
    }
}

enum OverlapGrad {
    /// `body` on p and g as they are (no axis), or on their rows [N·C', inner] with the upstream
    /// gradient of "none" ([N, C']) flattened, and the gradients put back in the inputs' shape.
    static func perChannel(_ name: String, _ p: Tensor, _ g: Tensor, axis: Int?, includeBackground: Bool, upstream: Tensor,
                           _ body: (Tensor, Tensor, Tensor) throws -> [String: Tensor]) throws -> [String: Tensor] {
        guard let ax = try ChannelAxis.resolve(name, p, g, axis: axis, includeBackground: includeBackground) else {
            return try body(p, g, upstream)
        }
        try Overlap.check(name, "p", p)
        try Overlap.check(name, "g", g)
        let u = upstream.count == ax.samples * ax.kept && upstream.rank == 2 ? upstream.flattened() : upstream
        return try body(ax.rows(p), ax.rows(g), u).mapValues { try ax.gradient($0) }
    }

    /// The upstream gradient of each sample's value: g for a single sample, g/N ("mean"),
    /// g ("sum") or g[s] ("none") for a batch of N.
    static func perSample(_ name: String, _ s: Overlap.Sums, reduction: Reduction, _ g: Tensor) throws -> [Double] {
        let k = s.q1.count
        if s.single || reduction != .none {
            guard g.count == 1 else {
                throw CoreError("\(name): internal: the gradient of a \(s.single ? "single sample's loss" : "\(reduction.rawValue) reduction") must be one number, got shape \(formatShape(g.shape))")
            }
            let x = s.single || reduction == .sum ? g.data[0] : g.data[0] / Double(k)
            return try Memory.doubles(k, repeating: x)
        }
        guard g.count == k else {
            throw CoreError("\(name): internal: the gradient of the per-sample losses must have \(k) elements, got shape \(formatShape(g.shape))")
        }
        return g.data
    }

    static func dice(_ name: String, _ p: Tensor, _ g: Tensor, smooth: Double, squared: Bool, reduction: Reduction,
                     upstream: Tensor, wrt: Set<String>, sign: Double) throws -> [String: Tensor] {
        let s = try Overlap.diceSums(name, p, g, smooth: smooth, squared: squared)
        let u = try perSample(name, s, reduction: reduction, upstream)
        let k = s.q1.count
        // ∂D/∂pᵢ = (2gᵢ − D·h'(pᵢ))/den, h' = 2p (squared) or 1; the same for g with p and g swapped
        var a = try Memory.doubles(k), b = a, c = a
        for i in 0..<k {
            let den = s.q2[i] + s.q3[i] + smooth
            if den == 0 { continue }
            let f = sign * u[i] / den
            let score = (2 * s.q1[i] + smooth) / den
            a[i] = 2 * f
            if squared { b[i] = -2 * f * score } else { c[i] = -f * score }
        }
        var out: [String: Tensor] = [:]
        if wrt.contains("p") {
            out["p"] = combine(g, p, a: a, b: b, c: c, useSelf: squared, samples: k)
        }
        if wrt.contains("g") {
            out["g"] = combine(p, g, a: a, b: b, c: c, useSelf: squared, samples: k)
        }
        return out
    }

    /// out[i] = a[s]·other[i] + b[s]·me[i] + c[s] for element i of sample s, in me's shape.
    static func combine(_ other: Tensor, _ me: Tensor, a: [Double], b: [Double], c: [Double], useSelf: Bool, samples: Int) -> Tensor {
        let n = me.count
        let m = samples == 0 ? 0 : n / samples
        if n == 0 || m == 0 { return Tensor(shape: me.shape, data: []) }
        let block = Elementwise.block
        let blocks = (n + block - 1) / block
        let nw = Swift.min(Elementwise.workers(n), blocks)
        let data = [Double](unsafeUninitializedCapacity: n) { po, initialized in
            initialized = 0
            other.data.withUnsafeBufferPointer { po2 in
                me.data.withUnsafeBufferPointer { pm in
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeBufferPointer { pc in
                                guard let O = po.baseAddress, let X = po2.baseAddress, let M = pm.baseAddress,
                                      let A = pa.baseAddress, let B = pb.baseAddress, let C = pc.baseAddress else { return }
                                // elements lo..<hi, run by sample
                                let work: (Int) -> Void = { t in
                                    let lo = Swift.min(n, blocks * t / nw * block), hi = Swift.min(n, blocks * (t + 1) / nw * block)
                                    var i = lo
                                    while i < hi {
                                        let s = i / m
                                        let end = Swift.min(hi, (s + 1) * m)
                                        let av = A[s], bv = B[s], cv = C[s]
                                        if useSelf {
                                            for j in i..<end { O[j] = av * X[j] + bv * M[j] + cv }
                                        } else {
                                            for j in i..<end { O[j] = av * X[j] + cv }
                                        }
                                        i = end
                                    }
                                }
                                if nw <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: nw, execute: work) }
                            }
                        }
                    }
                }
            }
            initialized = n
        }
        return Tensor(shape: me.shape, data: data)
    }
}
