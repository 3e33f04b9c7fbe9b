import Foundation

// Connectionist temporal classification (docs/reference.md §4.6): torch `ctc_loss` semantics
// (Graves et al. 2006), forward–backward in log space, float64.
//
// log_probs [T, N, C] (time, batch, classes; log-probabilities, e.g. log_softmax over C);
// targets padded [N, S] (row b holds target_lengths[b] labels, the rest is ignored) or
// concatenated [Σ target_lengths]; input_lengths and target_lengths [N]. Per sample:
// −log Σ over the alignments of the target with blanks; "mean" divides each by its target
// length (at least 1) and then averages over the batch, as torch. An impossible alignment
// (input too short) gives inf, or 0 with zero_infinity.
//
// Gradient with respect to log_probs: the derivative of the loss, −exp(log Σ_{s: l'_s = c}
// α_t(s)β_t(s) − log_probs[t, n, c] + nll). torch's ctc_loss backward returns this plus
// exp(log_probs), the gradient for log_probs = log_softmax(x) folded in (which does not change the
// gradient with respect to x, since each time step's correction sums to 0); here the derivative is
// exact for any log_probs. Samples whose loss is inf get nan (torch too), or 0 with zero_infinity.

extension Losses {
    public static func ctc(_ logProbs: Tensor, _ targets: Tensor, inputLengths: Tensor, targetLengths: Tensor,
                           blank: Int = 0, zeroInfinity: Bool = false, reduction: Reduction = .mean) throws -> Tensor {
        let inp = try CTCInputs(logProbs, targets, inputLengths, targetLengths, blank: blank)
        let nll = (0..<inp.n).map { b -> Double in
            let v = inp.alphaBeta(logProbs, b, withBeta: false).nll
            return zeroInfinity && v == .infinity ? 0 : v
        }
        switch reduction {
        case .none: return Tensor(shape: [inp.n], data: nll)
        case .sum: return Tensor(scalar: Summation.sum(nll))
        case .mean:
            let per = (0..<inp.n).map { nll[$0] / Double(Swift.max(inp.labels[$0].count, 1)) }
            return Tensor(scalar: inp.n == 0 ? .nan : Summation.sum(per) / Double(inp.n))
        }
    }

    public static func ctcBackward(_ logProbs: Tensor, _ targets: Tensor, inputLengths: Tensor, targetLengths: Tensor,
                                   blank: Int = 0, zeroInfinity: Bool = false, reduction: Reduction = .mean,
                                   upstream: Tensor, wrt: Set<String> = ["log_probs"]) throws -> [String: Tensor] {
        let inp = try CTCInputs(logProbs, targets, inputLengths, targetLengths, blank: blank)
        for arg in ["targets", "input_lengths", "target_lengths"] {
            try rejectLabels("ctc", wrt, arg, holds: arg == "targets" ? "class indices" : "lengths",
                             hint: "differentiate with respect to log_probs")
        }
        let g = try rowUpstream("ctc", reduction, upstream, rows: inp.n)
        let (tt, n, c) = (inp.t, inp.n, inp.c)
        var grad = [Double](repeating: 0, count: logProbs.count)
        for b in 0..<n {
            var scale = g(b)
            if reduction == .mean { scale /= Double(Swift.max(inp.labels[b].count, 1)) }
            let r = inp.alphaBeta(logProbs, b, withBeta: true)
            if r.nll == .infinity {
                if zeroInfinity { continue }
                for t in 0..<inp.inputLength[b] { for k in 0..<c { grad[(t * n + b) * c + k] = .nan } }
                continue
            }
            let ext = inp.extended(b), sn = ext.count
            for t in 0..<Swift.min(inp.inputLength[b], tt) {
                // log Σ_{s: l'_s = k} α_t(s)β_t(s), per class k
                var lcab = [Double](repeating: -.infinity, count: c)
                for s in 0..<sn {
                    lcab[ext[s]] = logAddExp(lcab[ext[s]], r.alpha[t * sn + s] + r.beta[t * sn + s])
                }
                for k in 0..<c where lcab[k] > -.infinity {
                    let i = (t * n + b) * c + k
                    grad[i] = -scale * Foundation.exp(lcab[k] - logProbs.data[i] + r.nll)
                }
            }
        }
        return wrt.contains("log_probs") ? ["log_probs": Tensor(shape: logProbs.shape, data: grad)] : [:]
    }

    struct CTCInputs {
        let t, n, c: Int
        let blank: Int
        let labels: [[Int]]
        let inputLength: [Int]

