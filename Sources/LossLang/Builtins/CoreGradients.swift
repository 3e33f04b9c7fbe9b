import Foundation
import LossCore

// Gradient rules (`grad`) of the math, reduction, tensor and activation built-ins, attached
// to their registry entries after every family is installed. Conventions follow torch.autograd:
// abs'(0) = 0, relu'(0) = 0, ties in max/min share the gradient evenly (torch.amax), clamp
// passes the gradient where lo ≤ x ≤ hi, norm'(0) = 0.

private func unaryRule(_ f: @escaping (_ x: Double, _ y: Double) -> Double) -> (Args, Tensor, Tensor) throws -> [String: Tensor] {
    { args, out, g in
        let x = try args.tensor(args.builtin.params[0].name)
        var d = [Double](repeating: 0, count: x.count)
        for i in 0..<x.count { d[i] = g.data[i] * f(x.data[i], out.data[i]) }
        return [args.builtin.params[0].name: Tensor(shape: x.shape, data: d)]
    }
}

/// The reduction layout of a built-in's `axis:`/`keepdims:` arguments.
private func layout(_ args: Args, _ x: Tensor) throws -> AxisLayout {
    try x.layout(axis: try args.optionalInt("axis"), keepdims: false, args.name)
}

/// Calls body(lane, gradient of the lane's result, flat index of element k) for every element.
@inline(__always)
private func eachElement(_ L: AxisLayout, _ body: (_ lane: Int, _ idx: Int) -> Void) {
    for l in 0..<L.lanes {
        let s = L.laneStart(l)
        for k in 0..<L.n { body(l, s + k * L.inner) }
    }
}

/// A gradient of x's shape where each element gets f(lane, index) · g[lane].
private func expand(_ x: Tensor, _ L: AxisLayout, _ g: Tensor, _ f: (Int, Int) -> Double) -> Tensor {
    var d = [Double](repeating: 0, count: x.count)
    eachElement(L) { l, i in d[i] = g.data[l] * f(l, i) }
    return Tensor(shape: x.shape, data: d)
}

/// Ties of an extremum share its gradient evenly (torch.amax/amin).
private func extremumRule(_ args: Args, _ out: Tensor, _ g: Tensor) throws -> [String: Tensor] {
    let x = try args.tensor("x")
    if case .none = args["y"] {
        let L = try layout(args, x)
        var ties = [Double](repeating: 0, count: L.lanes)
        eachElement(L) { l, i in if x.data[i] == out.data[l] { ties[l] += 1 } }
        return ["x": expand(x, L, g) { l, i in x.data[i] == out.data[l] ? 1 / ties[l] : 0 }]
    }
    // two arguments: element-wise, a tie splits the gradient in half (torch.maximum)
    let y = try args.tensor("y")
    let shape = out.shape
    let xb = try x.broadcast(to: shape), yb = try y.broadcast(to: shape)
    let isMax = args.name == "max"
    var gx = [Double](repeating: 0, count: out.count), gy = gx
    for i in 0..<out.count {
        let a = xb.data[i], b = yb.data[i]
        if a == b { gx[i] = g.data[i] / 2; gy[i] = g.data[i] / 2 }
        else if (a > b) == isMax { gx[i] = g.data[i] } else { gy[i] = g.data[i] }
    }
    return ["x": Tensor(shape: shape, data: gx), "y": Tensor(shape: shape, data: gy)]
}

/// softmax/log_softmax along an axis: lanes of the output.
private func lanesOf(_ t: Tensor, _ axis: Int, _ what: String) throws -> AxisLayout {
    try t.layout(axis: axis, keepdims: false, what)
}

/// Attaches the rules of `coreGradientRules` to their built-ins. A name without a built-in is
/// a programming error (a misspelled rule would silently leave its built-in without a
/// gradient): it stops the program when the registry is built.
func installCoreGradients(_ r: Registry) {
    for (name, f) in coreGradientRules() {
        guard let b = r[name] else { preconditionFailure("installCoreGradients: no built-in named \(name)") }
        b.withBackward(f)
    }
}

