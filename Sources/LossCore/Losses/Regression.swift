import Foundation

// Regression losses (docs/reference.md §4.5): element-wise, every element is a sample.
//
// Each loss is one fused pass over its inputs (no temporaries): the per-element
// loss is computed, multiplied by the optional weight and, for "mean"/"sum",
// summed per block of 4096 values with pairwise summation (Summation), the block
// sums then summed pairwise again. Blocks are fixed, so the result does not
// depend on the number of threads; above ~1M elements the blocks are split
// across the cores. Inputs of the same shape (or scalars) take a flat fast path;
// other shapes broadcast like torch (NumPy rules) through a strided walk.

extension Losses {
    /// Mean absolute error, torch `l1_loss`: abs(pred − y) per element.
    public static func mae(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("mae", AbsoluteError(), pred, y, weight: weight, reduction: reduction)
    }

    /// Mean squared error, torch `mse_loss`: (pred − y)² per element.
    public static func mse(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("mse", SquaredError(), pred, y, weight: weight, reduction: reduction)
    }

    /// Root mean squared error: √ of the reduced squared error (√ after the mean).
    /// "sum" gives √Σ w·e² (the Euclidean norm of the error when unweighted);
    /// "none" gives √(w·e²) per element, i.e. abs(e) when unweighted.
    public static func rmse(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        var t = try Elementwise.run("rmse", SquaredError(), pred, y, weight: weight, reduction: reduction)
        t.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = p[i].squareRoot() }
        }
        return t
    }

    /// Huber loss, torch `huber_loss`: ½e² for abs(e) ≤ δ, else δ·(abs(e) − ½δ).
    public static func huber(_ pred: Tensor, _ y: Tensor, delta: Double = 1, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("huber", HuberError(delta: checkedDelta(delta)), pred, y, weight: weight, reduction: reduction)
    }

    /// Smooth L1, torch `smooth_l1_loss`: ½e²/β for abs(e) < β, else abs(e) − ½β; β = 0 is L1.
    public static func smoothL1(_ pred: Tensor, _ y: Tensor, beta: Double = 1, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("smooth_l1", SmoothL1Error(beta: checkedBeta(beta)), pred, y, weight: weight, reduction: reduction)
    }

    /// huber's δ, checked: a positive number.
    static func checkedDelta(_ delta: Double) throws -> Double {
        guard delta > 0, delta.isFinite else {
            throw CoreError("huber: delta must be a positive number, got \(formatNumber(delta))")
        }
        return delta
    }

    /// smooth_l1's β, checked: a non-negative number.
    static func checkedBeta(_ beta: Double) throws -> Double {
        guard beta >= 0, beta.isFinite else {
            throw CoreError("smooth_l1: beta must be a non-negative number, got \(formatNumber(beta))")
        }
        return beta
    }

    /// log cosh(pred − y), stable for large errors (Keras `LogCosh`).
    public static func logCosh(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        try Elementwise.run("log_cosh", LogCoshError(), pred, y, weight: weight, reduction: reduction)
    }

    /// Poisson negative log-likelihood, torch `poisson_nll_loss`:
    /// exp(input) − y·input (`logInput`), or input − y·log(input + eps);
    /// `full` adds the Stirling term y·log y − y + ½log(2πy) where y > 1.
    public static func poissonNLL(_ input: Tensor, _ y: Tensor, logInput: Bool = true, full: Bool = false, eps: Double = 1e-8,
                                  weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        if logInput {
            return try Elementwise.run("poisson_nll", PoissonLogInput(full: full), input, y, names: ("input", "y"),
                                       weight: weight, reduction: reduction)
        }
        return try Elementwise.run("poisson_nll", PoissonRate(full: full, eps: eps), input, y, names: ("input", "y"),
                                   weight: weight, reduction: reduction)
    }

    /// Gaussian negative log-likelihood, torch `gaussian_nll_loss`:
    /// ½(log max(var, eps) + (input − y)²/max(var, eps)) [+ ½log 2π with `full`].
    ///
    /// `var` has the shape of `input` (heteroscedastic), or that shape without its last
    /// axis, or the same rank with exactly one axis of size 1 where input's differs
    /// (homoscedastic), or is a number (one variance for all). Negative entries are errors.
    public static func gaussianNLL(_ input: Tensor, _ y: Tensor, variance: Tensor, full: Bool = false, eps: Double = 1e-6,
                                   weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        let v = try gaussianVariance(input, variance)
        return try Elementwise.run("gaussian_nll", GaussianNLL(full: full, eps: eps), input, y, names: ("input", "y"),
                                   third: (name: "var", tensor: v), weight: weight, reduction: reduction)
    }

    /// gaussian_nll's `var`, checked (non-negative, one of the shapes it may have) and shaped to
    /// broadcast with input: one variance per row becomes a column [rows…, 1] (torch unsqueezes it).
    static func gaussianVariance(_ input: Tensor, _ variance: Tensor) throws -> Tensor {
        for (i, v) in variance.data.enumerated() where v < 0 {
            throw CoreError("gaussian_nll: var must be non-negative, got \(formatNumber(v))"
                            + (variance.count > 1 ? " at element \(i)" : ""),
                            hint: "var is a variance (σ²); pass its square if you have a standard deviation")
        }
        if variance.isScalar || variance.shape == input.shape { return variance }
        let ishape = input.shape, vshape = variance.shape
        if !ishape.isEmpty && Array(ishape.dropLast()) == vshape {
            return Tensor(shape: vshape + [1], data: variance.data)
        }
        if ishape.count == vshape.count, zip(ishape, vshape).reduce(0, { $0 + ($1.0 != $1.1 ? $1.1 : 0) }) == 1 {
            return variance   // same rank, one axis of size 1 where input's differs: broadcasts
        }
        let expected: String
        if ishape.isEmpty {
            expected = "a number"
        } else {
            let rows = Array(ishape.dropLast())
            expected = "\(formatShape(ishape)) (one variance per element), \(formatShape(rows)) or input's shape "
                + "with one axis set to 1 such as \(formatShape(rows + [1])) (shared variances), or a number"
        }
        throw CoreError("gaussian_nll: var of shape \(formatShape(vshape)) does not fit input of shape \(formatShape(ishape)); expected \(expected)")
    }
}

