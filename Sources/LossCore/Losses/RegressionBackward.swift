import Foundation

// Analytic backward passes of the regression losses (docs/reference.md §4.5), for `grad`.
//
// Each takes the forward arguments and the gradient `upstream` of the final result with
// respect to the loss's output (a number for "mean"/"sum", the broadcast shape of the
// inputs for "none"), and returns the gradient of each differentiable input, keyed by its
// documented parameter name ("pred"/"input", "y", "var"), in that input's shape. `wrt` names the
// inputs to differentiate (nil: all of them); the others are not computed. `weight` is a
// constant: it has no gradient.
//
// Each gradient is one fused pass over the inputs through the forward engine
// (`Elementwise.run` in Regression.swift: flat fast path, broadcast walk, blocks split
// across the cores above ~1M elements) with a derivative kernel in place of the loss:
// the kernel's value is ∂ℓ/∂input per element, scaled by the upstream gradient (÷ n for
// "mean") and multiplied by the weight, so nothing is allocated beyond the gradient
// itself. A gradient for an input that broadcast is summed back to its shape (a single
// number: pairwise, in the same pass).
//
// Conventions, as torch.autograd in float64:
// - mae: sign(e) with sign(0) = 0 (and 0 for nan, as torch's l1_loss backward).
// - huber: e inside [−δ, δ], ±δ outside (continuous: the boundary gives ±δ either way).
// - smooth_l1: e/β inside (−β, β), ±1 outside; β = 0 is l1 (torch routes it to l1_loss).
// - log_cosh: tanh(e).
// - poisson_nll: exp(input) − y (log_input) or 1 − y/(input + eps) for the input;
//   −input or −log(input + eps) for y, plus log y + 1/(2y) where y > 1 with `full`.
//   Where y ≤ 1 the Stirling term is the constant 0, so its gradient is 0. torch gives nan
//   there for y ≤ 0 (its masked_fill comes after log y, and 0·log 0 = nan): a deliberate
//   difference; elsewhere the same as torch.
// - gaussian_nll: (input − y)/v for the input, −(input − y)/v for y and ½(1/v − (input − y)²/v²)
//   for var, with v = max(var, eps). torch clamps a clone of var in place under no_grad, so the
//   gradient reaches var even where it was clamped, computed at v = eps: replicated exactly.
// - rmse = √S with S the reduced weighted squared error: ∂/∂pred = w·e/(n·rmse) ("mean"),
//   w·e/rmse ("sum"), √w·sign(e) ("none", where rmse = √(w·e²) = √w·abs(e)). Where the rmse is
//   0 (a perfect fit) the gradient is 0, not the 0·∞ = nan of torch's sqrt(mse_loss(...)):
//   0 is a subgradient of the norm there and what torch.linalg.vector_norm and abs give.
extension Losses {
    public static func maeBackward(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                   upstream: Tensor, wrt: Set<String>? = nil) throws -> [String: Tensor] {
        try ElementwiseGrad.symmetric("mae", SignGrad(), pred, y, weight: weight, reduction: reduction,
                                      upstream: upstream, wrt: wrt)
    }

    public static func mseBackward(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                   upstream: Tensor, wrt: Set<String>? = nil) throws -> [String: Tensor] {
        try ElementwiseGrad.symmetric("mse", SquaredGrad(), pred, y, weight: weight, reduction: reduction,
                                      upstream: upstream, wrt: wrt)
    }

    /// `output` is the forward result (recomputed when nil).
    public static func rmseBackward(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                    output: Tensor? = nil, upstream: Tensor, wrt: Set<String>? = nil) throws -> [String: Tensor] {
        if reduction == .none {
            // √(w·e²) = √w·abs(e): the weight goes in as the third operand, read by the kernel
            return try ElementwiseGrad.symmetric("rmse", RMSEElementGrad(), pred, y, third: weight ?? Tensor(scalar: 1),
                                                 weight: nil, reduction: .none, upstream: upstream, wrt: wrt)
        }
        let out = try output ?? rmse(pred, y, weight: weight, reduction: reduction)
        guard out.count == 1, upstream.count == 1 else {
            throw CoreError("rmse: internal: the gradient of a \(reduction.rawValue) reduction needs one number, got shapes \(formatShape(out.shape)) and \(formatShape(upstream.shape))")
        }
        // d√S = dS / (2√S); 0 where √S = 0
        let r = out.data[0]
        let u = r == 0 ? 0 : upstream.data[0] / (2 * r)
        return try ElementwiseGrad.symmetric("rmse", SquaredGrad(), pred, y, weight: weight, reduction: reduction,
                                             upstream: Tensor(scalar: u), wrt: wrt)
    }

