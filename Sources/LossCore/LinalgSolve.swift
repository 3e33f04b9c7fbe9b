import COpenBLAS

// Linear systems through LAPACK (bundled in OpenBLAS, loaded at first use: BLAS.swift): solve (dgesv), inv (dgetrf + dgetri),
// det (dgetrf), lstsq (dgelsd, the SVD-based solver NumPy uses, with NumPy's rcond = eps·max(m, n)),
// with their backward passes.
//
// LAPACK is column-major; our tensors are row-major. A row-major buffer read as column-major is
// the transpose, so inv and det work on the buffer as it is (inv(Aᵀ) = inv(A)ᵀ, det(Aᵀ) = det(A)),
// and solve and lstsq transpose their inputs. A singular matrix (an exactly zero pivot, as NumPy's
// LinAlgError) is an error for solve and inv, and gives 0 for det. nan and inf in the inputs of
// solve, inv and lstsq are errors too (NumPy raises LinAlgError for them; LAPACK's scaling routines
// reject them), while det returns nan or inf. inv and det take batches of matrices ([..., n, n]);
// solve and lstsq take one matrix.

extension Linalg {
    /// a [r, c] row-major (at `offset`) as a column-major buffer of at least one element.
    static func columnMajor(_ a: [Double], offset: Int = 0, _ r: Int, _ c: Int, rows ld: Int? = nil) throws -> [Double] {
        let ldv = ld ?? r
        var out = try Memory.doubles(Swift.max(1, ldv * c))
        for i in 0..<r { for j in 0..<c { out[i + j * ldv] = a[offset + i * c + j] } }
        return out
    }

    /// The first r rows of a column-major buffer with leading dimension ld, as row-major [r, c].
    static func rowMajor(_ a: [Double], _ r: Int, _ c: Int, rows ld: Int) throws -> [Double] {
        var out = try Memory.doubles(r * c)
        for i in 0..<r { for j in 0..<c { out[i * c + j] = a[i + j * ld] } }
        return out
    }

    /// Swaps the last two axes (vectors and numbers unchanged).
    static func transposeLast2(_ t: Tensor) throws -> Tensor {
        if t.rank < 2 { return t }
        var axes = Array(0..<t.rank)
        axes.swapAt(t.rank - 1, t.rank - 2)
        return try t.permuted(axes)
    }

    /// (number of matrices, n) of a square matrix or a batch of them; `batched: false` allows rank 2 only.
    static func squareMatrices(_ a: Tensor, _ what: String, batched: Bool, name: String = "a") throws -> (Int, Int) {
        guard a.rank >= 2, batched || a.rank == 2 else {
            if a.rank > 2 {
                throw CoreError("\(what): batches of matrices (rank > 2) are not supported, got \(name) of shape \(formatShape(a.shape))",
                                hint: "call \(what) on each matrix, e.g. in a map over the first axis")
            }
            throw CoreError("\(what): \(name) must be a square matrix, got shape \(formatShape(a.shape))")
        }
        let n = a.shape[a.rank - 1]
        guard a.shape[a.rank - 2] == n else {
            throw CoreError("\(what): \(name) must be a square matrix\(a.rank > 2 ? " (or a batch of them)" : ""), got shape \(formatShape(a.shape))",
                            hint: what == "solve" ? "lstsq(a, b) solves a non-square system in the least-squares sense" : nil)
        }
        return (n == 0 ? Tensor.count(of: Array(a.shape.dropLast(2))) : a.count / (n * n), n)
    }

    /// LAPACK's scaling routines reject nan and inf (printing to the terminal), and NumPy raises
    /// LinAlgError for them in solve, inv and lstsq: here they are an error that names the argument.
    static func checkFinite(_ t: Tensor, _ name: String, _ what: String) throws {
        if let i = t.data.firstIndex(where: { !$0.isFinite }) {
            throw CoreError("\(what): \(name) must hold finite numbers, got \(messageNumber(t.data[i])) at flat index \(i)")
        }
    }

    static func singular(_ what: String) -> CoreError {
        CoreError("\(what): the matrix is singular",
                  hint: what == "solve" ? "lstsq(a, b) gives a least-squares solution" : "a singular matrix has no inverse; lstsq(a, b) solves in the least-squares sense")
    }

    /// LU factorisation of an n×n column-major buffer in place; the pivots, and whether a pivot is exactly 0.
    static func lu(_ m: inout [Double], _ n: Int, _ what: String) throws -> (pivots: [Int32], singular: Bool) {
        var N = Int32(n), lda = Int32(Swift.max(1, n)), info: Int32 = 0
        var ipiv = [Int32](repeating: 0, count: Swift.max(1, n))
        if n == 0 { return (ipiv, false) }
        try BLAS.functions(what).dgetrf(&N, &N, &m, &lda, &ipiv, &info)
        return (ipiv, info > 0)
    }

