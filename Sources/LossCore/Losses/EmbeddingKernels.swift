import Foundation
import COpenBLAS

/// Shared kernels of the embedding and metric-learning losses (docs/reference.md §4.3):
/// argument checks in the user's terms, row norms with pairwise summation,
/// L2 normalisation with torch's eps, `A·Bᵀ` through BLAS and a stable
/// per-row cross-entropy.
enum EmbKernels {
    /// torch `F.normalize` eps: x / max(‖x‖, 1e-12).
    static let normalizeEps = 1e-12

    /// The rows × cols view of an embedding argument: `[N, D]`, or `[D]` (one sample) when
    /// `allowVector`. `vector` tells the caller to return a scalar for `reduction: "none"`.
    static func matrix(_ t: Tensor, _ fn: String, _ arg: String, allowVector: Bool) throws -> (n: Int, d: Int, vector: Bool) {
        switch t.rank {
        case 2: return (t.shape[0], t.shape[1], false)
        case 1 where allowVector: return (1, t.shape[0], true)
        default:
            let want = allowVector ? "[N, D] (rows are samples) or [D] (one sample)" : "[N, D] (rows are samples)"
            throw CoreError("\(fn): \(arg) must have shape \(want), got \(formatShape(t.shape))")
        }
    }

    static func sameShape(_ fn: String, _ an: String, _ a: Tensor, _ bn: String, _ b: Tensor) throws {
        if a.shape != b.shape {
            throw CoreError("\(fn): \(an) and \(bn) must have the same shape, got \(formatShape(a.shape)) and \(formatShape(b.shape))")
        }
    }

    static func positive(_ fn: String, _ arg: String, _ x: Double) throws {
        if !(x > 0) || !x.isFinite {
            throw CoreError("\(fn): \(arg) must be a positive number, got \(formatNumber(x))")
        }
    }

    static func finite(_ fn: String, _ arg: String, _ x: Double) throws {
        if !x.isFinite { throw CoreError("\(fn): \(arg) must be a finite number, got \(formatNumber(x))") }
    }

    /// Per-pair labels: a number (used for every pair) or a vector of `n` labels.
    static func pairLabels(_ y: Tensor, n: Int, _ fn: String, rowsOf arg: String) throws -> [Double] {
        if y.rank == 0 { return try Memory.doubles(n, repeating: y.data[0]) }
        if y.rank == 1 && y.count == n { return y.data }
        throw CoreError("\(fn): y must be a number or a vector of \(n) label\(n == 1 ? "" : "s") (one per row of \(arg)), got shape \(formatShape(y.shape))")
    }

    /// Checks that every label is -1 or +1 (margin_ranking, cosine_embedding).
    static func checkSignLabels(_ y: [Double], _ fn: String, hint: String) throws {
        for (i, v) in y.enumerated() where !(v == 1 || v == -1) {
            throw CoreError("\(fn): y must hold labels -1 or +1, got \(formatNumber(v)) at position \(i)", hint: hint)
        }
    }

    /// Class indices in [0, classes): one per row (a vector of `n`), or a number for one sample.
    static func classIndices(_ y: Tensor, n: Int, vector: Bool, classes: Int, _ fn: String, _ what: String) throws -> [Int] {
        let okShape = vector ? (y.count == 1 && y.rank <= 1) : (y.rank == 1 && y.count == n)
        if !okShape {
            let want = vector ? "a single class index" : "a vector of \(n) class indices (one per row of x)"
            throw CoreError("\(fn): y must be \(want), got shape \(formatShape(y.shape))")
        }
        var out = [Int](repeating: 0, count: y.count)
        for (i, v) in y.data.enumerated() {
            guard v.isFinite, v == v.rounded(), v >= 0, v < Double(classes) else {
                throw CoreError("\(fn): y must hold class indices in [0, \(classes)) (\(what)), got \(formatNumber(v)) at position \(i)",
                                hint: classes == 0 ? nil : "class indices are 0-based")
            }
            out[i] = Int(v)
        }
        return out
    }

    // MARK: - Norms and normalisation

    /// Σ x² of `n` values (pairwise summation, squares staged in `scratch`).
    @inline(__always)
    static func sumSquares(_ p: UnsafePointer<Double>, _ n: Int, _ scratch: UnsafeMutablePointer<Double>) -> Double {
        for j in 0..<n { scratch[j] = p[j] * p[j] }
        return Summation.pairwise(UnsafePointer(scratch), n, stride: 1)
    }