    public static func huberBackward(_ pred: Tensor, _ y: Tensor, delta: Double = 1, weight: Tensor? = nil,
                                     reduction: Reduction = .mean, upstream: Tensor, wrt: Set<String>? = nil) throws -> [String: Tensor] {
        guard delta > 0, delta.isFinite else {
            throw CoreError("huber: delta must be a positive number, got \(formatNumber(delta))")
        }
        return try ElementwiseGrad.symmetric("huber", HuberGrad(delta: delta), pred, y, weight: weight, reduction: reduction,
                                             upstream: upstream, wrt: wrt)
    }

    public static func smoothL1Backward(_ pred: Tensor, _ y: Tensor, beta: Double = 1, weight: Tensor? = nil,
                                        reduction: Reduction = .mean, upstream: Tensor, wrt: Set<String>? = nil) throws -> [String: Tensor] {
        guard beta >= 0, beta.isFinite else {
            throw CoreError("smooth_l1: beta must be a non-negative number, got \(formatNumber(beta))")
        }
        if beta == 0 {
            return try ElementwiseGrad.symmetric("smooth_l1", SignGrad(), pred, y, weight: weight, reduction: reduction,
                                                 upstream: upstream, wrt: wrt)
        }
        return try ElementwiseGrad.symmetric("smooth_l1", SmoothL1Grad(beta: beta), pred, y, weight: weight,
                                             reduction: reduction, upstream: upstream, wrt: wrt)
    }

    public static func logCoshBackward(_ pred: Tensor, _ y: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean,
                                       upstream: Tensor, wrt: Set<String>? = nil) throws -> [String: Tensor] {
        try ElementwiseGrad.symmetric("log_cosh", TanhGrad(), pred, y, weight: weight, reduction: reduction,
                                      upstream: upstream, wrt: wrt)
    }

    /// Gradients with respect to "input" and "y".
    public static func poissonNLLBackward(_ input: Tensor, _ y: Tensor, logInput: Bool = true, full: Bool = false, eps: Double = 1e-8,
                                          weight: Tensor? = nil, reduction: Reduction = .mean, upstream: Tensor,
                                          wrt: Set<String>? = nil) throws -> [String: Tensor] {
        let name = "poisson_nll"
        var out: [String: Tensor] = [:]
        if wrt?.contains("input") ?? true {
            out["input"] = logInput
                ? try ElementwiseGrad.run(name, PoissonLogInputGrad(), input, y, weight: weight, reduction: reduction,
                                          upstream: upstream, shape: input.shape)
                : try ElementwiseGrad.run(name, PoissonRateGrad(eps: eps), input, y, weight: weight, reduction: reduction,
                                          upstream: upstream, shape: input.shape)
        }
        if wrt?.contains("y") ?? true {
            out["y"] = logInput
                ? try ElementwiseGrad.run(name, PoissonLogInputTargetGrad(full: full), input, y, weight: weight,
                                          reduction: reduction, upstream: upstream, shape: y.shape)
                : try ElementwiseGrad.run(name, PoissonRateTargetGrad(full: full, eps: eps), input, y, weight: weight,
                                          reduction: reduction, upstream: upstream, shape: y.shape)
        }
        return out
    }

    /// Gradients with respect to "input", "y" and "var" (var in its own shape, whichever of
    /// the shapes `gaussianNLL` accepts it has).
    public static func gaussianNLLBackward(_ input: Tensor, _ y: Tensor, variance: Tensor, full: Bool = false, eps: Double = 1e-6,
                                           weight: Tensor? = nil, reduction: Reduction = .mean, upstream: Tensor,
                                           wrt: Set<String>? = nil) throws -> [String: Tensor] {
        let name = "gaussian_nll"
        // input's shape without its last axis: one variance per row, broadcast along the last axis (torch unsqueezes it)
        var v = variance
        if !variance.isScalar, variance.shape != input.shape, !input.shape.isEmpty, Array(input.shape.dropLast()) == variance.shape {
            v = Tensor(shape: variance.shape + [1], data: variance.data)
        }
        var out: [String: Tensor] = [:]
        if wrt?.contains("input") ?? true {
            out["input"] = try ElementwiseGrad.run(name, GaussianMeanGrad(eps: eps), input, y, third: v, weight: weight,
                                                   reduction: reduction, upstream: upstream, shape: input.shape)
        }
        if wrt?.contains("y") ?? true {
            out["y"] = try ElementwiseGrad.run(name, GaussianMeanGrad(eps: eps), y, input, third: v, weight: weight,
                                               reduction: reduction, upstream: upstream, shape: y.shape)
        }
        if wrt?.contains("var") ?? true {
            let gv = try ElementwiseGrad.run(name, GaussianVarGrad(eps: eps), input, y, third: v, weight: weight,
                                             reduction: reduction, upstream: upstream, shape: v.shape)
            out["var"] = Tensor(shape: variance.shape, data: gv.data)
        }
        return out
    }
}

