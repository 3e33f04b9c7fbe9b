import Foundation

/// Activations (docs/reference.md §3, §4.1) in numerically stable forms, on numbers and on tensors.
public enum Activations {
    // MARK: Scalars

    // sigmoid, log σ and softplus use VecMath's exp and log1p (within 1 ulp of glibc's), four
    // at a time on tensors; a number is lane 0 of the vector form (the same value bit for bit).

    /// 1 / (1 + e^−x), without overflow for large |x|.
    @inline(never)
    public static func sigmoid(_ x: Double) -> Double { sigmoid4(SIMD4(repeating: x))[0] }

    @inline(__always)
    static func sigmoid4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let one = SIMD4<Double>(repeating: 1)
        let e = VecMath.exp4(negAbs(x))
        return (e / (one + e)).replacing(with: one / (one + e), where: x .>= SIMD4(repeating: 0))
    }

    /// log σ(x) = −softplus(−x), stable for large |x|.
    @inline(never)
    public static func logSigmoid(_ x: Double) -> Double { logSigmoid4(SIMD4(repeating: x))[0] }

    @inline(__always)
    static func logSigmoid4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // x ≥ 0: −log1p(e^−x); else x − log1p(e^x)
        let l = VecMath.log1pExpNegAbs4(x)
        return (x - l).replacing(with: -l, where: x .>= SIMD4(repeating: 0))
    }

    /// torch's softplus with beta = 1, threshold = 20: x above 20, else log(1 + e^x).
    @inline(never)
    public static func softplus(_ x: Double) -> Double { softplus4(SIMD4(repeating: x))[0] }

    @inline(__always)
    static func softplus4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let big = x .> SIMD4(repeating: 20)
        return VecMath.log1p4(VecMath.exp4(x.replacing(with: 0, where: big))).replacing(with: x, where: big)
    }

    /// −|x| (the sign bit set).
    @inline(__always)
    static func negAbs(_ x: SIMD4<Double>) -> SIMD4<Double> {
        unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) | SIMD4(repeating: 1 << 63), to: SIMD4<Double>.self)
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

    public static func sigmoid(_ x: Tensor) throws -> Tensor { try Kernels.unary4(x, sigmoid, sigmoid4) }
    public static func logSigmoid(_ x: Tensor) throws -> Tensor { try Kernels.unary4(x, logSigmoid, logSigmoid4) }
    public static func softplus(_ x: Tensor) throws -> Tensor { try Kernels.unary4(x, softplus, softplus4) }
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

extension Kernels {
    /// out[i] = f(x[i]) four at a time with f4, the vector form of f (the same values: the tail of
    /// one to three elements takes f), split across the cores as `unary`.
    static func unary4(_ x: Tensor, _ f: (Double) -> Double, _ f4: (SIMD4<Double>) -> SIMD4<Double>) throws -> Tensor {
        let n = x.count
        let out = try Memory.uninitialized(n) { buf in
            try x.data.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = buf.baseAddress else { return }
                try forChunks(n) { r in
                    var i = r.lowerBound
                    while i + 4 <= r.upperBound {
                        UnsafeMutableRawPointer(d + i).storeBytes(of: f4(VecExp.load(s + i)), as: SIMD4<Double>.self)
                        i += 4
                    }
                    while i < r.upperBound { (d + i).initialize(to: f(s[i])); i += 1 }
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }
}