    /// det of an LU-factorised n×n column-major buffer.
    static func luDeterminant(_ m: [Double], _ pivots: [Int32], _ n: Int) -> Double {
        var d = 1.0
        for i in 0..<n {
            d *= m[i + i * n]
            if pivots[i] != Int32(i + 1) { d = -d }
        }
        return d
    }

    // MARK: solve

    /// x with a·x = b (or aᵀ·x = b with `transposed`): a [n, n], b [n] or [n, k] (numpy.linalg.solve).
    public static func solve(_ a: Tensor, _ b: Tensor, transposed: Bool = false, what: String = "solve") throws -> Tensor {
        let (_, n) = try squareMatrices(a, what, batched: false)
        guard (b.rank == 1 || b.rank == 2), b.shape[0] == n else {
            if b.rank > 2 {
                throw CoreError("\(what): batches (rank > 2) are not supported, got b of shape \(formatShape(b.shape))")
            }
            throw CoreError("\(what): b must be a vector of length \(n) or a matrix with \(n) rows (a is \(formatShape(a.shape))), got shape \(formatShape(b.shape))")
        }
        try checkFinite(a, "a", what)
        try checkFinite(b, "b", what)
        let k = b.rank == 1 ? 1 : b.shape[1]
        var A = transposed ? (a.data.isEmpty ? [0] : a.data) : try columnMajor(a.data, n, n)
        var B = try columnMajor(b.data, n, k)
        var N = Int32(n), NRHS = Int32(k), lda = Int32(Swift.max(1, n)), info: Int32 = 0
        var ipiv = [Int32](repeating: 0, count: Swift.max(1, n))
        if n > 0 && k > 0 {
            try BLAS.functions(what).dgesv(&N, &NRHS, &A, &lda, &ipiv, &B, &lda, &info)
        } else if n > 0 {
            if try lu(&A, n, what).singular { info = 1 }
        }
        if info > 0 { throw singular(what) }
        if info < 0 { throw CoreError("\(what): LAPACK dgesv rejected argument \(-info)") }
        return Tensor(shape: b.shape, data: try rowMajor(B, n, k, rows: n))
    }

    /// Gradients of x = solve(a, b): gb = solve(aᵀ, g), ga = −gb·xᵀ.
    public static func solveBackward(_ a: Tensor, _ x: Tensor, _ g: Tensor, what: String = "solve") throws -> (a: Tensor, b: Tensor) {
        let gb = try solve(a, g, transposed: true, what: what)
        let ga = x.rank == 1 ? try Tensor.outer(gb, x) : try matmul(gb, x.transposed())
        return (try ga.map { -$0 }, gb)
    }

    // MARK: inv

    /// The inverse of a square matrix, or of each matrix of a batch [..., n, n] (numpy.linalg.inv).
    public static func inv(_ a: Tensor, what: String = "inv") throws -> Tensor {
        let (batches, n) = try squareMatrices(a, what, batched: true)
        try checkFinite(a, "a", what)
        if n == 0 { return a }
        try Memory.check(elements: a.count)
        var out = a.data
        var N = Int32(n), info: Int32 = 0
        var work = try Memory.doubles(1)
        var lwork: Int32 = -1
        var m = try Memory.doubles(n * n)
        var ipiv = [Int32](repeating: 0, count: n)
        let dgetri = try BLAS.functions(what).dgetri
        dgetri(&N, &m, &N, &ipiv, &work, &lwork, &info)   // workspace query
        lwork = Int32(Swift.max(Double(n), work[0]))
        work = try Memory.doubles(Int(lwork))
        for bi in 0..<batches {
            m.replaceSubrange(0..<(n * n), with: a.data[(bi * n * n)..<((bi + 1) * n * n)])
            let f = try lu(&m, n, what)
            if f.singular { throw singular(what) }
            ipiv = f.pivots
            dgetri(&N, &m, &N, &ipiv, &work, &lwork, &info)
            if info > 0 { throw singular(what) }
            if info < 0 { throw CoreError("\(what): LAPACK dgetri rejected argument \(-info)") }
            out.replaceSubrange((bi * n * n)..<((bi + 1) * n * n), with: m)
        }
        return Tensor(shape: a.shape, data: out)
    }

    /// Gradient of y = inv(a): −yᵀ·g·yᵀ.
    public static func invBackward(_ y: Tensor, _ g: Tensor) throws -> Tensor {
        let yt = try transposeLast2(y)
        return try matmul(try matmul(yt, g), yt).map { -$0 }
    }

    // MARK: det

    /// The determinant of a square matrix (a number), or of each matrix of a batch (numpy.linalg.det,
    /// by LU factorisation). A singular matrix has determinant 0; the 0×0 matrix has 1.
    public static func det(_ a: Tensor, what: String = "det") throws -> Tensor {
        let (batches, n) = try squareMatrices(a, what, batched: true)
        var out = try Memory.doubles(batches, repeating: 1)
        if n == 0 { return Tensor(shape: Array(a.shape.dropLast(2)), data: out) }
        var m = try Memory.doubles(n * n)
        for bi in 0..<batches {
            m.replaceSubrange(0..<(n * n), with: a.data[(bi * n * n)..<((bi + 1) * n * n)])
            let f = try lu(&m, n, what)
            out[bi] = luDeterminant(m, f.pivots, n)
        }
        return Tensor(shape: Array(a.shape.dropLast(2)), data: out)
    }

    /// Gradient of det: g·adj(a)ᵀ, which is g·det(a)·a⁻ᵀ for an invertible matrix and comes from the
    /// SVD for a singular one (a matrix of rank n − 1 still has a non-zero gradient).
    public static func detBackward(_ a: Tensor, _ d: Tensor, _ g: Tensor, what: String = "det") throws -> Tensor {
        let (batches, n) = try squareMatrices(a, what, batched: true)
        var out = try Memory.doubles(a.count)
        if n == 0 { return Tensor(shape: a.shape, data: out) }
        for bi in 0..<batches {
            let range = (bi * n * n)..<((bi + 1) * n * n)
            let m = Tensor(shape: [n, n], data: Array(a.data[range]))
            let cof: [Double]
            if d.data[bi] != 0, let inverse = try? inv(m, what: what) {
                let dv = d.data[bi]
                cof = try inverse.transposed().data.map { $0 * dv }
            } else {
                cof = try cofactors(m.data, n, what)
            }
            let gv = g.data[bi]
            for (k, i) in range.enumerated() { out[i] = gv * cof[k] }
        }
        return Tensor(shape: a.shape, data: out)
    }

    /// The cofactor matrix adj(A)ᵀ of a row-major n×n matrix, by the SVD: for M = Aᵀ (the buffer read
    /// column-major) = U·Σ·Vᵀ, adj(M) = det(U)·det(V)·V·adj(Σ)·Uᵀ, and adj(A)ᵀ = adj(M), whose
    /// row-major buffer is the column-major buffer of adj(M)ᵀ = det(U)·det(V)·U·adj(Σ)·Vᵀ.
    static func cofactors(_ a: [Double], _ n: Int, _ what: String) throws -> [Double] {
        if a.contains(where: { !$0.isFinite }) { return try Memory.doubles(n * n, repeating: .nan) }
        var m = a
        var N = Int32(n), info: Int32 = 0, lwork: Int32 = -1
        var s = try Memory.doubles(n), u = try Memory.doubles(n * n), vt = u
        var work = try Memory.doubles(1)
        let dgesvd = try BLAS.functions(what).dgesvd
        dgesvd("A", "A", &N, &N, &m, &N, &s, &u, &N, &vt, &N, &work, &lwork, &info, 1, 1)
        lwork = Int32(Swift.max(Double(5 * n), work[0]))
        work = try Memory.doubles(Int(lwork))
        dgesvd("A", "A", &N, &N, &m, &N, &s, &u, &N, &vt, &N, &work, &lwork, &info, 1, 1)
        if info != 0 { throw CoreError("\(what): the SVD for the gradient did not converge") }
        func orientation(_ q: [Double]) throws -> Double {
            var c = q
            let f = try lu(&c, n, what)
            return luDeterminant(c, f.pivots, n) < 0 ? -1 : 1
        }
        let sign = try orientation(u) * orientation(vt)
        // adj(Σ)_l = Π_{j ≠ l} σ_j by prefix and suffix products
        var adjS = try Memory.doubles(n, repeating: 1)
        var prefix = 1.0
        for l in 0..<n { adjS[l] = prefix; prefix *= s[l] }
        var suffix = 1.0
        for l in stride(from: n - 1, through: 0, by: -1) { adjS[l] *= suffix; suffix *= s[l] }
        var out = try Memory.doubles(n * n)
        for j in 0..<n {
            for i in 0..<n {
                var acc = 0.0
                for l in 0..<n { acc += u[i + l * n] * adjS[l] * vt[l + j * n] }
                out[i + j * n] = sign * acc
            }
        }
        return out
    }

    // MARK: lstsq

