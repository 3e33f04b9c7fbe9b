import Foundation

// Reductions (docs/reference.md §3): sum mean prod min max argmin argmax var std norm logsumexp,
// over every element or along one axis (negative counts from the end), with keepdims.
// Sums are pairwise (the blocking of `Summation`, NumPy's scheme), also along
// non-last axes, where whole rows are summed pairwise so that memory is read in order.

/// How a tensor splits around a reduced axis: `outer × n × inner` (row-major).
public struct AxisLayout: Equatable, Sendable {
    /// The reduced axis, normalised; nil when every element is reduced.
    public let axis: Int?
    public let outer: Int
    /// Length of the reduced axis.
    public let n: Int
    public let inner: Int
    /// Shape of the result (with keepdims, the reduced axes have length 1).
    public let shape: [Int]

    /// Number of reduced lanes (= result elements).
    public var lanes: Int { outer * inner }
    /// Offset of lane `l`'s first element; its elements are `inner` apart.
    @inline(__always) public func laneStart(_ l: Int) -> Int { (l / inner) * n * inner + l % inner }
}

extension Tensor {
    /// `axis` normalised to 0..<rank (negative counts from the end). A scalar accepts 0 and -1,
    /// as torch does. `what` names the built-in in the error.
    public func normalizedAxis(_ axis: Int, _ what: String) throws -> Int {
        let r = Swift.max(rank, 1)
        guard axis >= -r && axis < r else {
            throw CoreError("\(what): axis \(axis) is out of range for a tensor of rank \(rank) (valid axes: \(-r) to \(r - 1))")
        }
        return axis < 0 ? axis + r : axis
    }

    /// The layout of a reduction over `axis` (nil: all elements).
    public func layout(axis: Int?, keepdims: Bool, _ what: String) throws -> AxisLayout {
        guard let axis = axis else {
            return AxisLayout(axis: nil, outer: 1, n: count, inner: 1,
                              shape: keepdims ? [Int](repeating: 1, count: rank) : [])
        }
        let a = try normalizedAxis(axis, what)
        if rank == 0 { return AxisLayout(axis: 0, outer: 1, n: 1, inner: 1, shape: []) }
        var outer = 1, inner = 1
        for d in 0..<a { outer *= shape[d] }
        for d in (a + 1)..<rank { inner *= shape[d] }
        var s = shape
        if keepdims { s[a] = 1 } else { s.remove(at: a) }
        return AxisLayout(axis: a, outer: outer, n: shape[a], inner: inner, shape: s)
    }
}

// MARK: - Kernels