        init(_ lp: Tensor, _ targets: Tensor, _ il: Tensor, _ tl: Tensor, blank: Int) throws {
            let fn = "ctc"
            guard lp.rank == 3 else {
                throw CoreError("\(fn): log_probs must have shape [T, N, C] (time, batch, classes), got \(formatShape(lp.shape))",
                                hint: lp.rank == 2 ? "for one sequence of shape [T, C], pass reshape(log_probs, [T, 1, C])" : nil)
            }
            t = lp.shape[0]; n = lp.shape[1]; c = lp.shape[2]
            guard blank >= 0, blank < c else {
                throw CoreError("\(fn): blank must be a class index in [0, \(c - 1)], got \(blank)")
            }
            self.blank = blank
            inputLength = try Self.lengths(il, "input_lengths", n: lp.shape[1], max: lp.shape[0])
            let tlen = try Self.lengths(tl, "target_lengths", n: lp.shape[1], max: targets.rank == 2 ? targets.shape[1] : targets.count)
            var all: [[Int]] = []
            var offset = 0
            for b in 0..<n {
                let start: Int
                if targets.rank == 2 {
                    guard targets.shape[0] == n else {
                        throw CoreError("\(fn): padded targets must have shape [N, S] with N = \(n), got \(formatShape(targets.shape))")
                    }
                    start = b * targets.shape[1]
                } else if targets.rank == 1 {
                    start = offset
                    offset += tlen[b]
                    guard offset <= targets.count else {
                        throw CoreError("\(fn): concatenated targets hold \(targets.count) labels, but target_lengths add up to more (\(tlen.reduce(0, +)))")
                    }
                } else {
                    throw CoreError("\(fn): targets must be padded [N, S] or concatenated [Σ target_lengths], got \(formatShape(targets.shape))")
                }
                var row: [Int] = []
                for j in 0..<tlen[b] {
                    let v = targets.data[start + j]
                    guard v >= 0, v < Double(c), v == v.rounded(), Int(v) != blank else {
                        throw CoreError("\(fn): targets must hold class indices in [0, \(c - 1)] other than blank (\(blank)), got \(formatNumber(v)) for sequence \(b), position \(j)")
                    }
                    row.append(Int(v))
                }
                all.append(row)
            }
            if targets.rank == 1, offset != targets.count {
                throw CoreError("\(fn): concatenated targets hold \(targets.count) labels, but target_lengths add up to \(offset)")
            }
            labels = all
        }

        static func lengths(_ x: Tensor, _ name: String, n: Int, max: Int?) throws -> [Int] {
            guard x.rank <= 1, x.count == n else {
                throw CoreError("ctc: \(name) must be a vector of \(n) lengths (one per sequence of the batch), got shape \(formatShape(x.shape))")
            }
            return try x.data.enumerated().map { i, v in
                guard v >= 0, v == v.rounded(), v <= Double(max ?? Int.max) else {
                    throw CoreError("ctc: \(name) must hold whole numbers in [0, \(max.map(String.init) ?? "∞")], got \(formatNumber(v)) at index \(i)")
                }
                return Int(v)
            }
        }

        /// The target with blanks around and between its labels: l' of length 2L + 1.
        func extended(_ b: Int) -> [Int] {
            var e = [blank]
            for l in labels[b] { e.append(l); e.append(blank) }
            return e
        }

        /// α (and β) in log space, [T_b × (2L + 1)], and nll = −log p(target | input).
        func alphaBeta(_ lp: Tensor, _ b: Int, withBeta: Bool) -> (alpha: [Double], beta: [Double], nll: Double) {
            let ext = extended(b), sn = ext.count, tb = inputLength[b]
            guard tb > 0 else { return ([], [], labels[b].isEmpty ? 0 : .infinity) }
            @inline(__always) func p(_ t: Int, _ k: Int) -> Double { lp.data[(t * n + b) * c + k] }
            @inline(__always) func skip(_ s: Int) -> Bool { s >= 2 && ext[s] != blank && ext[s] != ext[s - 2] }
            var alpha = [Double](repeating: -.infinity, count: tb * sn)
            alpha[0] = p(0, ext[0])
            if sn > 1 { alpha[1] = p(0, ext[1]) }
            for t in 1..<Swift.max(tb, 1) where t < tb {
                for s in 0..<sn {
                    var a = alpha[(t - 1) * sn + s]
                    if s >= 1 { a = logAddExp(a, alpha[(t - 1) * sn + s - 1]) }
                    if skip(s) { a = logAddExp(a, alpha[(t - 1) * sn + s - 2]) }
                    alpha[t * sn + s] = a == -.infinity ? a : a + p(t, ext[s])
                }
            }
            let last = (tb - 1) * sn
            let ll = sn > 1 ? logAddExp(alpha[last + sn - 1], alpha[last + sn - 2]) : alpha[last]
            let nll = -ll
            guard withBeta else { return (alpha, [], nll) }
            var beta = [Double](repeating: -.infinity, count: tb * sn)
            beta[last + sn - 1] = p(tb - 1, ext[sn - 1])
            if sn > 1 { beta[last + sn - 2] = p(tb - 1, ext[sn - 2]) }
            for t in stride(from: tb - 2, through: 0, by: -1) {
                for s in 0..<sn {
                    var a = beta[(t + 1) * sn + s]
                    if s + 1 < sn { a = logAddExp(a, beta[(t + 1) * sn + s + 1]) }
                    if s + 2 < sn && skip(s + 2) { a = logAddExp(a, beta[(t + 1) * sn + s + 2]) }
                    beta[t * sn + s] = a == -.infinity ? a : a + p(t, ext[s])
                }
            }
            return (alpha, beta, nll)
        }
    }
}