    /// Euclidean norm of each row of a rows × cols matrix.
    static func rowNorms(_ x: [Double], rows: Int, cols: Int) throws -> [Double] {
        var out = try Memory.doubles(rows)
        if rows == 0 { return out }
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                guard let base = px.baseAddress, let norms = po.baseAddress else { return }
                parallelRows(rows, work: rows * cols) { lo, hi in
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(cols, 1))
                    defer { scratch.deallocate() }
                    for i in lo..<hi { norms[i] = sumSquares(base + i * cols, cols, scratch).squareRoot() }
                }
            }
        }
        return out
    }

    /// Rows divided by max(‖row‖, 1e-12), as torch `F.normalize(x, dim=-1)`: one pass per
    /// row (its norm, then the division), rows split across the cores when large.
    static func normalizedRows(_ x: [Double], rows: Int, cols: Int) -> [Double] {
        let n = rows * cols
        return [Double](unsafeUninitializedCapacity: n) { buf, initialized in
            x.withUnsafeBufferPointer { px in
                guard let src = px.baseAddress, let dst = buf.baseAddress, n > 0, n <= px.count else { return }
                parallelRows(rows, work: n) { lo, hi in
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(cols, 1))
                    defer { scratch.deallocate() }
                    for i in lo..<hi {
                        let row = src + i * cols, out = dst + i * cols
                        let s = Swift.max(sumSquares(row, cols, scratch).squareRoot(), normalizeEps)
                        for j in 0..<cols { (out + j).initialize(to: row[j] / s) }
                    }
                }
            }
            initialized = n <= x.count ? n : 0
        }
    }

    /// Above this many elements (rows × cols) a row-wise pass is split across the cores.
    static let parallelWork = 1 << 16

    /// Calls body(lo, hi) over the rows 0..<rows: when `work` is large, in chunks of about
    /// `parallelWork` elements that the cores take as they become free.
    @inline(__always) static func parallelRows(_ rows: Int, work: Int, _ body: (Int, Int) -> Void) {
        if work < 2 * parallelWork || rows < 2 || Kernels.cores < 2 { body(0, rows); return }
        let k = Swift.max(2, Swift.min(rows, work / parallelWork))
        let size = (rows + k - 1) / k
        DispatchQueue.concurrentPerform(iterations: (rows + size - 1) / size) { c in
            body(c * size, Swift.min(rows, (c + 1) * size))
        }
    }

    /// Dot product of two rows of length n.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= n {
            s0 += a[j] * b[j]; s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]; s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < n { s0 += a[j] * b[j]; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// C = alpha · A · Bᵀ with A m × k and B n × k (row-major), through `cblas_dgemm`.
    /// C is not zero-filled first: with beta = 0, BLAS does not read it (it sets every entry).
    static func gemmNT(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, alpha: Double = 1) throws -> [Double] {
        if m == 0 || n == 0 || k == 0 || a.count < m * k || b.count < n * k { return try Memory.doubles(m * n) }
        try Memory.check(elements: m * n)
        let blas = try BLAS.functions("matrix product")
        return [Double](unsafeUninitializedCapacity: m * n) { pc, initialized in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    blas.dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                                alpha, pa.baseAddress, Int32(k), pb.baseAddress, Int32(k), 0, pc.baseAddress, Int32(n))
                }
            }
            initialized = m * n
        }
    }

    /// C = alpha · A · Aᵀ with A m × k (row-major), through `cblas_dsyrk` (half the work of
    /// a general product), mirrored to a full symmetric matrix.
    static func gramMatrix(_ a: [Double], m: Int, k: Int, alpha: Double = 1) throws -> [Double] {
        var c = try Memory.doubles(m * m)
        if m == 0 || k == 0 { return c }
        let blas = try BLAS.functions("matrix product")
        a.withUnsafeBufferPointer { pa in
            c.withUnsafeMutableBufferPointer { pc in
                blas.dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(m), Int32(k), alpha, pa.baseAddress, Int32(k),
                            0, pc.baseAddress, Int32(m))
                for i in 1..<Swift.max(m, 1) {
                    for j in 0..<i { pc[i * m + j] = pc[j * m + i] }
                }
            }
        }
        return c
    }

    /// BLAS takes 32-bit dimensions; larger products are refused with a message.
    static func checkBlasDims(_ fn: String, _ dims: Int...) throws {
        for d in dims where d > Int(Int32.max) {
            throw CoreError("\(fn): inputs too large (a dimension of \(d) exceeds \(Int32.max))")
        }
    }

    /// Refuses a rows × cols similarity/logit matrix larger than a tensor may be.
    static func checkMatrix(_ fn: String, _ what: String, rows: Int, cols: Int) throws {
        let (p, o) = rows.multipliedReportingOverflow(by: cols)
        if o || p > maxTensorElements {
            throw CoreError("\(fn): the \(what) matrix would be \(rows) × \(cols), too large (more than \(maxTensorElements) elements)")
        }
        try checkBlasDims(fn, rows, cols)
    }

    // MARK: - Cross-entropy and sigmoid

    /// −log softmax(z)[target] for one row of `n` logits, stable: with M = max z,
    /// loss = (M − z_t) + log1p(Σ_{j ≠ argmax} exp(z_j − M)), so small losses keep their digits.
    /// `scratch` holds at least n values. NaN logits give NaN.
    @inline(__always)
    static func crossEntropy(_ z: UnsafePointer<Double>, _ n: Int, target: Int, _ scratch: UnsafeMutablePointer<Double>) -> Double {
        guard let top = maxUnlessNaN(z, n) else { return .nan }
        if top == .infinity || top == -.infinity {
            // all logits -inf, or some +inf: follow IEEE arithmetic as torch does (nan / inf)
            return top == .infinity ? (z[target] == .infinity ? .nan : .infinity) : .nan
        }
        // the first largest logit (−0 and +0 are equal, as for >): M = z[arg]
        var arg = 0
        while arg < n && z[arg] != top { arg += 1 }
        let m = z[arg]
        // exp(z_j − M) for j ≠ argmax, packed (vectorised exp, within 1 ulp of glibc's)
        VecExp.fill(z, minus: m, scratch, arg)
        VecExp.fill(z + arg + 1, minus: m, scratch + arg, n - arg - 1)
        let s = Summation.pairwise(UnsafePointer(scratch), n - 1, stride: 1)
        return (m - z[target]) + Foundation.log1p(s)
    }

    /// The largest of z[0..<n] (−inf when n = 0), or nil when one is nan: four lanes at a
    /// time, without a branch per element.
    @inline(__always)
    static func maxUnlessNaN(_ z: UnsafePointer<Double>, _ n: Int) -> Double? {
        typealias V = SIMD4<Double>
        var mx = V(repeating: -.infinity)
        var nan = SIMDMask<SIMD4<Int64>>(repeating: false)
        var j = 0
        while j + 4 <= n {
            let v = UnsafeRawPointer(z + j).loadUnaligned(as: V.self)
            nan = nan .| (v .!= v)
            mx.replace(with: v, where: v .> mx)
            j += 4
        }
        var m = Swift.max(Swift.max(mx[0], mx[1]), Swift.max(mx[2], mx[3]))
        while j < n {
            let v = z[j]
            if v.isNaN { return nil }
            if v > m { m = v }
            j += 1
        }
        return any(nan) ? nil : m
    }

    /// log Σ exp(z_j) over n values, max-subtracted.
    @inline(__always)
    static func logSumExp(_ z: UnsafePointer<Double>, _ n: Int, stride: Int = 1, _ scratch: UnsafeMutablePointer<Double>) -> Double {
        var arg = 0
        var m = -Double.infinity
        for j in 0..<n {
            let v = z[j * stride]
            if v.isNaN { return .nan }
            if v > m { m = v; arg = j }
        }
        if !m.isFinite { return m }
        var c = 0
        for j in 0..<n where j != arg { scratch[c] = Foundation.exp(z[j * stride] - m); c += 1 }
        return m + Foundation.log1p(Summation.pairwise(UnsafePointer(scratch), c, stride: 1))
    }

    @inline(__always)
    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    /// Per-sample values as the result tensor: a scalar for one-sample (vector) inputs.
    static func reduce(_ per: [Double], vector: Bool, _ reduction: Reduction) -> Tensor {
        let t = vector && per.count == 1 ? Tensor(scalar: per[0]) : Tensor(per)
        return reduction.apply(t)
    }
}
