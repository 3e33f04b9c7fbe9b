import LossCore

/// One evaluated index item.
enum IndexSpec {
    case int(Int)                   // drops the axis
    case slice(Int?, Int?, Int?)    // Python slice
    case list([Int])                // indices along the axis (kept)
    case mask(Tensor)               // 0/1 tensor
}

/// NumPy-style indexing over row-major tensors (docs/reference.md §2.3): integers (negative from the end),
/// slices `a:b:c`, index tensors, and 0/1 masks. Several index tensors are matched
/// element by element (`p[range(0, N, 1), y]` picks p[i, y_i]), as in NumPy.
enum Indexing {
    /// Flat offsets of the selected elements and the shape of the result.
    static func select(_ shape: [Int], _ specsIn: [IndexSpec]) throws -> (offsets: [Int], shape: [Int]) {
        var specs = specsIn
        // a full-shape mask selects elements (result is a vector)
        if specs.count == 1, case .mask(let m) = specs[0], m.shape == shape, shape.count != 1 || true {
            if m.shape == shape {
                var offs: [Int] = []
                for (i, v) in m.data.enumerated() where v != 0 { offs.append(i) }
                return (offs, [offs.count])
            }
        }
        // masks along one axis become index lists
        for (k, s) in specs.enumerated() {
            if case .mask(let m) = s {
                guard m.rank == 1, k < shape.count, m.count == shape[k] else {
                    throw CoreError("mask of shape \(formatShape(m.shape)) does not fit a tensor of shape \(formatShape(shape))",
                                    hint: "a mask must have the tensor's shape, or one axis's length")
                }
                specs[k] = .list(m.data.enumerated().compactMap { $0.element != 0 ? $0.offset : nil })
            }
        }
        if specs.count > shape.count {
            throw CoreError("too many indices: \(specs.count) for a tensor of rank \(shape.count) (shape \(formatShape(shape)))")
        }
        while specs.count < shape.count { specs.append(.slice(nil, nil, nil)) }
        let strides = Tensor.strides(of: shape)
        // per-axis index lists
        var axisIdx: [[Int]] = []
        var keep: [Bool] = []
        var listAxes: [Int] = []
        for (k, s) in specs.enumerated() {
            let n = shape[k]
            switch s {
            case .int(let i):
                let j = i < 0 ? i + n : i
                guard j >= 0 && j < n else {
                    throw CoreError("index \(i) is out of range for axis \(k) of length \(n)", hint: n > 0 ? "valid indices are 0…\(n - 1) (or -\(n)…-1)" : nil)
                }
                axisIdx.append([j]); keep.append(false)
            case .slice(let a, let b, let c):
                axisIdx.append(try sliceIndices(n, a, b, c)); keep.append(true)
            case .list(let l):
                var out: [Int] = []
                out.reserveCapacity(l.count)
                for i in l {
                    let j = i < 0 ? i + n : i
                    guard j >= 0 && j < n else { throw CoreError("index \(i) is out of range for axis \(k) of length \(n)") }
                    out.append(j)
                }
                axisIdx.append(out); keep.append(true); listAxes.append(k)
            case .mask: fatalError("masks were converted above")
            }
        }
        if listAxes.count >= 2 {
            // element-wise (NumPy advanced) indexing over the list axes
            let len = axisIdx[listAxes[0]].count
            for a in listAxes where axisIdx[a].count != len {
                throw CoreError("index tensors must have the same length, got \(axisIdx[listAxes[0]].count) and \(axisIdx[a].count)")
            }
            var outShape = [len]
            var otherAxes: [Int] = []
            for k in 0..<shape.count where !listAxes.contains(k) {
                if keep[k] { outShape.append(axisIdx[k].count) }
                otherAxes.append(k)
            }
            let total = try Tensor.checkedCount(outShape)
            var offs: [Int] = []
            offs.reserveCapacity(total)
            for i in 0..<len {
                var base = 0
                for a in listAxes { base += axisIdx[a][i] * strides[a] }
                appendProduct(&offs, base, otherAxes.map { axisIdx[$0] }, otherAxes.map { strides[$0] })
            }
            return (offs, outShape)
        }
        var outShape: [Int] = []
        for k in 0..<shape.count where keep[k] { outShape.append(axisIdx[k].count) }
        let total = try Tensor.checkedCount(outShape)
        var offs: [Int] = []
        offs.reserveCapacity(total)
        appendProduct(&offs, 0, axisIdx, strides)
        return (offs, outShape)
    }

