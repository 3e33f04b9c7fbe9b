import Foundation

// Private numeric helpers of the classification losses and information measures
// (Classification.swift, Information.swift): stable scalar functions, pairwise sums
// of computed values (no temporaries), splitting of large inputs across the cores, argument
// checks whose messages are in the user's terms, and a vectorised exp for the row loops.

/// Kernels over `IndexedTerms` (fused pairwise sums and fills of computed values, split across
/// the cores), the stable scalar functions of the probability losses and their argument checks.
enum TermKernel {
    // MARK: - Stable scalar functions

    /// log σ(x) = min(x, 0) − log1p(e^−|x|), as torch `log_sigmoid` (VecMath's exp and log1p:
    /// the same value as lane l of logSigmoid4).
    @inline(never) static func logSigmoid(_ x: Double) -> Double {
        logSigmoid4(SIMD4(repeating: x))[0]
    }

    /// log σ of four values.
    @inline(__always) static func logSigmoid4(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // min(x, 0) as Swift.min(x, 0) (nan stays nan)
        x.replacing(with: 0, where: SIMD4(repeating: 0) .< x) - VecMath.log1pExpNegAbs4(x)
    }

    /// σ(x) without overflow for large |x|.
    @inline(__always) static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    /// max(log x, −100): torch's clamp of the logs in `binary_cross_entropy` (nan stays nan).
    /// VecMath's log, the same value as a lane of clampedLogs4.
    @inline(never) static func clampedLog(_ x: Double) -> Double {
        clampedLogs4(SIMD4(repeating: x), oneMinus: SIMDMask(repeating: false))[0]
    }

    /// max(log(1 − x), −100), accurate for small x (log1p(−x)).
    @inline(never) static func clampedLog1m(_ x: Double) -> Double {
        clampedLogs4(SIMD4(repeating: x), oneMinus: SIMDMask(repeating: true))[0]
    }

    /// clampedLog of the lanes where `oneMinus` is false, clampedLog1m where it is true (one log each).
    @inline(__always) static func clampedLogs4(_ x: SIMD4<Double>, oneMinus: SIMDMask<SIMD4<Int64>>) -> SIMD4<Double> {
        let l = VecMath.logOrLog1m4(x, oneMinus: oneMinus)
        return l.replacing(with: -100, where: l .< SIMD4(repeating: -100))
    }

    /// x^γ with the conventions the losses need: x^0 = 1 (also 0^0), x^1 = x, x^2 = x·x.
    @inline(__always) static func power(_ x: Double, _ g: Double) -> Double {
        if g == 0 { return 1 }
        if g == 1 { return x }
        if g == 2 { return x * x }
        if g == 0.5 { return x.squareRoot() }
        return pow(x, g)
    }

    /// log σ(x), σ(x) and σ(−x) from one exponential (VecMath: lane l of sigmoidParts4).
    @inline(never) static func sigmoidParts(_ x: Double) -> (logSigmoid: Double, sigmoid: Double, sigmoidNeg: Double) {
        let s = sigmoidParts4(SIMD4(repeating: x))
        return (s.logSigmoid[0], s.sigmoid[0], s.sigmoidNeg[0])
    }

    /// sigmoidParts of four values.
    @inline(__always) static func sigmoidParts4(_ x: SIMD4<Double>) -> (logSigmoid: SIMD4<Double>, sigmoid: SIMD4<Double>, sigmoidNeg: SIMD4<Double>) {
        typealias V = SIMD4<Double>
        let negAbs = unsafeBitCast(unsafeBitCast(x, to: SIMD4<UInt64>.self) | SIMD4(repeating: 1 << 63), to: V.self)
        let e = VecMath.exp4(negAbs)
        let d = V(repeating: 1) + e
        let big = V(repeating: 1) / d, small = e / d
        let ls = x.replacing(with: 0, where: V(repeating: 0) .< x) - VecMath.log1p4(e)
        let pos = x .>= V(repeating: 0)
        return (ls, small.replacing(with: big, where: pos), big.replacing(with: small, where: pos))
    }