// MARK: - Per-element kernels

/// The loss of one element from prediction x, target y and a third input z (var for gaussian_nll).
@usableFromInline
protocol PointwiseLoss {
    func value(_ x: Double, _ y: Double, _ z: Double) -> Double
}

@usableFromInline struct AbsoluteError: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double { Swift.abs(x - y) }
}

@usableFromInline struct SquaredError: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double { let d = x - y; return d * d }
}

@usableFromInline struct HuberError: PointwiseLoss {
    let delta: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let a = Swift.abs(x - y)
        return a < delta ? 0.5 * a * a : delta * (a - 0.5 * delta)
    }
}

@usableFromInline struct SmoothL1Error: PointwiseLoss {
    let beta: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let a = Swift.abs(x - y)
        return a < beta ? 0.5 * a * a / beta : a - 0.5 * beta
    }
}

@usableFromInline struct LogCoshError: PointwiseLoss {
    static let log2 = Foundation.log(2.0)
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let a = Swift.abs(x - y)
        if a < 1 {
            // log cosh a = log1p(cosh a − 1) = log1p(2 sinh²(a/2)): no cancellation for small a
            let s = Foundation.sinh(0.5 * a)
            return Foundation.log1p(2 * s * s)
        }
        // log cosh a = a + log1p(e^{−2a}) − log 2: no overflow for large a
        return a + Foundation.log1p(Foundation.exp(-2 * a)) - LogCoshError.log2
    }
}

/// Stirling term of poisson_nll's `full`: y·log y − y + ½log(2πy) where y > 1, else 0 (torch).
@inline(__always)
func stirlingTerm(_ y: Double) -> Double {
    if y <= 1 { return 0 }
    return y * Foundation.log(y) - y + 0.5 * Foundation.log(2 * Double.pi * y)
}

@usableFromInline struct PoissonLogInput: PointwiseLoss {
    let full: Bool
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let l = Foundation.exp(x) - y * x
        return full ? l + stirlingTerm(y) : l
    }
}

@usableFromInline struct PoissonRate: PointwiseLoss {
    let full: Bool
    let eps: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let l = x - y * Foundation.log(x + eps)
        return full ? l + stirlingTerm(y) : l
    }
}

