import Foundation

// Options of existing losses that users port from other libraries (docs/reference.md §4.6), kept
// in their own file: kl with `log: true` (p and q given as log-probabilities, torch
// `kl_div(log_q, log_p, log_target=True)` summed over the axis).

extension Losses {
    /// D_KL(P‖Q) from log-probabilities: Σ exp(log p)·(log p − log q) along `axis`, 0 where p = 0
    /// (log p = −inf; torch gives nan there), inf where q = 0 < p.
    public static func klLog(_ logP: Tensor, _ logQ: Tensor, axis: Int = -1) throws -> Tensor {
        let a = try KLLogInputs(logP, logQ, axis: axis)
        let L = try a.p.layout(axis: a.axis, keepdims: false, "kl")
        var out = [Double](repeating: 0, count: L.lanes)
        Reduce.forLanes(L) { start, stride, lane in
            out[lane] = rowSum(L.n) { k in
                let i = start + k * stride
                let lp = a.p.data[i]
                return lp == -.infinity ? 0 : Foundation.exp(lp) * (lp - a.q.data[i])
            }
        }
        return Tensor(shape: L.shape, data: out)
    }

    /// Gradients: exp(log p)·(log p − log q + 1) for p, −exp(log p) for q (0 where log p = −inf),
    /// each summed back to the shape it was given in.
    public static func klLogBackward(_ logP: Tensor, _ logQ: Tensor, axis: Int = -1, upstream g: Tensor,
                                     wrt: Set<String> = ["p", "q"]) throws -> [String: Tensor] {
        let a = try KLLogInputs(logP, logQ, axis: axis)
        let L = try a.p.layout(axis: a.axis, keepdims: false, "kl")
        guard g.count == L.lanes else {
            throw CoreError("kl: internal: the upstream gradient must have shape \(formatShape(L.shape)), got \(formatShape(g.shape))")
        }
        var gp = [Double](repeating: 0, count: a.p.count), gq = gp
        Reduce.forLanes(L) { start, stride, lane in
            for k in 0..<L.n {
                let i = start + k * stride
                let lp = a.p.data[i]
                if lp == -.infinity { continue }
                let e = Foundation.exp(lp) * g.data[lane]
                gp[i] = e * (lp - a.q.data[i] + 1)
                gq[i] = -e
            }
        }
        var out: [String: Tensor] = [:]
        if wrt.contains("p") { out["p"] = try Tape.sumToShape(Tensor(shape: a.p.shape, data: gp), logP.shape) }
        if wrt.contains("q") { out["q"] = try Tape.sumToShape(Tensor(shape: a.p.shape, data: gq), logQ.shape) }
        return out
    }

    /// kl's arguments with `log: true`: log-probabilities (≤ 0, or nan) broadcast to one shape.
    struct KLLogInputs {
        let p, q: Tensor
        let axis: Int
        init(_ p: Tensor, _ q: Tensor, axis: Int) throws {
            var p = p, q = q
            if p.shape != q.shape {
                guard let s = Broadcast.shape(p.shape, q.shape) else {
                    throw CoreError("kl: p and q must have the same shape (or shapes that broadcast), got \(formatShape(p.shape)) and \(formatShape(q.shape))")
                }
                _ = try Tensor.checkedCount(s)
                p = p.broadcast(to: s)
                q = q.broadcast(to: s)
            }
            guard p.rank >= 1 else {
                throw CoreError("kl: p and q must be distributions (vectors, or tensors with the distributions along axis), got numbers")
            }
            self.axis = try TermKernel.axis(axis, rank: p.rank, "kl")
            for (name, t) in [("p", p), ("q", q)] {
                if let i = t.data.firstIndex(where: { $0 > 0 }) {
                    throw CoreError("kl: with log: true, \(name) must hold log-probabilities (≤ 0), got \(formatNumber(t.data[i]))\(TermKernel.position(i, t.shape))",
                                    hint: "pass probabilities with log: false (the default)")
                }
            }
            self.p = p
            self.q = q
        }
    }
}

// MARK: - label_smoothing on bce (Keras)

extension Losses {
    /// Binary labels smoothed as Keras' BinaryCrossentropy does: y·(1 − ε) + ε/2, after checking
    /// that y holds labels or probabilities in [0, 1] and ε is in [0, 1].
    public static func smoothedBinaryLabels(_ y: Tensor, _ epsilon: Double, _ fn: String) throws -> Tensor {
        guard epsilon >= 0, epsilon <= 1 else {
            throw CoreError("\(fn): label_smoothing must be in [0, 1], got \(formatNumber(epsilon))")
        }
        try TermKernel.checkUnitTargets(y, fn, "y")
        if epsilon == 0 { return y }
        return Tensor(shape: y.shape, data: y.data.map { $0 * (1 - epsilon) + 0.5 * epsilon })
    }
}
