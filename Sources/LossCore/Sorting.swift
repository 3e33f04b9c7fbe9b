import Foundation

// Sorting and order statistics (docs/reference.md §3 "More tensor built-ins"): sort, argsort,
// topk, median, quantile, unique, with their backward passes.
//
// Conventions, kept by every function here:
// - Sorting is stable (NumPy kind="stable", torch.sort(stable=True)): equal values keep their
//   order of appearance. Ascending order puts nan last (NumPy, torch); descending order puts
//   nan first (torch treats nan as the largest value). topk is the first k of the stable
//   descending order, so ties come lowest index first.
// - median and quantile are NumPy's: median averages the two middle values of an even count,
//   quantile is the "linear" method (Hyndman & Fan type 7) with NumPy's exact arithmetic
//   (virtual index (n − 1)·q, its `_lerp`), and a lane holding nan gives nan.
// - Backward passes route each output's gradient to the input element(s) it was taken from
//   (a permutation for sort and topk; one or two order statistics for median and quantile).

extension Tensor {
    /// Whether value a at index i comes before value b at index j in the stable order:
    /// ascending with nan last, or descending with nan first; ties by index.
    @inline(__always)
    static func precedes(_ a: Double, _ i: Int, _ b: Double, _ j: Int, _ descending: Bool) -> Bool {
        if a.isNaN || b.isNaN {
            return descending ? a.isNaN && (!b.isNaN || i < j) : !a.isNaN || (b.isNaN && i < j)
        }
        if a == b { return i < j }
        return descending ? a > b : a < b
    }

    /// The stable order (ascending with nan last, or descending with nan first) of `n` values
    /// `stride` apart: `idx` receives the first `first` indices of it (all when nil), in order.
    /// A few of many (topk) are selected with a bounded heap, O(n log k); otherwise the
    /// (value, index) pairs are copied together and sorted.
    static func laneOrder(_ base: UnsafePointer<Double>, _ n: Int, _ stride: Int, descending: Bool, first: Int? = nil,
                          into idx: inout [Int], scratch keys: inout [(v: Double, i: Int)]) {
        idx.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        let k = Swift.min(first ?? n, n)
        if k == 0 { return }
        if k * 16 < n {
            // keys is a heap whose root is the last of the k best so far
            @inline(__always) func worse(_ x: Int, _ y: Int) -> Bool {
                precedes(keys[y].v, keys[y].i, keys[x].v, keys[x].i, descending)
            }
            func siftDown(_ start: Int) {
                var p = start
                while true {
                    let l = 2 * p + 1, r = l + 1
                    var m = p
                    if l < keys.count && worse(l, m) { m = l }
                    if r < keys.count && worse(r, m) { m = r }
                    if m == p { return }
                    keys.swapAt(p, m); p = m
                }
            }
            for i in 0..<n {
                let v = base[i * stride]
                if keys.count < k {
                    keys.append((v, i))
                    var c = keys.count - 1
                    while c > 0 {
                        let p = (c - 1) / 2
                        if !worse(c, p) { break }
                        keys.swapAt(c, p); c = p
                    }
                } else if precedes(v, i, keys[0].v, keys[0].i, descending) {
                    keys[0] = (v, i)
                    siftDown(0)
                }
            }
        } else {
            for i in 0..<n { keys.append((base[i * stride], i)) }
        }
        keys.sort { precedes($0.v, $0.i, $1.v, $1.i, descending) }
        for r in 0..<k { idx.append(keys[r].i) }
    }

    /// The sorted values along `axis` and the indices they came from (as numbers), stable.
    /// `count` keeps the first `count` of each sorted lane (topk); nil keeps them all.
    public func sortedWithIndices(axis: Int, descending: Bool, count k: Int? = nil, what: String = "sort") throws -> (values: Tensor, indices: Tensor) {
        let L = try layout(axis: axis, keepdims: false, what)
        let n = L.n
        let keep = k ?? n
        guard keep >= 0 && keep <= n else {
            throw CoreError("\(what): k must be between 0 and \(n) (the length of axis \(L.axis ?? 0) in shape \(formatShape(shape))), got \(keep)")
        }
        if rank == 0 && keep == 0 { return (Tensor([]), Tensor([])) }   // none of a number's one value
        var outShape = shape
        if rank > 0 { outShape[L.axis ?? 0] = keep }
        let total = Tensor.count(of: outShape)
        var values = try Memory.doubles(total)
        var indices = try Memory.doubles(total)
        var idx: [Int] = [], keys: [(v: Double, i: Int)] = []
        data.withUnsafeBufferPointer { src in
            guard let p = src.baseAddress else { return }
            for l in 0..<L.lanes {
                // lane l of the input starts at laneStart(l); of the output, with `keep` in place of n
                let inStart = L.laneStart(l)
                let outStart = (l / L.inner) * keep * L.inner + l % L.inner
                Tensor.laneOrder(p + inStart, n, L.inner, descending: descending, first: keep, into: &idx, scratch: &keys)
                for r in 0..<keep {
                    let o = outStart + r * L.inner
                    values[o] = p[inStart + idx[r] * L.inner]
                    indices[o] = Double(idx[r])
                }
            }
        }
        return (Tensor(shape: outShape, data: values), Tensor(shape: outShape, data: indices))
    }