@usableFromInline struct GaussianNLL: PointwiseLoss {
    let full: Bool
    let eps: Double
    static let halfLog2Pi = 0.5 * Foundation.log(2 * Double.pi)
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let v = z < eps ? eps : z          // torch clamp_(min: eps); nan stays nan
        let d = x - y
        let l = 0.5 * (Foundation.log(v) + d * d / v)
        return full ? l + GaussianNLL.halfLog2Pi : l
    }
}

// MARK: - The element-wise engine

@usableFromInline
enum Elementwise {
    /// Elements per block of the pairwise sum (and unit of work of the threads).
    static let block = 4096


    /// Broadcasts the operands, checks the weight, and runs `kernel` with `reduction`.
    static func run<K: PointwiseLoss>(_ name: String, _ kernel: K, _ a: Tensor, _ b: Tensor,
                                      names: (String, String) = ("pred", "y"),
                                      third: (name: String, tensor: Tensor)? = nil,
                                      weight: Tensor?, reduction: Reduction) throws -> Tensor {
        guard var shape = Broadcast.shape(a.shape, b.shape) else {
            throw CoreError("\(name): \(names.0) and \(names.1) must have the same shape (or shapes that broadcast), got \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
        let c = third?.tensor ?? Tensor(scalar: 0)
        if let t = third {
            guard let s = Broadcast.shape(shape, t.tensor.shape) else {
                throw CoreError("\(name): \(t.name) of shape \(formatShape(t.tensor.shape)) does not broadcast with \(names.0) and \(names.1) of shape \(formatShape(shape))")
            }
            shape = s
        }
        let w = weight ?? Tensor(scalar: 1)
        if let wt = weight, Broadcast.shape(shape, wt.shape) != shape {
            throw CoreError("\(name): weight must have the shape of the loss \(formatShape(shape)) or broadcast to it, got \(formatShape(wt.shape))")
        }
        let n = try Tensor.checkedCount(shape)
        let ops = [a, b, c, w]
        let fast = ops.allSatisfy { $0.shape == shape || $0.count == 1 }
        let steps = ops.map { $0.count == 1 ? 0 : 1 }
        let strides = fast ? [] : ops.flatMap { Broadcast.strides($0.shape, to: shape) }
        let outStrides = Tensor.strides(of: shape)

        if n == 0 {
            switch reduction {
            case .none: return Tensor(shape: shape, data: [])
            case .sum: return Tensor(scalar: 0)
            case .mean: return Tensor(scalar: .nan)   // torch: mean over no elements
            }
        }
        return a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeBufferPointer { pc in
                    w.data.withUnsafeBufferPointer { pw in
                        // n > 0, so every operand holds at least one element
                        guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress, let w = pw.baseAddress else {
                            return Tensor(scalar: .nan)  // unreachable
                        }
                        let src = Operands(a: a, b: b, c: c, w: w,
                                           sa: steps[0], sb: steps[1], sc: steps[2], sw: steps[3],
                                           shape: shape, outStrides: outStrides, strides: strides, fast: fast)
                        return reduce(kernel, src, n: n, shape: shape, reduction: reduction)
                    }
                }
            }
        }
    }

    /// Base pointers and how to walk them: flat steps (0 or 1) on the fast path,
    /// broadcast strides (4 × rank, operand-major) otherwise.
    struct Operands {
        let a, b, c, w: UnsafePointer<Double>
        let sa, sb, sc, sw: Int
        let shape: [Int]
        let outStrides: [Int]
        let strides: [Int]
        let fast: Bool
    }

