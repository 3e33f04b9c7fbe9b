import Foundation

// Classification losses (docs/reference.md §4.2) as plain functions over Tensor.
//
// Conventions (docs/reference.md §4): the first argument is the prediction, the second the target.
// Predictions are probabilities unless `logits: true`, which applies sigmoid/softmax
// inside in a stable form (log-sigmoid, log-sum-exp per row); logs of probabilities
// are clamped at −100 as torch does. A target of the prediction's shape holds
// per-element labels (or distributions for cross_entropy); a target with the last
// axis dropped holds 0-based class indices, given as doubles that must be integral.
// Element-wise losses are one fused pass (no temporaries) with pairwise sums; rows
// (log-sum-exp, class sums) are processed one at a time; large inputs (> 2^20
// elements) are cut into chunks that the cores take as they become free; sums keep the
// order of the one-core pairwise sum, so results do not depend on the threads. The argument
// checks of the element-wise losses ride along in the loss pass (ClsDomainGuard).
//
// The namespace `Losses` is declared here; other families extend it. Analytic backward
// passes (for `grad`) are in ClassificationBackward.swift.

/// The losses of docs/reference.md §4 as plain functions over `Tensor`, with their analytic backward
/// passes; each family adds its own in an extension (Classification, Information,
/// Embedding, Segmentation, Regression).
public enum Losses {}

/// The two multi-class hinge losses of `multiclass_hinge`.
public enum MulticlassHingeVariant: String, CaseIterable, Sendable {
    /// Σ_{j≠y} max(0, margin − s_y + s_j)^p (Weston & Watkins 1999; cs231n).
    case westonWatkins = "weston_watkins"
    /// max(0, margin − s_y + max_{j≠y} s_j)^p (Crammer & Singer 2001).
    case crammerSinger = "crammer_singer"
}

extension Losses {
    // MARK: - Binary cross-entropy