/// Reduction loops over an `AxisLayout`. Sums are pairwise: plain sums use `Summation.pairwise`
/// (NumPy's exact scheme); sums of f(x) add blocks of 128 terms with 8 accumulators and then sum
/// the block sums pairwise, which has the same O(log n) error bound and keeps f inlined.
public enum Reduce {
    /// Pairwise sum of term(i) for i in 0..<n.
    @inline(__always)
    public static func pairwise(_ n: Int, _ term: (Int) -> Double) -> Double {
        if n <= 0 { return 0 }
        if n <= 128 { return Summation.leaf(0, n, term) }
        let blocks = (n + 127) / 128
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: blocks) { buf in
            var b = 0
            while b < blocks {
                // Ctrl-C: the rest counts as 0 (the caller's result is discarded)
                if b & 511 == 511 && Interruption.requested { buf[b] = 0 } else {
                    buf[b] = Summation.leaf(b * 128, Swift.min(128, n - b * 128), term)
                }
                b += 1
            }
            return Summation.pairwise(UnsafeBufferPointer(buf))
        }
    }

    /// Pairwise sum of f(x) over `n` values `stride` apart.
    @inline(__always)
    public static func pairwise(_ base: UnsafePointer<Double>, _ n: Int, stride: Int, _ f: (Double) -> Double) -> Double {
        if stride == 1 { return pairwise(n) { f(base[$0]) } }
        return pairwise(n) { f(base[$0 * stride]) }
    }

    /// out[j] = Σ_r row_r[j] over `n` contiguous rows of `inner` values, summed pairwise by rows.
    static func pairwiseRows(_ base: UnsafePointer<Double>, _ n: Int, _ inner: Int, _ out: UnsafeMutablePointer<Double>) {
        if n <= 128 {
            if n == 0 { out.update(repeating: 0, count: inner); return }
            out.update(from: base, count: inner)
            var r = 1
            while r < n {
                let row = base + r * inner
                for j in 0..<inner { out[j] += row[j] }
                r += 1
            }
            return
        }
        var half = n / 2
        half -= half % 8
        pairwiseRows(base, half, inner, out)
        let tmp = UnsafeMutablePointer<Double>.allocate(capacity: inner)
        defer { tmp.deallocate() }
        pairwiseRows(base + half * inner, n - half, inner, tmp)
        for j in 0..<inner { out[j] += tmp[j] }
    }

    /// out[j] = Σ_r f(row_r[j], j) over `n` rows of `inner` values: blocks of 128 rows, then the
    /// block sums pairwise by rows.
    @inline(__always)
    static func mappedRows(_ base: UnsafePointer<Double>, _ n: Int, _ inner: Int, _ out: UnsafeMutablePointer<Double>,
                           _ f: (Double, Int) -> Double) {
        @inline(__always) func block(_ rows: UnsafePointer<Double>, _ count: Int, _ dst: UnsafeMutablePointer<Double>) {
            for j in 0..<inner { dst[j] = f(rows[j], j) }
            var r = 1
            while r < count {
                let row = rows + r * inner
                for j in 0..<inner { dst[j] += f(row[j], j) }
                r += 1
            }
        }
        if n == 0 { out.update(repeating: 0, count: inner); return }
        if n <= 128 { block(base, n, out); return }
        let blocks = (n + 127) / 128
        let tmp = UnsafeMutablePointer<Double>.allocate(capacity: blocks * inner)
        defer { tmp.deallocate() }
        for b in 0..<blocks { block(base + b * 128 * inner, Swift.min(128, n - b * 128), tmp + b * inner) }
        pairwiseRows(UnsafePointer(tmp), blocks, inner, out)
    }

    /// Σ x along the layout's axis, one value per lane (NumPy's pairwise scheme).
    public static func sum(_ x: Tensor, _ L: AxisLayout) throws -> [Double] {
        var out = try Memory.doubles(L.lanes)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let p = src.baseAddress, let o = dst.baseAddress else { return }  // empty input: zeros
                if L.inner == 1 {
                    let every = Interruption.mask(perStep: L.n)
                    for l in 0..<L.outer {
                        if l & every == 0 && Interruption.requested { break }
                        o[l] = Summation.pairwise(p + l * L.n, L.n, stride: 1)
                    }
                } else {
                    let every = Interruption.mask(perStep: L.n * L.inner)
                    for b in 0..<L.outer {
                        if b & every == 0 && Interruption.requested { break }
                        pairwiseRows(p + b * L.n * L.inner, L.n, L.inner, o + b * L.inner)
                    }
                }
            }
        }
        return out
    }

    /// Σ f(x, lane) along the layout's axis, one value per lane, pairwise.
    @inline(__always)
    public static func sum(_ x: Tensor, _ L: AxisLayout, _ f: (Double, Int) -> Double) throws -> [Double] {
        var out = try Memory.doubles(L.lanes)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let p = src.baseAddress, let o = dst.baseAddress else { return }  // empty input: zeros
                let every = Interruption.mask(perStep: L.n * L.inner)
                if L.inner == 1 {
                    for l in 0..<L.outer {
                        if l & every == 0 && Interruption.requested { break }
                        let base = p + l * L.n
                        o[l] = pairwise(L.n) { f(base[$0], l) }
                    }
                } else {
                    for b in 0..<L.outer {
                        if b & every == 0 && Interruption.requested { break }
                        let first = b * L.inner
                        mappedRows(p + b * L.n * L.inner, L.n, L.inner, o + first) { f($0, first + $1) }
                    }
                }
            }
        }
        return out
    }

    /// Folds each lane with `combine`, starting from `start` (or from the lane's first element when nil;
    /// the axis must then be non-empty). Reads memory in order.
    @inline(__always)
    public static func fold(_ x: Tensor, _ L: AxisLayout, start: Double?, _ combine: (Double, Double) -> Double) throws -> [Double] {
        var out = try Memory.doubles(L.lanes, repeating: start ?? 0)
        x.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let p = src.baseAddress, let o = dst.baseAddress, L.lanes > 0 else { return }
                let every = Interruption.mask(perStep: L.n * L.inner)
                for b in 0..<L.outer {
                    if b & every == 0 && Interruption.requested { break }
                    let ob = o + b * L.inner
                    var row = p + b * L.n * L.inner
                    var k = 0
                    if start == nil {
                        guard L.n > 0 else { continue }
                        ob.update(from: row, count: L.inner)
                        row += L.inner; k = 1
                    }
                    if L.inner == 1 {
                        var acc = ob[0]
                        while k < L.n { acc = combine(acc, row[0]); row += 1; k += 1 }
                        ob[0] = acc
                        continue
                    }
                    while k < L.n {
                        for j in 0..<L.inner { ob[j] = combine(ob[j], row[j]) }
                        row += L.inner; k += 1
                    }
                }
            }
        }
        return out
    }

    /// Index of the first best element per lane, where `better(candidate, best)` says a candidate
    /// replaces the best so far. The axis must be non-empty.
    @inline(__always)
    static func argBest(_ x: Tensor, _ L: AxisLayout, _ better: (Double, Double) -> Bool) throws -> [Double] {
        var best = try Memory.doubles(L.lanes)
        var idx = try Memory.doubles(L.lanes)
        x.data.withUnsafeBufferPointer { src in
            best.withUnsafeMutableBufferPointer { bb in
                idx.withUnsafeMutableBufferPointer { ib in
                    guard let p = src.baseAddress, let bv = bb.baseAddress, let iv = ib.baseAddress, L.n > 0 else { return }
                    let every = Interruption.mask(perStep: L.n * L.inner)
                    for b in 0..<L.outer {
                        if b & every == 0 && Interruption.requested { break }
                        let o = b * L.inner
                        var row = p + b * L.n * L.inner
                        for j in 0..<L.inner { bv[o + j] = row[j] }
                        for k in 1..<L.n {
                            row += L.inner
                            for j in 0..<L.inner where better(row[j], bv[o + j]) {
                                bv[o + j] = row[j]; iv[o + j] = Double(k)
                            }
                        }
                    }
                }
            }
        }
        return idx
    }

    /// Calls body(start, stride, lane) for every lane of the layout; stops early when Ctrl-C
    /// sets the flag (the caller's result is then discarded).
    @inline(__always)
    static func forLanes(_ L: AxisLayout, _ body: (Int, Int, Int) -> Void) {
        let every = Interruption.mask(perStep: L.n)
        if L.inner == 1 {
            for l in 0..<L.lanes {
                if l & every == 0 && Interruption.requested { return }
                body(l * L.n, 1, l)
            }
        } else {
            for l in 0..<L.lanes {
                if l & every == 0 && Interruption.requested { return }
                body(L.laneStart(l), L.inner, l)
            }
        }
    }
}