    /// The largest of x[0..<n], ignoring nan (−inf when there is none): four running maxima,
    /// so that the comparisons pipeline (max is exact, so the order does not matter).
    @inline(__always) static func rowMax(_ x: UnsafePointer<Double>, _ n: Int) -> Double {
        var m0 = -Double.infinity, m1 = m0, m2 = m0, m3 = m0
        var j = 0
        while j + 4 <= n {
            let a = x[j], b = x[j + 1], c = x[j + 2], d = x[j + 3]
            m0 = a > m0 ? a : m0; m1 = b > m1 ? b : m1
            m2 = c > m2 ? c : m2; m3 = d > m3 ? d : m3
            j += 4
        }
        while j < n { let a = x[j]; m0 = a > m0 ? a : m0; j += 1 }
        m0 = m1 > m0 ? m1 : m0
        m2 = m3 > m2 ? m3 : m2
        return m2 > m0 ? m2 : m0
    }

    // MARK: - Sums of computed values

    /// Σ f(i) for i in lo..<lo+n, n ≤ 128: `Summation.leaf`, NumPy's pairwise leaf. Vectorised
    /// kernels keep its eight running sums as the lanes of two vectors (the same sum, bit for bit).
    @inline(__always) static func leaf<K: IndexedTerms>(_ lo: Int, _ n: Int, _ f: K) -> Double {
        if !K.vectorised || n < 8 { return Summation.leaf(lo, n) { f.term($0) } }
        var a = f.term4(lo), b = f.term4(lo + 4)
        var i = 8
        while i + 8 <= n {
            a += f.term4(lo + i)
            b += f.term4(lo + i + 4)
            i += 8
        }
        var s = ((a[0] + a[1]) + (a[2] + a[3])) + ((b[0] + b[1]) + (b[2] + b[3]))
        while i < n { s += f.term(lo + i); i += 1 }
        return s
    }

    /// out[i] = f.term(i) for i in lo..<hi (`out` uninitialised), four at a time when vectorised.
    @inline(__always) static func fillRange<K: IndexedTerms>(_ out: UnsafeMutablePointer<Double>, _ lo: Int, _ hi: Int, _ f: K) {
        var i = lo
        if K.vectorised {
            while i + 4 <= hi {
                UnsafeMutableRawPointer(out + i).storeBytes(of: f.term4(i), as: SIMD4<Double>.self)
                i += 4
            }
        }
        while i < hi { (out + i).initialize(to: f.term(i)); i += 1 }
    }

    /// Pairwise Σ f(i) for i in lo..<lo+n without storing the terms: blocks of 128
    /// combined as a binary tree (a binary counter on a 64-entry stack).
    @inline(__always) static func sum<K: IndexedTerms>(_ lo: Int, _ n: Int, _ f: K) -> Double {
        if n <= 128 { return leaf(lo, n, f) }
        var s = lo
        let end = lo + n
        return combineLeaves((n + 127) / 128) { _ in
            let v = leaf(s, Swift.min(128, end - s), f)
            s += 128
            return v
        }
    }