    /// Binary cross-entropy, per element −w·[pw·y·log p + (1−y)·log(1−p)] with logs
    /// clamped at −100 (torch `binary_cross_entropy`). With `logits: true`, p holds raw
    /// scores and the stable form of torch `binary_cross_entropy_with_logits` is used:
    /// w·[(1−y)·x − (1 + (pw−1)·y)·log σ(x)]. `weight` and `posWeight` broadcast to p's
    /// shape (`posWeight` is typically one value per class, along the last axis).
    /// "mean" divides by the number of elements (as torch, not by Σw).
    public static func bce(_ p: Tensor, _ y: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
                           logits: Bool = false, reduction: Reduction = .mean) throws -> Tensor {
        let fn = "bce"
        guard p.shape == y.shape else {
            throw CoreError("bce: p and y must have the same shape, got \(formatShape(p.shape)) and \(formatShape(y.shape))",
                            hint: y.rank + 1 == p.rank ? "for class-index targets, use cross_entropy" : nil)
        }
        // p and y are checked in the loss pass itself (ClsDomainGuard); the checks run on
        // their own only when a nan comes out, or before another argument's error, so that
        // the first error reported is the same as with the checks up front
        let check = {
            if !logits { try ClsKernel.checkProbabilities(p, fn, "p") }
            try ClsKernel.checkUnitTargets(y, fn, "y")
        }
        let w: ClsOperand, pw: ClsOperand
        do {
            w = try ClsOperand.make(weight, default: 1, to: p.shape, fn, "weight", "p")
            pw = try ClsOperand.make(posWeight, default: 1, to: p.shape, fn, "pos_weight", "p")
        } catch {
            try check()
            throw error
        }
        let (out, nan) = p.data.withUnsafeBufferPointer { pp in
            y.data.withUnsafeBufferPointer { yp in
                if weight == nil && posWeight == nil {
                    let u = ClsUnit()
                    return logits
                        ? ClsKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: false, k: BCELogitTerms(x: pp, y: yp, w: u, pw: u)))
                        : ClsKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: true, k: BCEProbTerms(p: pp, y: yp, w: u, pw: u)))
                }
                return w.with { wp in
                    pw.with { pwp in
                        logits
                            ? ClsKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                                p: pp, y: yp, probabilities: false, k: BCELogitTerms(x: pp, y: yp, w: wp, pw: pwp)))
                            : ClsKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                                p: pp, y: yp, probabilities: true, k: BCEProbTerms(p: pp, y: yp, w: wp, pw: pwp)))
                    }
                }
            }
        }
        if nan { try check() }
        return out
    }

    /// −w·[pw·y·log p + (1−y)·log(1−p)], logs clamped at −100. For a hard label only the
    /// log that is not multiplied by 0 is computed (the other term is a signed zero that
    /// leaves the sum unchanged, bit for bit; with y = 0 this needs 0 < pw < ∞, else
    /// pw·0·log p is not +0·log p).
    struct BCEProbTerms<W: ClsOperandAccess>: ClsTerms {
        let p, y: UnsafeBufferPointer<Double>
        let w, pw: W
        @inline(__always) func term(_ i: Int) -> Double {
            let q = p[i], t = y[i], c = pw[i]
            if t == 1 { return -w[i] * (c * ClsKernel.clampedLog(q)) }
            if t == 0 && c > 0 && c < .infinity { return -w[i] * ClsKernel.clampedLog1m(q) }
            return -w[i] * (c * t * ClsKernel.clampedLog(q) + (1 - t) * ClsKernel.clampedLog1m(q))
        }
    }

    /// torch's stable form: w·[(1−y)·x − (1 + (pw−1)·y)·log σ(x)].
    struct BCELogitTerms<W: ClsOperandAccess>: ClsTerms {
        let x, y: UnsafeBufferPointer<Double>
        let w, pw: W
        @inline(__always) func term(_ i: Int) -> Double {
            let v = x[i], t = y[i]
            let logWeight = (pw[i] - 1) * t + 1
            return w[i] * ((1 - t) * v - logWeight * ClsKernel.logSigmoid(v))
        }
    }

    // MARK: - Cross-entropy and NLL

    /// How row-wise losses read the prediction: probabilities (log clamped at −100),
    /// logits (log-softmax by log-sum-exp) or log-probabilities (as given).
    enum RowInput { case probabilities, logits, logProbabilities }

    /// Cross-entropy −Σ_c y_c log p_c over the last axis, with torch `cross_entropy`
    /// conventions: `y` holds class indices (p's shape without the last axis) or class
    /// probabilities (p's shape); `weight` [C] scales each class and the weighted "mean"
    /// divides by Σ w[y_i] for index targets (by the number of samples for
    /// probabilities); `ignoreIndex` samples give 0 and leave the mean; `labelSmoothing`
    /// ε mixes the target with the uniform distribution: (1−ε)·y + ε/C.
    /// Probabilities take log p clamped at −100; `logits: true` takes raw scores
    /// (log-softmax by log-sum-exp per row), exactly torch `cross_entropy`.
    public static func crossEntropy(_ p: Tensor, _ y: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                                    labelSmoothing: Double = 0, logits: Bool = false,
                                    reduction: Reduction = .mean) throws -> Tensor {
        let fn = "cross_entropy"
        guard p.rank >= 1 else {
            throw CoreError("cross_entropy: p must have a class axis (shape [C] or [N, C]), got a number",
                            hint: "for one binary probability, use bce")
        }
        let kind = try ClsKernel.target(fn, p, y, "p", "y", sameMeaning: "class probabilities")
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw CoreError("cross_entropy: label_smoothing must be in [0, 1], got \(formatNumber(labelSmoothing))")
        }
        if !logits { try ClsKernel.checkProbabilities(p, fn, "p") }
        let c = p.shape[p.rank - 1]
        let rowsShape = Array(p.shape.dropLast())
        let w = try weight.map { try ClsKernel.perClass($0, classes: c, fn, "weight", allowScalar: false) }
        let input: RowInput = logits ? .logits : .probabilities
        switch kind {
        case .indices:
            let idx = try ClsKernel.classIndices(y, classes: c, ignoreIndex: ignoreIndex, fn, "y")
            return indexedRows(p, classes: c, rowsShape: rowsShape, idx, weight: w, smoothing: labelSmoothing,
                               input: input, reduction: reduction)
        case .sameShape:
            if let ig = ignoreIndex {
                throw CoreError("cross_entropy: ignore_index (\(ig)) applies to class-index targets, but y has p's shape \(formatShape(p.shape)) (class probabilities)",
                                hint: "drop ignore_index, or pass y as class indices of shape \(formatShape(rowsShape))")
            }
            try ClsKernel.checkUnitTargets(y, fn, "y", what: "class probabilities in [0, 1]")
            return distributionRows(p, y, classes: c, rowsShape: rowsShape, weight: w, smoothing: labelSmoothing,
                                    input: input, reduction: reduction)
        }
    }

    /// Negative log-likelihood −w[y]·logp[y] (torch `nll_loss`): `logp` holds
    /// log-probabilities [N, C] (or [C]), `y` class indices; the weighted "mean" divides
    /// by Σ w[y_i]; `ignoreIndex` samples give 0 and leave the mean.
    public static func nll(_ logp: Tensor, _ y: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                           reduction: Reduction = .mean) throws -> Tensor {
        let fn = "nll"
        try ClsKernel.requireIndices(fn, logp, y, "logp", "y",
                                     sameShapeHint: "for class probabilities as targets, use cross_entropy(p, y)")
        let c = logp.shape[logp.rank - 1]
        let w = try weight.map { try ClsKernel.perClass($0, classes: c, fn, "weight", allowScalar: false) }
        let idx = try ClsKernel.classIndices(y, classes: c, ignoreIndex: ignoreIndex, fn, "y")
        return indexedRows(logp, classes: c, rowsShape: Array(logp.shape.dropLast()), idx, weight: w, smoothing: 0,
                           input: .logProbabilities, reduction: reduction)
    }

    /// The shift of one row: log p_c = rowLog(x_c) with log-softmax x_c − logsumexp(x)
    /// for logits (max-subtracted), 0 otherwise.
    @inline(__always)
    static func rowShift(_ x: UnsafeBufferPointer<Double>, _ base: Int, _ c: Int, _ input: RowInput) -> Double {
        guard input == .logits, let p = x.baseAddress else { return 0 }
        let m = ClsKernel.rowMax(p + base, c)
        if m.isInfinite { return m }   // all −inf (or a +inf): nan follows, as in torch
        return m + log(VecExp.sum(p + base, minus: m, c))
    }

    @inline(__always)
    static func rowLog(_ v: Double, _ shift: Double, _ input: RowInput) -> Double {
        switch input {
        case .probabilities: return ClsKernel.clampedLog(v)
        case .logits: return v - shift
        case .logProbabilities: return v
        }
    }

    /// w_c·log p_c over one row (the label-smoothing term).
    struct WeightedLogTerms<W: ClsOperandAccess>: ClsTerms {
        let x: UnsafeBufferPointer<Double>
        let base: Int, shift: Double, input: RowInput
        let w: W
        @inline(__always) func term(_ j: Int) -> Double { w[j] * rowLog(x[base + j], shift, input) }
    }

    /// One sample of torch `cross_entropy`/`nll_loss` with a class-index target:
    /// (1−ε)·(−w[y]·log p_y) + ε/C·(−Σ_c w_c·log p_c); 0 when ignored.
    struct IndexedRowTerms<W: ClsOperandAccess>: ClsTerms {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int, eps: Double, input: RowInput
        let w: W
        @inline(__always) func term(_ r: Int) -> Double {
            let k = ix[r]
            if k == ClsKernel.ignored { return 0 }
            let base = r * c
            let shift = rowShift(x, base, c, input)
            let loss = -w[k] * rowLog(x[base + k], shift, input)
            if eps == 0 { return loss }
            let smooth = -ClsKernel.sum(0, c, WeightedLogTerms(x: x, base: base, shift: shift, input: input, w: w))
            return (1 - eps) * loss + (eps / Double(c)) * smooth
        }
    }

    /// w[y_r] for the samples not ignored (the weighted mean's denominator).
    struct TargetWeights<W: ClsOperandAccess>: ClsTerms {
        let ix: UnsafeBufferPointer<Int>
        let w: W
        @inline(__always) func term(_ r: Int) -> Double {
            let k = ix[r]
            return k == ClsKernel.ignored ? 0 : w[k]
        }
    }

    /// torch `cross_entropy`/`nll_loss` with class-index targets, one row at a time.
    static func indexedRows(_ p: Tensor, classes c: Int, rowsShape: [Int], _ idx: [Int], weight: [Double]?,
                            smoothing eps: Double, input: RowInput, reduction: Reduction) -> Tensor {
        let rows = idx.count
        let (losses, denom): ([Double], Double) = p.data.withUnsafeBufferPointer { x in
            idx.withUnsafeBufferPointer { ix in
                guard let weight = weight else {
                    let l = ClsKernel.fill(rows, work: rows * c,
                                           IndexedRowTerms(x: x, ix: ix, c: c, eps: eps, input: input, w: ClsUnit()))
                    return (l, reduction == .mean ? ClsKernel.sum(0, rows, TargetWeights(ix: ix, w: ClsUnit())) : 0)
                }
                return weight.withUnsafeBufferPointer { wb in
                    let w = ClsVec(buf: wb)
                    let l = ClsKernel.fill(rows, work: rows * c, IndexedRowTerms(x: x, ix: ix, c: c, eps: eps, input: input, w: w))
                    return (l, reduction == .mean ? ClsKernel.sum(0, rows, TargetWeights(ix: ix, w: w)) : 0)
                }
            }
        }
        switch reduction {
        case .none: return Tensor(shape: rowsShape, data: losses)
        case .sum: return Tensor(scalar: Summation.sum(losses))
        case .mean:
            // torch: Σ loss / Σ w[y_i] over the samples not ignored (nan when there are none)
            return Tensor(scalar: Summation.sum(losses) / denom)
        }
    }

    /// w_c·y'_c·log p_c over one row, y' = (1−ε)·y + ε/C.
    struct DistributionTerms<W: ClsOperandAccess>: ClsTerms {
        let x, t: UnsafeBufferPointer<Double>
        let base: Int, shift: Double, input: RowInput
        let keep: Double, spread: Double
        let w: W
        @inline(__always) func term(_ j: Int) -> Double {
            let target = t[base + j] * keep + spread
            return w[j] * target * rowLog(x[base + j], shift, input)
        }
    }

    struct DistributionRowTerms<W: ClsOperandAccess>: ClsTerms {
        let x, t: UnsafeBufferPointer<Double>
        let c: Int, input: RowInput
        let keep: Double, spread: Double
        let w: W
        @inline(__always) func term(_ r: Int) -> Double {
            let base = r * c
            let shift = rowShift(x, base, c, input)
            return -ClsKernel.sum(0, c, DistributionTerms(x: x, t: t, base: base, shift: shift, input: input,
                                                          keep: keep, spread: spread, w: w))
        }
    }

    /// torch `cross_entropy` with class-probability targets: −Σ_c w_c·y'_c·log p_c,
    /// y' = (1−ε)·y + ε/C; "mean" divides by the number of samples.
    static func distributionRows(_ p: Tensor, _ y: Tensor, classes c: Int, rowsShape: [Int], weight: [Double]?,
                                 smoothing eps: Double, input: RowInput, reduction: Reduction) -> Tensor {
        let rows = Tensor.count(of: rowsShape)
        let keep = 1 - eps, spread = c > 0 ? eps / Double(c) : 0
        let losses: [Double] = p.data.withUnsafeBufferPointer { x in
            y.data.withUnsafeBufferPointer { t in
                guard let weight = weight else {
                    return ClsKernel.fill(rows, work: rows * c, DistributionRowTerms(x: x, t: t, c: c, input: input,
                                                                                      keep: keep, spread: spread, w: ClsUnit()))
                }
                return weight.withUnsafeBufferPointer { wb in
                    ClsKernel.fill(rows, work: rows * c, DistributionRowTerms(x: x, t: t, c: c, input: input,
                                                                              keep: keep, spread: spread, w: ClsVec(buf: wb)))
                }
            }
        }
        return ClsKernel.reduceSamples(losses, shape: rowsShape, reduction)
    }

    // MARK: - Hinge losses

    /// Hinge loss max(0, margin − t·s) per element, t ∈ {−1, +1} (sklearn/Keras `hinge`).
    public static func hinge(_ s: Tensor, _ t: Tensor, margin: Double = 1, reduction: Reduction = .mean) throws -> Tensor {
        try binaryHinge("hinge", s, t, margin: margin, squared: false, reduction: reduction)
    }

    /// Squared hinge max(0, margin − t·s)² per element, t ∈ {−1, +1} (Keras `SquaredHinge`).
    public static func squaredHinge(_ s: Tensor, _ t: Tensor, margin: Double = 1, reduction: Reduction = .mean) throws -> Tensor {
        try binaryHinge("squared_hinge", s, t, margin: margin, squared: true, reduction: reduction)
    }

    /// max(0, h) that lets nan through (torch's clamp_min does).
    @inline(__always) static func positivePart(_ h: Double) -> Double { h > 0 || h.isNaN ? h : 0 }

    static func binaryHinge(_ fn: String, _ s: Tensor, _ t: Tensor, margin: Double, squared: Bool, reduction: Reduction) throws -> Tensor {
        guard s.shape == t.shape else {
            throw CoreError("\(fn): s and t must have the same shape, got \(formatShape(s.shape)) and \(formatShape(t.shape))",
                            hint: t.rank + 1 == s.rank ? "for class indices, use multiclass_hinge" : nil)
        }
        guard margin.isFinite else { throw CoreError("\(fn): margin must be a finite number, got \(formatNumber(margin))") }
        if let i = t.data.firstIndex(where: { $0 != 1 && $0 != -1 }) {
            let v = t.data[i]
            let zeroOne = t.data.allSatisfy { $0 == 0 || $0 == 1 }
            throw CoreError("\(fn): t must hold labels -1 or +1, got \(formatNumber(v))\(ClsKernel.position(i, t.shape))",
                            hint: zeroOne ? "for 0/1 labels y, pass 2*y - 1" : "map the two classes to -1 and +1, e.g. 2*y - 1 for 0/1 labels")
        }
        return s.data.withUnsafeBufferPointer { sp in
            t.data.withUnsafeBufferPointer { tp in
                ClsKernel.reduceElementwise(s.shape, reduction, HingeTerms(s: sp, t: tp, margin: margin, squared: squared))
            }
        }
    }

    struct HingeTerms: ClsTerms {
        let s, t: UnsafeBufferPointer<Double>
        let margin: Double
        let squared: Bool
        @inline(__always) func term(_ i: Int) -> Double {
            let h = positivePart(margin - t[i] * s[i])
            return squared ? h * h : h
        }
    }

    /// Multi-class hinge (SVM) loss over the last axis with class-index targets:
    /// Weston–Watkins Σ_{j≠y} max(0, margin − s_y + s_j)^p (cs231n; torch
    /// `multi_margin_loss` × C), or Crammer–Singer max(0, margin − s_y + max_{j≠y} s_j)^p.
    public static func multiclassHinge(_ s: Tensor, _ y: Tensor, margin: Double = 1, p: Double = 1,
                                       variant: MulticlassHingeVariant = .westonWatkins,
                                       reduction: Reduction = .mean) throws -> Tensor {
        let fn = "multiclass_hinge"
        try ClsKernel.requireIndices(fn, s, y, "s", "y", sameShapeHint: "for one-hot targets, pass argmax(y, axis: -1)")
        guard margin.isFinite else { throw CoreError("\(fn): margin must be a finite number, got \(formatNumber(margin))") }
        guard p > 0, p.isFinite else { throw CoreError("\(fn): p must be a positive number (1: hinge, 2: squared hinge), got \(formatNumber(p))") }
        let c = s.shape[s.rank - 1]
        let rowsShape = Array(s.shape.dropLast())
        let idx = try ClsKernel.classIndices(y, classes: c, ignoreIndex: nil, fn, "y")
        let losses: [Double] = s.data.withUnsafeBufferPointer { x in
            idx.withUnsafeBufferPointer { ix in
                ClsKernel.fill(ix.count, work: ix.count * c,
                               MulticlassHingeRowTerms(x: x, ix: ix, c: c, margin: margin, p: p, variant: variant))
            }
        }
        return ClsKernel.reduceSamples(losses, shape: rowsShape, reduction)
    }

    struct MulticlassHingeRowTerms: ClsTerms {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int, margin: Double, p: Double
        let variant: MulticlassHingeVariant
        @inline(__always) func term(_ r: Int) -> Double {
            let base = r * c, k = ix[r]
            let sy = x[base + k]
            switch variant {
            case .westonWatkins:
                return ClsKernel.sum(0, c, WestonWatkinsTerms(x: x, base: base, k: k, offset: margin - sy, p: p))
            case .crammerSinger:
                var m = -Double.infinity
                for j in 0..<c where j != k {
                    let v = x[base + j]
                    if v > m || v.isNaN { m = v }
                    if m.isNaN { break }
                }
                return ClsKernel.power(positivePart(margin - sy + m), p)
            }
        }
    }

    /// max(0, margin − s_y + s_j)^p for j ≠ y.
    struct WestonWatkinsTerms: ClsTerms {
        let x: UnsafeBufferPointer<Double>
        let base: Int, k: Int, offset: Double, p: Double
        @inline(__always) func term(_ j: Int) -> Double {
            j == k ? 0 : ClsKernel.power(positivePart(offset + x[base + j]), p)
        }
    }

    // MARK: - Focal and PolyLoss

    /// The losses written with p_t (probability of the true class), from ce = −log p_t
    /// (the binary cross-entropy for per-element labels) and q = 1 − p_t.
    enum PtKind { case focal, poly1, poly }

    struct PtForm {
        let kind: PtKind
        var gamma = 0.0
        var epsilon = 0.0
        /// ε1…εN of Poly-N (valid while the caller's buffer is).
        var coefficients = UnsafeBufferPointer<Double>(start: nil, count: 0)

        /// The loss from ce = −log p_t and q = 1 − p_t.
        @inline(__always) func value(_ ce: Double, _ q: Double) -> Double {
            switch kind {
            case .focal:
                // q = 0 only where ce = 0 (and ce = ∞ only where q = 1): no 0·∞
                return ClsKernel.power(q, gamma) * ce
            case .poly1:
                if gamma == 0 { return ce + epsilon * q }
                let m = ClsKernel.power(q, gamma)
                return m * ce + epsilon * m * q
            case .poly:
                var acc = 0.0
                var j = coefficients.count - 1
                while j >= 0 { acc = (acc + coefficients[j]) * q; j -= 1 }
                return ce + acc
            }
        }
    }

    /// Focal loss −α_t·(1 − p_t)^γ·log p_t (Lin et al. 2017). A target of p's shape holds
    /// binary labels per element (sigmoid-style, torchvision `sigmoid_focal_loss`, with
    /// α_t = α·y + (1−α)·(1−y), α broadcast to p's shape); a target with p's last axis
    /// dropped holds class indices (softmax-style over the last axis, α a number or one
    /// value per class). γ = 0 without α is cross-entropy. (1 − p_t) is computed without
    /// cancellation (σ(−x) for logits), so saturated inputs and γ < 1 stay finite.
    public static func focal(_ p: Tensor, _ y: Tensor, gamma: Double = 2, alpha: Tensor? = nil, logits: Bool = false,
                             reduction: Reduction = .mean) throws -> Tensor {
        let fn = "focal"
        guard gamma >= 0, gamma.isFinite else {
            throw CoreError("focal: gamma must be a non-negative number, got \(formatNumber(gamma))")
        }
        return try ptLoss(fn, p, y, PtForm(kind: .focal, gamma: gamma), alpha: alpha, logits: logits, reduction: reduction)
    }

    /// Poly-1 loss (Leng et al. 2022): CE + ε·(1 − p_t); with γ > 0 the Poly-1 focal form
    /// −(1 − p_t)^γ·log p_t + ε·(1 − p_t)^{γ+1}. Targets as for `focal`.
    public static func poly1(_ p: Tensor, _ y: Tensor, epsilon: Double = 1, gamma: Double = 0, logits: Bool = false,
                             reduction: Reduction = .mean) throws -> Tensor {
        guard epsilon.isFinite else { throw CoreError("poly1: epsilon must be a finite number, got \(formatNumber(epsilon))") }
        guard gamma >= 0, gamma.isFinite else {
            throw CoreError("poly1: gamma must be a non-negative number, got \(formatNumber(gamma))")
        }
        return try ptLoss("poly1", p, y, PtForm(kind: .poly1, gamma: gamma, epsilon: epsilon), alpha: nil, logits: logits,
                          reduction: reduction)
    }

    /// Poly-N loss (Leng et al. 2022): −log p_t + Σ_j ε_j·(1 − p_t)^j, j = 1…N.
    /// Targets as for `focal`.
    public static func poly(_ p: Tensor, _ y: Tensor, epsilon: Tensor = Tensor([1]), logits: Bool = false,
                            reduction: Reduction = .mean) throws -> Tensor {
        guard epsilon.rank <= 1 else {
            throw CoreError("poly: epsilon must be a vector [ε1, …, εN] (or a number), got shape \(formatShape(epsilon.shape))")
        }
        if let bad = epsilon.data.first(where: { !$0.isFinite }) {
            throw CoreError("poly: epsilon must hold finite numbers, got \(formatNumber(bad))")
        }
        return try epsilon.data.withUnsafeBufferPointer { es in
            try ptLoss("poly", p, y, PtForm(kind: .poly, coefficients: es), alpha: nil, logits: logits, reduction: reduction)
        }
    }

    static func ptLoss(_ fn: String, _ p: Tensor, _ y: Tensor, _ form: PtForm, alpha: Tensor?, logits: Bool,
                       reduction: Reduction) throws -> Tensor {
        let kind = try ClsKernel.target(fn, p, y, "p", "y", sameMeaning: "binary labels")
        switch kind {
        case .sameShape:
            // p and y are checked in the loss pass (ClsDomainGuard), as in bce
            let check = {
                if !logits { try ClsKernel.checkProbabilities(p, fn, "p") }
                try ClsKernel.checkUnitTargets(y, fn, "y")
            }
            let a: ClsOperand
            do {
                a = try ClsOperand.make(alpha, default: 1, to: p.shape, fn, "alpha", "p")
                if alpha != nil, let bad = a.firstViolation({ $0 >= 0 && $0 <= 1 }) {
                    throw CoreError("\(fn): alpha must be in [0, 1] for binary labels (the weight of the positives), got \(formatNumber(bad))")
                }
            } catch {
                try check()
                throw error
            }
            let (out, nan) = p.data.withUnsafeBufferPointer { pp in
                y.data.withUnsafeBufferPointer { yp in
                    if alpha == nil {
                        return ClsKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: !logits,
                            k: PtBinaryTerms(p: pp, y: yp, alpha: ClsUnit(), weighted: false, logits: logits, form: form)))
                    }
                    return a.with { ap in
                        ClsKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: !logits,
                            k: PtBinaryTerms(p: pp, y: yp, alpha: ap, weighted: true, logits: logits, form: form)))
                    }
                }
            }
            if nan { try check() }
            return out
        case .indices:
            if !logits { try ClsKernel.checkProbabilities(p, fn, "p") }
            let c = p.shape[p.rank - 1]
            let rowsShape = Array(p.shape.dropLast())
            let idx = try ClsKernel.classIndices(y, classes: c, ignoreIndex: nil, fn, "y")
            let al = try alpha.map { try ClsKernel.perClass($0, classes: c, fn, "alpha", allowScalar: true) }
            if let bad = al?.first(where: { !($0 >= 0) || !$0.isFinite }) {
                throw CoreError("\(fn): alpha must hold non-negative class weights, got \(formatNumber(bad))")
            }
            let losses: [Double] = p.data.withUnsafeBufferPointer { x in
                idx.withUnsafeBufferPointer { ix in
                    guard let al = al else {
                        return ClsKernel.fill(ix.count, work: ix.count * c,
                                              PtIndexRowTerms(x: x, ix: ix, c: c, logits: logits, form: form, alpha: ClsUnit()))
                    }
                    return al.withUnsafeBufferPointer { ab in
                        ClsKernel.fill(ix.count, work: ix.count * c,
                                       PtIndexRowTerms(x: x, ix: ix, c: c, logits: logits, form: form, alpha: ClsVec(buf: ab)))
                    }
                }
            }
            return ClsKernel.reduceSamples(losses, shape: rowsShape, reduction)
        }
    }

    /// Class indices, softmax-style: log p_t = log p[y] (clamped) or x_y − logsumexp(x);
    /// q = 1 − p[y] or −expm1(log p_t).
    struct PtIndexRowTerms<A: ClsOperandAccess>: ClsTerms {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int, logits: Bool
        let form: PtForm
        let alpha: A
        @inline(__always) func term(_ r: Int) -> Double {
            let base = r * c, k = ix[r]
            let lp: Double, q: Double
            if logits {
                lp = x[base + k] - rowShift(x, base, c, .logits)
                q = -expm1(lp)
            } else {
                lp = ClsKernel.clampedLog(x[base + k])
                q = 1 - x[base + k]
            }
            return alpha[k] * form.value(-lp, q)
        }
    }

    /// Binary labels per element: ce is the binary cross-entropy, q = 1 − p_t = y·(1−p) + (1−y)·p
    /// (σ(−x)·y + σ(x)·(1−y) for logits, without cancellation).
    struct PtBinaryTerms<A: ClsOperandAccess>: ClsTerms {
        let p, y: UnsafeBufferPointer<Double>
        let alpha: A
        let weighted: Bool
        let logits: Bool
        let form: PtForm
        @inline(__always) func term(_ i: Int) -> Double {
            let v = p[i], t = y[i]
            let ce: Double, q: Double
            if logits {
                let s = ClsKernel.sigmoidParts(v)
                ce = (1 - t) * v - s.logSigmoid
                q = t * s.sigmoidNeg + (1 - t) * s.sigmoid
            } else {
                // a hard label needs one log only (as in bce: the other term is a signed zero)
                if t == 1 {
                    ce = -ClsKernel.clampedLog(v)
                } else if t == 0 {
                    ce = -ClsKernel.clampedLog1m(v)
                } else {
                    ce = -(t * ClsKernel.clampedLog(v) + (1 - t) * ClsKernel.clampedLog1m(v))
                }
                q = t * (1 - v) + (1 - t) * v
            }
            let loss = form.value(ce, q)
            if !weighted { return loss }
            let a = alpha[i]
            return (a * t + (1 - a) * (1 - t)) * loss
        }
    }
}
