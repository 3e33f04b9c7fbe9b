/// Reverse-mode automatic differentiation: a tape of the operations applied to
/// tracked tensors while `grad` runs a function, swept backwards once.
///
/// A tensor is tracked when its `node` is an entry of `Tape.current`. Each entry
/// keeps the shapes of its inputs and a closure that maps the gradient of its output
/// to the gradients of its inputs; gradients that come back in a broadcast shape are
/// summed back to the input's shape here, so rules may ignore broadcasting.
public final class Tape {
    /// The tape being recorded, if any (one at a time: `grad` does not nest).
    nonisolated(unsafe) public static var current: Tape? = nil

    struct Entry {
        let parents: [Int]
        let parentShapes: [[Int]]
        let backward: ((Tensor) throws -> [Tensor?])?
    }
    private var entries: [Entry] = []

    public init() {}

    public var count: Int { entries.count }

    /// A new input of the differentiated function.
    public func leaf(_ t: Tensor) -> Tensor {
        var r = t
        r.node = entries.count
        r.isMask = false
        entries.append(Entry(parents: [], parentShapes: [], backward: nil))
        return r
    }

    /// Records `output = op(inputs)`; `backward(g)` returns one gradient (or nil
    /// for none) per tracked input, in the order of `inputs`.
    public func record(_ output: Tensor, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        var r = output
        r.node = entries.count
        r.isMask = false
        entries.append(Entry(parents: inputs.map(\.node), parentShapes: inputs.map(\.shape), backward: backward))
        return r
    }

    /// d output / d leaf, by one backward sweep from `output` (a scalar).
    public func gradient(of output: Tensor, wrt leaf: Tensor) throws -> Tensor {
        try gradients(of: output, wrt: [leaf])[0]
    }

    /// d output / d leaf for each leaf, by one backward sweep from `output` (a scalar).
    public func gradients(of output: Tensor, wrt leaves: [Tensor]) throws -> [Tensor] {
        let zeros = { (leaf: Tensor) in try Tensor(shape: leaf.shape, repeating: 0) }
        let tracked = leaves.filter { $0.node >= 0 }
        guard output.node >= 0, output.node < entries.count, let lowest = tracked.map(\.node).min() else {
            return try leaves.map(zeros)
        }
        var grads = [Tensor?](repeating: nil, count: output.node + 1)
        grads[output.node] = Tensor(shape: output.shape, data: try Memory.doubles(output.count, repeating: 1))
        var i = output.node
        while i > lowest {
            defer { i -= 1 }
            guard let g = grads[i], let back = entries[i].backward else { continue }
            grads[i] = nil
            let e = entries[i]
            let pg = try back(g)
            for (k, p) in e.parents.enumerated() where p >= 0 && k < pg.count {
                guard let gk = pg[k] else { continue }
                let fitted = try Tape.sumToShape(gk, e.parentShapes[k])
                if let old = grads[p] {
                    grads[p] = try Tensor.zip(old, fitted, "gradient") { $0 + $1 }
                } else {
                    grads[p] = fitted
                }
            }
        }
        return try leaves.map { leaf in
            if leaf.node >= 0, leaf.node < grads.count, let g = grads[leaf.node] { return g }
            return try zeros(leaf)
        }
    }

    /// Sums a gradient over the axes that broadcasting added or stretched.
    public static func sumToShape(_ g: Tensor, _ shape: [Int]) throws -> Tensor {
        if g.shape == shape { return g }
        let n = Tensor.count(of: shape)
        if g.count == n { return Tensor(shape: shape, data: g.data) }
        guard let b = Broadcast.shape(shape, g.shape), b == g.shape else {
            throw CoreError("internal gradient of shape \(formatShape(g.shape)) does not fit an input of shape \(formatShape(shape))")
        }
        // Pairwise sums, as `sum` (a running total would lose accuracy in proportion to the
        // number of terms: the gradient of a bias broadcast over 10⁶ rows had a relative error
        // of 1e-11): all at once for a scalar, else over the leading axes that broadcasting
        // added, then along each axis it stretched from 1.
        if n == 1 { return Tensor(shape: shape, data: try g.sum().data) }
        var t = g
        let lead = g.rank - shape.count
        if lead > 0 {
            let rest = Array(g.shape.dropFirst(lead))
            t = try t.reshaped([g.count / Swift.max(1, Tensor.count(of: rest)), Tensor.count(of: rest)]).sum(axis: 0)
            t = try t.reshaped(rest)
        }
        for d in 0..<shape.count where shape[d] == 1 && t.shape[d] != 1 {
            t = try t.sum(axis: d, keepdims: true)
        }
        return Tensor(shape: shape, data: t.data)
    }
}