    /// The binary-counter combination of `sum`: count leaf sums, taken in order from `next`,
    /// added as a binary tree (pairs, then pairs of pairs, …).
    @inline(__always) static func combineLeaves(_ count: Int, _ next: (Int) -> Double) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 64) { stack -> Double in
            var top = 0
            var blocks = 0
            while blocks < count {
                var v = next(blocks)
                blocks += 1
                var c = blocks
                while c & 1 == 0 { top -= 1; v = stack[top] + v; c >>= 1 }
                stack[top] = v
                top += 1
            }
            var t = 0.0
            while top > 0 { top -= 1; t = stack[top] + t }
            return t
        }
    }

    /// Σ f(i) for i in 0..<n as sum(0, n/2) + sum(n/2, n − n/2), the two halves' pairwise
    /// sums. Above the threshold their 128-element leaves are computed in parallel, in
    /// chunks the cores take as they become free (so that a core slowed by other work
    /// does not hold the result up), and then combined in the order of `sum`: the result
    /// is the same, bit for bit, as on one core.
    @inline(__always) static func parallelSum<K: IndexedTerms>(_ n: Int, work: Int? = nil, _ f: K) -> Double {
        if (work ?? n) < Kernels.parallelThreshold || n < 2 { return sum(0, n, f) }
        let half = n / 2, rest = n - half
        let b0 = (half + 127) / 128, b1 = (rest + 127) / 128
        let leaves = b0 + b1
        // at least ~8 tasks (batch-sized inputs of costly terms), at most 512 leaves each
        let perTask = Swift.max(16, Swift.min(512, leaves / 8))
        let tasks = (leaves + perTask - 1) / perTask
        let sums = [Double](unsafeUninitializedCapacity: leaves) { buf, initialized in
            guard let out = buf.baseAddress else { return }
            DispatchQueue.concurrentPerform(iterations: tasks) { k in
                var g = k * perTask
                let end = Swift.min(leaves, g + perTask)
                if Interruption.requested {   // Ctrl-C: skipped, the result is discarded
                    while g < end { (out + g).initialize(to: 0); g += 1 }
                }
                while g < end {
                    let v = g < b0
                        ? leaf(128 * g, Swift.min(128, half - 128 * g), f)
                        : leaf(half + 128 * (g - b0), Swift.min(128, rest - 128 * (g - b0)), f)
                    (out + g).initialize(to: v)
                    g += 1
                }
            }
            initialized = leaves
        }
        return sums.withUnsafeBufferPointer { l -> Double in
            let s0 = half <= 128 ? l[0] : combineLeaves(b0) { l[$0] }
            let s1 = rest <= 128 ? l[b0] : combineLeaves(b1) { l[b0 + $0] }
            return s0 + s1
        }
    }

    /// Above the threshold, 0..<n is cut into chunks of about `chunkWork` elements of work
    /// (`work` is the number of elements the n items touch, n when nil), taken by the cores
    /// as they become free; `chunks` gives their count and size (one chunk below it).
    static let chunkWork = 1 << 16

    @inline(__always) static func chunks(_ n: Int, work: Int? = nil) -> (count: Int, size: Int) {
        let w = work ?? n
        if w < Kernels.parallelThreshold || n < 2 { return (n > 0 ? 1 : 0, Swift.max(n, 1)) }
        let k = Swift.max(2, Swift.min(n, w / chunkWork))
        let size = (n + k - 1) / k
        return ((n + size - 1) / size, size)
    }

    /// Calls body(chunk, lo, hi) for the chunks of 0..<n (see `chunks`), in parallel above the threshold.
    @inline(__always) static func parallelChunks(_ n: Int, work: Int? = nil, _ body: (Int, Int, Int) -> Void) {
        let (count, size) = chunks(n, work: work)
        if count <= 1 { body(0, 0, n); return }
        DispatchQueue.concurrentPerform(iterations: count) { k in
            // Ctrl-C: the remaining chunks are skipped (the caller's result is then discarded)
            if Interruption.requested { return }
            body(k, k * size, Swift.min(n, (k + 1) * size))
        }
    }

    /// Calls body(lo, hi) over 0..<n, in chunks on the cores above the threshold.
    @inline(__always) static func parallelFor(_ n: Int, work: Int? = nil, _ body: (Int, Int) -> Void) {
        parallelChunks(n, work: work) { _, lo, hi in body(lo, hi) }
    }

    /// A fresh array with out[i] = f(i), computed in parallel when large.
    @inline(__always) static func fill<K: IndexedTerms>(_ n: Int, work: Int? = nil, _ f: K) -> [Double] {
        [Double](unsafeUninitializedCapacity: n) { buf, initialized in
            if let base = buf.baseAddress {
                parallelFor(n, work: work) { lo, hi in fillRange(base, lo, hi, f) }
            }
            initialized = n
        }
    }

    /// The work of n terms of K for the parallel threshold: a vectorised kernel's terms are
    /// logs and exps, ~16 times the work of an add (so batches from 2^16 elements use the cores).
    @inline(__always) static func work<K: IndexedTerms>(_ n: Int, _: K.Type) -> Int {
        K.vectorised ? n &* 16 : n
    }

    /// Reduces per-element losses f.term(i), i in 0..<count(shape), in one fused pass.
    @inline(__always) static func reduceElementwise<K: IndexedTerms>(_ shape: [Int], _ reduction: Reduction, _ f: K) -> Tensor {
        let n = Tensor.count(of: shape)
        let w = work(n, K.self)
        switch reduction {
        case .none: return Tensor(shape: shape, data: fill(n, work: w, f))
        case .sum: return Tensor(scalar: parallelSum(n, work: w, f))
        case .mean: return Tensor(scalar: n == 0 ? .nan : parallelSum(n, work: w, f) / Double(n))
        }
    }

    /// `fill` that also tells whether any value is nan (the cue of `ClsDomainGuard`).
    @inline(__always) static func fillFlagged<K: IndexedTerms>(_ n: Int, _ f: K) -> ([Double], nan: Bool) {
        let w = work(n, K.self)
        var flags = [Bool](repeating: false, count: Swift.max(chunks(n, work: w).count, 1))
        let data = flags.withUnsafeMutableBufferPointer { fl in
            [Double](unsafeUninitializedCapacity: n) { buf, initialized in
                if let base = buf.baseAddress {
                    parallelChunks(n, work: w) { k, lo, hi in
                        fillRange(base, lo, hi, f)
                        var nan = false
                        var i = lo
                        while i < hi { nan = nan || base[i].isNaN; i += 1 }
                        fl[k] = nan
                    }
                }
                initialized = n
            }
        }
        return (data, flags.contains(true))
    }

    /// `reduceElementwise` that also tells whether a nan came out (a nan term makes the
    /// sum nan): the cue to run the argument checks that `ClsDomainGuard` deferred.
    @inline(__always) static func reduceElementwiseFlagged<K: IndexedTerms>(_ shape: [Int], _ reduction: Reduction, _ f: K) -> (Tensor, nan: Bool) {
        let n = Tensor.count(of: shape)
        switch reduction {
        case .none:
            let (data, nan) = fillFlagged(n, f)
            return (Tensor(shape: shape, data: data), nan)
        case .sum:
            let s = parallelSum(n, work: work(n, K.self), f)
            return (Tensor(scalar: s), s.isNaN)
        case .mean:
            let m = n == 0 ? Double.nan : parallelSum(n, work: work(n, K.self), f) / Double(n)
            return (Tensor(scalar: m), m.isNaN)
        }
    }

    /// Reduces per-sample losses already computed (one per row).
    static func reduceSamples(_ losses: [Double], shape: [Int], _ reduction: Reduction) -> Tensor {
        switch reduction {
        case .none: return Tensor(shape: shape, data: losses)
        case .sum: return Tensor(scalar: Summation.sum(losses))
        case .mean: return Tensor(scalar: losses.isEmpty ? .nan : Summation.sum(losses) / Double(losses.count))
        }
    }

    // MARK: - Messages


    /// " at index 3" or " at index [1, 2]" for element `flat` of a tensor of `shape` (nothing for a number).
    static func position(_ flat: Int, _ shape: [Int]) -> String {
        if shape.isEmpty { return "" }
        if shape.count == 1 { return " at index \(flat)" }
        var idx = [Int](repeating: 0, count: shape.count)
        var rem = flat
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
            idx[d] = rem % shape[d]
            rem /= shape[d]
        }
        return " at index " + formatShape(idx)
    }

    // MARK: - Argument checks

    /// Predictions must be probabilities: values outside [0, 1] are errors (nan propagates).
    static func checkProbabilities(_ t: Tensor, _ fn: String, _ arg: String, logitsHint: Bool = true) throws {
        let bad = t.data.withUnsafeBufferPointer { firstOutsideUnit($0, nanIsOutside: false) }
        if let i = bad {
            throw CoreError("\(fn): \(arg) must hold probabilities in [0, 1], got \(formatNumber(t.data[i]))\(position(i, t.shape))",
                            hint: logitsHint ? "for raw scores (logits), pass logits: true" : nil)
        }
    }

    /// Targets must be labels or probabilities in [0, 1] (nan is an error too).
    static func checkUnitTargets(_ t: Tensor, _ fn: String, _ arg: String, what: String = "0/1 labels or probabilities in [0, 1]") throws {
        let bad = t.data.withUnsafeBufferPointer { firstOutsideUnit($0, nanIsOutside: true) }
        if let i = bad {
            throw CoreError("\(fn): \(arg) must hold \(what), got \(formatNumber(t.data[i]))\(position(i, t.shape))")
        }
    }

    /// The first index whose value is outside [0, 1] (nan counts as outside when
    /// `nanIsOutside`), or nil. Blocks of 512 are tested four lanes at a time without
    /// branches, and only a block that fails is scanned element by element; large inputs
    /// are scanned as two halves on two cores.
    static func firstOutsideUnit(_ p: UnsafeBufferPointer<Double>, nanIsOutside: Bool) -> Int? {
        guard let base = p.baseAddress else { return nil }
        let n = p.count
        @inline(__always) func outside(_ v: Double) -> Bool { nanIsOutside ? !(v >= 0 && v <= 1) : (v < 0 || v > 1) }
        func scan(_ lo: Int, _ hi: Int) -> Int? {
            typealias V = SIMD4<Double>
            let zero = V(repeating: 0), one = V(repeating: 1)
            var s = lo
            while s + 512 <= hi {
                var bad = SIMDMask<SIMD4<Int64>>(repeating: false)
                var i = s
                while i < s + 512 {
                    let a = UnsafeRawPointer(base + i).loadUnaligned(as: V.self)
                    let b = UnsafeRawPointer(base + i + 4).loadUnaligned(as: V.self)
                    if nanIsOutside {
                        bad = bad .| .!((a .>= zero) .& (a .<= one)) .| .!((b .>= zero) .& (b .<= one))
                    } else {
                        bad = bad .| (a .< zero) .| (a .> one) .| (b .< zero) .| (b .> one)
                    }
                    i += 8
                }
                if any(bad) { break }
                s += 512
            }
            for i in s..<hi where outside(base[i]) { return i }
            return nil
        }
        if n < Kernels.parallelThreshold { return scan(0, n) }
        var found: (Int?, Int?) = (nil, nil)
        let half = n / 2
        withUnsafeMutablePointer(to: &found) { f in
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                if k == 0 { f.pointee.0 = scan(0, half) } else { f.pointee.1 = scan(half, n) }
            }
        }
        return found.0 ?? found.1
    }

    /// How a target relates to the prediction (docs/reference.md §4): same shape, or class indices
    /// (the prediction's shape without its last axis).
    enum Target { case sameShape, indices }

    static func target(_ fn: String, _ p: Tensor, _ y: Tensor, _ pn: String, _ yn: String, sameMeaning: String) throws -> Target {
        if y.shape == p.shape { return .sameShape }
        let rows = Array(p.shape.dropLast())
        if p.rank >= 1, y.shape == rows { return .indices }
        if y.rank == p.rank || p.rank == 0 {
            throw CoreError("\(fn): \(pn) and \(yn) must have the same shape, got \(formatShape(p.shape)) and \(formatShape(y.shape))",
                            hint: p.rank >= 2 ? "class indices have \(pn)'s shape without its last axis, \(formatShape(rows))" : nil)
        }
        throw CoreError("\(fn): \(yn) must have \(pn)'s shape \(formatShape(p.shape)) (\(sameMeaning)) or \(formatShape(rows)) (class indices), got \(formatShape(y.shape))")
    }

    /// Targets that must be class indices: the prediction's shape without its last axis.
    static func requireIndices(_ fn: String, _ p: Tensor, _ y: Tensor, _ pn: String, _ yn: String, sameShapeHint: String?) throws {
        guard p.rank >= 1 else {
            throw CoreError("\(fn): \(pn) must have a class axis (shape [C] or [N, C]), got a number")
        }
        let rows = Array(p.shape.dropLast())
        if y.shape == rows { return }
        throw CoreError("\(fn): \(yn) must hold class indices with shape \(formatShape(rows)) (\(pn)'s shape \(formatShape(p.shape)) without its last axis), got \(formatShape(y.shape))",
                        hint: y.shape == p.shape ? sameShapeHint : nil)
    }

    /// Marks an ignored sample in the index array returned by `classIndices`.
    static let ignored = -1

    /// Class indices given as doubles: integral, in [0, C), or equal to `ignoreIndex` (→ `ignored`).
    static func classIndices(_ y: Tensor, classes c: Int, ignoreIndex: Int?, _ fn: String, _ arg: String) throws -> [Int] {
        let n = y.count
        let ig = ignoreIndex.map(Double.init)
        // a valid index k in [0, C) equal to ignore_index is ignored (no index is −1)
        let igInt = ignoreIndex ?? -1
        var range: String { c > 0 ? "integers in [0, \(c - 1)]" : "class indices, but there are no classes" }
        var orIgnore: String { ignoreIndex.map { " or ignore_index \($0)" } ?? "" }
        let limit = Double(c)
        return try y.data.withUnsafeBufferPointer { d in
            try [Int](unsafeUninitializedCapacity: n) { out, initialized in
                for i in 0..<n {
                    let v = d[i]
                    // the common case: 0 ≤ v < C (so Int(v) cannot trap) and integral (no `rounded()`)
                    if v >= 0, v < limit {
                        let k = Int(v)
                        if Double(k) == v, k != igInt { out[i] = k; continue }
                    }
                    if let ig = ig, v == ig { out[i] = ignored; continue }
                    guard v.isFinite, v == v.rounded() else {
                        throw CoreError("\(fn): \(arg) must hold class indices (\(range)\(orIgnore)), got \(formatNumber(v))\(position(i, y.shape))")
                    }
                    guard v >= 0, v < limit else {
                        throw CoreError("\(fn): class index \(formatNumber(v)) in \(arg)\(position(i, y.shape)) is out of range for \(c) class\(c == 1 ? "" : "es") (expected \(range)\(orIgnore))")
                    }
                    out[i] = Int(v)
                }
                initialized = n
            }
        }
    }

    /// A per-class vector (weight, alpha): a number (the same for every class) or shape [C].
    static func perClass(_ t: Tensor, classes c: Int, _ fn: String, _ arg: String, allowScalar: Bool) throws -> [Double] {
        if allowScalar, t.rank == 0 { return try Memory.doubles(c, repeating: t.data[0]) }
        guard t.rank == 1, t.count == c else {
            throw CoreError("\(fn): \(arg) must have one value per class, shape [\(c)]\(allowScalar ? " (or be a number)" : ""), got \(formatShape(t.shape))")
        }
        return t.data
    }

    /// `axis` (negative counts from the end) checked against `rank`.
    static func axis(_ axis: Int, rank: Int, _ fn: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw CoreError("\(fn): axis \(axis) is out of range for a tensor of rank \(rank) (expected \(-rank)…\(rank - 1))")
        }
        return a
    }
}

