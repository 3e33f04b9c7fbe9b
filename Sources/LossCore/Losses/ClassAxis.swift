import Foundation

// The class axis of the losses (docs/reference.md §4.6, `axis:`).
//
// Row losses (cross_entropy, nll, focal, poly1, poly with class-index targets) take the class
// axis anywhere: `axis: 1` is torch's [N, C, d1, …] layout. The kernels work on the last
// axis, so the prediction (and a target of its shape) is moved there (`ClassAxis.toLast`),
// and the gradients are moved back (`fromLast`). Class-index targets have the prediction's
// shape without the class axis whichever it is, so they need no move, and neither do the
// per-sample outputs of "none" (the remaining axes keep their order).
//
// The overlap losses (dice, dice_score, tversky) take a channel axis (`ChannelAxis`): one
// value per sample and channel, as MONAI's DiceLoss/TverskyLoss, by moving the channel axis
// to position 1 and reading [N, C, rest…] as N·C samples; `includeBackground: false` leaves
// channel 0 out.

/// The class axis of a row loss, when it is not already the last axis.
struct ClassAxis {
    /// The class axis, in 0..<rank.
    let axis: Int
    let rank: Int

    /// A valid axis of a tensor of `shape`, counted from the end when negative; the error names
    /// the axis and the shape.
    static func normalize(_ fn: String, _ axis: Int, _ shape: [Int], _ arg: String) throws -> Int {
        let r = shape.count
        guard r > 0 else {
            throw CoreError("\(fn): axis \(axis) is out of range: \(arg) is a number (shape []), it has no class axis")
        }
        guard axis >= -r && axis < r else {
            throw CoreError("\(fn): axis \(axis) is out of range for \(arg) of shape \(formatShape(shape)) (valid axes: \(-r) to \(r - 1))")
        }
        return axis < 0 ? axis + r : axis
    }

    /// nil when nothing moves: the default −1 (no check, the loss's own errors) or an axis
    /// that is the last one.
    static func resolve(_ fn: String, _ axis: Int, _ p: Tensor, _ arg: String) throws -> ClassAxis? {
        if axis == -1 { return nil }
        let a = try normalize(fn, axis, p.shape, arg)
        return a == p.rank - 1 ? nil : ClassAxis(axis: a, rank: p.rank)
    }

    /// The permutation that moves the class axis to the end.
    var forward: [Int] { Array(0..<axis) + Array((axis + 1)..<rank) + [axis] }
    /// Its inverse: the last axis back to `axis`.
    var backward: [Int] { Array(0..<axis) + [rank - 1] + Array(axis..<(rank - 1)) }

    func toLast(_ t: Tensor) throws -> Tensor { try t.permuted(forward, what: "axis") }
    func fromLast(_ t: Tensor) throws -> Tensor { try t.permuted(backward, what: "axis") }

    /// p's shape without the class axis: the shape of class-index targets.
    func rows(_ shape: [Int]) -> [Int] {
        var s = shape
        s.remove(at: axis)
        return s
    }

    /// Whether y has p's shape (`sameShape`: moved with p) or p's shape without the class axis
    /// (class indices: as it is); any other shape is an error naming both shapes and the axis.
    func targetKind(_ fn: String, _ p: Tensor, _ y: Tensor, _ pn: String, _ yn: String, sameMeaning: String?) throws -> Bool {
        if y.shape == p.shape, sameMeaning != nil { return true }
        let rows = rows(p.shape)
        if y.shape == rows { return false }
        let same = sameMeaning.map { "\(pn)'s shape \(formatShape(p.shape)) (\($0)) or " } ?? ""
        throw CoreError("\(fn): \(yn) must have \(same)\(pn)'s shape without the class axis \(axis), \(formatShape(rows)) (class indices), got \(formatShape(y.shape))",
                        hint: sameMeaning == nil && y.shape == p.shape ? "nll takes class indices; for class probabilities as targets, use cross_entropy" : nil)
    }

    /// p (and y when it has p's shape) with the class axis last, after the checks whose errors
    /// name positions or shapes, made here on the tensors as given.
    func rowInputs(_ fn: String, _ p: Tensor, _ y: Tensor, pn: String = "p", probabilities: Bool, sameMeaning: String?,
                   ignoreIndex: Int? = nil) throws -> (Tensor, Tensor) {
        let same = try targetKind(fn, p, y, pn, "y", sameMeaning: sameMeaning)
        if probabilities { try TermKernel.checkProbabilities(p, fn, pn) }
        guard same else { return (try toLast(p), y) }
        if let ig = ignoreIndex {
            throw CoreError("\(fn): ignore_index (\(ig)) applies to class-index targets, but y has p's shape \(formatShape(p.shape)) (class probabilities)",
                            hint: "drop ignore_index, or pass y as class indices of shape \(formatShape(rows(p.shape)))")
        }
        try TermKernel.checkUnitTargets(y, fn, "y", what: "\(sameMeaning ?? "labels") in [0, 1]")
        return (try toLast(p), try toLast(y))
    }

