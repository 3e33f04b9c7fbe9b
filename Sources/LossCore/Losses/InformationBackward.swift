import Foundation

// Analytic backward passes of the information measures (docs/reference.md §4.1), for `grad`. The upstream
// gradient has the output's shape (the input's without `axis`) and is read back along the
// axis for every element. Conventions are torch autograd's on the defining formulas
// (torch.special.entr, xlogy): ∂H/∂p = −(log p + 1), +inf at p = 0;
// ∂D/∂p = log(p/q) + 1 (−inf at p = 0 < q, +inf at q = 0 < p, nan at p = q = 0);
// ∂D/∂q = −p/q, and 0 where p = 0 (the term is 0 for every q there).

extension Losses {
    /// Gradient of `entropy` with respect to `p`: −g·(log p + 1).
    public static func entropyBackward(_ p: Tensor, axis: Int = -1, upstream g: Tensor,
                                       wrt: Set<String> = ["p"]) throws -> [String: Tensor] {
        let a = try entropyAxis(p, axis: axis)
        let layout = try AxisUpstreamLayout(p.shape, a, upstream: g, "entropy")
        guard wrt.contains("p") else { return [:] }
        let data: [Double] = p.data.withUnsafeBufferPointer { x in
            g.data.withUnsafeBufferPointer { gp in
                TermKernel.fill(p.count, EntropyGrad(p: x, g: layout.reader(gp)))
            }
        }
        return ["p": Tensor(shape: p.shape, data: data)]
    }

    /// Gradients of `kl` with respect to `p` and `q` (`wrt`), each of its argument's shape
    /// (summed over the axes broadcasting added).
    public static func klBackward(_ p: Tensor, _ q: Tensor, axis: Int = -1, upstream g: Tensor,
                                  wrt: Set<String> = ["p", "q"]) throws -> [String: Tensor] {
        let a = try KLInputs(p, q, axis: axis)
        let layout = try AxisUpstreamLayout(a.p.shape, a.axis, upstream: g, "kl")
        var out: [String: Tensor] = [:]
        try a.p.data.withUnsafeBufferPointer { pp in
            try a.q.data.withUnsafeBufferPointer { qp in
                try g.data.withUnsafeBufferPointer { gp in
                    let up = layout.reader(gp)
                    if wrt.contains("p") {
                        let full = Tensor(shape: a.p.shape, data: TermKernel.fill(a.p.count, KLGradP(p: pp, q: qp, g: up)))
                        out["p"] = try Tape.sumToShape(full, a.pShape)
                    }
                    if wrt.contains("q") {
                        let full = Tensor(shape: a.p.shape, data: TermKernel.fill(a.p.count, KLGradQ(p: pp, q: qp, g: up)))
                        out["q"] = try Tape.sumToShape(full, a.qShape)
                    }
                }
            }
        }
        return out
    }

    /// −g·(log p + 1).
    struct EntropyGrad: IndexedTerms {
        let p: UnsafeBufferPointer<Double>
        let g: AxisUpstream
        @inline(__always) func term(_ i: Int) -> Double { -g[i] * (log(p[i]) + 1) }
    }

    /// g·(log(p/q) + 1), with log p − log q where p/q over- or underflows.
    struct KLGradP: IndexedTerms {
        let p, q: UnsafeBufferPointer<Double>
        let g: AxisUpstream
        @inline(__always) func term(_ i: Int) -> Double {
            let a = p[i], b = q[i]
            let r = a / b
            let l = r.isFinite && r > 0 ? log(r) : log(a) - log(b)
            return g[i] * (l + 1)
        }
    }

    /// −g·p/q, 0 where p = 0 (nan stays nan).
    struct KLGradQ: IndexedTerms {
        let p, q: UnsafeBufferPointer<Double>
        let g: AxisUpstream
        @inline(__always) func term(_ i: Int) -> Double {
            let a = p[i], b = q[i]
            if a == 0 && !b.isNaN { return 0 }
            return -g[i] * (a / b)
        }
    }
}

/// Where element i of a tensor reduced along one axis finds its output element.
struct AxisUpstreamLayout {
    let len: Int
    let inner: Int

    init(_ shape: [Int], _ axis: Int, upstream g: Tensor, _ fn: String) throws {
        len = shape[axis]
        inner = Tensor.count(of: Array(shape[(axis + 1)...]))
        var outShape = shape
        outShape.remove(at: axis)
        guard g.count == Tensor.count(of: outShape) else {
            throw CoreError("\(fn): the gradient of its output has shape \(formatShape(g.shape)), expected \(formatShape(outShape))")
        }
    }

    func reader(_ g: UnsafeBufferPointer<Double>) -> AxisUpstream { AxisUpstream(g: g, len: len, inner: inner) }
}

/// The upstream gradient read at element i = [o, k, j] of the input: g[o, j].
struct AxisUpstream {
    let g: UnsafeBufferPointer<Double>
    let len: Int
    let inner: Int
    @inline(__always) subscript(_ i: Int) -> Double {
        if inner == 1 { return g[i / len] }
        let block = len * inner
        return g[(i / block) * inner + i % inner]
    }
}