/// Element-wise terms whose arguments are checked in the same pass instead of in passes of
/// their own: an element with y outside [0, 1] (or nan), or with p outside [0, 1] when
/// `probabilities`, gives nan. A nan result then makes the caller run the checks
/// (`checkProbabilities`, `checkUnitTargets`), which throw the user's message, or pass
/// when the nan came from a nan input; valid inputs never pay for a separate pass.
struct ClsDomainGuard<K: IndexedTerms>: IndexedTerms {
    let p, y: UnsafeBufferPointer<Double>
    let probabilities: Bool
    let k: K
    @inline(__always) func term(_ i: Int) -> Double {
        let v = p[i], t = y[i]
        if !(t >= 0 && t <= 1) || (probabilities && (v < 0 || v > 1)) { return .nan }
        return k.term(i)
    }

    static var vectorised: Bool { K.vectorised }

    @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
        typealias V = SIMD4<Double>
        let v = VecExp.load(p.baseAddress! + i), t = VecExp.load(y.baseAddress! + i)
        let zero = V(repeating: 0), one = V(repeating: 1)
        var bad = .!((t .>= zero) .& (t .<= one))
        if probabilities { bad = bad .| (v .< zero) .| (v .> one) }
        return k.term4(i).replacing(with: .nan, where: bad)
    }
}