    /// Appends base + Σ idx[k][i_k]·stride[k] for every combination, row-major.
    static func appendProduct(_ offs: inout [Int], _ base: Int, _ idx: [[Int]], _ strides: [Int]) {
        if idx.isEmpty { offs.append(base); return }
        if idx.contains(where: { $0.isEmpty }) { return }
        var pos = [Int](repeating: 0, count: idx.count)
        let last = idx.count - 1
        while true {
            var o = base
            for k in 0..<last { o += idx[k][pos[k]] * strides[k] }
            let inner = idx[last], s = strides[last]
            for j in inner { offs.append(o + j * s) }
            var d = last - 1
            while d >= 0 {
                pos[d] += 1
                if pos[d] < idx[d].count { break }
                pos[d] = 0; d -= 1
            }
            if d < 0 { return }
        }
    }

    /// Python slice semantics: clamps, negative from the end, step ≠ 0.
    static func sliceIndices(_ n: Int, _ a: Int?, _ b: Int?, _ c: Int?) throws -> [Int] {
        let step = c ?? 1
        if step == 0 { throw CoreError("slice step cannot be 0") }
        func norm(_ x: Int?, _ def: Int, _ lo: Int, _ hi: Int) -> Int {
            guard var v = x else { return def }
            if v < 0 { v += n }
            return Swift.min(Swift.max(v, lo), hi)
        }
        var out: [Int] = []
        if step > 0 {
            let s = norm(a, 0, 0, n), e = norm(b, n, 0, n)
            var i = s
            while i < e { out.append(i); i += step }
        } else {
            let s = norm(a, n - 1, -1, n - 1), e = norm(b, -1, -1, n - 1)
            var i = s
            while i > e { out.append(i); i += step }
        }
        return out
    }

    static func get(_ t: Tensor, _ specs: [IndexSpec]) throws -> Value {
        // fast path: x[i] on a vector
        if t.rank == 1, specs.count == 1, case .int(let i) = specs[0] {
            let j = i < 0 ? i + t.count : i
            guard j >= 0 && j < t.count else {
                throw CoreError("index \(i) is out of range for a vector of length \(t.count)", hint: t.count > 0 ? "valid indices are 0…\(t.count - 1) (or -\(t.count)…-1)" : nil)
            }
            return .number(t.data[j])
        }
        let (offs, shape) = try select(t.shape, specs)
        var data = [Double](repeating: 0, count: offs.count)
        t.data.withUnsafeBufferPointer { src in
            for (i, o) in offs.enumerated() { data[i] = src[o] }
        }
        return Value.from(Tensor(shape: shape, data: data))
    }

    static func set(_ t: inout Tensor, _ specs: [IndexSpec], _ v: Tensor) throws {
        if t.rank == 1, specs.count == 1, case .int(let i) = specs[0], v.count == 1 {
            let j = i < 0 ? i + t.count : i
            guard j >= 0 && j < t.count else {
                throw CoreError("index \(i) is out of range for a vector of length \(t.count)")
            }
            t.data[j] = v.data[0]
            t.isMask = false
            return
        }
        let (offs, shape) = try select(t.shape, specs)
        let src: Tensor
        if v.shape == shape || v.count == 1 { src = v }
        else if let b = Broadcast.shape(shape, v.shape), b == shape { src = try v.broadcast(to: shape) }
        else {
            throw CoreError("cannot assign a value of shape \(formatShape(v.shape)) to a selection of shape \(formatShape(shape))")
        }
        t.isMask = false
        t.data.withUnsafeMutableBufferPointer { dst in
            if src.count == 1 { let x = src.data[0]; for o in offs { dst[o] = x } }
            else { for (i, o) in offs.enumerated() { dst[o] = src.data[i] } }
        }
    }
}