// MARK: - Derivative kernels: ∂ℓ/∂x of the loss of one element (x, y, z)

/// sign(x − y); 0 at 0 and for nan (torch's l1_loss backward).
@usableFromInline struct SignGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let d = x - y
        return (d > 0 ? 1 : 0) - (d < 0 ? 1 : 0)
    }
}

@usableFromInline struct SquaredGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double { 2 * (x - y) }
}

/// rmse with reduction "none": √(z·e²) = √z·abs(e), z the weight: √z·sign(e) (nan stays nan).
@usableFromInline struct RMSEElementGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let d = x - y
        let s = z.squareRoot()
        return d > 0 ? s : (d < 0 ? -s : (d == 0 ? 0 : d))
    }
}

@usableFromInline struct HuberGrad: PointwiseLoss {
    let delta: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let d = x - y
        return d < -delta ? -delta : (d > delta ? delta : d)
    }
}

@usableFromInline struct SmoothL1Grad: PointwiseLoss {
    let beta: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let d = x - y
        return d < -beta ? -1 : (d > beta ? 1 : d / beta)
    }
}

@usableFromInline struct TanhGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double { Foundation.tanh(x - y) }
}

/// d/dy of the Stirling term y·log y − y + ½log(2πy), which is 0 where y ≤ 1.
@inline(__always)
func stirlingDerivative(_ y: Double) -> Double {
    if !(y > 1) { return y.isNaN ? y : 0 }
    return Foundation.log(y) + 0.5 / y
}

@usableFromInline struct PoissonLogInputGrad: PointwiseLoss {
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double { Foundation.exp(x) - y }
}

@usableFromInline struct PoissonLogInputTargetGrad: PointwiseLoss {
    let full: Bool
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        full ? stirlingDerivative(y) - x : -x
    }
}

@usableFromInline struct PoissonRateGrad: PointwiseLoss {
    let eps: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double { 1 - y / (x + eps) }
}

@usableFromInline struct PoissonRateTargetGrad: PointwiseLoss {
    let full: Bool
    let eps: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let l = -Foundation.log(x + eps)
        return full ? l + stirlingDerivative(y) : l
    }
}

/// ∂/∂x of ½(log v + (x − y)²/v), v = max(z, eps): (x − y)/v (with x, y swapped: ∂/∂y).
@usableFromInline struct GaussianMeanGrad: PointwiseLoss {
    let eps: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let v = z < eps ? eps : z
        return (x - y) / v
    }
}

/// ∂/∂z of ½(log v + (x − y)²/v), v = max(z, eps), the clamp passing the gradient (torch).
@usableFromInline struct GaussianVarGrad: PointwiseLoss {
    let eps: Double
    @inline(__always) @usableFromInline func value(_ x: Double, _ y: Double, _ z: Double) -> Double {
        let v = z < eps ? eps : z
        let d = x - y
        return 0.5 * (1 / v - d * d / (v * v))
    }
}

// MARK: - The backward engine

enum ElementwiseGrad {
    /// A kernel times a constant: the upstream gradient, ÷ n for "mean".
    struct Scaled<K: PointwiseLoss>: PointwiseLoss {
        let k: K
        let s: Double
        @inline(__always) func value(_ x: Double, _ y: Double, _ z: Double) -> Double { k.value(x, y, z) * s }
    }

    /// A kernel that ignores z, times z: the weight rides in the third operand's slot when the
    /// upstream gradient (reduction "none") takes the weight's.
    struct TimesThird<K: PointwiseLoss>: PointwiseLoss {
        let k: K
        @inline(__always) func value(_ x: Double, _ y: Double, _ z: Double) -> Double { k.value(x, y, 0) * z }
    }