/// Terms of a sum or elements of a result, by flat index. Kernels are structs over
/// buffer pointers, so that the generic drivers above are specialised and inlined
/// (a closure would be an indirect call per element on the two-core path).
protocol IndexedTerms {
    func term(_ i: Int) -> Double
    /// term(i), …, term(i + 3), the same values bit for bit: kernels that compute four at a time
    /// (with VecMath) implement it and set `vectorised`; the default takes four terms.
    func term4(_ i: Int) -> SIMD4<Double>
    static var vectorised: Bool { get }
}

extension IndexedTerms {
    @inline(__always) func term4(_ i: Int) -> SIMD4<Double> {
        SIMD4(term(i), term(i + 1), term(i + 2), term(i + 3))
    }
    static var vectorised: Bool { false }
}

// MARK: - Broadcast operands without temporaries

/// An optional tensor argument (weight, pos_weight, alpha) read at flat index i of
/// the prediction's shape: a constant, the full shape, or a vector along the last axis.
/// Other broadcasts are materialised once (the argument, not a per-element temporary).
struct ClsOperand {
    enum Mode { case constant, full, lastAxis }
    let data: [Double]
    let mode: Mode
    let period: Int

    static func constant(_ v: Double) -> ClsOperand { ClsOperand(data: [v], mode: .constant, period: 1) }

