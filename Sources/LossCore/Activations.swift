import Foundation

/// Activations (docs/reference.md §3, §4.1) in numerically stable forms, on numbers and on tensors.
public enum Activations {
    // MARK: Scalars

    /// 1 / (1 + e^−x), without overflow for large |x|.
    @inline(__always)
    public static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// log σ(x) = −softplus(−x), stable for large |x|.
    @inline(__always)
    public static func logSigmoid(_ x: Double) -> Double {
        x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
    }

    /// torch's softplus with beta = 1, threshold = 20: x above 20, else log(1 + e^x).
    @inline(__always)
    public static func softplus(_ x: Double) -> Double {
        x > 20 ? x : log1p(exp(x))
    }

    /// Exact GELU, x·Φ(x), computed as ½·x·erfc(−x/√2), which equals torch's
    /// ½·x·(1 + erf(x/√2)) and keeps its accuracy for very negative x.
    @inline(__always)
    public static func gelu(_ x: Double) -> Double {
        0.5 * x * erfc(-x * 0.70710678118654752440)
    }

    /// max(0, x); nan stays nan (as torch.relu).
    @inline(__always)
    public static func relu(_ x: Double) -> Double { x > 0 || x.isNaN ? x : 0 }

    // MARK: Tensors

    public static func sigmoid(_ x: Tensor) throws -> Tensor { try Kernels.unary(x) { sigmoid($0) } }
    public static func logSigmoid(_ x: Tensor) throws -> Tensor { try Kernels.unary(x) { logSigmoid($0) } }
    public static func softplus(_ x: Tensor) throws -> Tensor { try Kernels.unary(x) { softplus($0) } }
    public static func gelu(_ x: Tensor) throws -> Tensor { try Kernels.unary(x) { gelu($0) } }
    public static func relu(_ x: Tensor) throws -> Tensor { try Kernels.unary(x) { relu($0) } }

    /// x for x > 0, slope·x otherwise (torch leaky_relu, default slope 0.01).
    public static func leakyRelu(_ x: Tensor, slope: Double = 0.01) throws -> Tensor {
        try Kernels.unary(x) { $0 > 0 ? $0 : $0 * slope }
    }

    /// exp(x − max) / Σ exp(x − max) along `axis`.
    public static func softmax(_ x: Tensor, axis: Int = -1, what: String = "softmax") throws -> Tensor {
        try along(x, axis, what, log: false)
    }

    /// x − max − log Σ exp(x − max) along `axis`: log_softmax([1000, 0]) == [0, -1000].
    public static func logSoftmax(_ x: Tensor, axis: Int = -1, what: String = "log_softmax") throws -> Tensor {
        try along(x, axis, what, log: true)
    }

    private static func along(_ x: Tensor, _ axis: Int, _ what: String, log takeLog: Bool) throws -> Tensor {
        let L = try x.layout(axis: axis, keepdims: true, what)
        let n = x.count
        var out = try Memory.doubles(n)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let p = src.baseAddress, let o = dst.baseAddress, L.n > 0 else { return }
                Reduce.forLanes(L) { start, stride, _ in
                    var m = -Double.infinity
                    for k in 0..<L.n { m = nanMax(m, p[start + k * stride]) }
                    if takeLog {
                        let s = Reduce.pairwise(p + start, L.n, stride: stride) { exp($0 - m) }
                        let c = Foundation.log(s)
                        for k in 0..<L.n { o[start + k * stride] = (p[start + k * stride] - m) - c }
                    } else {
                        for k in 0..<L.n { o[start + k * stride] = exp(p[start + k * stride] - m) }
                        let s = Reduce.pairwise(UnsafePointer(o + start), L.n, stride: stride) { $0 }
                        for k in 0..<L.n { o[start + k * stride] /= s }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }
}
