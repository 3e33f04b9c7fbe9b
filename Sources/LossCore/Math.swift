import Foundation

// Element-wise math (docs/reference.md §3): unary functions, binary operators with NumPy
// broadcasting, comparisons, clamp. Kernels run over UnsafeBufferPointers and
// split across cores above `Kernels.parallelThreshold` elements.

// MARK: - Kernels

/// Low-level element-wise loops shared by the core.
public enum Kernels {
    /// Element count (or elements of work) above which kernels split across cores: the
    /// element-wise kernels here and the loss kernels.
    public static let parallelThreshold = 1 << 20

    @usableFromInline static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body(range)` over chunks of `0..<n`, in parallel when n is large. Each part is
    /// walked in pieces of `Interruption.chunk` elements; when Ctrl-C sets the flag the remaining
    /// pieces are skipped and this throws `LimitError.interrupted`.
    @inlinable
    public static func forChunks(_ n: Int, _ body: (Range<Int>) -> Void) throws {
        if n < parallelThreshold || cores < 2 {
            try Interruption.chunked(n, body)
            return
        }
        let chunks = cores
        let size = (n + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * size
            let hi = Swift.min(n, lo + size)
            var a = lo
            while a < hi && !Interruption.requested {
                let b = Swift.min(hi, a + Interruption.chunk)
                body(a..<b)
                a = b
            }
        }
        try Interruption.check()
    }

    /// out[i] = f(x[i]).
    @inlinable
    public static func unary(_ x: Tensor, _ f: (Double) -> Double) throws -> Tensor {
        let n = x.count
        let out = try Memory.uninitialized(n) { buf in
            try x.data.withUnsafeBufferPointer { src in
                guard let s = src.baseAddress, let d = buf.baseAddress else { return }
                try forChunks(n) { r in
                    for i in r { (d + i).initialize(to: f(s[i])) }
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }

    /// out = f(a, b) with NumPy broadcasting; `what` prefixes the shape error.
    @inlinable
    public static func binary(_ a: Tensor, _ b: Tensor, _ what: String, _ f: (Double, Double) -> Double) throws -> Tensor {
        if a.shape == b.shape {
            let n = a.count
            let out = try Memory.uninitialized(n) { buf in
                try a.data.withUnsafeBufferPointer { pa in
                    try b.data.withUnsafeBufferPointer { pb in
                        guard let sa = pa.baseAddress, let sb = pb.baseAddress, let d = buf.baseAddress else { return }
                        try forChunks(n) { r in
                            for i in r { (d + i).initialize(to: f(sa[i], sb[i])) }
                        }
                    }
                }
            }
            return Tensor(shape: a.shape, data: out)
        }
        if b.count == 1 && b.rank <= a.rank {
            let s = b.data[0]
            return try unary(a) { f($0, s) }
        }
        if a.count == 1 && a.rank <= b.rank {
            let s = a.data[0]
            return try unary(b) { f(s, $0) }
        }
        return try Tensor.zip(a, b, what, f)
    }
}

// MARK: - Unary functions

/// The element-wise functions of docs/reference.md §3 (and unary minus).
public enum UnaryOp: String, CaseIterable, Sendable {
    case abs, sign, sqrt, exp, expm1, log, log1p, log2, log10
    case sin, cos, tan, tanh, asin, acos, atan
    case floor, ceil, round, negate

    /// The function on one number (NumPy semantics: sign(nan) = nan, round half to even).
    public func callAsFunction(_ x: Double) -> Double { scalarUnary(self, x) }
}

@inline(__always)
private func signOf(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : x) }

private func scalarUnary(_ op: UnaryOp, _ x: Double) -> Double {
    switch op {
    case .abs: return Swift.abs(x)
    case .sign: return signOf(x)
    case .sqrt: return x.squareRoot()
    case .exp: return exp(x)
    case .expm1: return expm1(x)
    case .log: return log(x)
    case .log1p: return log1p(x)
    case .log2: return log2(x)
    case .log10: return log10(x)
    case .sin: return sin(x)
    case .cos: return cos(x)
    case .tan: return tan(x)
    case .tanh: return tanh(x)
    case .asin: return asin(x)
    case .acos: return acos(x)
    case .atan: return atan(x)
    case .floor: return x.rounded(.down)
    case .ceil: return x.rounded(.up)
    case .round: return x.rounded(.toNearestOrEven)
    case .negate: return -x
    }
}

private func tensorUnary(_ op: UnaryOp, _ x: Tensor) throws -> Tensor {
    switch op {
    case .abs: return try Kernels.unary(x) { Swift.abs($0) }
    case .sign: return try Kernels.unary(x) { signOf($0) }
    case .sqrt: return try Kernels.unary(x) { $0.squareRoot() }
    case .exp: return try Kernels.unary(x) { exp($0) }
    case .expm1: return try Kernels.unary(x) { expm1($0) }
    case .log: return try Kernels.unary(x) { log($0) }
    case .log1p: return try Kernels.unary(x) { log1p($0) }
    case .log2: return try Kernels.unary(x) { log2($0) }
    case .log10: return try Kernels.unary(x) { log10($0) }
    case .sin: return try Kernels.unary(x) { sin($0) }
    case .cos: return try Kernels.unary(x) { cos($0) }
    case .tan: return try Kernels.unary(x) { tan($0) }
    case .tanh: return try Kernels.unary(x) { tanh($0) }
    case .asin: return try Kernels.unary(x) { asin($0) }
    case .acos: return try Kernels.unary(x) { acos($0) }
    case .atan: return try Kernels.unary(x) { atan($0) }
    case .floor: return try Kernels.unary(x) { $0.rounded(.down) }
    case .ceil: return try Kernels.unary(x) { $0.rounded(.up) }
    case .round: return try Kernels.unary(x) { $0.rounded(.toNearestOrEven) }
    case .negate: return try Kernels.unary(x) { -$0 }
    }
}

extension Tensor {
    /// Applies an element-wise function: `x.apply(.exp)`.
    public func apply(_ op: UnaryOp) throws -> Tensor { try tensorUnary(op, self) }

    /// Unary minus.
    public static func negate(_ x: Tensor) throws -> Tensor { try tensorUnary(.negate, x) }
}

// MARK: - Binary operators

/// Element-wise binary operations with NumPy broadcasting. The raw value is the
/// operator or function name used in shape errors.
public enum BinaryOp: String, CaseIterable, Sendable {
    case add = "+", sub = "-", mul = "*", div = "/", pow = "^", mod = "%"
    case atan2, minimum = "min", maximum = "max"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case and = "&&", or = "||"

    /// The operation on two numbers.
    public func callAsFunction(_ a: Double, _ b: Double) -> Double { scalarBinary(self, a, b) }
}

/// NumPy's floor modulo (`np.remainder`, Python `%` on floats): the result has the
/// sign of the divisor; x % 0 is nan.
@inline(__always)
public func floorMod(_ a: Double, _ b: Double) -> Double {
    var m = fmod(a, b)
    if b == 0 { return m }   // nan, as fmod gives
    if m != 0 {
        if (b < 0) != (m < 0) { m += b }
    } else {
        m = b < 0 ? -0.0 : 0.0
    }
    return m
}

/// NaN-propagating minimum/maximum (np.minimum, torch.minimum).
@inline(__always) func nanMin(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : (b < a ? b : a) }
@inline(__always) func nanMax(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : (b > a ? b : a) }

private func scalarBinary(_ op: BinaryOp, _ a: Double, _ b: Double) -> Double {
    switch op {
    case .add: return a + b
    case .sub: return a - b
    case .mul: return a * b
    case .div: return a / b
    case .pow: return pow(a, b)
    case .mod: return floorMod(a, b)
    case .atan2: return atan2(a, b)
    case .minimum: return nanMin(a, b)
    case .maximum: return nanMax(a, b)
    case .eq: return a == b ? 1 : 0
    case .ne: return a != b ? 1 : 0
    case .lt: return a < b ? 1 : 0
    case .le: return a <= b ? 1 : 0
    case .gt: return a > b ? 1 : 0
    case .ge: return a >= b ? 1 : 0
    case .and: return a != 0 && b != 0 ? 1 : 0
    case .or: return a != 0 || b != 0 ? 1 : 0
    }
}

private func tensorBinary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, _ what: String) throws -> Tensor {
    switch op {
    case .add: return try Kernels.binary(a, b, what) { $0 + $1 }
    case .sub: return try Kernels.binary(a, b, what) { $0 - $1 }
    case .mul: return try Kernels.binary(a, b, what) { $0 * $1 }
    case .div: return try Kernels.binary(a, b, what) { $0 / $1 }
    case .pow: return try Kernels.binary(a, b, what) { pow($0, $1) }
    case .mod: return try Kernels.binary(a, b, what) { floorMod($0, $1) }
    case .atan2: return try Kernels.binary(a, b, what) { atan2($0, $1) }
    case .minimum: return try Kernels.binary(a, b, what) { nanMin($0, $1) }
    case .maximum: return try Kernels.binary(a, b, what) { nanMax($0, $1) }
    case .eq: return try Kernels.binary(a, b, what) { $0 == $1 ? 1 : 0 }
    case .ne: return try Kernels.binary(a, b, what) { $0 != $1 ? 1 : 0 }
    case .lt: return try Kernels.binary(a, b, what) { $0 < $1 ? 1 : 0 }
    case .le: return try Kernels.binary(a, b, what) { $0 <= $1 ? 1 : 0 }
    case .gt: return try Kernels.binary(a, b, what) { $0 > $1 ? 1 : 0 }
    case .ge: return try Kernels.binary(a, b, what) { $0 >= $1 ? 1 : 0 }
    case .and: return try Kernels.binary(a, b, what) { $0 != 0 && $1 != 0 ? 1 : 0 }
    case .or: return try Kernels.binary(a, b, what) { $0 != 0 || $1 != 0 ? 1 : 0 }
    }
}

extension Tensor {
    /// `a op b` element-wise with NumPy broadcasting. Shape errors read
    /// "WHAT: shapes [2] and [3] cannot be broadcast together", WHAT defaulting to the operator.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor, what: String? = nil) throws -> Tensor {
        try tensorBinary(op, a, b, what ?? op.rawValue)
    }

    public static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.add, a, b) }
    public static func sub(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.sub, a, b) }
    public static func mul(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.mul, a, b) }
    public static func div(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.div, a, b) }
    /// a ^ b (C `pow`: a negative base with a fractional exponent gives nan).
    public static func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.pow, a, b) }
    /// a % b with NumPy/Python floor semantics: the result takes the sign of b; x % 0 = nan.
    public static func mod(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.mod, a, b) }
    /// Element-wise minimum/maximum (NaN-propagating, like np.minimum/np.maximum).
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.minimum, a, b) }
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.maximum, a, b) }
    /// Comparisons: 1 where true, 0 where false (any comparison with nan is false, except !=).
    public static func compare(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        precondition([.eq, .ne, .lt, .le, .gt, .ge].contains(op), "not a comparison: \(op)")
        return try binary(op, a, b)
    }
    /// Element-wise logic on truth values (non-zero is true): 1 or 0.
    public static func logicalAnd(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.and, a, b) }
    public static func logicalOr(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.or, a, b) }
    public static func logicalNot(_ x: Tensor) throws -> Tensor { try Kernels.unary(x) { $0 == 0 ? 1 : 0 } }

    /// torch.clamp: min(max(x, lo), hi) with broadcasting; nil means no bound.
    /// nan in x stays nan; a nan bound gives nan; lo > hi gives hi (as torch).
    public static func clamp(_ x: Tensor, lo: Tensor?, hi: Tensor?, what: String = "clamp") throws -> Tensor {
        var r = x
        if let lo = lo {
            r = try Kernels.binary(r, lo, what) { v, l in l.isNaN ? .nan : (v < l ? l : v) }
        }
        if let hi = hi {
            r = try Kernels.binary(r, hi, what) { v, h in h.isNaN ? .nan : (v > h ? h : v) }
        }
        return r
    }
}
