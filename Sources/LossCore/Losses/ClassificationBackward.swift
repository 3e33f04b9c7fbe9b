import Foundation

// Analytic backward passes of the classification losses (docs/reference.md §4.2), for `grad`.
//
// Each `…Backward` keeps the convention of Losses.swift (the forward arguments, `upstream`,
// `wrt`) and checks its arguments with the forward pass's own step (`BCEInputs`,
// `ClassRowInputs`, `checkBinaryHinge`, `multiclassHingeInputs`, `PtSpec` and `PtInputs`).
//
// Conventions are torch autograd's:
// - bce on probabilities: torch's binary_cross_entropy_backward, g·w·(p − y)/max((1 − p)·p, ε)
//   with ε = 1e-12 as a float32 (ClsGrad.bceEpsilon), and −g·w·logit(p) for the target
//   (unclamped logs: ±inf at p = 0 and 1); pos_weight, which torch lacks here, extends both
//   (see BCEGrad). With logits, binary_cross_entropy_with_logits_backward,
//   g·w·((1 + (pw − 1)·y)·σ(x) − pw·y), written as (1 − y)·σ(x) − pw·y·σ(−x) without cancellation;
// - elsewhere, a log clamped at −100 (cross_entropy, focal, poly1 and poly on probabilities)
//   has derivative 1/p, and 0 where the clamp holds;
// - hinges have the subgradient 0 at the kink, as torch's clamp_min and multi_margin_loss;
//   ties of the Crammer–Singer max share the gradient equally (torch's amax);
// - the focal family's γ·(1 − p_t)^(γ−1)·(−log p_t) is computed as γ·(1 − p_t)^γ·(−log p_t)/(1 − p_t),
//   and 0 where 1 − p_t = 0 (there −log p_t vanishes with 1 − p_t): finite for γ < 1 and
//   saturated inputs, where autograd of the formula gives 0·∞ = nan. With logits and binary
//   labels, −log p_t is y·softplus(−x) + (1 − y)·softplus(x), without the cancellation of
//   (1 − y)·x − log σ(x), so that the ratio stays exact (it matters for ∂/∂y).
// Class indices and ±1 labels have no gradient: asking for one is an error.
// Element-wise passes are one fused kernel; row losses fill one row at a time; both split
// across the cores above Kernels.parallelThreshold elements, as the forward kernels do.

extension Losses {
    // MARK: - Binary cross-entropy

    /// Gradients of `bce` with respect to `p` (probabilities or logits) and `y` (soft targets).
    /// `weight` and `posWeight` are constants.
    public static func bceBackward(_ p: Tensor, _ y: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
                                   logits: Bool = false, reduction: Reduction = .mean, upstream g: Tensor,
                                   wrt: Set<String> = ["p", "y"]) throws -> [String: Tensor] {
        let fn = "bce"
        // p and y are checked in the gradient pass (ClsDomainGuard), as in the forward pass
        let a = try BCEInputs(p, y, weight: weight, posWeight: posWeight, logits: logits)
        let up = try a.domain.first {
            try ClsGrad.upstream(g, fn, output: reduction == .none ? p.shape : [], reduction, denominator: Double(p.count))
        }
        let plain = !a.weighted && reduction != .none
        var out: [String: Tensor] = [:]
        var nan = false
        p.data.withUnsafeBufferPointer { pp in
            y.data.withUnsafeBufferPointer { yp in
                for (name, target) in [("p", false), ("y", true)] where wrt.contains(name) {
                    let data: [Double], bad: Bool
                    if plain {
                        (data, bad) = TermKernel.fillFlagged(p.count, ClsDomainGuard(
                            p: pp, y: yp, probabilities: !logits,
                            k: BCEGrad(p: pp, y: yp, g: ClsConst(v: up.data[0]), w: ClsUnit(), pw: ClsUnit(),
                                       unitPosWeight: true, logits: logits, target: target)))
                    } else {
                        (data, bad) = up.with { gp in
                            a.w.with { wp in
                                a.pw.with { pwp in
                                    TermKernel.fillFlagged(p.count, ClsDomainGuard(
                                        p: pp, y: yp, probabilities: !logits,
                                        k: BCEGrad(p: pp, y: yp, g: gp, w: wp, pw: pwp, unitPosWeight: a.unitPosWeight,
                                                   logits: logits, target: target)))
                                }
                            }
                        }
                    }
                    nan = nan || bad
                    out[name] = Tensor(shape: p.shape, data: data)
                }
            }
        }
        if nan || out.isEmpty { try a.domain.check() }
        return out
    }