    /// `t` broadcast to `shape` (it may not enlarge it); nil gives `defaultValue` everywhere.
    static func make(_ t: Tensor?, default defaultValue: Double, to shape: [Int], _ fn: String, _ arg: String, _ of: String) throws -> ClsOperand {
        guard let t = t else { return .constant(defaultValue) }
        guard let b = Broadcast.shape(t.shape, shape), b == shape else {
            throw CoreError("\(fn): \(arg) of shape \(formatShape(t.shape)) does not broadcast to \(of)'s shape \(formatShape(shape))")
        }
        if t.count == 1 { return .constant(t.data[0]) }
        if t.shape == shape { return ClsOperand(data: t.data, mode: .full, period: 1) }
        if let last = shape.last, t.shape.last == last, t.count == last {
            return ClsOperand(data: t.data, mode: .lastAxis, period: last)
        }
        return ClsOperand(data: try t.broadcast(to: shape).data, mode: .full, period: 1)
    }

    func with<R>(_ body: (ClsPtr) -> R) -> R {
        data.withUnsafeBufferPointer { body(ClsPtr(buf: $0, mode: mode, period: period)) }
    }

    /// Every value satisfies `ok`, else the first offending value.
    func firstViolation(_ ok: (Double) -> Bool) -> Double? { data.first { !ok($0) } }
}

