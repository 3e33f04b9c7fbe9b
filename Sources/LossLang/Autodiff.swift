import LossCore

/// Gradient rules of the language's own operations (operators, indexing, literals)
/// and the hook that records built-in calls on the tape. Built-ins carry their own
/// rules in the registry (`Builtin.withBackward`).
enum AD {
    @inline(__always) static var active: Bool { Tape.current != nil }

    static func ones(like t: Tensor) -> Tensor { Tensor(shape: t.shape, data: [Double](repeating: 1, count: t.count)) }

    static func mul(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.binary(.mul, a, b) }
    static func div(_ a: Tensor, _ b: Tensor) throws -> Tensor { try Tensor.binary(.div, a, b) }
    static func neg(_ a: Tensor) throws -> Tensor { try a.map { -$0 } }

    /// Swaps the last two axes (a vector is returned as it is).
    static func swapLast2(_ t: Tensor) throws -> Tensor {
        if t.rank < 2 { return t }
        if t.rank == 2 { return try t.transposed() }
        let r = t.shape[t.rank - 2], c = t.shape[t.rank - 1], m = r * c
        var shape = t.shape
        shape[t.rank - 2] = c; shape[t.rank - 1] = r
        var out = [Double](repeating: 0, count: t.count)
        let batches = m == 0 ? 0 : t.count / m
        for b in 0..<batches {
            for i in 0..<r { for j in 0..<c { out[b * m + j * r + i] = t.data[b * m + i * c + j] } }
        }
        return Tensor(shape: shape, data: out)
    }

    static func outer(_ a: Tensor, _ b: Tensor) -> Tensor {
        var out = [Double](repeating: 0, count: a.count * b.count)
        for i in 0..<a.count { for j in 0..<b.count { out[i * b.count + j] = a.data[i] * b.data[j] } }
        return Tensor(shape: [a.count, b.count], data: out)
    }

    /// Records `out = a op b` when an operand is tracked.
    static func binary(_ op: BinOp, _ a: Tensor, _ b: Tensor, _ out: Tensor) throws -> Tensor {
        guard let tape = Tape.current, a.node >= 0 || b.node >= 0 else { return out }
        let av = a, bv = b, ov = out
        let rule: (Tensor) throws -> [Tensor?]
        switch op {
        case .add: rule = { g in [g, g] }
        case .sub: rule = { g in [g, try neg(g)] }
        case .mul: rule = { g in [try mul(g, bv), try mul(g, av)] }
        case .div: rule = { g in
            [try div(g, bv), try Tensor.zip(try Tensor.zip(g, av, "gradient") { $0 * $1 }, bv, "gradient") { -$0 / ($1 * $1) }] }
        case .pow: rule = { g in
            // d/da a^b = b·a^(b−1); d/db a^b = a^b·log a (0 where a = 0, as torch)
            let ga = try Tensor.zip(try Tensor.zip(av, bv, "gradient") { x, y in y == 0 ? 0 : y * _pow(x, y - 1) }, g, "gradient") { $0 * $1 }
            let gb = bv.node >= 0
                ? try Tensor.zip(try Tensor.zip(av, ov, "gradient") { x, o in x == 0 ? 0 : o * _log(x) }, g, "gradient") { $0 * $1 }
                : nil
            return [ga, gb]
        }
        case .mod: rule = { g in [g, try Tensor.zip(try Tensor.zip(av, bv, "gradient") { x, y in -(x / y).rounded(.down) }, g, "gradient") { $0 * $1 }] }
        case .matmul: rule = { g in
            switch (av.rank, bv.rank) {
            case (1, 1): return [try mul(g, bv), try mul(g, av)]
            case (_, 1): return [outer(g, bv), try Linalg.matmul(swapLast2(av), g)]
            case (1, _): return [try Linalg.matmul(bv, g), outer(av, g)]
            default: return [try Linalg.matmul(g, swapLast2(bv)), try Linalg.matmul(swapLast2(av), g)]
            }
        }
        default: return out  // comparisons: not differentiable, result is a constant
        }
        return tape.record(out, inputs: [a, b], backward: rule)
    }

    static func negate(_ a: Tensor, _ out: Tensor) -> Tensor {
        guard let tape = Tape.current, a.node >= 0 else { return out }
        return tape.record(out, inputs: [a]) { g in [try neg(g)] }
    }

