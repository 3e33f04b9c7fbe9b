import Foundation
import COpenBLAS

/// An error raised by the numeric core. The message is in the user's terms
/// ("focal: p and y must have the same shape, got [2] and [3]"); the language
/// layer attaches the source span of the call.
public struct CoreError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
    public var description: String { message }
}

/// Largest number of elements a tensor may hold (2^28 doubles = 2 GiB), so that a typo
/// like zeros([1e6, 1e6]) is an error rather than an out-of-memory kill.
public let maxTensorElements = 1 << 28

/// An N-d array of float64, contiguous and row-major. `shape == []` is a scalar.
/// Storage is a Swift array, so copies are copy-on-write: tensors are values.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Double]
    /// True for the 0/1 results of comparisons and logic: such a tensor used as an
    /// index is a mask (`x[x > 0]`), not a list of indices.
    public var isMask: Bool = false
    /// The tape node that computed this tensor while a gradient is being taken
    /// (`Tape.current`), or -1 for a constant.
    public var node: Int = -1

    /// Equal shapes and values (the mask flag and tape node are not part of the value).
    public static func == (a: Tensor, b: Tensor) -> Bool { a.shape == b.shape && a.data == b.data }

    /// Creates a tensor; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: [Double]) {
        precondition(Tensor.count(of: shape) == data.count, "Tensor shape/data mismatch")
        self.shape = shape
        self.data = data
        Memory.track(data)
    }

    public init(scalar: Double) {
        self.shape = []
        self.data = [scalar]
    }

    public init(_ vector: [Double]) {
        self.shape = [vector.count]
        self.data = vector
        Memory.track(vector)
    }

    /// A tensor of `shape` filled with `value`; throws on negative dims or huge sizes.
    public init(shape: [Int], repeating value: Double) throws {
        let n = try Tensor.checkedCount(shape)
        self.shape = shape
        self.data = try Memory.doubles(n, repeating: value)
    }

    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 0) }

    public var rank: Int { shape.count }
    public var count: Int { data.count }
    public var isScalar: Bool { shape.isEmpty }
    /// The single value of a scalar or one-element tensor.
    public var scalarValue: Double? { data.count == 1 ? data[0] : nil }

    /// Product of the dims (no overflow check: use `checkedCount` for user shapes).
    public static func count(of shape: [Int]) -> Int {
        var n = 1
        for d in shape { n = n &* d }
        return n
    }

    /// Product of the dims with checks for negative dims, overflow and the size cap.
    public static func checkedCount(_ shape: [Int]) throws -> Int {
        var n = 1
        for d in shape {
            if d < 0 { throw CoreError("shape \(formatShape(shape)) has a negative dimension") }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o || p > maxTensorElements {
                throw CoreError("shape \(formatShape(shape)) is too large (more than \(maxTensorElements) elements)")
            }
            n = p
        }
        return n
    }

    /// Row-major strides of `shape`.
    public static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            s[i] = acc
            acc = acc &* shape[i]
        }
        return s
    }
}

/// x as snprintf's "%.0f" (`fixed`) or "%.{precision}g" (precision 1 to 17) formats it in the C
/// locale (what `String(format:)` gave, without its start-up cost: see loss_format_double).
func cFormat(_ x: Double, precision: Int, fixed: Bool) -> String {
    var buf = [CChar](repeating: 0, count: 64)   // formatNumber: "%.0f" below 1e15, "%.17g" at most
    let n = buf.withUnsafeMutableBufferPointer { b in
        loss_format_double(b.baseAddress, b.count, Int32(truncatingIfNeeded: precision), fixed ? 1 : 0, x)
    }
    guard n >= 0, n < buf.count else { return fixed ? String(format: "%.0f", x) : String(format: "%.\(precision)g", x) }
    return String(decoding: buf[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `[2, 3]` as users see shapes in messages.
public func formatShape(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// A number as users see it, in the display and in messages (docs/reference.md §2.6):
/// `0.00498967`, `3`, `-inf`, `nan`, `1e-12` — up to `precision` significant digits,
/// trailing zeros dropped, integral values without a decimal point.
public func formatNumber(_ x: Double, precision: Int = 6) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == 0 { return "0" }
    let p = Swift.max(1, Swift.min(17, precision))
    if x == x.rounded(), Swift.abs(x) < 1e15 {
        let s = cFormat(x, precision: p, fixed: true)
        if s.count <= p { return s }
    }
    var s = cFormat(x, precision: p, fixed: false)
    // strip trailing zeros of the mantissa: 1.500000e-05 → 1.5e-05, 0.250000 → 0.25
    let eIdx = s.firstIndex(where: { $0 == "e" }) ?? s.endIndex
    var mant = String(s[..<eIdx])
    if mant.contains(".") {
        while mant.hasSuffix("0") { mant.removeLast() }
        if mant.hasSuffix(".") { mant.removeLast() }
    }
    s = mant + String(s[eIdx...])
    if s == "-0" { return "0" }
    return s
}

// MARK: - Broadcasting

public enum Broadcast {
    /// NumPy broadcasting of two shapes, or nil when they don't fit.
    public static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let n = max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da }
            else if da == 1 { out[i] = db }
            else { return nil }
        }
        return out
    }

    /// Strides of `shape` when broadcast to `target` (0 on broadcast dims).
    public static func strides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = Tensor.strides(of: shape)
        let off = target.count - shape.count
        var s = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 {
            s[i + off] = own[i]
        }
        return s
    }
}

