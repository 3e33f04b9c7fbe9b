import Foundation

// More tensor operations (docs/reference.md §3 "More tensor built-ins"): cumsum, where (select),
// any/all, squeeze/unsqueeze, tile, triu/tril, trace, accuracy, with their backward passes.
//
// Conventions: NumPy's, in float64. cumsum adds in order, as np.cumsum (not pairwise: each
// partial sum is the previous one plus the next value). Truth values are "not zero" (nan is
// true, as in NumPy). Shapes that don't fit are errors that name both shapes.

extension Tensor {
    // MARK: cumsum

    /// Running sums along `axis`; nil flattens first (np.cumsum with axis=None).
    public func cumsum(axis: Int?, what: String = "cumsum") throws -> Tensor {
        let src = axis == nil ? flattened() : self
        let L = try src.layout(axis: axis ?? 0, keepdims: false, what)
        try Memory.check(elements: src.count)   // the copy written below
        var out = src.data
        Reduce.forLanes(L) { start, step, _ in
            var acc = 0.0
            for k in 0..<L.n {
                let i = start + k * step
                acc += out[i]
                out[i] = acc
            }
        }
        return Tensor(shape: src.shape, data: out)
    }

    /// Gradient of `cumsum`: running sums from the end, in x's shape.
    public static func cumsumBackward(_ x: Tensor, axis: Int?, _ g: Tensor, what: String = "cumsum") throws -> Tensor {
        let gs = axis == nil ? g.flattened() : g
        let L = try gs.layout(axis: axis ?? 0, keepdims: false, what)
        try Memory.check(elements: gs.count)
        var out = gs.data
        Reduce.forLanes(L) { start, step, _ in
            var acc = 0.0
            for k in stride(from: L.n - 1, through: 0, by: -1) {
                let i = start + k * step
                acc += out[i]
                out[i] = acc
            }
        }
        return Tensor(shape: x.shape, data: out)
    }

    // MARK: where

    /// Element-wise `cond ≠ 0 ? a : b`, the three broadcast together (np.where, torch.where).
    public static func select(_ cond: Tensor, _ a: Tensor, _ b: Tensor, what: String = "where") throws -> Tensor {
        guard let ab = Broadcast.shape(a.shape, b.shape), let shape = Broadcast.shape(cond.shape, ab) else {
            throw CoreError("\(what): shapes \(formatShape(cond.shape)) (cond), \(formatShape(a.shape)) (a) and \(formatShape(b.shape)) (b) cannot be broadcast together")
        }
        let n = try Tensor.checkedCount(shape)
        let c = try cond.broadcast(to: shape), x = try a.broadcast(to: shape), y = try b.broadcast(to: shape)
        var out = try Memory.doubles(n)
        for i in 0..<n { out[i] = c.data[i] != 0 ? x.data[i] : y.data[i] }
        return Tensor(shape: shape, data: out)
    }

    /// Gradients of `where` for a and b, in the broadcast shape of the output `g`.
    public static func selectBackward(_ cond: Tensor, _ g: Tensor) throws -> (a: Tensor, b: Tensor) {
        let c = try cond.broadcast(to: g.shape)
        var ga = try Memory.doubles(g.count), gb = ga
        for i in 0..<g.count {
            if c.data[i] != 0 { ga[i] = g.data[i] } else { gb[i] = g.data[i] }
        }
        return (Tensor(shape: g.shape, data: ga), Tensor(shape: g.shape, data: gb))
    }

    // MARK: any / all

