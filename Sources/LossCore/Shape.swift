import Foundation

// Shape and construction ops (docs/reference.md §3 "Tensor"): reshape, transpose, concat, stack,
// flatten, full/ones, eye, linspace, arange, onehot, diag, dot, cross, outer,
// normalize, cosine, cdist. Errors name the built-in and both shapes.

/// A number in an error message: `3`, `1.5`, `-inf`, `nan` (up to 6 significant digits).
func messageNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), Swift.abs(x) < 1e15 { return String(format: "%.0f", x) }
    return String(format: "%.6g", x)
}

extension Tensor {
    // MARK: Reshaping

    /// NumPy reshape; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int], what: String = "reshape") throws -> Tensor {
        var infer: Int? = nil
        var known = 1
        for (i, d) in newShape.enumerated() {
            if d == -1 {
                if infer != nil { throw CoreError("\(what): only one dimension can be -1, got \(formatShape(newShape))") }
                infer = i
            } else if d < 0 {
                throw CoreError("\(what): dimensions must be ≥ 0 (or one -1), got \(formatShape(newShape))")
            } else {
                let (p, o) = known.multipliedReportingOverflow(by: d)
                if o || p > maxTensorElements {
                    throw CoreError("\(what): cannot reshape a tensor of shape \(formatShape(shape)) (\(count) elements) into \(formatShape(newShape))")
                }
                known = p
            }
        }
        var s = newShape
        if let i = infer {
            guard known != 0, count % known == 0 else {
                throw CoreError("\(what): cannot reshape a tensor of shape \(formatShape(shape)) (\(count) elements) into \(formatShape(newShape))")
            }
            s[i] = count / known
        } else if known != count {
            throw CoreError("\(what): cannot reshape a tensor of shape \(formatShape(shape)) (\(count) elements) into \(formatShape(newShape)) (\(known) elements)")
        }
        return Tensor(shape: s, data: data)
    }

    /// All elements as a vector (a scalar becomes a one-element vector, as NumPy's flatten).
    public func flattened() -> Tensor { Tensor(shape: [count], data: data) }

    /// Axes permuted: result axis i is this tensor's axis `axes[i]`.
    public func permuted(_ axes: [Int], what: String = "permute") throws -> Tensor {
        guard axes.count == rank, Set(axes).count == rank, axes.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw CoreError("\(what): \(formatShape(axes)) is not a permutation of the axes of a tensor of rank \(rank)")
        }
        if rank < 2 || axes == Array(0..<rank) { return self }
        let st = Tensor.strides(of: shape)
        let newShape = axes.map { shape[$0] }
        let newStrides = axes.map { st[$0] }
        let n = count
        let out = [Double](unsafeUninitializedCapacity: n) { buf, initialized in
            data.withUnsafeBufferPointer { src in
                guard let d = buf.baseAddress, let s = src.baseAddress else { return }
                if rank == 2 {
                    // blocked matrix transpose: out[j, i] = x[i, j]
                    let r = shape[0], c = shape[1], bs = 32
                    for i0 in stride(from: 0, to: r, by: bs) {
                        let i1 = Swift.min(r, i0 + bs)
                        for j0 in stride(from: 0, to: c, by: bs) {
                            let j1 = Swift.min(c, j0 + bs)
                            for i in i0..<i1 {
                                for j in j0..<j1 { (d + j * r + i).initialize(to: s[i * c + j]) }
                            }
                        }
                    }
                } else {
                    Tensor.walk(newShape, newStrides) { i, off in (d + i).initialize(to: s[off]) }
                }
            }
            initialized = n
        }
        return Tensor(shape: newShape, data: out)
    }

    /// Matrix transpose; for rank > 2 the axes are reversed (NumPy `.T`); scalars and vectors are unchanged.
    public func transposed() throws -> Tensor {
        if rank < 2 { return self }
        // the permutation is valid by construction; what can fail is memory or an interrupt
        return try permuted(Array((0..<rank).reversed()))
    }

    // MARK: Joining

    /// Joins tensors along an existing axis (torch.cat / np.concatenate). When every input is a
    /// scalar or vector, scalars count as one-element vectors.
    public static func concat(_ ts: [Tensor], axis: Int = 0, what: String = "concat") throws -> Tensor {
        guard let first = ts.first else { throw CoreError("\(what): needs at least one tensor") }
        var parts = ts
        if parts.allSatisfy({ $0.rank <= 1 }) {
            parts = parts.map { $0.rank == 0 ? Tensor(shape: [1], data: $0.data) : $0 }
        }
        let r = parts[0].rank
        guard r >= 1 else { throw CoreError("\(what): cannot join scalars along an axis") }
        for t in parts where t.rank != r {
            throw CoreError("\(what): tensors must have the same rank, got shapes \(formatShape(first.shape)) and \(formatShape(t.shape))")
        }
        let a = try parts[0].normalizedAxis(axis, what)
        var outShape = parts[0].shape
        var total = 0
        for t in parts {
            for d in 0..<r where d != a && t.shape[d] != outShape[d] {
                throw CoreError("\(what): shapes \(formatShape(parts[0].shape)) and \(formatShape(t.shape)) must match except along axis \(a)")
            }
            total += t.shape[a]
        }
        outShape[a] = total
        let n = try Tensor.checkedCount(outShape)
        var outer = 1, inner = 1
        for d in 0..<a { outer *= outShape[d] }
        for d in (a + 1)..<r { inner *= outShape[d] }
        var out = [Double]()
        out.reserveCapacity(n)
        for o in 0..<outer {
            for t in parts {
                let chunk = t.shape[a] * inner
                out.append(contentsOf: t.data[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Stacks tensors of one shape along a new axis (np.stack / torch.stack).
    public static func stack(_ ts: [Tensor], axis: Int = 0, what: String = "stack") throws -> Tensor {
        guard let first = ts.first else { throw CoreError("\(what): needs at least one tensor") }
        for (i, t) in ts.enumerated() where t.shape != first.shape {
            throw CoreError("\(what): every tensor must have the same shape, got \(formatShape(first.shape)) (argument 1) and \(formatShape(t.shape)) (argument \(i + 1))")
        }
        let r = first.rank + 1
        guard axis >= -r && axis < r else {
            throw CoreError("\(what): axis \(axis) is out of range for the stacked rank \(r)")
        }
        let a = axis < 0 ? axis + r : axis
        var expanded = first.shape
        expanded.insert(1, at: a)
        var outShape = first.shape
        outShape.insert(ts.count, at: a)
        _ = try Tensor.checkedCount(outShape)
        if a == 0 {
            var out = [Double]()
            out.reserveCapacity(first.count * ts.count)
            for t in ts { out.append(contentsOf: t.data) }
            return Tensor(shape: outShape, data: out)
        }
        return try concat(ts.map { Tensor(shape: expanded, data: $0.data) }, axis: a, what: what)
    }

    // MARK: Construction

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double) throws -> Tensor { try Tensor(shape: shape, repeating: value) }
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 1) }

    /// The n×n identity matrix.
    public static func eye(_ n: Int, what: String = "eye") throws -> Tensor {
        guard n >= 0 else { throw CoreError("\(what): n must be ≥ 0, got \(n)") }
        var t = try Tensor(shape: [n, n], repeating: 0)
        for i in 0..<n { t.data[i * n + i] = 1 }
        return t
    }

    /// n evenly spaced values from a to b inclusive, computed as np.linspace does (a + i·step, last = b).
    public static func linspace(_ a: Double, _ b: Double, count n: Int, what: String = "linspace") throws -> Tensor {
        guard n >= 0 else { throw CoreError("\(what): n must be ≥ 0, got \(n)") }
        _ = try Tensor.checkedCount([n])
        let div = n - 1
        let delta = b - a
        var out = try Memory.doubles(n)
        if div > 0 {
            let step = delta / Double(div)
            for i in 0..<n {
                out[i] = (step == 0 ? Double(i) / Double(div) * delta : Double(i) * step) + a
            }
            out[n - 1] = b
        } else if n == 1 {
            out[0] = 0 * delta + a
        }
        return Tensor(out)
    }

    /// Values from a (inclusive) to b (exclusive) in steps of `step`, as numpy.arange:
    /// ⌈(b − a)/step⌉ values a + i·((a + step) − a).
    public static func arange(_ a: Double, _ b: Double, step: Double = 1, what: String = "range") throws -> Tensor {
        let r = try RangeSpec(a, b, step: step, what: what)
        guard r.count <= maxTensorElements else {
            throw CoreError("\(what): the range would have more than \(maxTensorElements) elements",
                            hint: "a for loop walks a range lazily: for i in range(a, b, step) { … }")
        }
        var out = try Memory.doubles(r.count)
        for i in 0..<r.count { out[i] = r[i] }
        return Tensor(out)
    }

    /// One-hot encoding: shape `labels.shape + [C]`, 1 at each label's index. Labels must be
    /// integers in 0..<C; `classes == nil` infers C = max label + 1 (torch.one_hot's -1).
    /// `axis` places the class axis elsewhere in the result (1: [N, C, H, W] from labels [N, H, W],
    /// MONAI's one_hot(…, dim=1)); negative axes count from the end of the result.
    public static func onehot(_ labels: Tensor, classes: Int?, axis: Int, what: String = "onehot") throws -> Tensor {
        let r = labels.rank + 1
        guard axis >= -r && axis < r else {
            throw CoreError("\(what): axis \(axis) is out of range for the result of rank \(r) (labels of shape \(formatShape(labels.shape)); valid axes: \(-r) to \(r - 1))")
        }
        let a = axis < 0 ? axis + r : axis
        let t = try onehot(labels, classes: classes, what: what)
        if a == r - 1 { return t }
        return try t.permuted(Array(0..<a) + [r - 1] + Array(a..<(r - 1)), what: what)
    }

    public static func onehot(_ labels: Tensor, classes: Int?, what: String = "onehot") throws -> Tensor {
        var maxLabel = -1
        for (i, v) in labels.data.enumerated() {
            guard v.isFinite, v == v.rounded(), v >= 0, v < Double(maxTensorElements) else {
                throw CoreError("\(what): labels must be class indices (integers ≥ 0), got \(messageNumber(v)) at flat index \(i)")
            }
            maxLabel = Swift.max(maxLabel, Int(v))
        }
        let c = classes ?? (maxLabel + 1)
        guard c >= 0 else { throw CoreError("\(what): the number of classes must be ≥ 0, got \(c)") }
        if maxLabel >= c {
            let i = labels.data.firstIndex { $0 >= Double(c) } ?? 0
            throw CoreError("\(what): labels must be in 0..<\(c) (0-based class indices), got \(maxLabel) at flat index \(i)")
        }
        var t = try Tensor(shape: labels.shape + [c], repeating: 0)
        for (i, v) in labels.data.enumerated() { t.data[i * c + Int(v)] = 1 }
        return t
    }

    /// A vector's diagonal matrix, or a matrix's main diagonal (np.diag).
    public static func diag(_ x: Tensor, what: String = "diag") throws -> Tensor {
        switch x.rank {
        case 1:
            let n = x.count
            var t = try Tensor(shape: [n, n], repeating: 0)
            for i in 0..<n { t.data[i * n + i] = x.data[i] }
            return t
        case 2:
            let r = x.shape[0], c = x.shape[1]
            return Tensor((0..<Swift.min(r, c)).map { x.data[$0 * c + $0] })
        default:
            throw CoreError("\(what): expected a vector or a matrix, got shape \(formatShape(x.shape))")
        }
    }

    // MARK: Products and distances

    /// Broadcasts the leading axes of a and b (all but the last `keep` axes of each).
    static func batchShape(_ a: [Int], _ b: [Int], keep: Int) -> [Int]? {
        Broadcast.shape(Array(a.dropLast(keep)), Array(b.dropLast(keep)))
    }

    /// Σ a·b over the last axis (torch.linalg.vecdot / np.vecdot): vectors give a number,
    /// leading axes broadcast. Use matmul for matrix products.
    public static func dot(_ a: Tensor, _ b: Tensor, what: String = "dot") throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else {
            throw CoreError("\(what): expects vectors (or batches of vectors along the last axis), got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))",
                            hint: "use * to multiply by a number")
        }
        let n = a.shape[a.rank - 1]
        guard b.shape[b.rank - 1] == n else {
            throw CoreError("\(what): the last axes must have the same length, got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
        guard let batch = batchShape(a.shape, b.shape, keep: 1) else {
            throw CoreError("\(what): shapes \(formatShape(a.shape)) and \(formatShape(b.shape)) cannot be broadcast together")
        }
        let lanes = try Tensor.checkedCount(batch)
        _ = try Tensor.checkedCount(batch + [n])
        let aa = try a.broadcast(to: batch + [n]), bb = try b.broadcast(to: batch + [n])
        var out = try Memory.doubles(lanes)
        aa.data.withUnsafeBufferPointer { pa in
            bb.data.withUnsafeBufferPointer { pb in
                for l in 0..<lanes {
                    let o = l * n
                    out[l] = Reduce.pairwise(n) { pa[o + $0] * pb[o + $0] }
                }
            }
        }
        return Tensor(shape: batch, data: out)
    }

    /// Cross product of 3-vectors along the last axis, leading axes broadcast (torch.linalg.cross).
    public static func cross(_ a: Tensor, _ b: Tensor, what: String = "cross") throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1, a.shape[a.rank - 1] == 3, b.shape[b.rank - 1] == 3 else {
            throw CoreError("\(what): expects 3-vectors along the last axis, got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
        guard let batch = batchShape(a.shape, b.shape, keep: 1) else {
            throw CoreError("\(what): shapes \(formatShape(a.shape)) and \(formatShape(b.shape)) cannot be broadcast together")
        }
        let lanes = try Tensor.checkedCount(batch + [3]) / 3
        let aa = try a.broadcast(to: batch + [3]), bb = try b.broadcast(to: batch + [3])
        var out = try Memory.doubles(lanes * 3)
        for l in 0..<lanes {
            let o = 3 * l
            let a0 = aa.data[o], a1 = aa.data[o + 1], a2 = aa.data[o + 2]
            let b0 = bb.data[o], b1 = bb.data[o + 1], b2 = bb.data[o + 2]
            out[o] = a1 * b2 - a2 * b1
            out[o + 1] = a2 * b0 - a0 * b2
            out[o + 2] = a0 * b1 - a1 * b0
        }
        return Tensor(shape: batch + [3], data: out)
    }

    /// Outer product of the flattened inputs: [m] and [n] give [m, n] (np.outer).
    public static func outer(_ a: Tensor, _ b: Tensor, what: String = "outer") throws -> Tensor {
        let m = a.count, n = b.count
        _ = try Tensor.checkedCount([m, n])
        var out = try Memory.doubles(m * n)
        for i in 0..<m {
            let x = a.data[i]
            for j in 0..<n { out[i * n + j] = x * b.data[j] }
        }
        return Tensor(shape: [m, n], data: out)
    }

    /// x / max(‖x‖₂, 1e-12) along `axis` (torch F.normalize).
    public static func normalize(_ x: Tensor, axis: Int = -1, eps: Double = 1e-12, what: String = "normalize") throws -> Tensor {
        _ = try x.normalizedAxis(axis, what)
        let n = try x.norm(p: 2, axis: axis, keepdims: true)
        return try Kernels.binary(x, n, what) { v, d in v / (d > eps || d.isNaN ? d : eps) }  // clamp_min keeps nan
    }

    /// Cosine similarity along `axis` with torch's eps 1e-8 (torch F.cosine_similarity):
    /// Σ (a / max(‖a‖, eps)) · (b / max(‖b‖, eps)); a and b broadcast.
    public static func cosine(_ a: Tensor, _ b: Tensor, axis: Int = -1, eps: Double = 1e-8, what: String = "cosine") throws -> Tensor {
        guard let target = Broadcast.shape(a.shape, b.shape) else {
            throw CoreError("\(what): shapes \(formatShape(a.shape)) and \(formatShape(b.shape)) cannot be broadcast together")
        }
        _ = try Tensor.checkedCount(target)
        let aa = try a.broadcast(to: target), bb = try b.broadcast(to: target)
        let L = try aa.layout(axis: axis, keepdims: false, what)
        var out = try Memory.doubles(L.lanes)
        aa.data.withUnsafeBufferPointer { pa in
            bb.data.withUnsafeBufferPointer { pb in
                Reduce.forLanes(L) { start, stride, l in
                    let na = Reduce.pairwise(L.n) { let v = pa[start + $0 * stride]; return v * v }.squareRoot()
                    let nb = Reduce.pairwise(L.n) { let v = pb[start + $0 * stride]; return v * v }.squareRoot()
                    let da = na > eps || na.isNaN ? na : eps, db = nb > eps || nb.isNaN ? nb : eps
                    out[l] = Reduce.pairwise(L.n) { (pa[start + $0 * stride] / da) * (pb[start + $0 * stride] / db) }
                }
            }
        }
        return Tensor(shape: L.shape, data: out)
    }

    /// Pairwise Euclidean distances between the rows of a [.., N, D] and b [.., M, D]: [.., N, M]
    /// (torch.cdist with p = 2, computed directly rather than through a matrix product).
    public static func cdist(_ a: Tensor, _ b: Tensor, what: String = "cdist") throws -> Tensor {
        guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 1] else {
            throw CoreError("\(what): expects matrices of points [N, D] and [M, D] with the same D, got shapes \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
        guard let batch = batchShape(a.shape, b.shape, keep: 2) else {
            throw CoreError("\(what): the batch axes of shapes \(formatShape(a.shape)) and \(formatShape(b.shape)) cannot be broadcast together")
        }
        let nA = a.shape[a.rank - 2], nB = b.shape[b.rank - 2], d = a.shape[a.rank - 1]
        let outShape = batch + [nA, nB]
        let total = try Tensor.checkedCount(outShape)
        _ = try Tensor.checkedCount(batch + [Swift.max(nA, nB), d])
        let aa = try a.broadcast(to: batch + [nA, d]), bb = try b.broadcast(to: batch + [nB, d])
        let batches = Tensor.count(of: batch)
        var out = try Memory.doubles(total)
        aa.data.withUnsafeBufferPointer { pa in
            bb.data.withUnsafeBufferPointer { pb in
                for bi in 0..<batches {
                    for i in 0..<nA {
                        let ra = (bi * nA + i) * d
                        for j in 0..<nB {
                            let rb = (bi * nB + j) * d
                            out[(bi * nA + i) * nB + j] = Reduce.pairwise(d) { let v = pa[ra + $0] - pb[rb + $0]; return v * v }.squareRoot()
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }
}

/// The values of `range(a, b, step)` without storing them (NumPy's arange: ⌈(b − a)/step⌉
/// values a, a + δ, a + 2δ, … with δ = (a + step) − a), so that a for loop can walk
/// `range(0, 1e12, 1)` lazily.
public struct RangeSpec: Sendable {
    public let start: Double
    public let step: Double
    public let delta: Double
    public let count: Int

    public init(_ a: Double, _ b: Double, step: Double = 1, what: String = "range") throws {
        guard a.isFinite, b.isFinite, step.isFinite else {
            throw CoreError("\(what): start, stop and step must be finite numbers, got \(messageNumber(a)), \(messageNumber(b)), \(messageNumber(step))")
        }
        guard step != 0 else { throw CoreError("\(what): step must not be 0") }
        let len = ((b - a) / step).rounded(.up)
        guard len.isFinite, len < 9.0e18 else {
            throw CoreError("\(what): the range would have more than 9e18 elements")
        }
        start = a
        self.step = step
        delta = (a + step) - a
        count = len > 0 ? Int(len) : 0
    }

    /// The i-th value (0 ≤ i < count).
    @inline(__always) public subscript(_ i: Int) -> Double {
        i >= 2 ? start + Double(i) * delta : (i == 0 ? start : start + step)
    }
}