    static func transpose(_ a: Tensor, _ out: Tensor) -> Tensor {
        guard let tape = Tape.current, a.node >= 0 else { return out }
        return tape.record(out, inputs: [a]) { g in [g.rank >= 2 ? try g.transposed() : g] }
    }

    /// `x[…]` on a tracked tensor: the gradient scatters back into x's shape.
    static func index(_ x: Tensor, _ specs: [IndexSpec]) throws -> Value {
        let (offs, shape) = try Indexing.select(x.shape, specs)
        let data = offs.map { x.data[$0] }
        let out = Tensor(shape: shape, data: data)
        guard let tape = Tape.current, x.node >= 0 else { return Value.from(out) }
        let xs = x.shape
        return .tensor(tape.record(out, inputs: [x]) { g in
            var gx = [Double](repeating: 0, count: Tensor.count(of: xs))
            for (i, o) in offs.enumerated() { gx[o] += g.data[i] }
            return [Tensor(shape: xs, data: gx)]
        })
    }

    /// `x[…] = v` with x or v tracked: a new tensor whose gradient flows to the
    /// unselected part of x and to v.
    static func setIndex(_ x: Tensor, _ specs: [IndexSpec], _ v: Tensor) throws -> Tensor {
        var out = x
        out.node = -1
        try Indexing.set(&out, specs, v)
        guard let tape = Tape.current, x.node >= 0 || v.node >= 0 else { return out }
        let (offs, _) = try Indexing.select(x.shape, specs)
        let vs = v.shape
        return tape.record(out, inputs: [x, v]) { g in
            var gx = g
            for o in offs { gx.data[o] = 0 }
            var gv = [Double](repeating: 0, count: offs.count)
            for (i, o) in offs.enumerated() { gv[i] = g.data[o] }
            let selected = Tensor(shape: [offs.count], data: gv)
            // several selected elements may come from one broadcast value element
            let vn = Tensor.count(of: vs)
            if vn == 1 { return [gx, Tensor(shape: vs, data: [Summation.sum(gv)])] }
            if vn == offs.count { return [gx, Tensor(shape: vs, data: gv)] }
            return [gx, try Tape.sumToShape(Tensor(shape: try Indexing.select(x.shape, specs).shape, data: selected.data), vs)]
        }
    }

    /// A literal `[a, b, …]` stacking tracked elements.
    static func stack(_ parts: [Tensor], _ out: Tensor) -> Tensor {
        guard let tape = Tape.current, parts.contains(where: { $0.node >= 0 }) else { return out }
        let sizes = parts.map(\.count), shapes = parts.map(\.shape)
        return tape.record(out, inputs: parts) { g in
            var off = 0
            var gs: [Tensor?] = []
            for (k, n) in sizes.enumerated() {
                gs.append(Tensor(shape: shapes[k], data: Array(g.data[off..<(off + n)])))
                off += n
            }
            return gs
        }
    }

    /// Calls a built-in; while a tape records and an argument is tracked, records the
    /// call with the built-in's gradient rule.
    static func callBuiltin(_ b: Builtin, _ args: Args) throws -> Value {
        var tracked: [(name: String, tensor: Tensor)] = []
        for (i, v) in args.values.enumerated() {
            if case .tensor(let t) = v, t.node >= 0 { tracked.append((b.params[i].name, t)) }
        }
        for (i, v) in args.rest.enumerated() {
            if case .tensor(let t) = v, t.node >= 0 { tracked.append(("#\(i)", t)) }
        }
        if tracked.isEmpty { return try b.impl(args) }
        guard let rule = b.backward, let tape = Tape.current else {
            throw CoreError("grad: \(b.name) is not differentiable (it has no gradient rule)",
                            hint: "grad follows arithmetic, indexing and the differentiable built-ins")
        }
        let out = try b.impl(args)
        guard let ot = out.asTensor else { return out }
        var plain = ot
        plain.node = -1
        let names = tracked.map(\.name)
        let name = b.name
        return .tensor(tape.record(plain, inputs: tracked.map(\.tensor)) { g in
            let grads = try rule(args, plain, g)
            return try names.map { n in
                guard let gr = grads[n] else {
                    throw CoreError("grad: \(name) has no gradient with respect to its argument '\(n)'",
                                    hint: "class labels, weights and other constant inputs have no gradient; differentiate with respect to the predictions")
                }
                return gr
            }
        })
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
#else
import Darwin
@inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif
