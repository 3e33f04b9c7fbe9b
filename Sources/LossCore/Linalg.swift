import COpenBLAS

/// Linear algebra through OpenBLAS.
public enum Linalg {
    /// Matrix product with NumPy `matmul` semantics (the `@` operator):
    /// vector·vector is the dot product (a number), matrix·vector and vector·matrix
    /// drop the vector's axis, matrix·matrix, and batches ([..., M, K] @ [..., K, N])
    /// broadcast their leading axes. Shape errors show both shapes; `what` names the caller.
    public static func matmul(_ a: Tensor, _ b: Tensor, what: String = "@") throws -> Tensor {
        let sa = formatShape(a.shape), sb = formatShape(b.shape)
        guard a.rank >= 1, b.rank >= 1 else {
            throw CoreError("\(what): the matrix product needs tensors with at least one axis, got shapes \(sa) and \(sb)",
                            hint: "use * to multiply by a number")
        }
        let aShape = a.rank == 1 ? [1] + a.shape : a.shape
        let bShape = b.rank == 1 ? b.shape + [1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1]
        let k2 = bShape[bShape.count - 2], n = bShape[bShape.count - 1]
        guard k == k2 else {
            let rightAxis = b.rank == 1 ? "the length" : "the second-to-last axis"
            throw CoreError("\(what): shapes \(sa) and \(sb) are not aligned for a matrix product: the last axis of the left has length \(k), \(rightAxis) of the right \(k2)")
        }
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        guard let batch = Broadcast.shape(aBatch, bBatch) else {
            throw CoreError("\(what): the batch axes of shapes \(sa) and \(sb) cannot be broadcast together")
        }
        var outShape = batch
        if a.rank > 1 { outShape.append(m) }
        if b.rank > 1 { outShape.append(n) }
        let total = try Tensor.checkedCount(outShape)
        let limit = Int(Int32.max)
        guard m <= limit, n <= limit, k <= limit else {
            throw CoreError("\(what): dimensions of shapes \(sa) and \(sb) are too large for BLAS (more than \(limit))")
        }
        var out = try Memory.doubles(total)
        if total == 0 || k == 0 { return Tensor(shape: outShape, data: out) }
        let blas = try BLAS.functions(what)

        let batches = Tensor.count(of: batch)
        let aStr = Broadcast.strides(aBatch, to: batch).map { $0 * m * k }
        let bStr = Broadcast.strides(bBatch, to: batch).map { $0 * k * n }
        let mn = m * n

        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    guard let A = pa.baseAddress, let B = pb.baseAddress, let C = po.baseAddress else { return }
                    // one batch of matrices against one shared right matrix: a single big gemm
                    if Tensor.count(of: bBatch) == 1 && Tensor.count(of: aBatch) == batches && n > 1 {
                        product(blas, A, B, C, m * batches, n, k)
                        return
                    }
                    var idx = [Int](repeating: 0, count: batch.count)
                    for bi in 0..<batches {
                        var oa = 0, ob = 0
                        for d in 0..<batch.count { oa += idx[d] * aStr[d]; ob += idx[d] * bStr[d] }
                        product(blas, A + oa, B + ob, C + bi * mn, m, n, k)
                        var d = batch.count - 1
                        while d >= 0 {
                            idx[d] += 1
                            if idx[d] < batch[d] { break }
                            idx[d] = 0
                            d -= 1
                        }
                    }
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// C[m×n] = A[m×k] · B[k×n], row-major, contiguous.
    static func product(_ blas: BLAS.Functions, _ A: UnsafePointer<Double>, _ B: UnsafePointer<Double>, _ C: UnsafeMutablePointer<Double>,
                        _ m: Int, _ n: Int, _ k: Int) {
        let M = Int32(truncatingIfNeeded: m), N = Int32(truncatingIfNeeded: n), K = Int32(truncatingIfNeeded: k)
        if m == 1 && n == 1 {
            C[0] = blas.ddot(K, A, 1, B, 1)
        } else if n == 1 {
            blas.dgemv(CblasRowMajor, CblasNoTrans, M, K, 1, A, K, B, 1, 0, C, 1)
        } else if m == 1 {
            blas.dgemv(CblasRowMajor, CblasTrans, K, N, 1, B, N, A, 1, 0, C, 1)
        } else {
            blas.dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, A, K, B, N, 0, C, N)
        }
    }
}