    /// Values sorted along `axis` (stable; nan last ascending, first descending).
    public func sorted(axis: Int = -1, descending: Bool = false, what: String = "sort") throws -> Tensor {
        try sortedWithIndices(axis: axis, descending: descending, what: what).values
    }

    /// The indices that sort `axis` (NumPy argsort kind="stable"; descending as torch.sort(stable=True)).
    public func argsorted(axis: Int = -1, descending: Bool = false, what: String = "argsort") throws -> Tensor {
        try sortedWithIndices(axis: axis, descending: descending, what: what).indices
    }

    /// The k largest values along `axis`, largest first, and their indices (ties: lowest index first).
    public func topk(_ k: Int, axis: Int = -1, what: String = "topk") throws -> (values: Tensor, indices: Tensor) {
        try sortedWithIndices(axis: axis, descending: true, count: k, what: what)
    }

    /// Gradient of a gather along `axis`: `g` (the shape of `indices`) scattered to the positions
    /// `indices` name along that axis of a tensor of shape `shape` (sort, topk).
    public static func scatterAlongAxis(_ g: Tensor, indices: Tensor, axis: Int, shape: [Int], what: String = "gradient") throws -> Tensor {
        var out = try Memory.doubles(Tensor.count(of: shape))
        if shape.isEmpty {
            return Tensor(shape: [], data: [g.data.first ?? 0])
        }
        let a = axis < 0 ? axis + shape.count : axis
        guard a >= 0 && a < shape.count, indices.shape == g.shape, indices.rank == shape.count else {
            throw CoreError("\(what): a gradient of shape \(formatShape(g.shape)) does not fit an input of shape \(formatShape(shape))")
        }
        var outer = 1, inner = 1
        for d in 0..<a { outer *= shape[d] }
        for d in (a + 1)..<shape.count { inner *= shape[d] }
        let n = shape[a], k = g.shape[a]
        for o in 0..<outer {
            for j in 0..<inner {
                for r in 0..<k {
                    let gi = (o * k + r) * inner + j
                    let src = Int(indices.data[gi])
                    out[(o * n + src) * inner + j] += g.data[gi]
                }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    // MARK: Order statistics

    /// For every lane of `L` and every q, the two sorted positions and weights of NumPy's
    /// linear quantile: result = lerp(sorted[lo], sorted[hi], t) (or nan for a lane with nan).
    /// Calls body(q index, lane, lo flat index, hi flat index, t, lane has nan).
    static func quantilePoints(_ x: Tensor, _ L: AxisLayout, _ qs: [Double],
                               _ body: (Int, Int, Int, Int, Double, Bool) -> Void) {
        let n = L.n
        sortedLanes(x, L) { l, start, idx, hasNaN in
            for (qi, q) in qs.enumerated() {
                // numpy/lib/_function_base_impl.py: _compute_virtual_index, _get_indexes, _get_gamma
                let v = Double(n - 1) * q
                var prev = v.rounded(.down), next = prev + 1
                if v >= Double(n - 1) { prev = Double(n - 1); next = prev }
                let t = v >= Double(n - 1) ? v + 1 : v - prev   // NumPy's gamma (prev = -1 there)
                let lo = start + idx[Int(prev)] * L.inner, hi = start + idx[Int(next)] * L.inner
                body(qi, l, lo, hi, t, hasNaN)
            }
        }
    }

    /// Calls body(lane, lane start, the lane's stable ascending order, lane has nan) for
    /// each lane of a layout with L.n > 0 (nan sorts last, as in NumPy).
    static func sortedLanes(_ x: Tensor, _ L: AxisLayout, _ body: (Int, Int, [Int], Bool) -> Void) {
        let n = L.n
        var idx: [Int] = [], keys: [(v: Double, i: Int)] = []
        x.data.withUnsafeBufferPointer { src in
            guard let p = src.baseAddress else { return }
            for l in 0..<L.lanes {
                let start = L.laneStart(l)
                Tensor.laneOrder(p + start, n, L.inner, descending: false, into: &idx, scratch: &keys)
                body(l, start, idx, p[start + idx[n - 1] * L.inner].isNaN)
            }
        }
    }

    /// NumPy's `_lerp`: a + (b − a)·t, or b − (b − a)·(1 − t) when t ≥ 0.5.
    @inline(__always)
    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        let d = b - a
        return t >= 0.5 ? b - d * (1 - t) : a + d * t
    }

    /// Checks the quantile levels: finite numbers in [0, 1].
    static func checkLevels(_ q: Tensor, _ what: String) throws {
        for v in q.data where !(v >= 0 && v <= 1) {
            throw CoreError("\(what): q must be in [0, 1], got \(messageNumber(v))")
        }
    }

    /// The q-th quantiles along `axis` (nil: every element), NumPy's "linear" method.
    /// The result has shape q.shape + the reduced shape (as NumPy). An empty lane is an error.
    public func quantile(_ q: Tensor, axis: Int? = nil, keepdims: Bool = false, what: String = "quantile") throws -> Tensor {
        try Tensor.checkLevels(q, what)
        let L = try layout(axis: axis, keepdims: keepdims, what)
        if L.n == 0 && (L.lanes > 0 || L.axis == nil) {
            throw CoreError("\(what): cannot take a quantile of an empty \(L.axis == nil ? "tensor" : "axis") (shape \(formatShape(shape)))")
        }
        let outShape = q.shape + L.shape
        var out = try Memory.doubles(try Tensor.checkedCount(outShape))
        data.withUnsafeBufferPointer { p in
            Tensor.quantilePoints(self, L, q.data) { qi, l, lo, hi, t, nan in
                out[qi * L.lanes + l] = nan ? .nan : Tensor.lerp(p[lo], p[hi], t)
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Gradients of `quantile` for x (each output's gradient split between its two order statistics)
    /// and for q (the slope (n − 1)·(hi − lo) of the interpolation; 0 at q = 1).
    public static func quantileBackward(_ x: Tensor, _ q: Tensor, axis: Int?, _ g: Tensor, what: String = "quantile") throws -> (x: Tensor, q: Tensor) {
        let L = try x.layout(axis: axis, keepdims: false, what)
        var d = try Memory.doubles(x.count)
        var dq = try Memory.doubles(q.count)
        guard L.n > 0 else { return (Tensor(shape: x.shape, data: d), Tensor(shape: q.shape, data: dq)) }
        let slope = Double(L.n - 1)
        x.data.withUnsafeBufferPointer { p in
            quantilePoints(x, L, q.data) { qi, l, lo, hi, t, _ in
                let gv = g.data[qi * L.lanes + l]
                if lo == hi { d[lo] += gv; return }
                d[lo] += gv * (1 - t)
                d[hi] += gv * t
                dq[qi] += gv * slope * (p[hi] - p[lo])
            }
        }
        return (Tensor(shape: x.shape, data: d), Tensor(shape: q.shape, data: dq))
    }

    /// The median along `axis` (nil: every element), as NumPy: the middle value, or the mean of the
    /// two middle values of an even count; nan for a lane with nan and for an empty lane.
    public func median(axis: Int? = nil, keepdims: Bool = false, what: String = "median") throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, what)
        var out = try Memory.doubles(L.lanes, repeating: .nan)
        guard L.n > 0 else { return Tensor(shape: L.shape, data: out) }
        data.withUnsafeBufferPointer { p in
            Tensor.medianPoints(self, L) { l, lo, hi, nan in
                out[l] = nan ? .nan : (lo == hi ? p[lo] : (p[lo] + p[hi]) / 2)
            }
        }
        return Tensor(shape: L.shape, data: out)
    }

    /// Calls body(lane, lower middle flat index, upper middle flat index, lane has nan); L.n > 0.
    static func medianPoints(_ x: Tensor, _ L: AxisLayout, _ body: (Int, Int, Int, Bool) -> Void) {
        let n = L.n
        sortedLanes(x, L) { l, start, idx, hasNaN in
            body(l, start + idx[(n - 1) / 2] * L.inner, start + idx[n / 2] * L.inner, hasNaN)
        }
    }

    /// Gradient of `median`: to the middle element, or half to each of the two middle elements.
    public static func medianBackward(_ x: Tensor, axis: Int?, _ g: Tensor, what: String = "median") throws -> Tensor {
        let L = try x.layout(axis: axis, keepdims: false, what)
        var d = try Memory.doubles(x.count)
        guard L.n > 0 else { return Tensor(shape: x.shape, data: d) }
        medianPoints(x, L) { l, lo, hi, _ in
            if lo == hi { d[lo] += g.data[l] } else { d[lo] += g.data[l] / 2; d[hi] += g.data[l] / 2 }
        }
        return Tensor(shape: x.shape, data: d)
    }

    /// The sorted distinct values of every element (NumPy np.unique: flattened; nan kept once, last).
    public func unique() -> Tensor {
        var idx: [Int] = [], keys: [(v: Double, i: Int)] = []
        var out: [Double] = []
        data.withUnsafeBufferPointer { src in
            guard let p = src.baseAddress else { return }
            Tensor.laneOrder(p, count, 1, descending: false, into: &idx, scratch: &keys)
            for i in idx {
                let v = p[i]
                if let last = out.last, last == v || (last.isNaN && v.isNaN) { continue }
                out.append(v)
            }
        }
        return Tensor(out)
    }
}