    /// A loss ℓ(pred − y) with ℓ' odd: ∂/∂y is the same kernel with the operands swapped.
    static func symmetric<K: PointwiseLoss>(_ name: String, _ k: K, _ pred: Tensor, _ y: Tensor, third: Tensor? = nil,
                                            weight: Tensor?, reduction: Reduction, upstream: Tensor,
                                            wrt: Set<String>?) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        if wrt?.contains("pred") ?? true {
            out["pred"] = try run(name, k, pred, y, third: third, weight: weight, reduction: reduction,
                                  upstream: upstream, shape: pred.shape)
        }
        if wrt?.contains("y") ?? true {
            out["y"] = try run(name, k, y, pred, third: third, weight: weight, reduction: reduction,
                               upstream: upstream, shape: y.shape)
        }
        return out
    }

    /// ∂/∂input of reduce(weight ⊙ ℓ(a, b, third)) given g = ∂result/∂reduce(…), where `k`
    /// gives ∂ℓ/∂input per element; returned in `shape`, the shape of that input (the
    /// per-element gradients summed over the axes it was broadcast along).
    static func run<K: PointwiseLoss>(_ name: String, _ k: K, _ a: Tensor, _ b: Tensor, third: Tensor? = nil,
                                      weight: Tensor?, reduction: Reduction, upstream g: Tensor,
                                      shape: [Int]) throws -> Tensor {
        guard var full = Broadcast.shape(a.shape, b.shape) else {
            throw CoreError("\(name): the inputs must have the same shape (or shapes that broadcast), got \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
        if let c = third {
            guard let s = Broadcast.shape(full, c.shape) else {
                throw CoreError("\(name): an input of shape \(formatShape(c.shape)) does not broadcast with shape \(formatShape(full))")
            }
            full = s
        }
        let n = try Tensor.checkedCount(full)
        // one number: sum the per-element gradients (pairwise) in the same pass
        let toNumber = Tensor.count(of: shape) == 1 && n != 1
        let third3 = third.map { (name: "var", tensor: $0) }
        var out: Tensor
        switch reduction {
        case .mean, .sum:
            guard g.count == 1 else {
                throw CoreError("\(name): internal: the gradient of a \(reduction.rawValue) reduction must be one number, got shape \(formatShape(g.shape))")
            }
            let s = reduction == .mean ? g.data[0] / Double(n) : g.data[0]
            out = try Elementwise.run(name, Scaled(k: k, s: s), a, b, third: third3, weight: weight,
                                      reduction: toNumber ? .sum : .none)
        case .none:
            guard g.count == n else {
                throw CoreError("\(name): internal: the gradient of the per-element losses must have shape \(formatShape(full)), got \(formatShape(g.shape))")
            }
            // the upstream gradient takes the weight's slot
            let gf = g.shape == full ? g : Tensor(shape: full, data: g.data)
            if let w = weight, third == nil {
                out = try Elementwise.run(name, TimesThird(k: k), a, b, third: (name: "weight", tensor: w), weight: gf,
                                          reduction: toNumber ? .sum : .none)
            } else if let w = weight {
                // four operands and a weight: a second pass multiplies by the weight in place
                out = try Elementwise.run(name, k, a, b, third: third3, weight: gf, reduction: .none)
                multiply(&out, by: w)
                if toNumber { out = Tensor(scalar: Summation.sum(out.data)) }
            } else {
                out = try Elementwise.run(name, k, a, b, third: third3, weight: gf, reduction: toNumber ? .sum : .none)
            }
        }
        if out.shape == shape { return out }
        if out.count == Tensor.count(of: shape) { return Tensor(shape: shape, data: out.data) }
        return try Tape.sumToShape(out, shape)
    }

    /// t ⊙= w, w broadcast to t's shape.
    static func multiply(_ t: inout Tensor, by w: Tensor) {
        let shape = t.shape
        let st = Broadcast.strides(w.shape, to: shape)
        w.data.withUnsafeBufferPointer { pw in
            t.data.withUnsafeMutableBufferPointer { pt in
                if pw.count == 1 {
                    let x = pw[0]
                    for i in 0..<pt.count { pt[i] *= x }
                } else if pw.count == pt.count {
                    for i in 0..<pt.count { pt[i] *= pw[i] }
                } else {
                    Tensor.walk(shape, st) { i, off in pt[i] *= pw[off] }
                }
            }
        }
    }
}