    /// The gradients of the moved call, moved back (those named in `moved`).
    func back(_ grads: [String: Tensor], _ moved: Set<String>) throws -> [String: Tensor] {
        var out = grads
        for (k, v) in grads where moved.contains(k) { out[k] = try fromLast(v) }
        return out
    }
}

/// The channel axis of the overlap losses: one value per sample and channel (MONAI).
struct ChannelAxis {
    /// The channel axis, in 1..<rank.
    let axis: Int
    let shape: [Int]
    /// The channels kept (from 1 when the background is left out).
    let first: Int

    var samples: Int { shape[0] }
    var channels: Int { shape[axis] }
    var kept: Int { channels - first }
    /// Elements per sample and channel.
    var inner: Int { samples == 0 || channels == 0 ? 0 : Tensor.count(of: shape) / (samples * channels) }

    /// nil without `axis` (one value per sample, channels summed).
    static func resolve(_ fn: String, _ p: Tensor, _ g: Tensor, axis: Int?, includeBackground: Bool) throws -> ChannelAxis? {
        guard let axis = axis else {
            if !includeBackground {
                throw CoreError("\(fn): include_background: false needs the channel axis, axis: (e.g. axis: 1 for [N, C, H, W])",
                                hint: "without axis: the channels are summed into one value per sample")
            }
            return nil
        }
        guard p.shape == g.shape else {
            throw CoreError("\(fn): p and g must have the same shape, got \(formatShape(p.shape)) and \(formatShape(g.shape))")
        }
        guard p.rank >= 2 else {
            throw CoreError("\(fn): axis: needs a batch axis and a channel axis, p of shape [N, C, …]; got shape \(formatShape(p.shape))",
                            hint: "for one sample, add the batch axis: reshape(p, [1, …])")
        }
        let a = try ClassAxis.normalize(fn, axis, p.shape, "p")
        guard a != 0 else {
            throw CoreError("\(fn): axis \(axis) is the batch axis of p of shape \(formatShape(p.shape)); the channel axis must be another one (1 for [N, C, H, W])")
        }
        if !includeBackground && p.shape[a] < 2 {
            throw CoreError("\(fn): include_background: false leaves channel 0 out, but p of shape \(formatShape(p.shape)) has \(p.shape[a]) channel\(p.shape[a] == 1 ? "" : "s") along axis \(a)",
                            hint: "MONAI ignores include_background=False for one channel (with a warning); drop the option")
        }
        return ChannelAxis(axis: a, shape: p.shape, first: includeBackground ? 0 : 1)
    }

    /// The permutation that moves the channel axis to position 1.
    var forward: [Int] { [0, axis] + Array(1..<axis) + Array((axis + 1)..<shape.count) }
    var backward: [Int] { [0] + Array(2..<(axis + 1)) + [1] + Array((axis + 1)..<shape.count) }

    /// t as [N·C', inner]: one row per sample and kept channel.
    func rows(_ t: Tensor) throws -> Tensor {
        let m = try t.permuted(forward, what: "axis")
        let n = samples, c = channels, k = inner
        if first == 0 { return Tensor(shape: [n * c, k], data: m.data) }
        var out = try Memory.doubles(n * kept * k)
        m.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                for i in 0..<n {
                    (d + i * kept * k).update(from: s + (i * c + first) * k, count: kept * k)
                }
            }
        }
        return Tensor(shape: [n * kept, k], data: out)
    }

    /// The [N, C'] values of "none".
    func values(_ t: Tensor) -> Tensor { Tensor(shape: [samples, kept], data: t.data) }

    /// A gradient of the rows [N·C', inner] back in the input's shape (0 for a channel left out).
    func gradient(_ t: Tensor) throws -> Tensor {
        let n = samples, c = channels, k = inner
        var full = t.data
        if first != 0 {
            full = try Memory.doubles(n * c * k)
            t.data.withUnsafeBufferPointer { src in
                full.withUnsafeMutableBufferPointer { dst in
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                    for i in 0..<n {
                        (d + (i * c + first) * k).update(from: s + i * kept * k, count: kept * k)
                    }
                }
            }
        }
        var moved = shape
        moved.remove(at: axis)
        moved.insert(c, at: 1)
        return try Tensor(shape: moved, data: full).permuted(backward, what: "axis")
    }
}
