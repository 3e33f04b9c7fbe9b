import Foundation

// The first-order methods of `minimize` (docs/reference.md §7) as one step over flat
// parameter buffers, following PyTorch 2.15's single-tensor paths operation by operation:
//   gd, momentum   torch/optim/sgd.py       _single_tensor_sgd     (dampening 0)
//   adam, adamw    torch/optim/adam.py      _single_tensor_adam    (amsgrad off; adamw is
//                                           Adam with decoupled_weight_decay=True)
//   rmsprop        torch/optim/rmsprop.py   _single_tensor_rmsprop
// Rounding follows ATen's CPU kernels, which are compiled with FMA contraction (checked on
// torch 2.15, AVX2): `a.add(b, alpha: s)` is fma(s, b, a), `addcmul(a, b, c, value: s)` is
// fma(s·b, c, a), `lerp(a, b, w)` is fma(w, b − a, a) for |w| < 0.5 and fma(−(b − a), 1 − w, b)
// otherwise, `addcdiv(a, b, c, value: s)` is a + (s·b)/c; the bias corrections are Python
// floats (`beta ** step` is pow). torch's sqrt is not always correctly rounded (1 ulp), so
// trajectories agree to rounding, not bit for bit. Each step is O(n), allocation-free.

/// The state of a first-order method over `count` parameters; `step` updates x in place.
public struct FirstOrderOptimizer {
    public let options: OptimOptions
    public let count: Int
    /// Steps taken (torch's `state["step"]`).
    public private(set) var stepCount = 0
    /// momentum: the momentum buffer; adam/adamw: exp_avg; rmsprop: square_avg.
    private var buf1: [Double]
    /// adam/adamw: exp_avg_sq; rmsprop: grad_avg (centered).
    private var buf2: [Double]
    /// rmsprop: the momentum buffer.
    private var buf3: [Double]

    /// A fresh optimizer (torch's state before the first step). `options` are validated.
    public init(options: OptimOptions, count: Int) throws {
        guard options.method.isFirstOrder else {
            throw CoreError("minimize: \"\(options.method.rawValue)\" is not a first-order method")
        }
        guard count >= 0 else { throw CoreError("minimize: the parameter count must be ≥ 0, got \(count)") }
        try options.validate()
        self.options = options
        self.count = count
        let o = options
        buf1 = []
        buf2 = []
        buf3 = []
        switch o.method {
        case .momentum where o.momentum != 0:
            buf1 = try Memory.doubles(count)
        case .adam, .adamw:
            buf1 = try Memory.doubles(count)
            buf2 = try Memory.doubles(count)
        case .rmsprop:
            buf1 = try Memory.doubles(count)
            if o.centered { buf2 = try Memory.doubles(count) }
            if o.momentum > 0 { buf3 = try Memory.doubles(count) }
        default: break
        }
    }

    /// One step of the method: x ← update(x, g). `x` and `gradient` hold `count` values.
    public mutating func step(_ x: inout [Double], gradient: [Double]) throws {
        guard x.count == count, gradient.count == count else {
            throw CoreError("minimize: the optimizer holds \(count) parameters, got x of \(x.count) and a gradient of \(gradient.count)")
        }
        gradient.withUnsafeBufferPointer { g in
            x.withUnsafeMutableBufferPointer { xp in step(xp, g) }
        }
    }