/// Read access to an operand by flat index: `ClsPtr`, or `ClsUnit` (always 1, folded away).
protocol ClsOperandAccess {
    subscript(_ i: Int) -> Double { get }
}

struct ClsUnit: ClsOperandAccess {
    @inline(__always) subscript(_ i: Int) -> Double { 1 }
}

/// A per-class vector, read at the class index.
struct ClsVec: ClsOperandAccess {
    let buf: UnsafeBufferPointer<Double>
    @inline(__always) subscript(_ i: Int) -> Double { buf[i] }
}

struct ClsPtr: ClsOperandAccess {
    let buf: UnsafeBufferPointer<Double>
    let mode: ClsOperand.Mode
    let period: Int
    @inline(__always) subscript(_ i: Int) -> Double {
        switch mode {
        case .constant: return buf[0]
        case .full: return buf[i]
        case .lastAxis: return buf[i % period]
        }
    }
}

// MARK: - Vectorised exp for the row loops (log-sum-exp, softmax)

/// exp over rows of values, four at a time, by VecMath.expCore (the reduction of glibc's
/// `exp`, within 1 ulp of it: Scripts/check_vecmath.sh, VecMathTests). For x ∈ [−700, 700];
/// a block of four holding anything else (below −700, above 700, ±inf, nan) is computed by
/// glibc's `exp` itself, so underflow, overflow and nan are exactly as before.
enum VecExp {
    typealias V = SIMD4<Double>
    typealias U = SIMD4<UInt64>

    /// The table of VecMath.expCore.
    static var table: UnsafePointer<Double> { VecMath.expTable }

    /// exp of four arguments, all in [−700, 700] (the kernel is VecMath.expCore).
    @inline(__always) static func exp4(_ x: V, _ t: UnsafePointer<Double>) -> V {
        VecMath.expCore(x, t)
    }

    /// exp(x − m) for four arguments; glibc for a block with any out of [−700, 700] (or nan).
    @inline(__always) static func shifted4(_ v: V, _ m: Double, _ t: UnsafePointer<Double>) -> V {
        let d = v - V(repeating: m)
        if all((d .>= V(repeating: -700)) .& (d .<= V(repeating: 700))) { return exp4(d, t) }
        return V(Foundation.exp(d[0]), Foundation.exp(d[1]), Foundation.exp(d[2]), Foundation.exp(d[3]))
    }

    /// out[j] = exp(x[j] − m) for j in 0..<n (`out` may be uninitialised; it may not overlap x
    /// unless it is x itself).
    @inline(__always) static func fill(_ x: UnsafePointer<Double>, minus m: Double, _ out: UnsafeMutablePointer<Double>, _ n: Int) {
        let t = table
        var j = 0
        while j + 4 <= n {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(out + j).storeBytes(of: shifted4(v, m, t), as: V.self)
            j += 4
        }
        if j < n {
            // the last one to three, padded with m (exp 1), so every element takes the same path
            let e = shifted4(padded(x + j, n - j, m), m, t)
            for l in 0..<(n - j) { (out + j + l).initialize(to: e[l]) }
        }
    }