extension Tensor {
    /// Materialises this tensor broadcast to `target` (which must be compatible).
    public func broadcast(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let n = Tensor.count(of: target)
        var out = try Memory.doubles(n)
        let st = Broadcast.strides(shape, to: target)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.walk(target, st) { i, off in dst[i] = src[off] }
            }
        }
        try Interruption.check()
        return Tensor(shape: target, data: out)
    }

    /// Calls body(flatIndex, offset) for every index of `shape`, where offset
    /// follows `strides`. Iterates the innermost axis in a tight loop.
    @inline(__always)
    static func walk(_ shape: [Int], _ strides: [Int], _ body: (Int, Int) -> Void) {
        let n = Tensor.count(of: shape)
        if n == 0 { return }
        let r = shape.count
        if r == 0 { body(0, 0); return }
        var idx = [Int](repeating: 0, count: r)
        var off = 0
        let inner = shape[r - 1], istr = strides[r - 1]
        var flat = 0
        while flat < n {
            var o = off
            for _ in 0..<inner { body(flat, o); flat += 1; o += istr }
            // advance outer index
            var d = r - 2
            while d >= 0 {
                idx[d] += 1
                off += strides[d]
                if idx[d] < shape[d] { break }
                off -= strides[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
            if d < 0 { break }
        }
    }

    /// Element-wise binary operation with NumPy broadcasting.
    @inlinable
    public static func zip(_ a: Tensor, _ b: Tensor, _ what: String = "operands", _ f: (Double, Double) -> Double) throws -> Tensor {
        if a.shape == b.shape {
            var out = try Memory.doubles(a.count)
            try a.data.withUnsafeBufferPointer { pa in
                try b.data.withUnsafeBufferPointer { pb in
                    try out.withUnsafeMutableBufferPointer { po in
                        try Interruption.chunked(po.count) { r in for i in r { po[i] = f(pa[i], pb[i]) } }
                    }
                }
            }
            return Tensor(shape: a.shape, data: out)
        }
        if b.count == 1 && b.rank <= a.rank {
            let s = b.data[0]
            return try a.map { f($0, s) }
        }
        if a.count == 1 && a.rank <= b.rank {
            let s = a.data[0]
            return try b.map { f(s, $0) }
        }
        guard let target = Broadcast.shape(a.shape, b.shape) else {
            throw CoreError("\(what): shapes \(formatShape(a.shape)) and \(formatShape(b.shape)) cannot be broadcast together")
        }
        _ = try Tensor.checkedCount(target)
        return try zipBroadcast(a, b, target, what, f)
    }

    @usableFromInline
    static func zipBroadcast(_ a: Tensor, _ b: Tensor, _ target: [Int], _ what: String, _ f: (Double, Double) -> Double) throws -> Tensor {
        let n = Tensor.count(of: target)
        var out = try Memory.doubles(n)
        let sa = Broadcast.strides(a.shape, to: target)
        let sb = Broadcast.strides(b.shape, to: target)
        let r = target.count
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    if n == 0 { return }
                    var idx = [Int](repeating: 0, count: r)
                    var oa = 0, ob = 0, flat = 0
                    let inner = target[r - 1], ia = sa[r - 1], ib = sb[r - 1]
                    while flat < n {
                        var xa = oa, xb = ob
                        for _ in 0..<inner { po[flat] = f(pa[xa], pb[xb]); flat += 1; xa += ia; xb += ib }
                        if flat & (Interruption.chunk - 1) < inner && Interruption.requested { return }
                        var d = r - 2
                        while d >= 0 {
                            idx[d] += 1; oa += sa[d]; ob += sb[d]
                            if idx[d] < target[d] { break }
                            oa -= sa[d] * target[d]; ob -= sb[d] * target[d]
                            idx[d] = 0; d -= 1
                        }
                        if d < 0 { break }
                    }
                }
            }
        }
        try Interruption.check()
        return Tensor(shape: target, data: out)
    }

    /// Element-wise unary map (throws at the memory limit or on an interrupt).
    @inlinable
    public func map(_ f: (Double) -> Double) throws -> Tensor {
        let out = try Memory.uninitialized(count) { o in
            try data.withUnsafeBufferPointer { p in
                try Interruption.chunked(o.count) { r in for i in r { o[i] = f(p[i]) } }
            }
        }
        return Tensor(shape: shape, data: out)
    }
}