    /// One step over raw buffers of `count` values each (no checks beyond the counts).
    public mutating func step(_ x: UnsafeMutableBufferPointer<Double>, _ g: UnsafeBufferPointer<Double>) {
        precondition(x.count == count && g.count == count, "FirstOrderOptimizer.step: buffer sizes")
        let o = options
        let first = stepCount == 0
        stepCount += 1
        let n = count
        switch o.method {
        case .gd, .momentum:
            // _single_tensor_sgd
            let wd = o.weightDecay, mom = o.method == .momentum ? o.momentum : 0, negLr = -o.lr
            let nesterov = o.nesterov
            buf1.withUnsafeMutableBufferPointer { buf in
                for i in 0..<n {
                    var gi = g[i]
                    if wd != 0 { gi = gi.addingProduct(wd, x[i]) }               // grad.add(param, alpha=wd)
                    if mom != 0 {
                        let b = first ? gi : (buf[i] * mom).addingProduct(1, gi) // buf.mul_(m).add_(grad, alpha=1)
                        buf[i] = b
                        gi = nesterov ? gi.addingProduct(mom, b) : b             // grad.add(buf, alpha=m) | buf
                    }
                    x[i] = x[i].addingProduct(negLr, gi)                          // param.add_(grad, alpha=-lr)
                }
            }
        case .adam, .adamw:
            // _single_tensor_adam (amsgrad=False, capturable=False, differentiable=False)
            let decoupled = o.method == .adamw
            let wd = o.weightDecay, beta1 = o.beta1, beta2 = o.beta2, eps = o.eps
            let step = Double(stepCount)
            let biasCorrection1 = 1 - pow(beta1, step)
            let biasCorrection2 = 1 - pow(beta2, step)
            let stepSize = o.lr / biasCorrection1
            let biasCorrection2Sqrt = pow(biasCorrection2, 0.5)
            let decay = 1 - o.lr * wd
            let w1 = 1 - beta1, w2 = 1 - beta2, negStepSize = -stepSize
            buf1.withUnsafeMutableBufferPointer { m in
                buf2.withUnsafeMutableBufferPointer { v in
                    for i in 0..<n {
                        var gi = g[i]
                        if wd != 0 {
                            if decoupled { x[i] = x[i] * decay }                  // param.mul_(1 - lr*wd)
                            else { gi = gi.addingProduct(wd, x[i]) }              // grad.add(param, alpha=wd)
                        }
                        m[i] = FirstOrderOptimizer.lerp(m[i], gi, w1)             // exp_avg.lerp_(grad, 1-beta1)
                        v[i] = (v[i] * beta2).addingProduct(w2 * gi, gi)          // mul_(b2).addcmul_(g, g, value=1-b2)
                        let denom = v[i].squareRoot() / biasCorrection2Sqrt + eps // (sqrt()/bc2_sqrt).add_(eps)
                        x[i] = x[i] + (negStepSize * m[i]) / denom                // addcdiv_(m, denom, value=-step_size)
                    }
                }
            }
        case .rmsprop:
            // _single_tensor_rmsprop
            let wd = o.weightDecay, alpha = o.alpha, eps = o.eps, mom = o.momentum, negLr = -o.lr
            let centered = o.centered, w = 1 - alpha
            buf1.withUnsafeMutableBufferPointer { sq in
                buf2.withUnsafeMutableBufferPointer { ga in
                    buf3.withUnsafeMutableBufferPointer { buf in
                        for i in 0..<n {
                            var gi = g[i]
                            if wd != 0 { gi = gi.addingProduct(wd, x[i]) }        // grad.add(param, alpha=wd)
                            sq[i] = (sq[i] * alpha).addingProduct(w * gi, gi)     // mul_(alpha).addcmul_(g, g, value=1-alpha)
                            var avg: Double
                            if centered {
                                ga[i] = FirstOrderOptimizer.lerp(ga[i], gi, w)    // grad_avg.lerp_(grad, 1-alpha)
                                avg = sq[i].addingProduct(-1 * ga[i], ga[i]).squareRoot() // addcmul(ga, ga, value=-1).sqrt_()
                            } else {
                                avg = sq[i].squareRoot()
                            }
                            avg = avg + eps                                       // avg.add_(eps)
                            if mom > 0 {
                                buf[i] = buf[i] * mom + (1 * gi) / avg            // buf.mul_(m).addcdiv_(grad, avg)
                                x[i] = x[i].addingProduct(negLr, buf[i])          // param.add_(buf, alpha=-lr)
                            } else {
                                x[i] = x[i] + (negLr * gi) / avg                  // param.addcdiv_(grad, avg, value=-lr)
                            }
                        }
                    }
                }
            }
        case .lbfgs:
            break
        }
    }

    /// ATen's lerp (aten/src/ATen/native/Lerp.h) as compiled on CPU (with FMA).
    @inline(__always)
    static func lerp(_ a: Double, _ b: Double, _ w: Double) -> Double {
        let d = b - a
        return Swift.abs(w) < 0.5 ? a.addingProduct(w, d) : b.addingProduct(-d, 1 - w)
    }
}