/// The gradient rules of this file, by the name of their built-in.
func coreGradientRules() -> [(name: String, rule: (Args, Tensor, Tensor) throws -> [String: Tensor])] {
    var rules: [(name: String, rule: (Args, Tensor, Tensor) throws -> [String: Tensor])] = []
    func rule(_ name: String, _ f: @escaping (Args, Tensor, Tensor) throws -> [String: Tensor]) {
        rules.append((name, f))
    }
    let ln2 = M_LN2, ln10 = M_LN10

    // MARK: math
    rule("abs", unaryRule { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    for name in ["sign", "floor", "ceil", "round"] { rule(name, unaryRule { _, _ in 0 }) }
    rule("sqrt", unaryRule { _, y in 0.5 / y })
    rule("exp", unaryRule { _, y in y })
    rule("expm1", unaryRule { _, y in y + 1 })
    rule("log", unaryRule { x, _ in 1 / x })
    rule("log1p", unaryRule { x, _ in 1 / (1 + x) })
    rule("log2", unaryRule { x, _ in 1 / (x * ln2) })
    rule("log10", unaryRule { x, _ in 1 / (x * ln10) })
    rule("sin", unaryRule { x, _ in cos(x) })
    rule("cos", unaryRule { x, _ in -sin(x) })
    rule("tan", unaryRule { _, y in 1 + y * y })
    rule("tanh", unaryRule { _, y in 1 - y * y })
    rule("asin", unaryRule { x, _ in 1 / (1 - x * x).squareRoot() })
    rule("acos", unaryRule { x, _ in -1 / (1 - x * x).squareRoot() })
    rule("atan", unaryRule { x, _ in 1 / (1 + x * x) })
    rule("atan2") { args, out, g in
        let y = try args.tensor("y").broadcast(to: out.shape), x = try args.tensor("x").broadcast(to: out.shape)
        var gy = [Double](repeating: 0, count: out.count), gx = gy
        for i in 0..<out.count {
            let d = x.data[i] * x.data[i] + y.data[i] * y.data[i]
            gy[i] = d == 0 ? 0 : g.data[i] * x.data[i] / d
            gx[i] = d == 0 ? 0 : -g.data[i] * y.data[i] / d
        }
        return ["y": Tensor(shape: out.shape, data: gy), "x": Tensor(shape: out.shape, data: gx)]
    }
    rule("clamp") { args, out, g in
        let x = try args.tensor("x").broadcast(to: out.shape)
        let lo = try args.optionalTensor("lo")?.broadcast(to: out.shape)
        let hi = try args.optionalTensor("hi")?.broadcast(to: out.shape)
        var gx = [Double](repeating: 0, count: out.count), glo = gx, ghi = gx
        for i in 0..<out.count {
            let v = x.data[i]
            if let l = lo, v < l.data[i] { glo[i] = g.data[i]; continue }
            if let h = hi, v > h.data[i] { ghi[i] = g.data[i]; continue }
            gx[i] = g.data[i]
        }
        return ["x": Tensor(shape: out.shape, data: gx), "lo": Tensor(shape: out.shape, data: glo), "hi": Tensor(shape: out.shape, data: ghi)]
    }

    // MARK: reductions
    rule("sum") { args, _, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        return ["x": expand(x, L, g) { _, _ in 1 }]
    }
    rule("mean") { args, _, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        let inv = 1 / Double(L.n)
        return ["x": expand(x, L, g) { _, _ in inv }]
    }
    rule("prod") { args, _, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        // product of the others, by prefix and suffix products (exact with zeros)
        var d = [Double](repeating: 0, count: x.count)
        var prefix = [Double](repeating: 1, count: L.n + 1)
        for l in 0..<L.lanes {
            let s = L.laneStart(l)
            for k in 0..<L.n { prefix[k + 1] = prefix[k] * x.data[s + k * L.inner] }
            var suffix = 1.0
            for k in stride(from: L.n - 1, through: 0, by: -1) {
                d[s + k * L.inner] = g.data[l] * prefix[k] * suffix
                suffix *= x.data[s + k * L.inner]
            }
        }
        return ["x": Tensor(shape: x.shape, data: d)]
    }
    rule("max", extremumRule)
    rule("min", extremumRule)
    for name in ["argmin", "argmax"] {
        rule(name) { args, _, _ in let x = try args.tensor("x"); return ["x": try Tensor.zeros(x.shape)] }
    }
    rule("var") { args, _, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        let m = try x.mean(axis: try args.optionalInt("axis"), keepdims: false)
        let k = 2 / Double(L.n)
        return ["x": expand(x, L, g) { l, i in k * (x.data[i] - m.data[l]) }]
    }
    rule("std") { args, out, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        let m = try x.mean(axis: try args.optionalInt("axis"), keepdims: false)
        let n = Double(L.n)
        return ["x": expand(x, L, g) { l, i in (x.data[i] - m.data[l]) / (n * out.data[l]) }]
    }
    rule("norm") { args, out, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        let p = try args.double("p")
        if p.isInfinite {
            var ties = [Double](repeating: 0, count: L.lanes)
            eachElement(L) { l, i in if abs(x.data[i]) == out.data[l] { ties[l] += 1 } }
            return ["x": expand(x, L, g) { l, i in
                let a = abs(x.data[i])
                return a == out.data[l] && a > 0 ? (x.data[i] > 0 ? 1 : -1) / ties[l] : 0
            }]
        }
        return ["x": expand(x, L, g) { l, i in
            let v = x.data[i], nrm = out.data[l]
            if nrm == 0 || v == 0 { return 0 }
            if p == 1 { return v > 0 ? 1 : -1 }
            if p == 2 { return v / nrm }
            return (v > 0 ? 1 : -1) * pow(abs(v), p - 1) / pow(nrm, p - 1)
        }]
    }
    rule("logsumexp") { args, out, g in
        let x = try args.tensor("x"); let L = try layout(args, x)
        return ["x": expand(x, L, g) { l, i in exp(x.data[i] - out.data[l]) }]
    }

    // MARK: activations
    rule("sigmoid", unaryRule { _, y in y * (1 - y) })
    rule("relu", unaryRule { x, _ in x > 0 ? 1 : 0 })
    rule("gelu", unaryRule { x, _ in
        0.5 * (1 + erf(x / 2.0.squareRoot())) + x * exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
    })
    rule("softplus", unaryRule { x, _ in x > 20 ? 1 : Activations.sigmoid(x) })
    rule("leaky_relu") { args, _, g in
        let x = try args.tensor("x"); let s = try args.double("slope")
        return ["x": Tensor(shape: x.shape, data: (0..<x.count).map { g.data[$0] * (x.data[$0] > 0 ? 1 : s) })]
    }
    rule("softmax") { args, out, g in
        let L = try lanesOf(out, try args.int("axis"), "softmax")
        var dot = [Double](repeating: 0, count: L.lanes)
        eachElement(L) { l, i in dot[l] += g.data[i] * out.data[i] }
        var d = [Double](repeating: 0, count: out.count)
        eachElement(L) { l, i in d[i] = out.data[i] * (g.data[i] - dot[l]) }
        return ["x": Tensor(shape: out.shape, data: d)]
    }
    rule("log_softmax") { args, out, g in
        let L = try lanesOf(out, try args.int("axis"), "log_softmax")
        var gs = [Double](repeating: 0, count: L.lanes)
        eachElement(L) { l, i in gs[l] += g.data[i] }
        var d = [Double](repeating: 0, count: out.count)
        eachElement(L) { l, i in d[i] = g.data[i] - exp(out.data[i]) * gs[l] }
        return ["x": Tensor(shape: out.shape, data: d)]
    }

    // MARK: tensors
    for name in ["reshape", "flatten"] {
        rule(name) { args, _, g in let x = try args.tensor("x"); return ["x": Tensor(shape: x.shape, data: g.data)] }
    }
    rule("transpose") { _, _, g in ["x": try g.transposed()] }
    rule("concat") { args, _, g in
        let a = try args.tensor("a"), b = try args.tensor("b")
        let a1 = a.rank == 0 ? Tensor(shape: [1], data: a.data) : a
        let axis = try g.normalizedAxis(try args.int("axis"), "concat")
        let outer = g.shape[..<axis].reduce(1, *), inner = g.shape[(axis + 1)...].reduce(1, *)
        let na = a1.rank > axis ? a1.shape[axis] : 1, nt = g.shape[axis]
        var ga: [Double] = [], gb: [Double] = []
        for o in 0..<outer {
            let base = o * nt * inner
            ga.append(contentsOf: g.data[base..<(base + na * inner)])
            gb.append(contentsOf: g.data[(base + na * inner)..<(base + nt * inner)])
        }
        return ["a": Tensor(shape: a.shape, data: ga), "b": Tensor(shape: b.shape, data: gb)]
    }
    rule("stack") { args, _, g in
        let parts = [args["x"]] + args.rest
        let n = parts.count
        let size = n == 0 ? 0 : g.count / n
        var out: [String: Tensor] = [:]
        for (k, v) in parts.enumerated() {
            let shape = v.asTensor?.shape ?? []
            out[k == 0 ? "x" : "#\(k - 1)"] = Tensor(shape: shape, data: Array(g.data[(k * size)..<((k + 1) * size)]))
        }
        return out
    }
    rule("diag") { args, _, g in
        let x = try args.tensor("x")
        if x.rank == 1 {
            let n = x.count
            return ["x": Tensor(shape: [n], data: (0..<n).map { g.data[$0 * n + $0] })]
        }
        var d = [Double](repeating: 0, count: x.count)
        let cols = x.shape[1]
        for k in 0..<g.count { d[k * cols + k] = g.data[k] }
        return ["x": Tensor(shape: x.shape, data: d)]
    }
    rule("dot") { args, _, g in
        let a = try args.tensor("a"), b = try args.tensor("b")
        return ["a": try Tensor.binary(.mul, b, g.rank < b.rank ? g.reshaped(g.shape + [1]) : g),
                "b": try Tensor.binary(.mul, a, g.rank < a.rank ? g.reshaped(g.shape + [1]) : g)]
    }
    rule("cross") { args, _, g in
        let a = try args.tensor("a"), b = try args.tensor("b")
        return ["a": try Tensor.cross(b, g), "b": try Tensor.cross(g, a)]
    }
    rule("outer") { args, _, g in
        let a = try args.tensor("a").flattened(), b = try args.tensor("b").flattened()
        return ["a": try Linalg.matmul(g, b), "b": try Linalg.matmul(g.transposed(), a)]
    }
    rule("full") { args, _, g in ["v": Tensor(scalar: Summation.sum(g.data))] }
    rule("normalize") { args, out, g in
        let x = try args.tensor("x")
        let axis = try args.int("axis")
        let L = try lanesOf(x, axis, "normalize")
        let nrm = try x.norm(p: 2, axis: axis, keepdims: false)
        var dot = [Double](repeating: 0, count: L.lanes)
        eachElement(L) { l, i in dot[l] += g.data[i] * out.data[i] }
        var d = [Double](repeating: 0, count: x.count)
        eachElement(L) { l, i in
            let n = nrm.data[l]
            d[i] = n > 1e-12 ? (g.data[i] - out.data[i] * dot[l]) / n : g.data[i] / 1e-12
        }
        return ["x": Tensor(shape: x.shape, data: d)]
    }
    rule("cosine") { args, out, g in
        // cos = Σ â·b̂ with â = a / max(‖a‖, eps)
        let a0 = try args.tensor("a"), b0 = try args.tensor("b")
        guard let shape = Broadcast.shape(a0.shape, b0.shape) else { return [:] }
        let a = try a0.broadcast(to: shape), b = try b0.broadcast(to: shape)
        let L = try a.layout(axis: try args.int("axis"), keepdims: false, "cosine")
        let eps = 1e-8
        var na = [Double](repeating: 0, count: L.lanes), nb = na
        eachElement(L) { l, i in na[l] += a.data[i] * a.data[i]; nb[l] += b.data[i] * b.data[i] }
        for l in 0..<L.lanes { na[l] = na[l].squareRoot(); nb[l] = nb[l].squareRoot() }
        var ga = [Double](repeating: 0, count: a.count), gb = ga
        eachElement(L) { l, i in
            let da = max(na[l], eps), db = max(nb[l], eps), c = out.data[l]
            // ∂/∂a of (a·b)/(da·db): b/(da·db) − c·a/da² (where ‖a‖ > eps)
            ga[i] = g.data[l] * (b.data[i] / (da * db) - (na[l] > eps ? c * a.data[i] / (da * da) : 0))
            gb[i] = g.data[l] * (a.data[i] / (da * db) - (nb[l] > eps ? c * b.data[i] / (db * db) : 0))
        }
        return ["a": Tensor(shape: shape, data: ga), "b": Tensor(shape: shape, data: gb)]
    }
    rule("cdist") { args, out, g in
        let a = try args.tensor("a"), b = try args.tensor("b")
        guard a.rank == 2, b.rank == 2 else {
            throw CoreError("grad: cdist is differentiable for matrices [N, D] and [M, D] only")
        }
        let n = a.shape[0], m = b.shape[0], d = a.shape[1]
        var ga = [Double](repeating: 0, count: a.count), gb = [Double](repeating: 0, count: b.count)
        for i in 0..<n {
            for j in 0..<m {
                let dist = out.data[i * m + j]
                if dist == 0 { continue }
                let w = g.data[i * m + j] / dist
                for k in 0..<d {
                    let diff = a.data[i * d + k] - b.data[j * d + k]
                    ga[i * d + k] += w * diff
                    gb[j * d + k] -= w * diff
                }
            }
        }
        return ["a": Tensor(shape: a.shape, data: ga), "b": Tensor(shape: b.shape, data: gb)]
    }
    return rules
}