    /// The least-squares solution of a·x ≈ b and the rank of a (numpy.linalg.lstsq(a, b)[0] and
    /// [2]): a [m, n], b [m] or [m, k]; x [n] or [n, k], of minimum norm when a is rank-deficient.
    public static func lstsqWithRank(_ a: Tensor, _ b: Tensor, what: String = "lstsq") throws -> (x: Tensor, rank: Int) {
        guard a.rank == 2 else {
            throw CoreError(a.rank > 2 ? "\(what): batches of matrices (rank > 2) are not supported, got a of shape \(formatShape(a.shape))"
                                       : "\(what): a must be a matrix, got shape \(formatShape(a.shape))")
        }
        let m = a.shape[0], n = a.shape[1]
        guard (b.rank == 1 || b.rank == 2), b.shape[0] == m else {
            throw CoreError("\(what): b must be a vector of length \(m) or a matrix with \(m) rows (a is \(formatShape(a.shape))), got shape \(formatShape(b.shape))")
        }
        try checkFinite(a, "a", what)
        try checkFinite(b, "b", what)
        let k = b.rank == 1 ? 1 : b.shape[1]
        let xShape = b.rank == 1 ? [n] : [n, k]
        if m == 0 || n == 0 || k == 0 { return (try Tensor.zeros(xShape), 0) }
        let ldb = Swift.max(m, n)
        var A = try columnMajor(a.data, m, n)
        var B = try columnMajor(b.data, m, k, rows: ldb)
        var M = Int32(m), N = Int32(n), NRHS = Int32(k), lda = Int32(m), LDB = Int32(ldb)
        var s = try Memory.doubles(Swift.min(m, n))
        var rcond = Double.ulpOfOne * Double(Swift.max(m, n))
        var rank: Int32 = 0, info: Int32 = 0, lwork: Int32 = -1
        var work = try Memory.doubles(1)
        var iwork = [Int32](repeating: 0, count: 1)
        let dgelsd = try BLAS.functions(what).dgelsd
        dgelsd(&M, &N, &NRHS, &A, &lda, &B, &LDB, &s, &rcond, &rank, &work, &lwork, &iwork, &info)
        lwork = Int32(Swift.max(1, work[0]))
        work = try Memory.doubles(Int(lwork))
        iwork = [Int32](repeating: 0, count: Swift.max(1, Int(iwork[0])))
        dgelsd(&M, &N, &NRHS, &A, &lda, &B, &LDB, &s, &rcond, &rank, &work, &lwork, &iwork, &info)
        if info > 0 { throw CoreError("\(what): the SVD did not converge") }
        if info < 0 { throw CoreError("\(what): LAPACK dgelsd rejected argument \(-info)") }
        return (Tensor(shape: xShape, data: try rowMajor(B, n, k, rows: ldb)), Int(rank))
    }

    /// The least-squares solution of a·x ≈ b (numpy.linalg.lstsq(a, b)[0]).
    public static func lstsq(_ a: Tensor, _ b: Tensor, what: String = "lstsq") throws -> Tensor {
        try lstsqWithRank(a, b, what: what).x
    }

    /// Gradients of x = lstsq(a, b) for a of full rank. For m ≥ n (x = (aᵀa)⁻¹aᵀb), with
    /// w = a(aᵀa)⁻¹g = lstsq(aᵀ, g), z = (aᵀa)⁻¹g = lstsq(a, w) and r = b − a·x:
    /// ga = r·zᵀ − w·xᵀ, gb = w. For m < n (x = aᵀ(aaᵀ)⁻¹b), with y = (aaᵀ)⁻¹a·g = lstsq(aᵀ, g) and
    /// v = (aaᵀ)⁻¹b = lstsq(aᵀ, x): ga = v·gᵀ − y·xᵀ − v·(aᵀy)ᵀ, gb = y.
    public static func lstsqBackward(_ a: Tensor, _ b: Tensor, _ x: Tensor, _ g: Tensor, what: String = "lstsq") throws -> (a: Tensor, b: Tensor) {
        let (_, rank) = try lstsqWithRank(a, b, what: what)
        let m = a.shape[0], n = a.shape[1]
        guard rank == Swift.min(m, n) else {
            throw CoreError("\(what): the gradient needs a matrix of full rank; a (shape \(formatShape(a.shape))) has rank \(rank)")
        }
        let col = { (t: Tensor) -> Tensor in t.rank == 1 ? Tensor(shape: [t.count, 1], data: t.data) : t }
        let B = col(b), X = col(x), G = col(g)
        let at = try a.transposed()
        let ga: Tensor, gb: Tensor
        if m >= n {
            let w = try lstsq(at, G, what: what)
            let z = try lstsq(a, w, what: what)
            let r = try Tensor.sub(B, try matmul(a, X))
            ga = try Tensor.sub(try matmul(r, z.transposed()), try matmul(w, X.transposed()))
            gb = w
        } else {
            let y = try lstsq(at, G, what: what)
            let v = try lstsq(at, X, what: what)
            let aty = try matmul(at, y)
            ga = try Tensor.sub(try Tensor.sub(try matmul(v, G.transposed()), try matmul(y, X.transposed())),
                                try matmul(v, aty.transposed()))
            gb = y
        }
        return (ga, Tensor(shape: b.shape, data: gb.data))
    }
}
