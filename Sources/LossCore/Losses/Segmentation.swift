import Foundation

// Segmentation losses (docs/reference.md §4.4): overlap measures summed over every axis but the
// batch axis. A tensor of rank ≥ 2 holds one sample per row of axis 0 ([N, C, H, W],
// [N, D]); a vector (or a number) is one sample and gives one number whatever the
// reduction. The three sums each loss needs are taken in one fused pass, pairwise
// per block of 4096 elements (Summation), blocks spread over the cores when large.

extension Losses {
    /// Dice loss 1 − (2Σpg + smooth)/(Σp² + Σg² + smooth) per sample (`squared: false`: Σp + Σg).
    /// An all-zero prediction and target (nothing to segment, nothing predicted) give 0.
    /// With `axis` (the channel axis), one value per sample and channel, as MONAI `DiceLoss`
    /// ("none": [N, C]; "mean" over both); `includeBackground: false` leaves channel 0 out.
    public static func dice(_ p: Tensor, _ g: Tensor, smooth: Double = 0, squared: Bool = true,
                            axis: Int? = nil, includeBackground: Bool = true,
                            reduction: Reduction = .mean) throws -> Tensor {
        try Overlap.perChannel("dice", p, g, axis: axis, includeBackground: includeBackground, reduction: reduction) { p, g, r in
            try Overlap.dice("dice", p, g, smooth: smooth, squared: squared, reduction: r, loss: true)
        }
    }

    /// The Dice coefficient (2Σpg + smooth)/(Σp² + Σg² + smooth) per sample; 1 for all-zero inputs.
    public static func diceScore(_ p: Tensor, _ g: Tensor, smooth: Double = 0, squared: Bool = true,
                                 axis: Int? = nil, includeBackground: Bool = true,
                                 reduction: Reduction = .mean) throws -> Tensor {
        try Overlap.perChannel("dice_score", p, g, axis: axis, includeBackground: includeBackground, reduction: reduction) { p, g, r in
            try Overlap.dice("dice_score", p, g, smooth: smooth, squared: squared, reduction: r, loss: false)
        }
    }

    /// Tversky loss 1 − Σpg / (Σpg + α Σp(1−g) + β Σ(1−p)g + smooth) per sample (docs/reference.md §4.4:
    /// smooth only in the denominator). α weighs false positives, β false negatives;
    /// α = β = ½ is the Dice loss with `squared: false`. A zero denominator gives 0.
    public static func tversky(_ p: Tensor, _ g: Tensor, alpha: Double = 0.5, beta: Double = 0.5, smooth: Double = 0,
                               axis: Int? = nil, includeBackground: Bool = true,
                               reduction: Reduction = .mean) throws -> Tensor {
        if axis != nil || !includeBackground {
            return try Overlap.perChannel("tversky", p, g, axis: axis, includeBackground: includeBackground, reduction: reduction) { p, g, r in
                try tversky(p, g, alpha: alpha, beta: beta, smooth: smooth, reduction: r)
            }
        }
        let s = try Overlap.tverskySums(p, g, alpha: alpha, beta: beta, smooth: smooth)
        return Overlap.finish(s, reduction: reduction) { tp, fp, fn in
            let den = tp + alpha * fp + beta * fn + smooth
            return den == 0 ? 0 : 1 - tp / den
        }
    }
}

enum Overlap {
    enum Kind { case diceSquared, diceLinear, tversky }

    /// Per-sample sums (q1, q2, q3) and whether the input was a single sample.
    struct Sums {
        var q1: [Double], q2: [Double], q3: [Double]
        var single: Bool
    }

    /// `body` on p and g as they are (no axis), or on their rows [N·C', inner] (one per sample
    /// and kept channel) with "none" given back as [N, C'].
    static func perChannel(_ name: String, _ p: Tensor, _ g: Tensor, axis: Int?, includeBackground: Bool, reduction: Reduction,
                           _ body: (Tensor, Tensor, Reduction) throws -> Tensor) throws -> Tensor {
        guard let ax = try ChannelAxis.resolve(name, p, g, axis: axis, includeBackground: includeBackground) else {
            return try body(p, g, reduction)
        }
        // the range checks first, on the tensors as given (their error positions)
        try check(name, "p", p)
        try check(name, "g", g)
        let out = try body(ax.rows(p), ax.rows(g), reduction)
        return reduction == .none ? ax.values(out) : out
    }

    static func dice(_ name: String, _ p: Tensor, _ g: Tensor, smooth: Double, squared: Bool,
                     reduction: Reduction, loss: Bool) throws -> Tensor {
        let s = try diceSums(name, p, g, smooth: smooth, squared: squared)
        return finish(s, reduction: reduction) { pg, pp, gg in
            let den = pp + gg + smooth
            // p, g ∈ [0, 1]: den = 0 only when both are all zero — a perfect (empty) match
            let score = den == 0 ? 1 : (2 * pg + smooth) / den
            return loss ? 1 - score : score
        }
    }