    /// exp(x[j] − m) for the n ≤ 4 values at x, the other lanes padded (exp 0 = 1).
    @inline(__always) static func partial4(_ x: UnsafePointer<Double>, _ m: Double, _ n: Int, _ t: UnsafePointer<Double>) -> V {
        shifted4(padded(x, n, m), m, t)
    }

    /// x[0..<n] (1 ≤ n ≤ 4) and `pad` in the other lanes, built in registers (inserting lanes
    /// at a variable index goes through memory and stalls store forwarding).
    @inline(__always) static func padded(_ x: UnsafePointer<Double>, _ n: Int, _ pad: Double) -> V {
        V(x[0], n > 1 ? x[1] : pad, n > 2 ? x[2] : pad, n > 3 ? x[3] : pad)
    }

    @inline(__always) static func load(_ p: UnsafePointer<Double>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    /// Σ exp(x[j] − m) for j in 0..<n ≤ 128, in the order of `Summation.leaf`: one running sum
    /// below 8 terms, else 8 running sums (the lanes of two vectors) combined as
    /// ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the last n mod 8 terms in turn.
    @inline(__always) static func leafSum(_ x: UnsafePointer<Double>, _ m: Double, _ n: Int, _ t: UnsafePointer<Double>) -> Double {
        var s = 0.0
        var i = 0
        if n >= 8 {
            var lo = shifted4(load(x), m, t), hi = shifted4(load(x + 4), m, t)
            i = 8
            while i + 8 <= n {
                lo += shifted4(load(x + i), m, t)
                hi += shifted4(load(x + i + 4), m, t)
                i += 8
            }
            s = ((lo[0] + lo[1]) + (lo[2] + lo[3])) + ((hi[0] + hi[1]) + (hi[2] + hi[3]))
        }
        while i < n {
            let k = Swift.min(4, n - i)
            let e = partial4(x + i, m, k, t)
            for l in 0..<k { s += e[l] }
            i += k
        }
        return s
    }

    /// The most classes for which `rowSums4` is used (beyond, a row's contiguous loads win).
    static let columnsMaxClasses = 16

    /// `leafSum` of four rows of n ≤ 128 values at x0…x3 with maxima m (lane q: row q), bit for
    /// bit, computed column by column: lane q of column j is exp(x_q[j] − m_q), so that every
    /// lane of every exp is used (no padded tails). The eight running sums of leafSum are eight
    /// vectors (j mod 8), combined in its order, then the last n mod 8 columns in turn (one
    /// running sum below 8). nil when an argument is outside [−700, 700] or nan (leafSum's block
    /// then goes to glibc): the caller takes the row path.
    @inline(__always) static func rowSums4(_ x0: UnsafePointer<Double>, _ x1: UnsafePointer<Double>,
                                           _ x2: UnsafePointer<Double>, _ x3: UnsafePointer<Double>,
                                           _ m: V, _ n: Int) -> V? {
        let t = table
        let lo = V(repeating: -700), hi = V(repeating: 700)
        var ok = SIMDMask<SIMD4<Int64>>(repeating: true)
        @inline(__always) func e(_ j: Int) -> V {
            let d = V(x0[j], x1[j], x2[j], x3[j]) - m
            ok = ok .& (d .>= lo) .& (d .<= hi)
            return exp4(d, t)
        }
        var s = V(repeating: 0)
        var j = 0
        if n >= 8 {
            var a0 = e(0), a1 = e(1), a2 = e(2), a3 = e(3), a4 = e(4), a5 = e(5), a6 = e(6), a7 = e(7)
            j = 8
            while j + 8 <= n {
                a0 += e(j); a1 += e(j + 1); a2 += e(j + 2); a3 += e(j + 3)
                a4 += e(j + 4); a5 += e(j + 5); a6 += e(j + 6); a7 += e(j + 7)
                j += 8
            }
            s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
        }
        while j < n { s += e(j); j += 1 }
        return all(ok) ? s : nil
    }

    /// Σ exp(x[j] − m) for j in 0..<n, summed in exactly the order of `TermKernel.sum`
    /// (blocks of 128 with 8 accumulators, combined pairwise as a binary counter).
    @inline(__always) static func sum(_ x: UnsafePointer<Double>, minus m: Double, _ n: Int) -> Double {
        let t = table
        if n <= 128 { return leafSum(x, m, n, t) }
        return TermKernel.combineLeaves((n + 127) / 128) { b in leafSum(x + 128 * b, m, Swift.min(128, n - 128 * b), t) }
    }
}
