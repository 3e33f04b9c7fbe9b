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
// Each loss checks its arguments once, in a `…Inputs` value shared with its backward pass
// (ClassificationBackward.swift), which checks them the same way.

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
        let a = try BCEInputs(p, y, weight: weight, posWeight: posWeight, logits: logits)
        let (w, pw) = (a.w, a.pw)
        let (out, nan) = p.data.withUnsafeBufferPointer { pp in
            y.data.withUnsafeBufferPointer { yp in
                if !a.weighted {
                    return logits
                        ? TermKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: false, k: BCELogitUnitTerms(x: pp, y: yp)))
                        : TermKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: true, k: BCEProbUnitTerms(p: pp, y: yp)))
                }
                return w.with { wp in
                    pw.with { pwp in
                        logits
                            ? TermKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                                p: pp, y: yp, probabilities: false, k: BCELogitTerms(x: pp, y: yp, w: wp, pw: pwp)))
                            : TermKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                                p: pp, y: yp, probabilities: true, k: BCEProbTerms(p: pp, y: yp, w: wp, pw: pwp)))
                    }
                }
            }
        }
        if nan { try a.domain.check() }
        return out
    }

    /// The checked arguments of bce: shapes and broadcasts up front; the ranges of p and y
    /// in the loss pass itself (ClsDomainGuard), with `domain` to run them on their own.
    struct BCEInputs {
        let domain: UnitDomain
        let w, pw: ClsOperand
        /// weight or pos_weight is given.
        let weighted: Bool
        let unitPosWeight: Bool

        init(_ p: Tensor, _ y: Tensor, weight: Tensor?, posWeight: Tensor?, logits: Bool) throws {
            let fn = "bce"
            guard p.shape == y.shape else {
                throw CoreError("bce: p and y must have the same shape, got \(formatShape(p.shape)) and \(formatShape(y.shape))",
                                hint: y.rank + 1 == p.rank ? "for class-index targets, use cross_entropy" : nil)
            }
            let domain = UnitDomain(fn: fn, p: p, y: y, probabilities: !logits)
            self.domain = domain
            (w, pw) = try domain.first {
                (try ClsOperand.make(weight, default: 1, to: p.shape, fn, "weight", "p"),
                 try ClsOperand.make(posWeight, default: 1, to: p.shape, fn, "pos_weight", "p"))
            }
            weighted = weight != nil || posWeight != nil
            unitPosWeight = posWeight == nil
        }
    }

    /// −w·[pw·y·log p + (1−y)·log(1−p)], logs clamped at −100. For a hard label only the
    /// log that is not multiplied by 0 is computed (the other term is a signed zero that
    /// leaves the sum unchanged, bit for bit; with y = 0 this needs 0 < pw < ∞, else
    /// pw·0·log p is not +0·log p).
    struct BCEProbTerms<W: ClsOperandAccess>: IndexedTerms {
        let p, y: UnsafeBufferPointer<Double>
        let w, pw: W
        @inline(__always) func term(_ i: Int) -> Double {
            let q = p[i], t = y[i], c = pw[i]
            if t == 1 { return -w[i] * (c * TermKernel.clampedLog(q)) }
            if t == 0 && c > 0 && c < .infinity { return -w[i] * TermKernel.clampedLog1m(q) }
            return -w[i] * (c * t * TermKernel.clampedLog(q) + (1 - t) * TermKernel.clampedLog1m(q))
        }
    }

    /// BCEProbTerms without weights (the same values), four at a time: one log per element for
    /// hard labels (log p where y = 1, log(1 − p) where y = 0), a block with a soft label term by term.
    struct BCEProbUnitTerms: IndexedTerms {
        let p, y: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ i: Int) -> Double {
            let q = p[i], t = y[i]
            if t == 1 { return -TermKernel.clampedLog(q) }
            if t == 0 { return -TermKernel.clampedLog1m(q) }
            return -(t * TermKernel.clampedLog(q) + (1 - t) * TermKernel.clampedLog1m(q))
        }

        static var vectorised: Bool { true }

        @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
            typealias V = SIMD4<Double>
            let q = VecExp.load(p.baseAddress! + i), t = VecExp.load(y.baseAddress! + i)
            let zero = t .== V(repeating: 0)
            if all(zero .| (t .== V(repeating: 1))) { return -TermKernel.clampedLogs4(q, oneMinus: zero) }
            return V(term(i), term(i + 1), term(i + 2), term(i + 3))
        }
    }

    /// BCELogitTerms without weights (the same values, bit for bit), four at a time:
    /// (1−y)·x − log σ(x).
    struct BCELogitUnitTerms: IndexedTerms {
        let x, y: UnsafeBufferPointer<Double>
        @inline(__always) func term(_ i: Int) -> Double {
            let v = x[i], t = y[i]
            return (1 - t) * v - TermKernel.logSigmoid(v)
        }

        static var vectorised: Bool { true }

        @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
            let v = VecExp.load(x.baseAddress! + i), t = VecExp.load(y.baseAddress! + i)
            return (SIMD4(repeating: 1) - t) * v - TermKernel.logSigmoid4(v)
        }
    }

    /// torch's stable form: w·[(1−y)·x − (1 + (pw−1)·y)·log σ(x)].
    struct BCELogitTerms<W: ClsOperandAccess>: IndexedTerms {
        let x, y: UnsafeBufferPointer<Double>
        let w, pw: W
        @inline(__always) func term(_ i: Int) -> Double {
            let v = x[i], t = y[i]
            let logWeight = (pw[i] - 1) * t + 1
            return w[i] * ((1 - t) * v - logWeight * TermKernel.logSigmoid(v))
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
                                    labelSmoothing: Double = 0, logits: Bool = false, axis: Int = -1,
                                    reduction: Reduction = .mean) throws -> Tensor {
        if let ax = try ClassAxis.resolve("cross_entropy", axis, p, "p") {
            let (pm, ym) = try ax.rowInputs("cross_entropy", p, y, probabilities: !logits, sameMeaning: "class probabilities",
                                            ignoreIndex: ignoreIndex)
            return try crossEntropy(pm, ym, weight: weight, ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing,
                                    logits: logits, reduction: reduction)
        }
        let a = try ClassRowInputs.crossEntropy(p, y, weight: weight, ignoreIndex: ignoreIndex,
                                                labelSmoothing: labelSmoothing, logits: logits)
        switch a.target {
        case .indices(let idx):
            return indexedRows(p, classes: a.c, rowsShape: a.rowsShape, idx, weight: a.weight, smoothing: a.smoothing,
                               input: a.input, reduction: reduction)
        case .distribution:
            return distributionRows(p, y, classes: a.c, rowsShape: a.rowsShape, weight: a.weight, smoothing: a.smoothing,
                                    input: a.input, reduction: reduction)
        }
    }

    /// Negative log-likelihood −w[y]·logp[y] (torch `nll_loss`): `logp` holds
    /// log-probabilities [N, C] (or [C]), `y` class indices; the weighted "mean" divides
    /// by Σ w[y_i]; `ignoreIndex` samples give 0 and leave the mean.
    public static func nll(_ logp: Tensor, _ y: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil, axis: Int = -1,
                           reduction: Reduction = .mean) throws -> Tensor {
        if let ax = try ClassAxis.resolve("nll", axis, logp, "logp") {
            let (pm, ym) = try ax.rowInputs("nll", logp, y, pn: "logp", probabilities: false, sameMeaning: nil)
            return try nll(pm, ym, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        }
        let a = try ClassRowInputs.nll(logp, y, weight: weight, ignoreIndex: ignoreIndex)
        return indexedRows(logp, classes: a.c, rowsShape: a.rowsShape, a.indices, weight: a.weight, smoothing: 0,
                           input: .logProbabilities, reduction: reduction)
    }

    /// The checked arguments of the row losses over the last (class) axis, cross_entropy and nll.
    struct ClassRowInputs {
        enum Target {
            /// Class indices, `TermKernel.ignored` for ignore_index.
            case indices([Int])
            /// Class probabilities of the prediction's shape.
            case distribution
        }
        let c: Int
        let rowsShape: [Int]
        /// One weight per class, or nil (all 1).
        let weight: [Double]?
        let smoothing: Double
        let input: RowInput
        let target: Target

        /// The class indices (nll's targets are always indices).
        var indices: [Int] {
            if case .indices(let idx) = target { return idx }
            return []
        }

        static func crossEntropy(_ p: Tensor, _ y: Tensor, weight: Tensor?, ignoreIndex: Int?, labelSmoothing: Double,
                                 logits: Bool) throws -> ClassRowInputs {
            let fn = "cross_entropy"
            guard p.rank >= 1 else {
                throw CoreError("cross_entropy: p must have a class axis (shape [C] or [N, C]), got a number",
                                hint: "for one binary probability, use bce")
            }
            let kind = try TermKernel.target(fn, p, y, "p", "y", sameMeaning: "class probabilities")
            guard labelSmoothing >= 0, labelSmoothing <= 1 else {
                throw CoreError("cross_entropy: label_smoothing must be in [0, 1], got \(formatNumber(labelSmoothing))")
            }
            if !logits { try TermKernel.checkProbabilities(p, fn, "p") }
            let c = p.shape[p.rank - 1]
            let rowsShape = Array(p.shape.dropLast())
            let w = try weight.map { try TermKernel.perClass($0, classes: c, fn, "weight", allowScalar: false) }
            let target: Target
            switch kind {
            case .indices:
                target = .indices(try TermKernel.classIndices(y, classes: c, ignoreIndex: ignoreIndex, fn, "y"))
            case .sameShape:
                if let ig = ignoreIndex {
                    throw CoreError("cross_entropy: ignore_index (\(ig)) applies to class-index targets, but y has p's shape \(formatShape(p.shape)) (class probabilities)",
                                    hint: "drop ignore_index, or pass y as class indices of shape \(formatShape(rowsShape))")
                }
                try TermKernel.checkUnitTargets(y, fn, "y", what: "class probabilities in [0, 1]")
                target = .distribution
            }
            return ClassRowInputs(c: c, rowsShape: rowsShape, weight: w, smoothing: labelSmoothing,
                                  input: logits ? .logits : .probabilities, target: target)
        }

        static func nll(_ logp: Tensor, _ y: Tensor, weight: Tensor?, ignoreIndex: Int?) throws -> ClassRowInputs {
            let fn = "nll"
            try TermKernel.requireIndices(fn, logp, y, "logp", "y",
                                          sameShapeHint: "for class probabilities as targets, use cross_entropy(p, y)")
            let c = logp.shape[logp.rank - 1]
            let w = try weight.map { try TermKernel.perClass($0, classes: c, fn, "weight", allowScalar: false) }
            let idx = try TermKernel.classIndices(y, classes: c, ignoreIndex: ignoreIndex, fn, "y")
            return ClassRowInputs(c: c, rowsShape: Array(logp.shape.dropLast()), weight: w, smoothing: 0,
                                  input: .logProbabilities, target: .indices(idx))
        }
    }

    /// The shift of one row: log p_c = rowLog(x_c) with log-softmax x_c − logsumexp(x)
    /// for logits (max-subtracted), 0 otherwise.
    @inline(__always)
    static func rowShift(_ x: UnsafeBufferPointer<Double>, _ base: Int, _ c: Int, _ input: RowInput) -> Double {
        guard input == .logits, let p = x.baseAddress else { return 0 }
        let m = TermKernel.rowMax(p + base, c)
        if m.isInfinite { return m }   // all −inf (or a +inf): nan follows, as in torch
        return m + VecMath.log(VecExp.sum(p + base, minus: m, c))
    }

    /// The work of `rows` rows of c classes for the parallel threshold: an exp per element for
    /// logits (~16 adds, see TermKernel.work).
    @inline(__always)
    static func rowWork(_ rows: Int, _ c: Int, _ input: RowInput) -> Int {
        rows &* c &* (input == .logits ? 16 : 1)
    }

    @inline(__always)
    static func rowLog(_ v: Double, _ shift: Double, _ input: RowInput) -> Double {
        switch input {
        case .probabilities: return TermKernel.clampedLog(v)
        case .logits: return v - shift
        case .logProbabilities: return v
        }
    }

    /// w_c·log p_c over one row (the label-smoothing term).
    struct WeightedLogTerms<W: ClsOperandAccess>: IndexedTerms {
        let x: UnsafeBufferPointer<Double>
        let base: Int, shift: Double, input: RowInput
        let w: W
        @inline(__always) func term(_ j: Int) -> Double { w[j] * rowLog(x[base + j], shift, input) }
    }

    /// One sample of torch `cross_entropy`/`nll_loss` with a class-index target:
    /// (1−ε)·(−w[y]·log p_y) + ε/C·(−Σ_c w_c·log p_c); 0 when ignored.
    struct IndexedRowTerms<W: ClsOperandAccess>: IndexedTerms {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int, eps: Double, input: RowInput
        let w: W
        @inline(__always) func term(_ r: Int) -> Double {
            let k = ix[r]
            if k == TermKernel.ignored { return 0 }
            let base = r * c
            let shift = rowShift(x, base, c, input)
            let loss = -w[k] * rowLog(x[base + k], shift, input)
            if eps == 0 { return loss }
            let smooth = -TermKernel.sum(0, c, WeightedLogTerms(x: x, base: base, shift: shift, input: input, w: w))
            return (1 - eps) * loss + (eps / Double(c)) * smooth
        }

        static var vectorised: Bool { true }

        /// Four rows of logits without label smoothing: their four logs of Σ exp in one VecMath.log4
        /// (the same values as `term`); other blocks row by row.
        @inline(__always) func term4(_ r: Int) -> SIMD4<Double> {
            typealias V = SIMD4<Double>
            guard input == .logits, eps == 0, let p = x.baseAddress else { return V(term(r), term(r + 1), term(r + 2), term(r + 3)) }
            // (max, Σ exp(x − max), x_y, w[y]) of a row; nil for an ignored row or an infinite max
            @inline(__always) func row(_ q: Int) -> (m: Double, s: Double, xk: Double, wk: Double)? {
                let k = ix[q], base = q * c
                let m = TermKernel.rowMax(p + base, c)
                if k == TermKernel.ignored || m.isInfinite { return nil }
                return (m, VecExp.sum(p + base, minus: m, c), p[base + k], w[k])
            }
            if c <= VecExp.columnsMaxClasses {
                let k = SIMD4<Int>(ix[r], ix[r + 1], ix[r + 2], ix[r + 3])
                let b0 = r * c, b1 = b0 + c, b2 = b1 + c, b3 = b2 + c
                let m = V(TermKernel.rowMax(p + b0, c), TermKernel.rowMax(p + b1, c),
                          TermKernel.rowMax(p + b2, c), TermKernel.rowMax(p + b3, c))
                if !any(k .== SIMD4(repeating: TermKernel.ignored)), all(m .> V(repeating: -.infinity)), all(m .< V(repeating: .infinity)),
                   let s = VecExp.rowSums4(p + b0, p + b1, p + b2, p + b3, m, c) {
                    let shift = m + VecMath.log4(s)
                    let xk = V(p[b0 + k[0]], p[b1 + k[1]], p[b2 + k[2]], p[b3 + k[3]])
                    return -V(w[k[0]], w[k[1]], w[k[2]], w[k[3]]) * (xk - shift)
                }
                return V(term(r), term(r + 1), term(r + 2), term(r + 3))
            }
            guard let a = row(r), let b = row(r + 1), let d = row(r + 2), let e = row(r + 3) else {
                return V(term(r), term(r + 1), term(r + 2), term(r + 3))
            }
            // −w[y]·(x_y − shift), shift = m + log Σ exp(x − m), as rowLog
            let shift = V(a.m, b.m, d.m, e.m) + VecMath.log4(V(a.s, b.s, d.s, e.s))
            return -V(a.wk, b.wk, d.wk, e.wk) * (V(a.xk, b.xk, d.xk, e.xk) - shift)
        }
    }

    /// w[y_r] for the samples not ignored (the weighted mean's denominator).
    struct TargetWeights<W: ClsOperandAccess>: IndexedTerms {
        let ix: UnsafeBufferPointer<Int>
        let w: W
        @inline(__always) func term(_ r: Int) -> Double {
            let k = ix[r]
            return k == TermKernel.ignored ? 0 : w[k]
        }
    }

    /// torch `cross_entropy`/`nll_loss` with class-index targets, one row at a time.
    static func indexedRows(_ p: Tensor, classes c: Int, rowsShape: [Int], _ idx: [Int], weight: [Double]?,
                            smoothing eps: Double, input: RowInput, reduction: Reduction) -> Tensor {
        let rows = idx.count
        let (losses, denom): ([Double], Double) = p.data.withUnsafeBufferPointer { x in
            idx.withUnsafeBufferPointer { ix in
                guard let weight = weight else {
                    let l = TermKernel.fill(rows, work: rowWork(rows, c, input),
                                           IndexedRowTerms(x: x, ix: ix, c: c, eps: eps, input: input, w: ClsUnit()))
                    return (l, reduction == .mean ? TermKernel.sum(0, rows, TargetWeights(ix: ix, w: ClsUnit())) : 0)
                }
                return weight.withUnsafeBufferPointer { wb in
                    let w = ClsVec(buf: wb)
                    let l = TermKernel.fill(rows, work: rowWork(rows, c, input), IndexedRowTerms(x: x, ix: ix, c: c, eps: eps, input: input, w: w))
                    return (l, reduction == .mean ? TermKernel.sum(0, rows, TargetWeights(ix: ix, w: w)) : 0)
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
    struct DistributionTerms<W: ClsOperandAccess>: IndexedTerms {
        let x, t: UnsafeBufferPointer<Double>
        let base: Int, shift: Double, input: RowInput
        let keep: Double, spread: Double
        let w: W
        @inline(__always) func term(_ j: Int) -> Double {
            let target = t[base + j] * keep + spread
            return w[j] * target * rowLog(x[base + j], shift, input)
        }
    }

    struct DistributionRowTerms<W: ClsOperandAccess>: IndexedTerms {
        let x, t: UnsafeBufferPointer<Double>
        let c: Int, input: RowInput
        let keep: Double, spread: Double
        let w: W
        @inline(__always) func term(_ r: Int) -> Double {
            let base = r * c
            let shift = rowShift(x, base, c, input)
            return -TermKernel.sum(0, c, DistributionTerms(x: x, t: t, base: base, shift: shift, input: input,
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
                    return TermKernel.fill(rows, work: rowWork(rows, c, input), DistributionRowTerms(x: x, t: t, c: c, input: input,
                                                                                      keep: keep, spread: spread, w: ClsUnit()))
                }
                return weight.withUnsafeBufferPointer { wb in
                    TermKernel.fill(rows, work: rowWork(rows, c, input), DistributionRowTerms(x: x, t: t, c: c, input: input,
                                                                              keep: keep, spread: spread, w: ClsVec(buf: wb)))
                }
            }
        }
        return TermKernel.reduceSamples(losses, shape: rowsShape, reduction)
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
        try checkBinaryHinge(fn, s, t, margin: margin)
        return s.data.withUnsafeBufferPointer { sp in
            t.data.withUnsafeBufferPointer { tp in
                TermKernel.reduceElementwise(s.shape, reduction, HingeTerms(s: sp, t: tp, margin: margin, squared: squared))
            }
        }
    }

    /// The checks of hinge and squared_hinge: s and t of one shape, t's labels ±1, a finite margin.
    static func checkBinaryHinge(_ fn: String, _ s: Tensor, _ t: Tensor, margin: Double) throws {
        guard s.shape == t.shape else {
            throw CoreError("\(fn): s and t must have the same shape, got \(formatShape(s.shape)) and \(formatShape(t.shape))",
                            hint: t.rank + 1 == s.rank ? "for class indices, use multiclass_hinge" : nil)
        }
        guard margin.isFinite else { throw CoreError("\(fn): margin must be a finite number, got \(formatNumber(margin))") }
        if let i = t.data.firstIndex(where: { $0 != 1 && $0 != -1 }) {
            let v = t.data[i]
            let zeroOne = t.data.allSatisfy { $0 == 0 || $0 == 1 }
            throw CoreError("\(fn): t must hold labels -1 or +1, got \(formatNumber(v))\(TermKernel.position(i, t.shape))",
                            hint: zeroOne ? "for 0/1 labels y, pass 2*y - 1" : "map the two classes to -1 and +1, e.g. 2*y - 1 for 0/1 labels")
        }
    }

    struct HingeTerms: IndexedTerms {
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
        let (c, idx) = try multiclassHingeInputs(s, y, margin: margin, p: p)
        let losses: [Double] = s.data.withUnsafeBufferPointer { x in
            idx.withUnsafeBufferPointer { ix in
                TermKernel.fill(ix.count, work: ix.count * c,
                               MulticlassHingeRowTerms(x: x, ix: ix, c: c, margin: margin, p: p, variant: variant))
            }
        }
        return TermKernel.reduceSamples(losses, shape: Array(s.shape.dropLast()), reduction)
    }

    /// The checked arguments of multiclass_hinge: the number of classes and the class indices.
    static func multiclassHingeInputs(_ s: Tensor, _ y: Tensor, margin: Double, p: Double) throws -> (c: Int, indices: [Int]) {
        let fn = "multiclass_hinge"
        try TermKernel.requireIndices(fn, s, y, "s", "y", sameShapeHint: "for one-hot targets, pass argmax(y, axis: -1)")
        guard margin.isFinite else { throw CoreError("\(fn): margin must be a finite number, got \(formatNumber(margin))") }
        guard p > 0, p.isFinite else { throw CoreError("\(fn): p must be a positive number (1: hinge, 2: squared hinge), got \(formatNumber(p))") }
        let c = s.shape[s.rank - 1]
        return (c, try TermKernel.classIndices(y, classes: c, ignoreIndex: nil, fn, "y"))
    }

    struct MulticlassHingeRowTerms: IndexedTerms {
        let x: UnsafeBufferPointer<Double>
        let ix: UnsafeBufferPointer<Int>
        let c: Int, margin: Double, p: Double
        let variant: MulticlassHingeVariant
        @inline(__always) func term(_ r: Int) -> Double {
            let base = r * c, k = ix[r]
            let sy = x[base + k]
            switch variant {
            case .westonWatkins:
                return TermKernel.sum(0, c, WestonWatkinsTerms(x: x, base: base, k: k, offset: margin - sy, p: p))
            case .crammerSinger:
                return TermKernel.power(positivePart(margin - sy + wrongClassMax(x, base, c, k)), p)
            }
        }
    }

    /// max_{j≠k} x[base + j] (Crammer–Singer's worst wrong class): nan when one is nan, −inf for one class.
    @inline(__always)
    static func wrongClassMax(_ x: UnsafeBufferPointer<Double>, _ base: Int, _ c: Int, _ k: Int) -> Double {
        var m = -Double.infinity
        for j in 0..<c where j != k {
            let v = x[base + j]
            if v > m || v.isNaN { m = v }
            if m.isNaN { break }
        }
        return m
    }

    /// max(0, margin − s_y + s_j)^p for j ≠ y.
    struct WestonWatkinsTerms: IndexedTerms {
        let x: UnsafeBufferPointer<Double>
        let base: Int, k: Int, offset: Double, p: Double
        @inline(__always) func term(_ j: Int) -> Double {
            j == k ? 0 : TermKernel.power(positivePart(offset + x[base + j]), p)
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
                return TermKernel.power(q, gamma) * ce
            case .poly1:
                if gamma == 0 { return ce + epsilon * q }
                let m = TermKernel.power(q, gamma)
                return m * ce + epsilon * m * q
            case .poly:
                var acc = 0.0
                var j = coefficients.count - 1
                while j >= 0 { acc = (acc + coefficients[j]) * q; j -= 1 }
                return ce + acc
            }
        }
    }

    /// The checked hyperparameters of focal, poly1 and poly (γ, ε, ε1…εN): the loss F(ce, q).
    struct PtSpec {
        let fn: String
        let kind: PtKind
        var gamma = 0.0
        var epsilon = 0.0
        var coefficients: [Double] = []

        static func focal(gamma: Double) throws -> PtSpec {
            guard gamma >= 0, gamma.isFinite else {
                throw CoreError("focal: gamma must be a non-negative number, got \(formatNumber(gamma))")
            }
            return PtSpec(fn: "focal", kind: .focal, gamma: gamma)
        }

        static func poly1(epsilon: Double, gamma: Double) throws -> PtSpec {
            guard epsilon.isFinite else { throw CoreError("poly1: epsilon must be a finite number, got \(formatNumber(epsilon))") }
            guard gamma >= 0, gamma.isFinite else {
                throw CoreError("poly1: gamma must be a non-negative number, got \(formatNumber(gamma))")
            }
            return PtSpec(fn: "poly1", kind: .poly1, gamma: gamma, epsilon: epsilon)
        }

        static func poly(epsilon: Tensor) throws -> PtSpec {
            guard epsilon.rank <= 1 else {
                throw CoreError("poly: epsilon must be a vector [ε1, …, εN] (or a number), got shape \(formatShape(epsilon.shape))")
            }
            if let bad = epsilon.data.first(where: { !$0.isFinite }) {
                throw CoreError("poly: epsilon must hold finite numbers, got \(formatNumber(bad))")
            }
            return PtSpec(fn: "poly", kind: .poly, coefficients: epsilon.data)
        }

        func withForm<R>(_ body: (PtForm) throws -> R) rethrows -> R {
            try coefficients.withUnsafeBufferPointer { cs in
                try body(PtForm(kind: kind, gamma: gamma, epsilon: epsilon, coefficients: cs))
            }
        }
    }

    /// The checked arguments of focal, poly1 and poly: how y is read, and alpha.
    struct PtInputs {
        enum Target {
            /// Binary labels of p's shape (ranges checked in the loss pass, see `UnitDomain`);
            /// alpha broadcast to p's shape, `weighted` when given.
            case binary(alpha: ClsOperand, weighted: Bool, domain: UnitDomain)
            /// Class indices; alpha one weight per class, or nil.
            case indices(c: Int, indices: [Int], alpha: [Double]?)
        }
        let target: Target

        init(_ fn: String, _ p: Tensor, _ y: Tensor, alpha: Tensor?, logits: Bool) throws {
            switch try TermKernel.target(fn, p, y, "p", "y", sameMeaning: "binary labels") {
            case .sameShape:
                let domain = UnitDomain(fn: fn, p: p, y: y, probabilities: !logits)
                let a: ClsOperand = try domain.first {
                    let a = try ClsOperand.make(alpha, default: 1, to: p.shape, fn, "alpha", "p")
                    if alpha != nil, let bad = a.firstViolation({ $0 >= 0 && $0 <= 1 }) {
                        throw CoreError("\(fn): alpha must be in [0, 1] for binary labels (the weight of the positives), got \(formatNumber(bad))")
                    }
                    return a
                }
                target = .binary(alpha: a, weighted: alpha != nil, domain: domain)
            case .indices:
                if !logits { try TermKernel.checkProbabilities(p, fn, "p") }
                let c = p.shape[p.rank - 1]
                let idx = try TermKernel.classIndices(y, classes: c, ignoreIndex: nil, fn, "y")
                let al = try alpha.map { try TermKernel.perClass($0, classes: c, fn, "alpha", allowScalar: true) }
                if let bad = al?.first(where: { !($0 >= 0) || !$0.isFinite }) {
                    throw CoreError("\(fn): alpha must hold non-negative class weights, got \(formatNumber(bad))")
                }
                target = .indices(c: c, indices: idx, alpha: al)
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
                             axis: Int = -1, reduction: Reduction = .mean) throws -> Tensor {
        try ptLoss(p, y, .focal(gamma: gamma), alpha: alpha, logits: logits, axis: axis, reduction: reduction)
    }

    /// Poly-1 loss (Leng et al. 2022): CE + ε·(1 − p_t); with γ > 0 the Poly-1 focal form
    /// −(1 − p_t)^γ·log p_t + ε·(1 − p_t)^{γ+1}. Targets as for `focal`.
    public static func poly1(_ p: Tensor, _ y: Tensor, epsilon: Double = 1, gamma: Double = 0, logits: Bool = false,
                             axis: Int = -1, reduction: Reduction = .mean) throws -> Tensor {
        try ptLoss(p, y, .poly1(epsilon: epsilon, gamma: gamma), alpha: nil, logits: logits, axis: axis, reduction: reduction)
    }

    /// Poly-N loss (Leng et al. 2022): −log p_t + Σ_j ε_j·(1 − p_t)^j, j = 1…N.
    /// Targets as for `focal`.
    public static func poly(_ p: Tensor, _ y: Tensor, epsilon: Tensor = Tensor([1]), logits: Bool = false,
                            axis: Int = -1, reduction: Reduction = .mean) throws -> Tensor {
        try ptLoss(p, y, .poly(epsilon: epsilon), alpha: nil, logits: logits, axis: axis, reduction: reduction)
    }

    static func ptLoss(_ p: Tensor, _ y: Tensor, _ spec: PtSpec, alpha: Tensor?, logits: Bool, axis: Int = -1,
                       reduction: Reduction) throws -> Tensor {
        // binary labels of p's shape are element-wise: the class axis only has to be valid
        if let ax = try ClassAxis.resolve(spec.fn, axis, p, "p"), y.shape != p.shape {
            let (pm, ym) = try ax.rowInputs(spec.fn, p, y, probabilities: !logits, sameMeaning: "binary labels")
            return try ptLoss(pm, ym, spec, alpha: alpha, logits: logits, reduction: reduction)
        }
        let a = try PtInputs(spec.fn, p, y, alpha: alpha, logits: logits)
        return try spec.withForm { form in try ptLoss(p, y, a, form, logits: logits, reduction: reduction) }
    }

    static func ptLoss(_ p: Tensor, _ y: Tensor, _ inputs: PtInputs, _ form: PtForm, logits: Bool,
                       reduction: Reduction) throws -> Tensor {
        switch inputs.target {
        case .binary(let a, let weighted, let domain):
            let (out, nan) = p.data.withUnsafeBufferPointer { pp in
                y.data.withUnsafeBufferPointer { yp in
                    if !weighted {
                        return TermKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: !logits,
                            k: PtBinaryTerms(p: pp, y: yp, alpha: ClsUnit(), weighted: false, logits: logits, form: form)))
                    }
                    return a.with { ap in
                        TermKernel.reduceElementwiseFlagged(p.shape, reduction, ClsDomainGuard(
                            p: pp, y: yp, probabilities: !logits,
                            k: PtBinaryTerms(p: pp, y: yp, alpha: ap, weighted: true, logits: logits, form: form)))
                    }
                }
            }
            if nan { try domain.check() }
            return out
        case .indices(let c, let idx, let al):
            let losses: [Double] = p.data.withUnsafeBufferPointer { x in
                idx.withUnsafeBufferPointer { ix in
                    guard let al = al else {
                        return TermKernel.fill(ix.count, work: ix.count * c,
                                              PtIndexRowTerms(x: x, ix: ix, c: c, logits: logits, form: form, alpha: ClsUnit()))
                    }
                    return al.withUnsafeBufferPointer { ab in
                        TermKernel.fill(ix.count, work: ix.count * c,
                                       PtIndexRowTerms(x: x, ix: ix, c: c, logits: logits, form: form, alpha: ClsVec(buf: ab)))
                    }
                }
            }
            return TermKernel.reduceSamples(losses, shape: Array(p.shape.dropLast()), reduction)
        }
    }

    /// Class indices, softmax-style: log p_t = log p[y] (clamped) or x_y − logsumexp(x);
    /// q = 1 − p[y] or −expm1(log p_t).
    struct PtIndexRowTerms<A: ClsOperandAccess>: IndexedTerms {
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
                lp = TermKernel.clampedLog(x[base + k])
                q = 1 - x[base + k]
            }
            return alpha[k] * form.value(-lp, q)
        }
    }

    /// Binary labels per element: ce is the binary cross-entropy, q = 1 − p_t = y·(1−p) + (1−y)·p
    /// (σ(−x)·y + σ(x)·(1−y) for logits, without cancellation).
    struct PtBinaryTerms<A: ClsOperandAccess>: IndexedTerms {
        let p, y: UnsafeBufferPointer<Double>
        let alpha: A
        let weighted: Bool
        let logits: Bool
        let form: PtForm
        @inline(__always) func term(_ i: Int) -> Double {
            let v = p[i], t = y[i]
            let ce: Double, q: Double
            if logits {
                let s = TermKernel.sigmoidParts(v)
                ce = (1 - t) * v - s.logSigmoid
                q = t * s.sigmoidNeg + (1 - t) * s.sigmoid
            } else {
                // a hard label needs one log only (as in bce: the other term is a signed zero)
                if t == 1 {
                    ce = -TermKernel.clampedLog(v)
                } else if t == 0 {
                    ce = -TermKernel.clampedLog1m(v)
                } else {
                    ce = -(t * TermKernel.clampedLog(v) + (1 - t) * TermKernel.clampedLog1m(v))
                }
                q = t * (1 - v) + (1 - t) * v
            }
            let loss = form.value(ce, q)
            if !weighted { return loss }
            let a = alpha[i]
            return (a * t + (1 - a) * (1 - t)) * loss
        }

        static var vectorised: Bool { true }

        /// ce and q four at a time (VecMath: the same values as `term`), the form lane by lane.
        @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
            typealias V = SIMD4<Double>
            let v = VecExp.load(p.baseAddress! + i), t = VecExp.load(y.baseAddress! + i)
            let one = V(repeating: 1)
            let ce: V, q: V
            if logits {
                let s = TermKernel.sigmoidParts4(v)
                ce = (one - t) * v - s.logSigmoid
                q = t * s.sigmoidNeg + (one - t) * s.sigmoid
            } else {
                let zero = t .== V(repeating: 0)
                if !all(zero .| (t .== one)) { return V(term(i), term(i + 1), term(i + 2), term(i + 3)) }
                ce = -TermKernel.clampedLogs4(v, oneMinus: zero)
                q = t * (one - v) + (one - t) * v
            }
            var out = V()
            for l in 0..<4 {
                let loss = form.value(ce[l], q[l])
                if weighted {
                    let a = alpha[i + l], tl = t[l]
                    out[l] = (a * tl + (1 - a) * (1 - tl)) * loss
                } else {
                    out[l] = loss
                }
            }
            return out
        }
    }
}

/// The range checks of an element-wise loss on probabilities p (when `probabilities`) and
/// labels or probabilities y, all in [0, 1]. They ride along in the loss pass (ClsDomainGuard
/// gives nan for an element out of range) and run on their own only when a nan came out, or
/// before another argument's error (`first`), so that the first error reported is the same as
/// with the checks up front.
struct UnitDomain {
    let fn: String
    let p, y: Tensor
    let probabilities: Bool

    func check() throws {
        if probabilities { try TermKernel.checkProbabilities(p, fn, "p") }
        try TermKernel.checkUnitTargets(y, fn, "y")
    }

    /// `body`'s value; when it throws, these checks run first.
    func first<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch {
            try check()
            throw error
        }
    }
}