    /// dice's and dice_score's checked arguments: their per-sample sums (Σpg, Σp², Σg² or Σp, Σg).
    static func diceSums(_ name: String, _ p: Tensor, _ g: Tensor, smooth: Double, squared: Bool) throws -> Sums {
        guard smooth >= 0, smooth.isFinite else {
            throw CoreError("\(name): smooth must be a non-negative number, got \(formatNumber(smooth))")
        }
        return try sums(name, p, g, kind: squared ? .diceSquared : .diceLinear)
    }

    /// tversky's checked arguments: its per-sample sums (Σpg, Σp(1−g), Σ(1−p)g).
    static func tverskySums(_ p: Tensor, _ g: Tensor, alpha: Double, beta: Double, smooth: Double) throws -> Sums {
        for (name, v) in [("alpha", alpha), ("beta", beta), ("smooth", smooth)] where !(v >= 0 && v.isFinite) {
            throw CoreError("tversky: \(name) must be a non-negative number, got \(formatNumber(v))")
        }
        return try sums("tversky", p, g, kind: .tversky)
    }

    static func check(_ name: String, _ arg: String, _ t: Tensor) throws {
        try t.data.withUnsafeBufferPointer { b in
            for i in 0..<b.count where !(b[i] >= 0 && b[i] <= 1) {
                throw CoreError("\(name): \(arg) must hold probabilities in [0, 1], got \(formatNumber(b[i]))"
                                + (b.count > 1 ? " at element \(i)" : ""),
                                hint: arg == "p" ? "apply sigmoid (or softmax over the class axis) to raw scores first" : nil)
            }
        }
    }

    /// Σq1, Σq2, Σq3 per sample, pairwise per block of 4096, blocks in parallel when large.
    static func sums(_ name: String, _ p: Tensor, _ g: Tensor, kind: Kind) throws -> Sums {
        guard p.shape == g.shape else {
            throw CoreError("\(name): p and g must have the same shape, got \(formatShape(p.shape)) and \(formatShape(g.shape))")
        }
        try check(name, "p", p)
        try check(name, "g", g)
        let single = p.rank <= 1
        let samples = single ? 1 : p.shape[0]
        let m = samples == 0 ? 0 : p.count / samples
        let block = Elementwise.block
        let perSample = Swift.max(1, (m + block - 1) / block)
        let blocks = samples * perSample
        var b1 = try Memory.doubles(blocks)
        var b2 = b1, b3 = b1
        if m > 0 {
            p.data.withUnsafeBufferPointer { pp in
                g.data.withUnsafeBufferPointer { pg in
                    b1.withUnsafeMutableBufferPointer { o1 in
                        b2.withUnsafeMutableBufferPointer { o2 in
                            b3.withUnsafeMutableBufferPointer { o3 in
                                guard let P = pp.baseAddress, let G = pg.baseAddress,
                                      let O1 = o1.baseAddress, let O2 = o2.baseAddress, let O3 = o3.baseAddress else { return }
                                let nw = Swift.min(Elementwise.workers(p.count), blocks)
                                let work: (Int) -> Void = { t in
                                    withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * block) { buf in
                                        guard let x1 = buf.baseAddress else { return }
                                        let x2 = x1 + block, x3 = x2 + block
                                        for bi in (blocks * t / nw)..<(blocks * (t + 1) / nw) {
                                            let s = bi / perSample, k = bi % perSample
                                            let start = s * m + k * block
                                            let cnt = Swift.min(block, m - k * block)
                                            let a = P + start, b = G + start
                                            switch kind {
                                            case .diceSquared:
                                                for j in 0..<cnt { let u = a[j], v = b[j]; x1[j] = u * v; x2[j] = u * u; x3[j] = v * v }
                                            case .diceLinear:
                                                for j in 0..<cnt { let u = a[j], v = b[j]; x1[j] = u * v; x2[j] = u; x3[j] = v }
                                            case .tversky:
                                                for j in 0..<cnt { let u = a[j], v = b[j]; x1[j] = u * v; x2[j] = u * (1 - v); x3[j] = (1 - u) * v }
                                            }
                                            O1[bi] = Summation.pairwise(UnsafePointer(x1), cnt, stride: 1)
                                            O2[bi] = Summation.pairwise(UnsafePointer(x2), cnt, stride: 1)
                                            O3[bi] = Summation.pairwise(UnsafePointer(x3), cnt, stride: 1)
                                        }
                                    }
                                }
                                if nw <= 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: nw, execute: work) }
                            }
                        }
                    }
                }
            }
        }
        func perSampleSums(_ b: [Double]) -> [Double] {
            b.withUnsafeBufferPointer { bp in
                (0..<samples).map { s in Summation.pairwise(bp.baseAddress.map { $0 + s * perSample }, perSample, stride: 1) }
            }
        }
        return Sums(q1: perSampleSums(b1), q2: perSampleSums(b2), q3: perSampleSums(b3), single: single)
    }

    static func finish(_ s: Sums, reduction: Reduction, _ f: (Double, Double, Double) -> Double) -> Tensor {
        let losses = (0..<s.q1.count).map { f(s.q1[$0], s.q2[$0], s.q3[$0]) }
        if s.single { return Tensor(scalar: losses[0]) }
        return reduction.apply(Tensor(losses))
    }
}