    /// Writes the weighted losses of output elements start..<start+count to `out`.
    @inline(__always)
    static func fill<K: PointwiseLoss>(_ k: K, _ o: Operands, start: Int, count: Int, out: UnsafeMutablePointer<Double>) {
        if o.fast {
            let a = o.a, b = o.b, c = o.c, w = o.w
            if o.sa == 1 && o.sb == 1 && o.sc == 0 && o.sw == 0 {
                // the common case: two full operands, no third input, no or scalar weight
                let z = c[0], wv = w[0]
                let pa = a + start, pb = b + start
                if wv == 1 {
                    for j in 0..<count { out[j] = k.value(pa[j], pb[j], z) }
                } else {
                    for j in 0..<count { out[j] = k.value(pa[j], pb[j], z) * wv }
                }
                return
            }
            let sa = o.sa, sb = o.sb, sc = o.sc, sw = o.sw
            for j in 0..<count {
                let i = start + j
                out[j] = k.value(a[i &* sa], b[i &* sb], c[i &* sc]) * w[i &* sw]
            }
            return
        }
        // broadcast walk: multi-index of `start`, then odometer steps
        let r = o.shape.count
        var idx = [Int](repeating: 0, count: r)
        var offA = 0, offB = 0, offC = 0, offW = 0
        var rem = start
        let st = o.strides
        for d in 0..<r {
            let i = rem / o.outStrides[d]
            rem -= i * o.outStrides[d]
            idx[d] = i
            offA += i * st[d]; offB += i * st[r + d]; offC += i * st[2 * r + d]; offW += i * st[3 * r + d]
        }
        let last = r - 1
        let ia = st[last], ib = st[r + last], ic = st[2 * r + last], iw = st[3 * r + last]
        let inner = o.shape[last]
        var j = 0
        while j < count {
            // run along the innermost axis
            let run = Swift.min(inner - idx[last], count - j)
            var xa = offA, xb = offB, xc = offC, xw = offW
            for q in 0..<run {
                out[j + q] = k.value(o.a[xa], o.b[xb], o.c[xc]) * o.w[xw]
                xa += ia; xb += ib; xc += ic; xw += iw
            }
            j += run
            if j >= count { break }
            // step to the start of the next row
            offA += (inner - idx[last]) * ia; offB += (inner - idx[last]) * ib
            offC += (inner - idx[last]) * ic; offW += (inner - idx[last]) * iw
            offA -= inner * ia; offB -= inner * ib; offC -= inner * ic; offW -= inner * iw
            idx[last] = 0
            var d = last - 1
            while d >= 0 {
                idx[d] += 1
                offA += st[d]; offB += st[r + d]; offC += st[2 * r + d]; offW += st[3 * r + d]
                if idx[d] < o.shape[d] { break }
                offA -= st[d] * o.shape[d]; offB -= st[r + d] * o.shape[d]
                offC -= st[2 * r + d] * o.shape[d]; offW -= st[3 * r + d] * o.shape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }

    /// Number of workers for n elements.
    static func workers(_ n: Int) -> Int {
        n < Kernels.parallelThreshold ? 1 : Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, 16))
    }

    static func reduce<K: PointwiseLoss>(_ k: K, _ o: Operands, n: Int, shape: [Int], reduction: Reduction) -> Tensor {
        let blocks = (n + block - 1) / block
        let nw = Swift.min(workers(n), blocks)
        // blocks start..<end of worker t
        let range: (Int) -> Range<Int> = { t in (blocks * t / nw)..<(blocks * (t + 1) / nw) }
        switch reduction {
        case .none:
            // every element is written by exactly one block: no zero-fill needed
            let out = [Double](unsafeUninitializedCapacity: n) { po, initialized in
                initialized = 0
                guard let base = po.baseAddress else { return }
                let work: (Int) -> Void = { t in
                    for bi in range(t) {
                        let s = bi * block
                        if Interruption.requested { (base + s).initialize(repeating: 0, count: Swift.min(block, n - s)); continue }
                        fill(k, o, start: s, count: Swift.min(block, n - s), out: base + s)
                    }
                }
                if nw == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: nw, execute: work) }
                initialized = n
            }
            return Tensor(shape: shape, data: out)
        case .sum, .mean:
            var sums = [Double](repeating: 0, count: blocks)
            sums.withUnsafeMutableBufferPointer { ps in
                guard let sbase = ps.baseAddress else { return }
                let work: (Int) -> Void = { t in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: block) { buf in
                        guard let bb = buf.baseAddress else { return }
                        for bi in range(t) {
                            if Interruption.requested { break }   // Ctrl-C: the result is discarded
                            let s = bi * block
                            let m = Swift.min(block, n - s)
                            fill(k, o, start: s, count: m, out: bb)
                            sbase[bi] = Summation.pairwise(UnsafePointer(bb), m, stride: 1)
                        }
                    }
                }
                if nw == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: nw, execute: work) }
            }
            let total = Summation.sum(sums)
            return Tensor(scalar: reduction == .sum ? total : total / Double(n))
        }
    }
}