// MARK: - Public reductions

extension Tensor {
    /// Sum (pairwise). An empty sum is 0.
    public func sum(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, "sum")
        return Tensor(shape: L.shape, data: try Reduce.sum(self, L))
    }

    /// Arithmetic mean; the mean of nothing is nan (NumPy and torch).
    public func mean(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, "mean")
        let n = Double(L.n)
        return Tensor(shape: L.shape, data: try Reduce.sum(self, L).map { $0 / n })
    }

    /// Product; an empty product is 1.
    public func prod(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, "prod")
        return Tensor(shape: L.shape, data: try Reduce.fold(self, L, start: 1) { $0 * $1 })
    }

    private func nonEmpty(_ L: AxisLayout, _ what: String) throws {
        if L.n == 0 && (L.lanes > 0 || L.axis == nil) {
            throw CoreError(L.axis == nil
                ? "\(what): cannot reduce an empty tensor (shape \(formatShape(shape)))"
                : "\(what): cannot reduce over axis \(L.axis ?? 0), which has length 0 in shape \(formatShape(shape))")
        }
    }

    /// Minimum (nan if any element is nan, like NumPy and torch). `what` names the caller in errors.
    public func amin(axis: Int? = nil, keepdims: Bool = false, what: String = "min") throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, what)
        try nonEmpty(L, what)
        return Tensor(shape: L.shape, data: try Reduce.fold(self, L, start: nil) { nanMin($0, $1) })
    }

    /// Maximum (nan if any element is nan).
    public func amax(axis: Int? = nil, keepdims: Bool = false, what: String = "max") throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, what)
        try nonEmpty(L, what)
        return Tensor(shape: L.shape, data: try Reduce.fold(self, L, start: nil) { nanMax($0, $1) })
    }

    /// Index of the first minimum (a nan counts as the minimum, as in NumPy), as a double.
    /// Without an axis, the index into the flattened tensor.
    public func argmin(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, "argmin")
        try nonEmpty(L, "argmin")
        return Tensor(shape: L.shape, data: try Reduce.argBest(self, L) { c, b in c < b || (c.isNaN && !b.isNaN) })
    }

    /// Index of the first maximum (a nan counts as the maximum), as a double.
    public func argmax(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, "argmax")
        try nonEmpty(L, "argmax")
        return Tensor(shape: L.shape, data: try Reduce.argBest(self, L) { c, b in c > b || (c.isNaN && !b.isNaN) })
    }

    /// Population variance (ddof 0, NumPy's default; torch.var defaults to the unbiased n − 1):
    /// mean((x − mean(x))²), two passes. The variance of nothing is nan.
    public func variance(axis: Int? = nil, keepdims: Bool = false, what: String = "var") throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, what)
        let n = Double(L.n)
        let means = try Reduce.sum(self, L).map { $0 / n }
        let ss = try means.withUnsafeBufferPointer { m in
            try Reduce.sum(self, L) { x, l in let d = x - m[l]; return d * d }
        }
        return Tensor(shape: L.shape, data: ss.map { $0 / n })
    }

    /// Population standard deviation (ddof 0): √var.
    public func std(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        try variance(axis: axis, keepdims: keepdims, what: "std").apply(.sqrt)
    }

    /// Vector p-norm (torch.linalg.vector_norm) over all elements or along an axis:
    /// p = 2 Euclidean (rescaled when Σx² would overflow or underflow), 1 Σ|x|, inf max|x|,
    /// -inf min|x|, 0 the count of non-zeros, otherwise (Σ|x|^p)^(1/p).
    public func norm(p: Double = 2, axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        guard !p.isNaN else { throw CoreError("norm: p must be a number, got nan") }
        let L = try layout(axis: axis, keepdims: keepdims, "norm")
        if p == .infinity || p == -.infinity {
            let start: Double = p > 0 ? 0 : .infinity
            let r = try Reduce.fold(self, L, start: start) { a, x in
                let m = Swift.abs(x)
                return p > 0 ? nanMax(a, m) : nanMin(a, m)
            }
            return Tensor(shape: L.shape, data: r)
        }
        if p == 0 { return Tensor(shape: L.shape, data: try Reduce.sum(self, L) { x, _ in x != 0 ? 1 : 0 }) }
        if p == 1 { return Tensor(shape: L.shape, data: try Reduce.sum(self, L) { x, _ in Swift.abs(x) }) }
        if p == 2 {
            var r = try Reduce.sum(self, L) { x, _ in x * x }
            // rescue lanes whose sum of squares overflowed or lost precision to underflow
            data.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                Reduce.forLanes(L) { start, stride, l in
                    let s = r[l]
                    guard s.isInfinite || s < 1e-280 else { r[l] = s.squareRoot(); return }
                    var m = 0.0
                    for k in 0..<L.n { m = nanMax(m, Swift.abs(base[start + k * stride])) }
                    if m == 0 || !m.isFinite { r[l] = m; return }
                    let inv = 1 / m
                    let t = Reduce.pairwise(base + start, L.n, stride: stride) { let v = $0 * inv; return v * v }
                    r[l] = m * t.squareRoot()
                }
            }
            return Tensor(shape: L.shape, data: r)
        }
        let s = try Reduce.sum(self, L) { x, _ in Foundation.pow(Swift.abs(x), p) }
        return Tensor(shape: L.shape, data: s.map { Foundation.pow($0, 1 / p) })
    }

    /// log Σ exp(x), max-subtracted (stable); -inf for an empty or all -inf lane, inf if any +inf.
    public func logsumexp(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, "logsumexp")
        var out = try Memory.doubles(L.lanes, repeating: -.infinity)
        data.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            Reduce.forLanes(L) { start, stride, l in
                var m = -Double.infinity
                for k in 0..<L.n { m = nanMax(m, base[start + k * stride]) }
                if m.isInfinite { m = 0 }   // as torch: all -inf gives -inf, any +inf gives inf
                let s = Reduce.pairwise(base + start, L.n, stride: stride) { Foundation.exp($0 - m) }
                out[l] = Foundation.log(s) + m
            }
        }
        return Tensor(shape: L.shape, data: out)
    }
}