    /// 1 where any element (along `axis`) is non-zero, else 0; nan counts as true. Empty: 0.
    public func any(axis: Int? = nil, keepdims: Bool = false, what: String = "any") throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, what)
        var t = Tensor(shape: L.shape, data: try Reduce.fold(self, L, start: 0) { acc, x in acc != 0 || x != 0 ? 1 : 0 })
        t.isMask = true
        return t
    }

    /// 1 where every element (along `axis`) is non-zero, else 0; nan counts as true. Empty: 1.
    public func all(axis: Int? = nil, keepdims: Bool = false, what: String = "all") throws -> Tensor {
        let L = try layout(axis: axis, keepdims: keepdims, what)
        var t = Tensor(shape: L.shape, data: try Reduce.fold(self, L, start: 1) { acc, x in acc != 0 && x != 0 ? 1 : 0 })
        t.isMask = true
        return t
    }

    // MARK: squeeze / unsqueeze

    /// Removes axes of length 1: every such axis (nil) or the given ones, which must have length 1 (np.squeeze).
    public func squeezed(axes: [Int]?, what: String = "squeeze") throws -> Tensor {
        guard let axes = axes else { return Tensor(shape: shape.filter { $0 != 1 }, data: data) }
        var drop = Set<Int>()
        for a in axes {
            let n = try normalizedAxis(a, what)
            guard drop.insert(n).inserted else { throw CoreError("\(what): axis \(a) is given twice") }
            if rank > 0 && shape[n] != 1 {
                throw CoreError("\(what): axis \(a) has length \(shape[n]), not 1, in shape \(formatShape(shape))",
                                hint: "only axes of length 1 can be removed; reshape changes other shapes")
            }
        }
        if rank == 0 { return self }
        return Tensor(shape: shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element), data: data)
    }

    /// Inserts an axis of length 1 at `axis` (−rank − 1 … rank; negative counts from the end),
    /// as torch.unsqueeze / np.expand_dims.
    public func unsqueezed(_ axis: Int, what: String = "unsqueeze") throws -> Tensor {
        let r = rank + 1
        guard axis >= -r && axis < r else {
            throw CoreError("\(what): axis \(axis) is out of range for a tensor of rank \(rank) (valid axes: \(-r) to \(r - 1))")
        }
        var s = shape
        s.insert(1, at: axis < 0 ? axis + r : axis)
        return Tensor(shape: s, data: data)
    }

    // MARK: tile

    /// The shapes np.tile works with: x's shape and reps, each padded with leading 1s to one length.
    static func tileShapes(_ shape: [Int], _ reps: [Int]) -> (shape: [Int], reps: [Int]) {
        let d = Swift.max(shape.count, reps.count)
        return ([Int](repeating: 1, count: d - shape.count) + shape, [Int](repeating: 1, count: d - reps.count) + reps)
    }

    /// Calls body(i, source) for every element i of the tiled result (shape `outShape`), with the
    /// flat index of its source in x (shape `shape`, padded to the same rank).
    @inline(__always)
    static func eachTileSource(_ shape: [Int], _ outShape: [Int], _ body: (Int, Int) -> Void) {
        let n = Tensor.count(of: outShape)
        if n == 0 { return }
        let st = Tensor.strides(of: shape)
        let r = outShape.count
        if r == 0 { body(0, 0); return }
        var idx = [Int](repeating: 0, count: r)
        var src = [Int](repeating: 0, count: r)   // idx[d] % shape[d]
        var off = 0
        for i in 0..<n {
            body(i, off)
            var d = r - 1
            while d >= 0 {
                idx[d] += 1
                src[d] += 1
                off += st[d]
                if src[d] == shape[d] { src[d] = 0; off -= st[d] * shape[d] }
                if idx[d] < outShape[d] { break }
                off -= src[d] * st[d]
                idx[d] = 0; src[d] = 0
                d -= 1
            }
        }
    }

    /// x repeated `reps[i]` times along each axis (np.tile): reps shorter than x's rank repeat
    /// the last axes; longer reps add leading axes.
    public func tiled(_ reps: [Int], what: String = "tile") throws -> Tensor {
        for r in reps where r < 0 { throw CoreError("\(what): reps must be ≥ 0, got \(formatShape(reps))") }
        let (s, rp) = Tensor.tileShapes(shape, reps)
        var outShape = [Int](repeating: 0, count: s.count)
        for d in 0..<s.count {
            let (p, o) = s[d].multipliedReportingOverflow(by: rp[d])
            if o { throw CoreError("\(what): tiling shape \(formatShape(shape)) by \(formatShape(reps)) is too large") }
            outShape[d] = p
        }
        do { _ = try Tensor.checkedCount(outShape) } catch {
            throw CoreError("\(what): tiling shape \(formatShape(shape)) by \(formatShape(reps)) gives shape \(formatShape(outShape)), more than \(maxTensorElements) elements")
        }
        var out = try Memory.doubles(Tensor.count(of: outShape))
        data.withUnsafeBufferPointer { p in
            Tensor.eachTileSource(s, outShape) { i, o in out[i] = p[o] }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Gradient of `tile`: the sum over the copies, in x's shape.
    public static func tileBackward(_ x: Tensor, _ reps: [Int], _ g: Tensor) throws -> Tensor {
        let (s, _) = tileShapes(x.shape, reps)
        var out = try Memory.doubles(x.count)
        eachTileSource(s, g.shape) { i, o in out[o] += g.data[i] }
        return Tensor(shape: x.shape, data: out)
    }

    // MARK: triu / tril / trace

    /// Keeps the upper (j − i ≥ k) or lower (j − i ≤ k) triangle of the last two axes, zeroing the
    /// rest (np.triu / np.tril, batched over leading axes). Needs rank ≥ 2.
    public func triangle(upper: Bool, k: Int, what: String) throws -> Tensor {
        guard rank >= 2 else {
            throw CoreError("\(what): expects a matrix (or a batch of matrices), got shape \(formatShape(shape))",
                            hint: "diag(v) makes a matrix from a vector")
        }
        let r = shape[rank - 2], c = shape[rank - 1], m = r * c
        try Memory.check(elements: count)
        var out = data
        let batches = m == 0 ? 0 : count / m
        for b in 0..<batches {
            for i in 0..<r {
                for j in 0..<c {
                    let keep = upper ? j - i >= k : j - i <= k
                    if !keep { out[b * m + i * c + j] = 0 }
                }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// Σ of the main diagonal of a matrix (rectangular allowed, as np.trace).
    public func trace(what: String = "trace") throws -> Tensor {
        guard rank == 2 else {
            throw CoreError("\(what): expects a matrix, got shape \(formatShape(shape))")
        }
        let c = shape[1], n = Swift.min(shape[0], c)
        return Tensor(scalar: Summation.sum((0..<n).map { data[$0 * c + $0] }))
    }

    /// Gradient of `trace`: g on the main diagonal.
    public static func traceBackward(_ x: Tensor, _ g: Double) throws -> Tensor {
        var out = try Memory.doubles(x.count)
        if x.rank == 2 {
            let c = x.shape[1]
            for i in 0..<Swift.min(x.shape[0], c) { out[i * c + i] = g }
        }
        return Tensor(shape: x.shape, data: out)
    }

    // MARK: accuracy

    /// The fraction of correct predictions. With p one axis longer than y, the prediction is the
    /// argmax over p's last axis (the first on ties) and y holds class indices; with p and y of one
    /// shape, the prediction is p > 0.5 and y holds 0/1 labels. No samples: nan (a mean of nothing).
    public static func accuracy(_ p: Tensor, _ y: Tensor, what: String = "accuracy") throws -> Double {
        var correct = 0
        if p.rank == y.rank + 1 && Array(p.shape.dropLast()) == y.shape {
            let c = p.shape[p.rank - 1]
            guard c > 0 || y.count == 0 else {
                throw CoreError("\(what): p has no classes (its last axis has length 0, shape \(formatShape(p.shape)))")
            }
            for (i, v) in y.data.enumerated() where !(v >= 0 && v < Double(c) && v == v.rounded()) {
                throw CoreError("\(what): y must hold class indices in 0..<\(c) (from p's last axis), got \(messageNumber(v)) at flat index \(i)")
            }
            for s in 0..<y.count {
                var best = 0
                for k in 1..<Swift.max(c, 1) {
                    let v = p.data[s * c + k], b = p.data[s * c + best]
                    if v > b || (v.isNaN && !b.isNaN) { best = k }
                }
                if Double(best) == y.data[s] { correct += 1 }
            }
        } else if p.shape == y.shape {
            for (i, v) in y.data.enumerated() where v != 0 && v != 1 {
                throw CoreError("\(what): y must hold 0/1 labels when p has its shape, got \(messageNumber(v)) at flat index \(i)",
                                hint: "class indices go with p of one more axis (scores per class)")
            }
            for s in 0..<y.count where (p.data[s] > 0.5 ? 1.0 : 0.0) == y.data[s] { correct += 1 }
        } else {
            throw CoreError("\(what): p must have the shape of y (probabilities against 0/1 labels) or one more axis (class scores against class indices), got \(formatShape(p.shape)) and \(formatShape(y.shape))")
        }
        return y.count == 0 ? .nan : Double(correct) / Double(y.count)
    }
}