    /// ∂ℓ/∂p or ∂ℓ/∂y of one element of bce, times the upstream gradient (see the file header).
    struct BCEGrad<G: ClsOperandAccess, W: ClsOperandAccess>: IndexedTerms {
        let p, y: UnsafeBufferPointer<Double>
        let g: G
        let w, pw: W
        let unitPosWeight: Bool
        let logits: Bool
        let target: Bool
        @inline(__always) func term(_ i: Int) -> Double {
            let v = p[i], t = y[i], c = pw[i]
            let d: Double
            if logits {
                if target {
                    // torch: −x, or log σ(−x) − pw·log σ(x)
                    d = unitPosWeight ? -v : TermKernel.logSigmoid(-v) - c * TermKernel.logSigmoid(v)
                } else {
                    let e = exp(-Swift.abs(v))
                    let r = 1 / (1 + e)
                    let s = v >= 0 ? r : e * r, sn = v >= 0 ? e * r : r
                    d = (1 - t) * s - c * t * sn
                }
            } else if target {
                // −(pw·log p − log(1 − p)); torch (pw = 1): −logit(p)
                d = log1p(-v) - (c == 0 ? 0 : c * log(v))
            } else {
                // torch: (p − y) / max((1 − p)·p, ε); pos_weight adds (1 − pw)·y·(1 − p) to the numerator
                d = (v - t + (1 - c) * t * (1 - v)) / Swift.max((1 - v) * v, ClsGrad.bceEpsilon)
            }
            return g[i] * w[i] * d
        }
    }

    // MARK: - Cross-entropy and NLL

    /// Gradients of `cross_entropy` with respect to `p` (probabilities or logits: softmax − target
    /// per row, with weights, ignore_index and label smoothing) and, for class-probability
    /// targets, `y`. Class-index targets have no gradient (an error when "y" is asked for).
    public static func crossEntropyBackward(_ p: Tensor, _ y: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                                            labelSmoothing: Double = 0, logits: Bool = false, axis: Int = -1,
                                            reduction: Reduction = .mean,
                                            upstream g: Tensor, wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        let fn = "cross_entropy"
        if let ax = try ClassAxis.resolve(fn, axis, p, "p") {
            let (pm, ym) = try ax.rowInputs(fn, p, y, probabilities: !logits, sameMeaning: "class probabilities",
                                            ignoreIndex: ignoreIndex)
            return try ax.back(crossEntropyBackward(pm, ym, weight: weight, ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing,
                                                    logits: logits, reduction: reduction, upstream: g, wrt: wrt), ["p", "y"])
        }
        let a = try ClassRowInputs.crossEntropy(p, y, weight: weight, ignoreIndex: ignoreIndex,
                                                labelSmoothing: labelSmoothing, logits: logits)
        let c = a.c
        let w = try a.weight ?? Memory.doubles(c, repeating: 1)
        let keep = 1 - labelSmoothing, spread = c > 0 ? labelSmoothing / Double(c) : 0
        var out: [String: Tensor] = [:]
        switch a.target {
        case .indices(let idx):
            if wrt.contains("y") { throw classIndexGradient(fn, "y") }
            guard wrt.contains("p") else { return out }
            let up = try ClsGrad.upstream(g, fn, output: a.rowsShape, reduction, denominator: ClsGrad.weightedCount(idx, w, reduction))
            let sumW = Summation.sum(w)
            let data: [Double] = p.data.withUnsafeBufferPointer { x in
                idx.withUnsafeBufferPointer { ix in
                    w.withUnsafeBufferPointer { wb in
                        up.with { gp in
                            ClsGrad.fillRows(idx.count, c, CEIndexGrad(x: x, ix: ix, w: wb, c: c, keep: keep, spread: spread,
                                                                         sumW: sumW, logits: logits, g: gp))
                        }
                    }
                }
            }
            out["p"] = Tensor(shape: p.shape, data: data)
        case .distribution:
            let rows = Tensor.count(of: a.rowsShape)
            let up = try ClsGrad.upstream(g, fn, output: a.rowsShape, reduction, denominator: Double(rows))
            p.data.withUnsafeBufferPointer { x in
                y.data.withUnsafeBufferPointer { t in
                    w.withUnsafeBufferPointer { wb in
                        up.with { gp in
                            for (name, target) in [("p", false), ("y", true)] where wrt.contains(name) {
                                let data = ClsGrad.fillRows(rows, c, CEDistributionGrad(x: x, t: t, w: wb, c: c, keep: keep, spread: spread,
                                                                                       logits: logits, target: target, g: gp))
                                out[name] = Tensor(shape: p.shape, data: data)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Gradient of `nll` with respect to `logp`: −g·w[y] at the target class of each row
    /// (0 for ignored rows; the weighted mean divides by Σ w[yᵢ]). `y` holds class indices:
    /// no gradient.
    public static func nllBackward(_ logp: Tensor, _ y: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil, axis: Int = -1,
                                   reduction: Reduction = .mean, upstream g: Tensor,
                                   wrt: Set<String> = ["logp"]) throws -> [String: Tensor] {
        let fn = "nll"
        if let ax = try ClassAxis.resolve(fn, axis, logp, "logp") {
            let (pm, ym) = try ax.rowInputs(fn, logp, y, pn: "logp", probabilities: false, sameMeaning: nil)
            return try ax.back(nllBackward(pm, ym, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
                                           upstream: g, wrt: wrt), ["logp"])
        }
        let a = try ClassRowInputs.nll(logp, y, weight: weight, ignoreIndex: ignoreIndex)
        if wrt.contains("y") { throw classIndexGradient(fn, "y") }
        guard wrt.contains("logp") else { return [:] }
        let c = a.c, idx = a.indices
        let w = try a.weight ?? Memory.doubles(c, repeating: 1)
        let up = try ClsGrad.upstream(g, fn, output: a.rowsShape, reduction, denominator: ClsGrad.weightedCount(idx, w, reduction))
        var data = try Memory.doubles(logp.count)
        up.with { gp in
            for (r, k) in idx.enumerated() where k != TermKernel.ignored { data[r * c + k] = -gp[r] * w[k] }
        }
        return ["logp": Tensor(shape: logp.shape, data: data)]
    }
    /// ∂ℓ/∂x of one row of cross_entropy with a class-index target k:
    /// a_j = (1−ε)·w_k·[j = k] + ε/C·w_j; logits: g·(Σa·softmax_j − a_j); probabilities: −g·a_j/p_j.
    struct CEIndexGrad: ClsRowKernel {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let w: UnsafeBufferPointer<Double>
        let c: Int
        let keep, spread, sumW: Double
        let logits: Bool
        let g: ClsPtr
        @inline(__always) func row(_ r: Int, _ out: UnsafeMutablePointer<Double>) {
            let k = ix[r], base = r * c
            if k == TermKernel.ignored { out.initialize(repeating: 0, count: c); return }
            let gr = g[r]
            if logits {
                ClsGrad.softmax(x, base, c, out)
                let total = keep * w[k] + spread * sumW
                for j in 0..<c { out[j] = gr * (total * out[j] - spread * w[j]) }
                out[k] -= gr * keep * w[k]
            } else {
                if spread == 0 {
                    out.initialize(repeating: 0, count: c)
                } else {
                    for j in 0..<c { out[j] = -gr * spread * w[j] * ClsGrad.dClampedLog(x[base + j]) }
                }
                out[k] -= gr * keep * w[k] * ClsGrad.dClampedLog(x[base + k])
            }
        }
    }

    /// One row of cross_entropy with class-probability targets, y' = (1−ε)·y + ε/C, a_j = w_j·y'_j:
    /// ∂/∂x as for indices; ∂/∂y_j = −g·(1−ε)·w_j·log p_j.
    struct CEDistributionGrad: ClsRowKernel {
        let x, t: UnsafeBufferPointer<Double>
        let w: UnsafeBufferPointer<Double>
        let c: Int
        let keep, spread: Double
        let logits, target: Bool
        let g: ClsPtr
        @inline(__always) func row(_ r: Int, _ out: UnsafeMutablePointer<Double>) {
            let base = r * c, gr = g[r]
            if target {
                let input: RowInput = logits ? .logits : .probabilities
                let shift = rowShift(x, base, c, input)
                for j in 0..<c { out[j] = -gr * keep * w[j] * rowLog(x[base + j], shift, input) }
            } else if logits {
                ClsGrad.softmax(x, base, c, out)
                var total = 0.0
                for j in 0..<c { total += w[j] * (t[base + j] * keep + spread) }
                for j in 0..<c { out[j] = gr * (total * out[j] - w[j] * (t[base + j] * keep + spread)) }
            } else {
                for j in 0..<c { out[j] = -gr * w[j] * (t[base + j] * keep + spread) * ClsGrad.dClampedLog(x[base + j]) }
            }
        }
    }

    // MARK: - Hinge losses

    /// Gradient of `hinge` with respect to `s`: −g·t where margin − t·s > 0, else 0.
    /// `t` holds ±1 labels: no gradient.
    public static func hingeBackward(_ s: Tensor, _ t: Tensor, margin: Double = 1, reduction: Reduction = .mean,
                                     upstream g: Tensor, wrt: Set<String> = ["s"]) throws -> [String: Tensor] {
        try binaryHingeBackward("hinge", s, t, margin: margin, squared: false, reduction: reduction, upstream: g, wrt: wrt)
    }

    /// Gradient of `squared_hinge` with respect to `s`: −2·g·t·max(0, margin − t·s).
    public static func squaredHingeBackward(_ s: Tensor, _ t: Tensor, margin: Double = 1, reduction: Reduction = .mean,
                                            upstream g: Tensor, wrt: Set<String> = ["s"]) throws -> [String: Tensor] {
        try binaryHingeBackward("squared_hinge", s, t, margin: margin, squared: true, reduction: reduction, upstream: g, wrt: wrt)
    }

    static func binaryHingeBackward(_ fn: String, _ s: Tensor, _ t: Tensor, margin: Double, squared: Bool, reduction: Reduction,
                                    upstream g: Tensor, wrt: Set<String>) throws -> [String: Tensor] {
        try checkBinaryHinge(fn, s, t, margin: margin)
        try rejectLabels(fn, wrt, "t", holds: "labels -1 or +1", hint: "differentiate with respect to the scores s")
        guard wrt.contains("s") else { return [:] }
        let up = try ClsGrad.upstream(g, fn, output: reduction == .none ? s.shape : [], reduction, denominator: Double(s.count))
        let data: [Double] = s.data.withUnsafeBufferPointer { sp in
            t.data.withUnsafeBufferPointer { tp in
                if reduction != .none {
                    return TermKernel.fill(s.count, HingeGrad(s: sp, t: tp, margin: margin, squared: squared, g: ClsConst(v: up.data[0])))
                }
                return up.with { gp in TermKernel.fill(s.count, HingeGrad(s: sp, t: tp, margin: margin, squared: squared, g: gp)) }
            }
        }
        return ["s": Tensor(shape: s.shape, data: data)]
    }

    struct HingeGrad<G: ClsOperandAccess>: IndexedTerms {
        let s, t: UnsafeBufferPointer<Double>
        let margin: Double
        let squared: Bool
        let g: G
        @inline(__always) func term(_ i: Int) -> Double {
            let h = margin - t[i] * s[i]
            if h.isNaN { return .nan }
            guard h > 0 else { return 0 }
            return g[i] * (squared ? -2 * h * t[i] : -t[i])
        }
    }

    /// Gradient of `multiclass_hinge` with respect to `s`: each active term
    /// (margin − s_y + s_j > 0) adds p·h^(p−1) to s_j and subtracts it from s_y
    /// (Crammer–Singer: the worst wrong class, ties sharing). `y` holds class indices: no gradient.
    public static func multiclassHingeBackward(_ s: Tensor, _ y: Tensor, margin: Double = 1, p: Double = 1,
                                               variant: MulticlassHingeVariant = .westonWatkins, reduction: Reduction = .mean,
                                               upstream g: Tensor, wrt: Set<String> = ["s"]) throws -> [String: Tensor] {
        let fn = "multiclass_hinge"
        let (c, idx) = try multiclassHingeInputs(s, y, margin: margin, p: p)
        if wrt.contains("y") { throw classIndexGradient(fn, "y") }
        guard wrt.contains("s") else { return [:] }
        let up = try ClsGrad.upstream(g, fn, output: Array(s.shape.dropLast()), reduction, denominator: Double(idx.count))
        let data: [Double] = s.data.withUnsafeBufferPointer { x in
            idx.withUnsafeBufferPointer { ix in
                up.with { gp in
                    ClsGrad.fillRows(idx.count, c, MulticlassHingeGrad(x: x, ix: ix, c: c, margin: margin, p: p, variant: variant, g: gp))
                }
            }
        }
        return ["s": Tensor(shape: s.shape, data: data)]
    }

    struct MulticlassHingeGrad: ClsRowKernel {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int
        let margin, p: Double
        let variant: MulticlassHingeVariant
        let g: ClsPtr

        /// d/dh of max(0, h)^p: 0 at and below the kink, nan for nan.
        @inline(__always) func slope(_ h: Double) -> Double {
            if h.isNaN { return .nan }
            guard h > 0 else { return 0 }
            return p == 1 ? 1 : p * TermKernel.power(h, p - 1)
        }

        @inline(__always) func row(_ r: Int, _ out: UnsafeMutablePointer<Double>) {
            let base = r * c, k = ix[r], gr = g[r]
            out.initialize(repeating: 0, count: c)
            let sy = x[base + k]
            switch variant {
            case .westonWatkins:
                var total = 0.0
                for j in 0..<c where j != k {
                    let d = slope(margin - sy + x[base + j])
                    if d != 0 {
                        out[j] = gr * d
                        total += out[j]
                    }
                }
                out[k] = -total
            case .crammerSinger:
                let m = wrongClassMax(x, base, c, k)
                let d = slope(margin - sy + m)
                if d == 0 { return }
                if d.isNaN { out.update(repeating: .nan, count: c); return }
                var ties = 0
                for j in 0..<c where j != k && x[base + j] == m { ties += 1 }
                let share = gr * d / Double(Swift.max(ties, 1))
                for j in 0..<c where j != k && x[base + j] == m { out[j] = share }
                out[k] = -gr * d
            }
        }
    }

    // MARK: - Focal and PolyLoss

    /// Gradients of `focal` with respect to `p` (probabilities or logits) and, for targets of
    /// p's shape (binary, possibly soft labels), `y`. `alpha` is a constant; class-index
    /// targets have no gradient. Finite for γ < 1 and saturated inputs.
    public static func focalBackward(_ p: Tensor, _ y: Tensor, gamma: Double = 2, alpha: Tensor? = nil, logits: Bool = false,
                                     axis: Int = -1, reduction: Reduction = .mean, upstream g: Tensor,
                                     wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        try ptBackward(p, y, .focal(gamma: gamma), alpha: alpha, logits: logits, axis: axis, reduction: reduction, upstream: g, wrt: wrt)
    }

    /// Gradients of `poly1` with respect to `p` and (binary targets) `y`.
    public static func poly1Backward(_ p: Tensor, _ y: Tensor, epsilon: Double = 1, gamma: Double = 0, logits: Bool = false,
                                     axis: Int = -1, reduction: Reduction = .mean, upstream g: Tensor,
                                     wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        try ptBackward(p, y, .poly1(epsilon: epsilon, gamma: gamma), alpha: nil, logits: logits, axis: axis, reduction: reduction,
                       upstream: g, wrt: wrt)
    }

    /// Gradients of `poly` with respect to `p` and (binary targets) `y`. `epsilon` is a constant.
    public static func polyBackward(_ p: Tensor, _ y: Tensor, epsilon: Tensor = Tensor([1]), logits: Bool = false,
                                    axis: Int = -1, reduction: Reduction = .mean, upstream g: Tensor,
                                    wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        try ptBackward(p, y, .poly(epsilon: epsilon), alpha: nil, logits: logits, axis: axis, reduction: reduction, upstream: g, wrt: wrt)
    }

    static func ptBackward(_ p: Tensor, _ y: Tensor, _ spec: PtSpec, alpha: Tensor?, logits: Bool, axis: Int = -1,
                           reduction: Reduction, upstream g: Tensor, wrt: Set<String>) throws -> [String: Tensor] {
        let fn = spec.fn
        if let ax = try ClassAxis.resolve(fn, axis, p, "p"), y.shape != p.shape {
            let (pm, ym) = try ax.rowInputs(fn, p, y, probabilities: !logits, sameMeaning: "binary labels")
            return try ax.back(ptBackward(pm, ym, spec, alpha: alpha, logits: logits, reduction: reduction, upstream: g, wrt: wrt), ["p"])
        }
        let a = try PtInputs(fn, p, y, alpha: alpha, logits: logits)
        return try spec.withForm { form -> [String: Tensor] in
            var out: [String: Tensor] = [:]
            switch a.target {
            case .binary(let al, let weighted, let domain):
                // p and y are checked in the gradient pass (ClsDomainGuard), as in the forward pass
                let up = try domain.first {
                    try ClsGrad.upstream(g, fn, output: reduction == .none ? p.shape : [], reduction, denominator: Double(p.count))
                }
                var nan = false
                p.data.withUnsafeBufferPointer { pp in
                    y.data.withUnsafeBufferPointer { yp in
                        for (name, target) in [("p", false), ("y", true)] where wrt.contains(name) {
                            let data: [Double], bad: Bool
                            if !weighted && reduction != .none {
                                (data, bad) = TermKernel.fillFlagged(p.count, ClsDomainGuard(
                                    p: pp, y: yp, probabilities: !logits,
                                    k: PtBinaryGrad(p: pp, y: yp, g: ClsConst(v: up.data[0]), alpha: ClsUnit(),
                                                    weighted: false, logits: logits, target: target, form: form)))
                            } else {
                                (data, bad) = up.with { gp in
                                    al.with { ap in
                                        TermKernel.fillFlagged(p.count, ClsDomainGuard(
                                            p: pp, y: yp, probabilities: !logits,
                                            k: PtBinaryGrad(p: pp, y: yp, g: gp, alpha: ap, weighted: weighted,
                                                            logits: logits, target: target, form: form)))
                                    }
                                }
                            }
                            nan = nan || bad
                            out[name] = Tensor(shape: p.shape, data: data)
                        }
                    }
                }
                if nan || out.isEmpty { try domain.check() }
            case .indices(let c, let idx, let al):
                if wrt.contains("y") { throw classIndexGradient(fn, "y") }
                guard wrt.contains("p") else { return out }
                let up = try ClsGrad.upstream(g, fn, output: Array(p.shape.dropLast()), reduction, denominator: Double(idx.count))
                let weights = try al ?? Memory.doubles(c, repeating: 1)
                let data: [Double] = p.data.withUnsafeBufferPointer { x in
                    idx.withUnsafeBufferPointer { ix in
                        weights.withUnsafeBufferPointer { ab in
                            up.with { gp in
                                ClsGrad.fillRows(idx.count, c, PtIndexGrad(x: x, ix: ix, c: c, logits: logits, form: form,
                                                                            alpha: ClsVec(buf: ab), g: gp))
                            }
                        }
                    }
                }
                out["p"] = Tensor(shape: p.shape, data: data)
            }
            return out
        }
    }

    /// Binary labels per element: ℓ = α_t·F(ce, q) with ce the binary cross-entropy and
    /// q = 1 − p_t; ∂ℓ = α_t·(F_ce·∂ce + F_q·∂q) (+ ∂α_t·F for the target).
    struct PtBinaryGrad<G: ClsOperandAccess, A: ClsOperandAccess>: IndexedTerms {
        let p, y: UnsafeBufferPointer<Double>
        let g: G
        let alpha: A
        let weighted: Bool
        let logits: Bool
        let target: Bool
        let form: PtForm
        @inline(__always) func term(_ i: Int) -> Double {
            let v = p[i], t = y[i]
            let ce: Double, q: Double, dce: Double, dq: Double
            if logits {
                // ce = y·softplus(−x) + (1 − y)·softplus(x): no cancellation (the forward's
                // (1 − y)·x − log σ(x) gives 0 for x = −40, y = 0, and ∂/∂y needs ce/q exactly)
                let e = exp(-Swift.abs(v)), l = log1p(e), r = 1 / (1 + e)
                let s = v >= 0 ? r : e * r, sn = v >= 0 ? e * r : r
                ce = t * (Swift.max(-v, 0) + l) + (1 - t) * (Swift.max(v, 0) + l)
                q = t * sn + (1 - t) * s
                if target {
                    dce = -v
                    dq = sn - s
                } else {
                    dce = (1 - t) * s - t * sn
                    dq = (1 - 2 * t) * s * sn
                }
            } else if !target && (t == 1 || t == 0) {
                // a hard label and ∂/∂p: one log, as in the forward pass (bit for bit the same
                // values). Whether the other log hits the clamp is a comparison: log1p(−v) < −100
                // only at v = 1 (the largest p below 1 gives −36.7), and log v < −100 only below
                // 1e-43 (log 1e-43 = −99.0), where the log itself decides.
                let l: Double, l1: Double
                if t == 1 {
                    l = log(v)
                    l1 = v == 1 ? -.infinity : 0
                    ce = -(l < -100 ? -100 : l)
                } else {
                    l1 = log1p(-v)
                    l = v >= 1e-43 ? 0 : log(v)
                    ce = -(l1 < -100 ? -100 : l1)
                }
                q = t * (1 - v) + (1 - t) * v
                if l < -100 || l1 < -100 {
                    let d = l < -100 ? 0 : 1 / v, d1 = l1 < -100 ? 0 : 1 / (1 - v)
                    dce = (1 - t) * d1 - t * d
                } else {
                    dce = (v - t) / (v * (1 - v))
                }
                dq = 1 - 2 * t
            } else {
                let l = log(v), l1 = log1p(-v)
                let cl = l < -100 ? -100 : l, cl1 = l1 < -100 ? -100 : l1
                ce = -(t * cl + (1 - t) * cl1)
                q = t * (1 - v) + (1 - t) * v
                if target {
                    dce = cl1 - cl
                    dq = 1 - 2 * v
                } else {
                    if l < -100 || l1 < -100 {
                        let d = l < -100 ? 0 : 1 / v, d1 = l1 < -100 ? 0 : 1 / (1 - v)
                        dce = (1 - t) * d1 - t * d
                    } else {
                        dce = (v - t) / (v * (1 - v))   // (1 − y)/(1 − p) − y/p with one division
                    }
                    dq = 1 - 2 * t
                }
            }
            let f = form.partials(ce, q)
            var r = f.ce * dce + f.q * dq
            if weighted {
                let a = alpha[i]
                r *= a * t + (1 - a) * (1 - t)
                if target { r += (2 * a - 1) * form.value(ce, q) }
            }
            return g[i] * r
        }
    }

    /// Class indices, softmax-style: ℓ = α_k·F(−log p_k, 1 − p_k). Logits:
    /// ∂ℓ/∂x_j = α_k·(−F_ce − F_q·p_k)·([j = k] − softmax_j); probabilities: only p_k moves,
    /// ∂ℓ/∂p_k = −α_k·(F_ce/p_k + F_q).
    struct PtIndexGrad<A: ClsOperandAccess>: ClsRowKernel {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int
        let logits: Bool
        let form: PtForm
        let alpha: A
        let g: ClsPtr
        @inline(__always) func row(_ r: Int, _ out: UnsafeMutablePointer<Double>) {
            let base = r * c, k = ix[r]
            let gr = g[r] * alpha[k]
            if logits {
                let shift = rowShift(x, base, c, .logits)
                let lp = x[base + k] - shift
                let f = form.partials(-lp, -expm1(lp))
                let coef = gr * (-f.ce - f.q * exp(lp))
                if let px = x.baseAddress { VecExp.fill(px + base, minus: shift, out, c) }
                for j in 0..<c { out[j] = -coef * out[j] }
                out[k] += coef
            } else {
                out.initialize(repeating: 0, count: c)
                let v = x[base + k]
                let l = log(v)
                let f = form.partials(-(l < -100 ? -100 : l), 1 - v)
                out[k] = gr * (-f.ce * (l < -100 ? 0 : 1 / v) - f.q)
            }
        }
    }
}

extension Losses.PtForm {
    /// (∂F/∂ce, ∂F/∂q) of the loss F(ce, q), ce = −log p_t, q = 1 − p_t.
    @inline(__always) func partials(_ ce: Double, _ q: Double) -> (ce: Double, q: Double) {
        switch kind {
        case .focal:
            if gamma == 0 { return (1, 0) }
            let m = TermKernel.power(q, gamma)
            return (m, ClsGrad.focalSlope(gamma, m, ce, q))
        case .poly1:
            if gamma == 0 { return (1, epsilon) }
            let m = TermKernel.power(q, gamma)
            return (m, ClsGrad.focalSlope(gamma, m, ce, q) + epsilon * (gamma + 1) * m)
        case .poly:
            // Σ_j j·ε_j·q^(j−1), by Horner
            var acc = 0.0
            var j = coefficients.count - 1
            while j >= 0 { acc = acc * q + Double(j + 1) * coefficients[j]; j -= 1 }
            return (1, acc)
        }
    }
}

/// A row of a row-wise gradient: writes all C entries of row r to `out` (which may be uninitialised).
protocol ClsRowKernel {
    func row(_ r: Int, _ out: UnsafeMutablePointer<Double>)
}

/// The upstream gradient as a constant (mean, sum: one value for every element), folded away.
struct ClsConst: ClsOperandAccess {
    let v: Double
    @inline(__always) subscript(_ i: Int) -> Double { v }
}

/// Shared pieces of the backward passes.
enum ClsGrad {
    /// The upstream gradient per sample: g ÷ `denominator` for "mean", g for "sum" (both one
    /// constant), g itself for "none" (which must have the per-sample shape `output`).
    static func upstream(_ g: Tensor, _ fn: String, output: [Int], _ reduction: Reduction, denominator: Double) throws -> ClsOperand {
        switch reduction {
        case .none:
            guard g.count == Tensor.count(of: output) else {
                throw CoreError("\(fn): the gradient of its output has shape \(formatShape(g.shape)), expected \(formatShape(output))")
            }
            return ClsOperand(data: g.data, mode: .full, period: 1)
        case .sum, .mean:
            guard g.count == 1 else {
                throw CoreError("\(fn): the gradient of its output has shape \(formatShape(g.shape)), expected a number")
            }
            return .constant(reduction == .mean ? g.data[0] / denominator : g.data[0])
        }
    }

    /// torch's EPSILON of binary_cross_entropy_backward: `constexpr float EPSILON = 1e-12`, used as
    /// scalar_t(EPSILON), i.e. 1e-12 rounded to float32 (9.99999996e-13).
    static let bceEpsilon = Double(Float(1e-12))

    /// torch's weighted mean divides by Σ w[yᵢ] over the samples not ignored: that sum for "mean", 1 otherwise.
    static func weightedCount(_ idx: [Int], _ w: [Double], _ reduction: Reduction) -> Double {
        reduction == .mean ? idx.reduce(0.0) { $1 == TermKernel.ignored ? $0 : $0 + w[$1] } : 1
    }

    /// d/dp max(log p, −100): 1/p, 0 where the clamp holds (nan stays nan).
    @inline(__always) static func dClampedLog(_ v: Double) -> Double {
        log(v) < -100 ? 0 : 1 / v
    }

    /// γ·q^(γ−1)·ce given m = q^γ, as γ·m·(ce/q): ce/q stays bounded as q → 0 (ce vanishes
    /// with q), so the limit where q = 0 is 0 and no 0·∞ arises for γ < 1.
    @inline(__always) static func focalSlope(_ gamma: Double, _ m: Double, _ ce: Double, _ q: Double) -> Double {
        q == 0 ? 0 : gamma * m * (ce / q)
    }

    /// softmax of x[base..<base+c] into out (max-subtracted); nan for a row holding +inf or only −inf.
    @inline(__always)
    static func softmax(_ x: UnsafeBufferPointer<Double>, _ base: Int, _ c: Int, _ out: UnsafeMutablePointer<Double>) {
        guard let px = x.baseAddress else { return }
        let m = TermKernel.rowMax(px + base, c)
        if m.isInfinite { out.initialize(repeating: .nan, count: c); return }
        VecExp.fill(px + base, minus: m, out, c)
        let inv = 1 / Summation.pairwise(UnsafePointer(out), c, stride: 1)
        for j in 0..<c { out[j] *= inv }
    }

    /// A fresh [rows × c] array filled row by row, on the cores when large.
    @inline(__always) static func fillRows<K: ClsRowKernel>(_ rows: Int, _ c: Int, _ k: K) -> [Double] {
        let n = rows * c
        return [Double](unsafeUninitializedCapacity: n) { buf, initialized in
            if let base = buf.baseAddress, c > 0 {
                TermKernel.parallelFor(rows, work: n) { lo, hi in
                    var r = lo
                    while r < hi { k.row(r, base + r * c); r += 1 }
                }
            }
            initialized = n
        }
    }
}
