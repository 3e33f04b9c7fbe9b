import Foundation
import XCTest
import LossCore

/// The numeric core of docs/reference.md §3: element-wise math, reductions, shape ops, matmul and activations.
/// Reference values come from NumPy/torch (Scripts/gen_core_reference.py --values), collected in
/// `CoreRef` at the end of this file with the expression that produced each.
final class CoreOpsTests: XCTestCase {
    // MARK: helpers

    private func assertThrows(_ substring: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        do {
            _ = try body()
            XCTFail("expected an error containing \"\(substring)\"", file: file, line: line)
        } catch let e as CoreError {
            XCTAssertTrue(e.message.contains(substring), "message \"\(e.message)\" lacks \"\(substring)\"", file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    private func t(_ shape: [Int], _ data: [Double]) -> Tensor { Tensor(shape: shape, data: data) }
    private var X: Tensor { t([2, 3, 4], CoreRef.X) }

    // MARK: - accurate sums

    /// v_i = ((i · 2654435761) mod 4294967291) / 4294967291 · 2 − 0.7 — the same IEEE operations as in NumPy.
    private static let big: [Double] = (0..<10_000_000).map { (i: Int) -> Double in
        let k: Int = (i &* 2654435761) % 4294967291
        let u: Double = Double(k) / 4294967291.0
        return u * 2 - 0.7
    }

    func testSumOfTenMillionAgreesWithNumPy() throws {
        let v = Tensor(Self.big)
        let s = try v.sum().data[0]
        XCTAssertEqual(s, CoreRef.bigSum[0], accuracy: 1e-12 * Swift.abs(CoreRef.bigSum[0]))  // np.sum
        XCTAssertEqual(s, CoreRef.bigSum[1], accuracy: 1e-12 * Swift.abs(CoreRef.bigSum[1]))  // math.fsum (exact)
        XCTAssertEqual(Summation.sum(Self.big), s)  // the same pairwise scheme
        XCTAssertEqual(try v.mean().data[0], CoreRef.bigSum[1] / 1e7, accuracy: 1e-12 * Swift.abs(CoreRef.bigSum[1] / 1e7))
    }

    func testSumAlongLeadingAndLastAxesOfTenMillion() throws {
        let cols = try Tensor(Self.big).reshaped([1_000_000, 10]).sum(axis: 0)
        XCTAssertEqual(cols.shape, [10])
        assertClose(cols, [10], CoreRef.bigSumAxis0, rtol: 1e-12, atol: 0, "axis 0 vs exact")
        assertClose(cols, [10], CoreRef.bigSumAxis0Numpy, rtol: 1e-12, atol: 0, "axis 0 vs numpy")
        let rows = try Tensor(Self.big).reshaped([4, 2_500_000]).sum(axis: -1, keepdims: true)
        assertClose(rows, [4, 1], CoreRef.bigSumAxis1, rtol: 1e-12, atol: 0, "axis 1 vs exact")
    }

    /// The gradient of a broadcast input sums the output gradient over the broadcast axes
    /// (`Tape.sumToShape`): pairwise, as `sum`. A running total drifts with the number of terms:
    /// 10⁶ copies of 0.1 summed to 100000.0000013 (relative error 1.3e-11); math.fsum gives
    /// 100000.0 (and 25000.0 for 250 000 copies), NumPy's pairwise sum 100000.00000000003.
    func testBroadcastGradientSumsAreAccurate() throws {
        let tenth = try Tensor(shape: [1_000_000], repeating: 0.1)
        XCTAssertEqual(try Tape.sumToShape(tenth, []).data[0], 100000.0, accuracy: 1e-12 * 100000.0)
        assertClose(try Tape.sumToShape(try tenth.reshaped([250_000, 4]), [4]), [4], [25000.0, 25000.0, 25000.0, 25000.0],
                    rtol: 1e-12, atol: 0, "leading axis of 0.1s")
        assertClose(try Tape.sumToShape(try tenth.reshaped([4, 250_000]), [4, 1]), [4, 1], [25000.0, 25000.0, 25000.0, 25000.0],
                    rtol: 1e-12, atol: 0, "stretched axis of 0.1s")
        let v = Tensor(Self.big)
        let all = try Tape.sumToShape(v, [])
        XCTAssertEqual(all.shape, [])
        XCTAssertEqual(all.data[0], CoreRef.bigSum[1], accuracy: 1e-12 * Swift.abs(CoreRef.bigSum[1]))  // math.fsum
        // a leading axis added by broadcasting, and an axis stretched from 1
        let cols = try Tape.sumToShape(try v.reshaped([1_000_000, 10]), [10])
        assertClose(cols, [10], CoreRef.bigSumAxis0, rtol: 1e-12, atol: 0, "leading axis vs exact")
        let rows = try Tape.sumToShape(try v.reshaped([4, 2_500_000]), [4, 1])
        assertClose(rows, [4, 1], CoreRef.bigSumAxis1, rtol: 1e-12, atol: 0, "stretched axis vs exact")
        let both = try Tape.sumToShape(try v.reshaped([1000, 1000, 10]), [1, 10])
        assertClose(both, [1, 10], CoreRef.bigSumAxis0, rtol: 1e-12, atol: 0, "added and stretched axes vs exact")
        // small cases: every combination of added and stretched axes, and empty tensors
        let g = t([2, 3, 2], (0..<12).map(Double.init))
        XCTAssertEqual(try Tape.sumToShape(g, [3, 2]).data, [6, 8, 10, 12, 14, 16])
        XCTAssertEqual(try Tape.sumToShape(g, [3, 1]).data, [14, 22, 30])
        XCTAssertEqual(try Tape.sumToShape(g, [1, 2]).data, [30, 36])
        XCTAssertEqual(try Tape.sumToShape(g, [2, 1, 1]).data, [15, 51])
        XCTAssertEqual(try Tape.sumToShape(g, [1]).data, [66])
        XCTAssertEqual(try Tape.sumToShape(t([0, 3], []), [3]).data, [0, 0, 0])
        XCTAssertEqual(try Tape.sumToShape(t([4, 0], []), [4, 1]).data, [0, 0, 0, 0])
        XCTAssertEqual(try Tape.sumToShape(t([2, 3, 0], []), [3, 1]).data, [0, 0, 0])
        assertThrows("does not fit") { try Tape.sumToShape(g, [3]) }
    }

    // MARK: - reductions

    func testReductionsAlongEveryAxisMatchNumPy() throws {
        let x = X
        let cases: [(Int?, [Int], String)] = [(nil, [], "All"), (0, [3, 4], "0"), (1, [2, 4], "1"), (2, [2, 3], "2"), (-1, [2, 3], "M1")]
        let ref: [String: [Double]] = CoreRef.table
        for (axis, shape, k) in cases {
            func want(_ name: String) -> [Double] { ref[name + k] ?? [] }
            assertClose(try x.sum(axis: axis), shape, want("sum"), rtol: 1e-13, "sum \(k)")
            assertClose(try x.mean(axis: axis), shape, want("mean"), rtol: 1e-13, "mean \(k)")
            assertClose(try x.prod(axis: axis), shape, want("prod"), rtol: 1e-13, "prod \(k)")
            assertClose(try x.amin(axis: axis), shape, want("min"), rtol: 1e-13, "min \(k)")
            assertClose(try x.amax(axis: axis), shape, want("max"), rtol: 1e-13, "max \(k)")
            assertClose(try x.argmin(axis: axis), shape, want("argmin"), rtol: 0, atol: 0, "argmin \(k)")
            assertClose(try x.argmax(axis: axis), shape, want("argmax"), rtol: 0, atol: 0, "argmax \(k)")
            assertClose(try x.variance(axis: axis), shape, want("var"), rtol: 1e-13, "var \(k)")
            assertClose(try x.std(axis: axis), shape, want("std"), rtol: 1e-13, "std \(k)")
            assertClose(try x.norm(p: 2, axis: axis), shape, want("norm2"), rtol: 1e-13, "norm2 \(k)")
            assertClose(try x.norm(p: 1, axis: axis), shape, want("norm1"), rtol: 1e-13, "norm1 \(k)")
            assertClose(try x.norm(p: .infinity, axis: axis), shape, want("normInf"), rtol: 1e-13, "normInf \(k)")
            assertClose(try x.norm(p: -.infinity, axis: axis), shape, want("normNegInf"), rtol: 1e-13, "normNegInf \(k)")
            assertClose(try x.norm(p: 3, axis: axis), shape, want("norm3"), rtol: 1e-13, "norm3 \(k)")
            assertClose(try x.norm(p: 0.5, axis: axis), shape, want("normHalf"), rtol: 1e-13, "normHalf \(k)")
            assertClose(try x.norm(p: 0, axis: axis), shape, want("norm0"), rtol: 1e-13, "norm0 \(k)")
            assertClose(try x.logsumexp(axis: axis), shape, want("lse"), rtol: 1e-13, "logsumexp \(k)")
        }
    }

    func testKeepdimsShapes() throws {
        XCTAssertEqual(try X.sum(axis: 1, keepdims: true).shape, [2, 1, 4])
        XCTAssertEqual(try X.sum(keepdims: true).shape, [1, 1, 1])
        XCTAssertEqual(try X.argmax(axis: -1, keepdims: true).shape, [2, 3, 1])
        XCTAssertEqual(try X.logsumexp(axis: 0, keepdims: true).shape, [1, 3, 4])
        // a number reduces over axis 0 / -1 as torch allows
        XCTAssertEqual(try Tensor(scalar: 3).sum(axis: -1), Tensor(scalar: 3))
    }

    func testReductionErrorsAndEmptyInputs() throws {
        assertThrows("sum: axis 3 is out of range for a tensor of rank 3") { try self.X.sum(axis: 3) }
        assertThrows("axis -4 is out of range") { try self.X.mean(axis: -4) }
        assertThrows("min: cannot reduce an empty tensor") { try Tensor([]).amin() }
        assertThrows("argmax: cannot reduce an empty tensor") { try Tensor([]).argmax() }
        assertThrows("max: cannot reduce over axis 1, which has length 0") { try Tensor(shape: [2, 0], data: []).amax(axis: 1) }
        // np.sum([]) = 0, np.prod([]) = 1, np.mean([]) = nan, torch.logsumexp([]) = -inf
        XCTAssertEqual(try Tensor([]).sum().data, [0])
        XCTAssertEqual(try Tensor([]).prod().data, [1])
        XCTAssertTrue(try Tensor([]).mean().data[0].isNaN)
        XCTAssertEqual(try Tensor([]).logsumexp().data, [-.infinity])
        XCTAssertEqual(try Tensor(shape: [0, 3], data: []).sum(axis: 0).data, [0, 0, 0])
    }

    func testNanAndInfinityInReductions() throws {
        let v = Tensor([1, .nan, 3, .nan])
        XCTAssertTrue(try v.amax().data[0].isNaN)   // np.max → nan
        XCTAssertTrue(try v.amin().data[0].isNaN)
        XCTAssertEqual(try v.argmax().data, [1])    // np.argmax([1, nan, 3, nan]) = 1
        XCTAssertEqual(try v.argmin().data, [1])
        XCTAssertEqual(try Tensor([2, 7, 7, 1, 1]).argmax().data, [1])  // first occurrence
        XCTAssertEqual(try Tensor([2, 7, 7, 1, 1]).argmin().data, [3])
        // torch.logsumexp: +inf → inf, all -inf → -inf, nan → nan
        XCTAssertEqual(try Tensor([.infinity, 1]).logsumexp().data, [.infinity])
        XCTAssertEqual(try Tensor([-.infinity, -.infinity]).logsumexp().data, [-.infinity])
        XCTAssertTrue(try Tensor([.nan, 1]).logsumexp().data[0].isNaN)
        XCTAssertEqual(try Tensor([1000, 1000]).logsumexp().data[0], 1000.6931471805599, accuracy: 1e-12)  // 1000 + log 2
    }

    func testNormRescalesOverflowAndUnderflow() throws {
        // math.hypot(1e200, 1e200), math.hypot(1e-200, 1e-200), math.hypot(3e-170, 4e-170)
        XCTAssertEqual(try Tensor([1e200, 1e200]).norm().data[0], 1.414213562373095e+200, accuracy: 1e186)
        XCTAssertEqual(try Tensor([1e-200, 1e-200]).norm().data[0], 1.414213562373095e-200, accuracy: 1e-214)
        XCTAssertEqual(try Tensor([3e-170, 4e-170]).norm().data[0], 5e-170, accuracy: 1e-184)
        XCTAssertEqual(try Tensor([0, 0]).norm().data, [0])
        XCTAssertEqual(try Tensor([.infinity, 1]).norm().data, [.infinity])
        XCTAssertTrue(try Tensor([.nan, 1]).norm().data[0].isNaN)
        assertThrows("norm: p must be a number") { try Tensor([1]).norm(p: .nan) }
    }

    // MARK: - element-wise math

    func testUnaryFunctionsMatchNumPy() throws {
        let u = Tensor(CoreRef.u)
        let ops: [(UnaryOp, [Double])] = [
            (.abs, CoreRef.u_abs), (.sign, CoreRef.u_sign), (.sqrt, CoreRef.u_sqrt), (.exp, CoreRef.u_exp),
            (.expm1, CoreRef.u_expm1), (.log, CoreRef.u_log), (.log1p, CoreRef.u_log1p), (.log2, CoreRef.u_log2),
            (.log10, CoreRef.u_log10), (.sin, CoreRef.u_sin), (.cos, CoreRef.u_cos), (.tan, CoreRef.u_tan),
            (.tanh, CoreRef.u_tanh), (.asin, CoreRef.u_asin), (.acos, CoreRef.u_acos), (.atan, CoreRef.u_atan),
            (.floor, CoreRef.u_floor), (.ceil, CoreRef.u_ceil), (.round, CoreRef.u_round),
        ]
        for (op, want) in ops {
            assertClose(try u.apply(op), [6], want, rtol: 4e-16, atol: 0, "\(op)")
            XCTAssertTrue(isClose(op(CoreRef.u[3]), want[3], rtol: 4e-16, atol: 0), "scalar \(op)")
        }
        // np.round([0.5, 1.5, 2.5, -0.5, -1.5, 2.675, -2.5]): halves to even
        assertClose(try Tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.675, -2.5]).apply(.round), [7], [0, 2, 2, -0.0, -2, 3, -2], rtol: 0, atol: 0)
        XCTAssertTrue(try Tensor([.nan]).apply(.sign).data[0].isNaN)  // np.sign(nan) = nan
        XCTAssertEqual(try Tensor.negate(Tensor([1, -2])).data, [-1, 2])
    }

    func testBinaryOperatorsBroadcastWithNumPySemantics() throws {
        let a = t([2, 1], [-7.5, 2.0]), b = Tensor([2.0, -3.0, 0.0])
        assertClose(try Tensor.mod(a, b), [2, 3], CoreRef.mod, rtol: 0, atol: 0, "mod")
        assertClose(try Tensor.pow(a, b), [2, 3], CoreRef.pow, rtol: 1e-15, atol: 0, "pow")
        assertClose(try Tensor.binary(.atan2, a, b), [2, 3], CoreRef.atan2, rtol: 4e-16, atol: 0, "atan2")
        assertClose(try Tensor.pow(Tensor([-8, 8]), Tensor(scalar: 1.0 / 3)), [2], CoreRef.powFrac, rtol: 1e-15, atol: 0, "pow frac")
        assertClose(try Tensor.mod(Tensor([5, -5, 5, -5, -0.0, 7]), Tensor([3, 3, -3, -3, 2, .infinity])), [6], CoreRef.modEdge,
                    rtol: 0, atol: 0, "mod edge")
        XCTAssertEqual(floorMod(-1e-20, 1), 1)  // Python: -1e-20 % 1 == 1.0
        XCTAssertEqual(try Tensor.add(a, b).data, [-5.5, -10.5, -7.5, 4, -1, 2])
        XCTAssertEqual(try Tensor.sub(b, Tensor(scalar: 1)).data, [1, -4, -1])
        XCTAssertEqual(try Tensor.mul(Tensor(scalar: 2), b).data, [4, -6, 0])
        XCTAssertEqual(try Tensor.div(Tensor([1, -1, 0]), Tensor(scalar: 0)).data.map { $0.isNaN ? 99 : $0 }, [.infinity, -.infinity, 99])
        assertThrows("+: shapes [2] and [3] cannot be broadcast together") { try Tensor.add(Tensor([1, 2]), Tensor([1, 2, 3])) }
        assertThrows("atan2: shapes [2, 2] and [3]") { try Tensor.binary(.atan2, Tensor(shape: [2, 2], data: [1, 2, 3, 4]), Tensor([1, 2, 3]), what: "atan2") }
    }

    func testComparisonsLogicAndMinMax() throws {
        let a = Tensor([1, .nan, 3]), b = Tensor([1, 2, 2])
        XCTAssertEqual(try Tensor.compare(.eq, a, b).data, [1, 0, 0])
        XCTAssertEqual(try Tensor.compare(.ne, a, b).data, [0, 1, 1])  // nan != x is true
        XCTAssertEqual(try Tensor.compare(.lt, a, b).data, [0, 0, 0])
        XCTAssertEqual(try Tensor.compare(.ge, a, b).data, [1, 0, 1])
        XCTAssertEqual(try Tensor.compare(.gt, t([2, 1], [0, 5]), b).shape, [2, 3])
        XCTAssertEqual(try Tensor.logicalAnd(Tensor([0, 1, 2]), Tensor(scalar: 1)).data, [0, 1, 1])
        XCTAssertEqual(try Tensor.logicalOr(Tensor([0, 0, 2]), Tensor([0, 1, 0])).data, [0, 1, 1])
        XCTAssertEqual(try Tensor.logicalNot(Tensor([0, 3])).data, [1, 0])
        // np.minimum / np.maximum propagate nan
        let mn = try Tensor.minimum(a, b), mx = try Tensor.maximum(a, b)
        XCTAssertEqual(mn.data[0], 1); XCTAssertTrue(mn.data[1].isNaN); XCTAssertEqual(mn.data[2], 2)
        XCTAssertEqual(mx.data[2], 3); XCTAssertTrue(mx.data[1].isNaN)
    }

    func testClampMatchesTorch() throws {
        // torch.clamp([[1, 5, nan], [0, 2.5, 9]], min=[0, 3, 1], max=[[2], [4]]) = [[1, 2, nan], [0, 3, 4]]
        let x = t([2, 3], [1, 5, .nan, 0, 2.5, 9])
        let r = try Tensor.clamp(x, lo: Tensor([0, 3, 1]), hi: t([2, 1], [2, 4]))
        assertClose(r, [2, 3], [1, 2, .nan, 0, 3, 4], rtol: 0, atol: 0)
        // torch.clamp([1, 5, nan], 3, 2) = [2, 2, nan] (lo > hi gives hi)
        assertClose(try Tensor.clamp(Tensor([1, 5, .nan]), lo: Tensor(scalar: 3), hi: Tensor(scalar: 2)), [3], [2, 2, .nan], rtol: 0, atol: 0)
        XCTAssertEqual(try Tensor.clamp(Tensor([-1, 2]), lo: Tensor(scalar: 0), hi: nil).data, [0, 2])
        assertThrows("clamp: shapes [2] and [3]") { try Tensor.clamp(Tensor([1, 2]), lo: Tensor([0, 0, 0]), hi: nil) }
    }

    func testLargeKernelsSplitAcrossCoresGiveTheSameValues() throws {
        let n = 3_000_001
        let x = Tensor((0..<n).map { Double($0 % 1000) * 0.01 - 5 })
        let e = try x.apply(.exp)
        for i in stride(from: 0, to: n, by: 99_991) { XCTAssertEqual(e.data[i], Foundation.exp(x.data[i])) }
        let s = try Tensor.mul(x, x)
        XCTAssertEqual(s.data[n - 1], x.data[n - 1] * x.data[n - 1])
        let sc = try Tensor.add(x, Tensor(scalar: 1))
        XCTAssertEqual(sc.data[n / 2], x.data[n / 2] + 1)
        let sg = try Activations.sigmoid(x)
        XCTAssertEqual(sg.data[12_345], Activations.sigmoid(x.data[12_345]))
    }

    // MARK: - activations

    func testActivationsMatchTorch() throws {
        let z = Tensor(CoreRef.z)
        assertClose(try Activations.sigmoid(z), [10], CoreRef.sigmoid, rtol: 1e-15, atol: 0, "sigmoid")
        assertClose(try Activations.logSigmoid(z), [10], CoreRef.logsigmoid, rtol: 1e-15, atol: 0, "logsigmoid")
        assertClose(try Activations.softplus(z), [10], CoreRef.softplus, rtol: 1e-15, atol: 0, "softplus")
        // torch rounds gelu to -0 where ½·x·erfc(−x/√2) keeps digits below 1e-15
        assertClose(try Activations.gelu(z), [10], CoreRef.gelu, rtol: 1e-15, atol: 1e-15, "gelu")
        assertClose(try Activations.gelu(Tensor([-10, -20, -37])), [3], CoreRef.geluTail, rtol: 1e-13, atol: 0, "gelu tail (mpmath)")
        assertClose(try Activations.leakyRelu(z, slope: 0.2), [10], CoreRef.leaky, rtol: 0, atol: 0, "leaky_relu")
        XCTAssertEqual(try Activations.relu(Tensor([-1, 0, 2])).data, [0, 0, 2])
        XCTAssertTrue(try Activations.relu(Tensor([.nan])).data[0].isNaN)  // torch.relu(nan) = nan
        XCTAssertEqual(Activations.sigmoid(-1000), 0)
        XCTAssertEqual(Activations.sigmoid(1000), 1)
    }

    func testSoftmaxAndLogSoftmaxAlongAxes() throws {
        let m = t([3, 4], CoreRef.M)
        assertClose(try Activations.softmax(m), [3, 4], CoreRef.softmaxM1, rtol: 1e-15, atol: 1e-17, "softmax -1")
        assertClose(try Activations.softmax(m, axis: 0), [3, 4], CoreRef.softmax0, rtol: 1e-15, atol: 1e-17, "softmax 0")
        let big = try Tensor.mul(m, Tensor(scalar: 300))
        assertClose(try Activations.logSoftmax(big), [3, 4], CoreRef.logSoftmaxM1, rtol: 1e-14, atol: 1e-12, "log_softmax -1")
        assertClose(try Activations.logSoftmax(m, axis: 0), [3, 4], CoreRef.logSoftmax0, rtol: 1e-14, atol: 1e-15, "log_softmax 0")
        XCTAssertEqual(try Activations.logSoftmax(Tensor([1000, 0])).data, [0, -1000])  // docs/reference.md §4.1
        XCTAssertEqual(try Activations.softmax(Tensor([1000, 1000])).data, [0.5, 0.5])
        XCTAssertTrue(try Activations.softmax(Tensor([-.infinity, -.infinity])).data.allSatisfy(\.isNaN))  // as torch
        XCTAssertEqual(try Activations.softmax(Tensor(scalar: 3)).data, [1])
        assertThrows("softmax: axis 2 is out of range") { try Activations.softmax(m, axis: 2) }
    }

    // MARK: - matmul

    func testMatmulFollowsNumPy() throws {
        let A = t([2, 3], CoreRef.A), B = t([3, 4], CoreRef.B), v = Tensor(CoreRef.v3), w = Tensor(CoreRef.w3)
        assertClose(try Linalg.matmul(A, B), [2, 4], CoreRef.AB, rtol: 1e-13, "A @ B")
        assertClose(try Linalg.matmul(v, w), [], CoreRef.vv, rtol: 1e-13, "v @ w")
        assertClose(try Linalg.matmul(A, v), [2], CoreRef.Av, rtol: 1e-13, "A @ v")
        assertClose(try Linalg.matmul(v, B), [4], CoreRef.vB, rtol: 1e-13, "v @ B")
        let P = t([2, 1, 3, 4], CoreRef.P), Q = t([5, 4, 2], CoreRef.Q), r4 = Tensor([0, 1, 2, 3])
        assertClose(try Linalg.matmul(P, Q), [2, 5, 3, 2], CoreRef.PQ, rtol: 1e-13, "P @ Q")
        assertClose(try Linalg.matmul(P, r4), [2, 1, 3], CoreRef.Pv, rtol: 1e-13, "P @ arange(4)")
        assertClose(try Linalg.matmul(r4, Q), [5, 2], CoreRef.vQ, rtol: 1e-13, "arange(4) @ Q")
        // batch against one shared matrix (one gemm)
        let PB = try Linalg.matmul(P, try B.transposed().reshaped([4, 3]))
        XCTAssertEqual(PB.shape, [2, 1, 3, 3])
        // empty inner axis: zeros, as NumPy
        XCTAssertEqual(try Linalg.matmul(Tensor(shape: [2, 0], data: []), Tensor(shape: [0, 3], data: [])).data, [Double](repeating: 0, count: 6))
    }

    func testMatmulErrorsShowBothShapes() {
        assertThrows("@: shapes [2, 3] and [4, 5] are not aligned") { try Linalg.matmul(Tensor(shape: [2, 3], repeating: 1), Tensor(shape: [4, 5], repeating: 1)) }
        assertThrows("shapes [3] and [2]") { try Linalg.matmul(Tensor([1, 2, 3]), Tensor([1, 2])) }
        assertThrows("the batch axes of shapes [2, 3, 4] and [3, 4, 5] cannot be broadcast") {
            try Linalg.matmul(Tensor(shape: [2, 3, 4], repeating: 1), Tensor(shape: [3, 4, 5], repeating: 1))
        }
        assertThrows("got shapes [] and [3]") { try Linalg.matmul(Tensor(scalar: 2), Tensor([1, 2, 3])) }
    }

    // MARK: - shape and construction

    func testReshapeTransposeFlatten() throws {
        let x = Tensor((0..<6).map(Double.init))
        XCTAssertEqual(try x.reshaped([2, -1]).shape, [2, 3])
        XCTAssertEqual(try x.reshaped([-1]).shape, [6])
        XCTAssertEqual(try x.reshaped([1, 2, 3]).data, x.data)
        assertThrows("reshape: cannot reshape a tensor of shape [6] (6 elements) into [4]") { try x.reshaped([4]) }
        assertThrows("only one dimension can be -1") { try x.reshaped([-1, -1]) }
        assertThrows("cannot reshape a tensor of shape [6] (6 elements) into [4, -1]") { try x.reshaped([4, -1]) }
        assertThrows("dimensions must be ≥ 0") { try x.reshaped([-2, -3]) }
        assertThrows("cannot reshape") { try x.reshaped([Int.max, 2]) }
        // np.arange(24.).reshape(2, 3, 4).T
        assertClose(try Tensor((0..<24).map(Double.init)).reshaped([2, 3, 4]).transposed(), [4, 3, 2], CoreRef.transpose3, rtol: 0, atol: 0)
        XCTAssertEqual(try x.reshaped([2, 3]).transposed().data, [0, 3, 1, 4, 2, 5])
        // the blocked 2-d path: x.T[j, i] == x[i, j] across block edges
        let big = try Tensor((0..<(37 * 70)).map(Double.init)).reshaped([37, 70])
        let bt = try big.transposed()
        XCTAssertEqual(bt.shape, [70, 37])
        for (i, j) in [(0, 0), (5, 69), (31, 32), (32, 31), (36, 33), (36, 69)] { XCTAssertEqual(bt.data[j * 37 + i], big.data[i * 70 + j]) }
        XCTAssertEqual(try bt.transposed(), big)
        XCTAssertEqual(try big.permuted([0, 1]), big)
        XCTAssertEqual(try x.transposed(), x)
        XCTAssertEqual(try x.reshaped([2, 3]).flattened(), x)
        XCTAssertEqual(Tensor(scalar: 4).flattened().shape, [1])
        XCTAssertEqual(try x.reshaped([1, 2, 3]).permuted([2, 0, 1]).shape, [3, 1, 2])
        assertThrows("not a permutation") { try x.reshaped([2, 3]).permuted([0, 0]) }
    }

    func testConcatAndStack() throws {
        let a = t([2, 2], [1, 2, 3, 4]), b = t([2, 1], [5, 6])
        XCTAssertEqual(try Tensor.concat([a, b], axis: 1), t([2, 3], [1, 2, 5, 3, 4, 6]))
        XCTAssertEqual(try Tensor.concat([a, a], axis: -2).shape, [4, 2])
        XCTAssertEqual(try Tensor.concat([Tensor([1, 2]), Tensor(scalar: 3), Tensor([])]).data, [1, 2, 3])
        assertThrows("concat: shapes [2, 2] and [2, 1] must match except along axis 0") { try Tensor.concat([a, b], axis: 0) }
        assertThrows("same rank") { try Tensor.concat([a, Tensor([1, 2])]) }
        assertThrows("axis 2 is out of range") { try Tensor.concat([a, a], axis: 2) }
        let s = try Tensor.stack([Tensor([1, 2]), Tensor([3, 4]), Tensor([5, 6])])
        XCTAssertEqual(s, t([3, 2], [1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1), t([2, 2], [1, 3, 2, 4]))  // np.stack(axis=1)
        XCTAssertEqual(try Tensor.stack([Tensor(scalar: 1), Tensor(scalar: 2)]).data, [1, 2])
        assertThrows("stack: every tensor must have the same shape, got [2] (argument 1) and [3] (argument 2)") {
            try Tensor.stack([Tensor([1, 2]), Tensor([1, 2, 3])])
        }
    }

    func testConstructors() throws {
        XCTAssertEqual(try Tensor.eye(3).data, [1, 0, 0, 0, 1, 0, 0, 0, 1])
        XCTAssertEqual(try Tensor.full([2], 0.5).data, [0.5, 0.5])
        XCTAssertEqual(try Tensor.ones([2, 0]).shape, [2, 0])
        assertThrows("too large") { try Tensor.eye(100_000) }
        assertThrows("eye: n must be ≥ 0") { try Tensor.eye(-1) }
        // exact equality with NumPy's arithmetic
        XCTAssertEqual(try Tensor.linspace(0, 1, count: 7).data, CoreRef.linspace1)    // np.linspace(0, 1, 7)
        XCTAssertEqual(try Tensor.linspace(-1.3, 2.9, count: 4).data, CoreRef.linspace2)
        XCTAssertEqual(try Tensor.linspace(2, 3, count: 1).data, [2])
        XCTAssertEqual(try Tensor.linspace(2, 3, count: 0).data, [])
        assertThrows("linspace: n must be ≥ 0") { try Tensor.linspace(0, 1, count: -1) }
        XCTAssertEqual(try Tensor.arange(0.1, 1, step: 0.3).data, CoreRef.arange1)       // np.arange(0.1, 1, 0.3)
        XCTAssertEqual(try Tensor.arange(1, 0, step: -0.1).data, CoreRef.arange2)
        XCTAssertEqual(try Tensor.arange(-3.5, 7.25, step: 1.3).data, CoreRef.arange3)
        XCTAssertEqual(try Tensor.arange(10, 0).count, 0)
        XCTAssertEqual(try Tensor.arange(0, 5).data, [0, 1, 2, 3, 4])
        assertThrows("range: step must not be 0") { try Tensor.arange(0, 1, step: 0) }
        assertThrows("more than \(maxTensorElements) elements") { try Tensor.arange(0, 1e10) }
        assertThrows("must be finite") { try Tensor.arange(0, .infinity) }
        assertThrows("must be finite") { try Tensor.arange(.nan, 1) }
    }

    func testOnehotAndDiag() throws {
        // F.one_hot(tensor([[0, 2], [1, 1]]), 3)
        XCTAssertEqual(try Tensor.onehot(t([2, 2], [0, 2, 1, 1]), classes: 3),
                       t([2, 2, 3], [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0]))
        XCTAssertEqual(try Tensor.onehot(Tensor([1, 3]), classes: nil).shape, [2, 4])
        XCTAssertEqual(try Tensor.onehot(Tensor(scalar: 1), classes: 2).data, [0, 1])
        assertThrows("onehot: labels must be in 0..<3 (0-based class indices), got 3 at flat index 1") { try Tensor.onehot(Tensor([0, 3]), classes: 3) }
        assertThrows("labels must be class indices (integers ≥ 0), got 1.5") { try Tensor.onehot(Tensor([1.5]), classes: 3) }
        assertThrows("got -1 at flat index 0") { try Tensor.onehot(Tensor([-1]), classes: 3) }
        XCTAssertEqual(try Tensor.diag(Tensor([1, 2])), t([2, 2], [1, 0, 0, 2]))
        XCTAssertEqual(try Tensor.diag(t([2, 3], [1, 2, 3, 4, 5, 6])).data, [1, 5])
        assertThrows("diag: expected a vector or a matrix, got shape [1, 1, 1]") { try Tensor.diag(Tensor(shape: [1, 1, 1], data: [1])) }
    }

    func testDotCrossOuter() throws {
        XCTAssertEqual(try Tensor.dot(Tensor([1, 2, 3]), Tensor([4, 5, 6])), Tensor(scalar: 32))
        let rows = t([2, 3], [1, 2, 3, -1, 0.5, 2])
        assertClose(try Tensor.dot(rows, Tensor([4, 5, 6])), [2], CoreRef.dotBatch, rtol: 1e-15, atol: 0, "vecdot")
        assertClose(try Tensor.cross(rows, Tensor([4, 5, 6])), [2, 3], CoreRef.cross, rtol: 1e-15, atol: 0, "cross")
        assertThrows("dot: the last axes must have the same length, got shapes [3] and [2]") { try Tensor.dot(Tensor([1, 2, 3]), Tensor([1, 2])) }
        assertThrows("got shapes [] and [3]") { try Tensor.dot(Tensor(scalar: 1), Tensor([1, 2, 3])) }
        assertThrows("cross: expects 3-vectors along the last axis, got shapes [2] and [3]") { try Tensor.cross(Tensor([1, 2]), Tensor([1, 2, 3])) }
        XCTAssertEqual(try Tensor.outer(Tensor([1, 2]), Tensor([1, 10, 100])), t([2, 3], [1, 10, 100, 2, 20, 200]))
    }

    func testNormalizeCosineCdistMatchTorch() throws {
        let m = t([3, 4], CoreRef.M)
        assertClose(try Tensor.normalize(m, axis: 0), [3, 4], CoreRef.normalize0, rtol: 1e-15, atol: 0, "normalize dim 0")
        XCTAssertEqual(try Tensor.normalize(Tensor([0, 0])).data, [0, 0])  // F.normalize of a zero vector
        XCTAssertTrue(try Tensor.normalize(Tensor([.nan, 1])).data.allSatisfy(\.isNaN))  // F.normalize([nan, 1]) = [nan, nan]
        XCTAssertTrue(try Tensor.cosine(Tensor([.nan, 1]), Tensor([1, 1])).data[0].isNaN)
        let other = t([2, 3], [1e-9, 0, 0, 0.3, -2, 1])
        assertClose(try Tensor.cosine(t([2, 3], CoreRef.A), other), [2], CoreRef.cosine, rtol: 1e-15, atol: 1e-16, "cosine")
        let flipped = t([3, 4], Array(CoreRef.M[8..<12] + CoreRef.M[4..<8] + CoreRef.M[0..<4]))
        assertClose(try Tensor.cosine(m, flipped, axis: 0), [4], CoreRef.cosine0, rtol: 1e-15, atol: 1e-16, "cosine dim 0")
        assertThrows("cosine: shapes [2] and [3] cannot be broadcast together") { try Tensor.cosine(Tensor([1, 2]), Tensor([1, 2, 3])) }
        let shifted = try Tensor.add(t([2, 4], Array(CoreRef.M[0..<8])), Tensor(scalar: 0.5))
        assertClose(try Tensor.cdist(m, shifted), [3, 2], CoreRef.cdist, rtol: 1e-14, atol: 1e-15, "cdist")
        assertThrows("cdist: expects matrices of points [N, D] and [M, D] with the same D, got shapes [3] and [2, 3]") {
            try Tensor.cdist(Tensor([1, 2, 3]), Tensor(shape: [2, 3], repeating: 0))
        }
    }
}

// MARK: - reference values

/// Generated by Scripts/gen_core_reference.py --values (NumPy 2.4.6, torch 2.15.0+cu132).
enum CoreRef {
    /// [np.sum(v), math.fsum(v)] with v = ((arange(1e7) * 2654435761) % 4294967291) / 4294967291 * 2 - 0.7
    static let bigSum: [Double] = [2999996.675544145, 2999996.675544145]
    /// [math.fsum(c) for c in v.reshape(1_000_000, 10).T] (exact column sums)
    static let bigSumAxis0: [Double] = [299995.7801357249, 300003.75511765596, 300001.73009958694, 299993.705081518, 300001.68006344896, 300003.65504538, 299997.630027311, 299995.605009242, 300003.579991173, 299999.55497310404]
    /// v.reshape(1_000_000, 10).sum(axis=0)
    static let bigSumAxis0Numpy: [Double] = [299995.7801357248, 300003.75511765585, 300001.7300995873, 299993.70508151804, 300001.68006344885, 300003.6550453798, 299997.6300273113, 299995.60500924184, 300003.57999117294, 299999.5549731043]
    /// [math.fsum(r) for r in v.reshape(4, 2_500_000)] (exact row sums)
    static let bigSumAxis1: [Double] = [749999.5656759489, 749998.6344826737, 749997.7032893987, 750000.7720961237]
    /// np.round(np.random.default_rng(7).standard_normal((2, 3, 4)) * 2, 3), X[1,2,3] = X[1,2,0]
    static let X: [Double] = [0.002, 0.597, -0.548, -1.781, -0.909, -1.983, 0.12, 2.68, -0.984, -1.241, 0.98, 0.714, 0.211, -1.861, -0.059, 1.391, -2.688, -0.915, -3.802, -2.579, -3.683, -0.47, -2.535, -3.683]
    /// np.sum(X, axis=None)
    static let sumAll: [Double] = [-23.026000000000003]
    /// np.mean(X, axis=None)
    static let meanAll: [Double] = [-0.9594166666666668]
    /// np.prod(X, axis=None)
    static let prodAll: [Double] = [0.007250094246226709]
    /// np.min(X, axis=None)
    static let minAll: [Double] = [-3.802]
    /// np.max(X, axis=None)
    static let maxAll: [Double] = [2.68]
    /// np.argmin(X, axis=None)
    static let argminAll: [Double] = [18.0]
    /// np.argmax(X, axis=None)
    static let argmaxAll: [Double] = [7.0]
    /// np.var(X, axis=None)
    static let varAll: [Double] = [2.7525989097222223]
    /// np.std(X, axis=None)
    static let stdAll: [Double] = [1.6590958108928557]
    /// torch.linalg.vector_norm(X, ord=2, dim=None)
    static let norm2All: [Double] = [9.389030940411264]
    /// torch.linalg.vector_norm(X, ord=1, dim=None)
    static let norm1All: [Double] = [36.416]
    /// torch.linalg.vector_norm(X, ord=inf, dim=None)
    static let normInfAll: [Double] = [3.802]
    /// torch.linalg.vector_norm(X, ord=-inf, dim=None)
    static let normNegInfAll: [Double] = [0.002]
    /// torch.linalg.vector_norm(X, ord=3, dim=None)
    static let norm3All: [Double] = [6.347551372055262]
    /// torch.linalg.vector_norm(X, ord=0.5, dim=None)
    static let normHalfAll: [Double] = [712.4547414676642]
    /// torch.linalg.vector_norm(X, ord=0, dim=None)
    static let norm0All: [Double] = [24.0]
    /// torch.logsumexp(X, dim=(0, 1, 2))
    static let lseAll: [Double] = [3.4922922861439663]
    /// np.sum(X, axis=0)
    static let sum0: [Double] = [0.213, -1.264, -0.607, -0.3899999999999999, -3.5970000000000004, -2.898, -3.682, 0.10099999999999998, -4.667, -1.711, -1.5550000000000002, -2.969]
    /// np.mean(X, axis=0)
    static let mean0: [Double] = [0.1065, -0.632, -0.3035, -0.19499999999999995, -1.7985000000000002, -1.449, -1.841, 0.05049999999999999, -2.3335, -0.8555, -0.7775000000000001, -1.4845]
    /// np.prod(X, axis=0)
    static let prod0: [Double] = [0.000422, -1.111017, 0.032332, -2.4773709999999998, 2.4433920000000002, 1.814445, -0.45624, -6.911720000000001, 3.624072, 0.5832700000000001, -2.4843, -2.6296619999999997]
    /// np.min(X, axis=0)
    static let min0: [Double] = [0.002, -1.861, -0.548, -1.781, -2.688, -1.983, -3.802, -2.579, -3.683, -1.241, -2.535, -3.683]
    /// np.max(X, axis=0)
    static let max0: [Double] = [0.211, 0.597, -0.059, 1.391, -0.909, -0.915, 0.12, 2.68, -0.984, -0.47, 0.98, 0.714]
    /// np.argmin(X, axis=0)
    static let argmin0: [Double] = [0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    /// np.argmax(X, axis=0)
    static let argmax0: [Double] = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    /// np.var(X, axis=0)
    static let var0: [Double] = [0.01092025, 1.5104410000000001, 0.059780250000000014, 2.5153959999999995, 0.7912102500000001, 0.285156, 3.8455209999999997, 6.914270250000001, 1.8211502499999999, 0.14861025000000005, 3.08880625, 4.833402250000001]
    /// np.std(X, axis=0)
    static let std0: [Double] = [0.1045, 1.229, 0.24450000000000002, 1.5859999999999999, 0.8895000000000001, 0.534, 1.9609999999999999, 2.6295, 1.3495, 0.38550000000000006, 1.7575, 2.1985]
    /// torch.linalg.vector_norm(X, ord=2, dim=0)
    static let norm20: [Double] = [0.2110094784600919, 1.9544129553397869, 0.5511669438563964, 2.259832294662593, 2.837538545993693, 2.1839217018931794, 3.8038932687445373, 3.7193602944592503, 3.8121837573758164, 1.3270195929224256, 2.7178346160132705, 3.7515710042594153]
    /// torch.linalg.vector_norm(X, ord=1, dim=0)
    static let norm10: [Double] = [0.213, 2.458, 0.607, 3.1719999999999997, 3.5970000000000004, 2.898, 3.922, 5.259, 4.667, 1.711, 3.515, 4.397]
    /// torch.linalg.vector_norm(X, ord=inf, dim=0)
    static let normInf0: [Double] = [0.211, 1.861, 0.548, 1.781, 2.688, 1.983, 3.802, 2.68, 3.683, 1.241, 2.535, 3.683]
    /// torch.linalg.vector_norm(X, ord=-inf, dim=0)
    static let normNegInf0: [Double] = [0.002, 0.597, 0.059, 1.391, 0.909, 0.915, 0.12, 2.579, 0.984, 0.47, 0.98, 0.714]
    /// torch.linalg.vector_norm(X, ord=3, dim=0)
    static let norm30: [Double] = [0.21100005989681073, 1.8812576986782217, 0.5482278731125437, 2.027996438740185, 2.7222133666010837, 2.0459200999060836, 3.8020398468235577, 3.3141838988027836, 3.706265907991176, 1.2630762828162423, 2.582909222317919, 3.691923149346594]
    /// torch.linalg.vector_norm(X, ord=0.5, dim=0)
    static let normHalf0: [Double] = [0.2540852771683483, 4.566095823249029, 0.9666220237972084, 6.319933290271571, 6.723270621683287, 5.59202672592534, 5.272910803865304, 10.517030049362594, 8.474399112254979, 3.2384423066027734, 6.667332469775357, 7.640246521619965]
    /// torch.linalg.vector_norm(X, ord=0, dim=0)
    static let norm00: [Double] = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    /// torch.logsumexp(X, dim=0)
    static let lse0: [Double] = [0.805097396748457, 0.6791383489163708, 0.4192441619705683, 1.4320648527003232, -0.7530165409422402, -0.6195765537580227, 0.13960795365303438, 2.685187026709004, -0.9188934353548986, -0.08981831641780658, 1.0093139207596455, 0.7262390238813069]
    /// np.sum(X, axis=1)
    static let sum1: [Double] = [-1.891, -2.6270000000000002, 0.5519999999999999, 1.6130000000000002, -6.16, -3.2459999999999996, -6.396000000000001, -4.871]
    /// np.mean(X, axis=1)
    static let mean1: [Double] = [-0.6303333333333333, -0.8756666666666667, 0.18399999999999997, 0.5376666666666667, -2.0533333333333332, -1.0819999999999999, -2.132, -1.6236666666666668]
    /// np.prod(X, axis=1)
    static let prod1: [Double] = [0.0017889120000000001, 1.469159091, -0.0644448, -3.40797912, 2.0888797439999998, -0.8003230499999999, -0.56864613, 13.212353687]
    /// np.min(X, axis=1)
    static let min1: [Double] = [-0.984, -1.983, -0.548, -1.781, -3.683, -1.861, -3.802, -3.683]
    /// np.max(X, axis=1)
    static let max1: [Double] = [0.002, 0.597, 0.98, 2.68, 0.211, -0.47, -0.059, 1.391]
    /// np.argmin(X, axis=1)
    static let argmin1: [Double] = [2.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, 2.0]
    /// np.argmax(X, axis=1)
    static let argmax1: [Double] = [0.0, 0.0, 2.0, 1.0, 0.0, 2.0, 0.0, 0.0]
    /// np.var(X, axis=1)
    static let var1: [Double] = [0.20086022222222222, 1.1761342222222222, 0.3911786666666666, 3.3323002222222216, 2.7286068888888884, 0.33642466666666665, 2.4162126666666666, 4.747243555555555]
    /// np.std(X, axis=1)
    static let std1: [Double] = [0.4481743212436677, 1.0844972209379895, 0.6254427764925155, 1.8254589072948813, 1.651849535789773, 0.5800212639780258, 1.5544171469289274, 2.178817008276637]
    /// torch.linalg.vector_norm(X, ord=2, dim=1)
    static let norm21: [Double] = [1.3396047924667933, 2.414286437024406, 1.1292050300986087, 3.2960820681530367, 4.564466452938393, 2.1263692059470767, 4.570001094091773, 4.706443561756584]
    /// torch.linalg.vector_norm(X, ord=1, dim=1)
    static let norm11: [Double] = [1.895, 3.821, 1.6480000000000001, 5.175000000000001, 6.582, 3.2459999999999996, 6.396000000000001, 7.6530000000000005]
    /// torch.linalg.vector_norm(X, ord=inf, dim=1)
    static let normInf1: [Double] = [0.984, 1.983, 0.98, 2.68, 3.683, 1.861, 3.802, 3.683]
    /// torch.linalg.vector_norm(X, ord=-inf, dim=1)
    static let normNegInf1: [Double] = [0.002, 0.597, 0.12, 0.714, 0.211, 0.47, 0.059, 1.391]
    /// torch.linalg.vector_norm(X, ord=3, dim=1)
    static let norm31: [Double] = [1.1943842561147144, 2.148800180098427, 1.0346167194627576, 2.934200271610322, 4.109261861509641, 1.941216180064687, 4.145659978481682, 4.117415174873993]
    /// torch.linalg.vector_norm(X, ord=0.5, dim=1)
    static let normHalf1: [Double] = [3.9605139940424707, 10.856035693905516, 4.312391642343545, 14.56641175192041, 16.14411397781369, 9.037878902706666, 14.325765349470975, 22.13182659453298]
    /// torch.linalg.vector_norm(X, ord=0, dim=1)
    static let norm01: [Double] = [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    /// torch.logsumexp(X, dim=1)
    static let lse1: [Double] = [0.575906262606026, 0.8079975931601424, 1.4747762717608108, 2.8211232827109733, 0.2837317387464659, 0.16639196005602352, 0.043341598558583924, 1.4158201886354262]
    /// np.sum(X, axis=2)
    static let sum2: [Double] = [-1.73, -0.09200000000000008, -0.5310000000000001, -0.31799999999999984, -9.984, -10.370999999999999]
    /// np.mean(X, axis=2)
    static let mean2: [Double] = [-0.4325, -0.02300000000000002, -0.13275000000000003, -0.07949999999999996, -2.496, -2.5927499999999997]
    /// np.prod(X, axis=2)
    static let prod2: [Double] = [0.001165329672, 0.5796991152000001, 0.85445887968, 0.032226116299, 24.11647410816001, 16.16141041905]
    /// np.min(X, axis=2)
    static let min2: [Double] = [-1.781, -1.983, -1.241, -1.861, -3.802, -3.683]
    /// np.max(X, axis=2)
    static let max2: [Double] = [0.597, 2.68, 0.98, 1.391, -0.915, -0.47]
    /// np.argmin(X, axis=2)
    static let argmin2: [Double] = [3.0, 1.0, 1.0, 1.0, 2.0, 0.0]
    /// np.argmax(X, axis=2)
    static let argmax2: [Double] = [1.0, 3.0, 2.0, 3.0, 1.0, 1.0]
    /// np.var(X, axis=2)
    static let var2: [Double] = [0.7701132500000001, 2.9883135000000003, 0.9770106875000001, 1.35523075, 1.0622375, 1.7216731875]
    /// np.std(X, axis=2)
    static let std2: [Double] = [0.8775609665430659, 1.7286739137269354, 0.9884385097212675, 1.1641437840748023, 1.0306490673357251, 1.312125446556083]
    /// torch.linalg.vector_norm(X, ord=2, dim=2)
    static let norm22: [Double] = [1.9567007947052097, 3.457653828826709, 1.9946260301119103, 2.333710350493394, 5.400834565138984, 5.811721173628342]
    /// torch.linalg.vector_norm(X, ord=1, dim=2)
    static let norm12: [Double] = [2.928, 5.692, 3.919, 3.5220000000000002, 9.984, 10.370999999999999]
    /// torch.linalg.vector_norm(X, ord=inf, dim=2)
    static let normInf2: [Double] = [1.781, 2.68, 1.241, 1.861, 3.802, 3.683]
    /// torch.linalg.vector_norm(X, ord=-inf, dim=2)
    static let normNegInf2: [Double] = [0.002, 0.12, 0.714, 0.059, 0.915, 0.47]
    /// torch.linalg.vector_norm(X, ord=3, dim=2)
    static let norm32: [Double] = [1.8198024696059276, 3.0293191409147453, 1.6094738412862173, 2.0912911568887775, 4.519259375838926, 4.881344157255325]
    /// torch.linalg.vector_norm(X, ord=0.5, dim=2)
    static let normHalf2: [Double] = [8.364765604869461, 18.87977198986226, 15.530726208151881, 10.53546359412656, 37.84546463949182, 37.40499792540004]
    /// torch.linalg.vector_norm(X, ord=0, dim=2)
    static let norm02: [Double] = [4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    /// torch.logsumexp(X, dim=2)
    static let lse2: [Double] = [1.2712305578953145, 2.7882881357076816, 1.6807362079605233, 1.8487702074000123, -0.5679087096000313, -0.2816220367508001]
    /// np.sum(X, axis=-1)
    static let sumM1: [Double] = [-1.73, -0.09200000000000008, -0.5310000000000001, -0.31799999999999984, -9.984, -10.370999999999999]
    /// np.mean(X, axis=-1)
    static let meanM1: [Double] = [-0.4325, -0.02300000000000002, -0.13275000000000003, -0.07949999999999996, -2.496, -2.5927499999999997]
    /// np.prod(X, axis=-1)
    static let prodM1: [Double] = [0.001165329672, 0.5796991152000001, 0.85445887968, 0.032226116299, 24.11647410816001, 16.16141041905]
    /// np.min(X, axis=-1)
    static let minM1: [Double] = [-1.781, -1.983, -1.241, -1.861, -3.802, -3.683]
    /// np.max(X, axis=-1)
    static let maxM1: [Double] = [0.597, 2.68, 0.98, 1.391, -0.915, -0.47]
    /// np.argmin(X, axis=-1)
    static let argminM1: [Double] = [3.0, 1.0, 1.0, 1.0, 2.0, 0.0]
    /// np.argmax(X, axis=-1)
    static let argmaxM1: [Double] = [1.0, 3.0, 2.0, 3.0, 1.0, 1.0]
    /// np.var(X, axis=-1)
    static let varM1: [Double] = [0.7701132500000001, 2.9883135000000003, 0.9770106875000001, 1.35523075, 1.0622375, 1.7216731875]
    /// np.std(X, axis=-1)
    static let stdM1: [Double] = [0.8775609665430659, 1.7286739137269354, 0.9884385097212675, 1.1641437840748023, 1.0306490673357251, 1.312125446556083]
    /// torch.linalg.vector_norm(X, ord=2, dim=-1)
    static let norm2M1: [Double] = [1.9567007947052097, 3.457653828826709, 1.9946260301119103, 2.333710350493394, 5.400834565138984, 5.811721173628342]
    /// torch.linalg.vector_norm(X, ord=1, dim=-1)
    static let norm1M1: [Double] = [2.928, 5.692, 3.919, 3.5220000000000002, 9.984, 10.370999999999999]
    /// torch.linalg.vector_norm(X, ord=inf, dim=-1)
    static let normInfM1: [Double] = [1.781, 2.68, 1.241, 1.861, 3.802, 3.683]
    /// torch.linalg.vector_norm(X, ord=-inf, dim=-1)
    static let normNegInfM1: [Double] = [0.002, 0.12, 0.714, 0.059, 0.915, 0.47]
    /// torch.linalg.vector_norm(X, ord=3, dim=-1)
    static let norm3M1: [Double] = [1.8198024696059276, 3.0293191409147453, 1.6094738412862173, 2.0912911568887775, 4.519259375838926, 4.881344157255325]
    /// torch.linalg.vector_norm(X, ord=0.5, dim=-1)
    static let normHalfM1: [Double] = [8.364765604869461, 18.87977198986226, 15.530726208151881, 10.53546359412656, 37.84546463949182, 37.40499792540004]
    /// torch.linalg.vector_norm(X, ord=0, dim=-1)
    static let norm0M1: [Double] = [4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    /// torch.logsumexp(X, dim=-1)
    static let lseM1: [Double] = [1.2712305578953145, 2.7882881357076816, 1.6807362079605233, 1.8487702074000123, -0.5679087096000313, -0.2816220367508001]
    /// u
    static let u: [Double] = [-2.5, -0.5, 0.0, 0.3, 1.0, 2.5]
    /// np.absolute(u)
    static let u_abs: [Double] = [2.5, 0.5, 0.0, 0.3, 1.0, 2.5]
    /// np.sign(u)
    static let u_sign: [Double] = [-1.0, -1.0, 0.0, 1.0, 1.0, 1.0]
    /// np.sqrt(u)
    static let u_sqrt: [Double] = [.nan, .nan, 0.0, 0.5477225575051661, 1.0, 1.5811388300841898]
    /// np.exp(u)
    static let u_exp: [Double] = [0.0820849986238988, 0.6065306597126334, 1.0, 1.3498588075760032, 2.718281828459045, 12.182493960703473]
    /// np.expm1(u)
    static let u_expm1: [Double] = [-0.9179150013761012, -0.3934693402873666, 0.0, 0.3498588075760031, 1.7182818284590453, 11.182493960703473]
    /// np.log(u)
    static let u_log: [Double] = [.nan, .nan, -.infinity, -1.2039728043259361, 0.0, 0.9162907318741551]
    /// np.log1p(u)
    static let u_log1p: [Double] = [.nan, -0.6931471805599453, 0.0, 0.26236426446749106, 0.6931471805599453, 1.252762968495368]
    /// np.log2(u)
    static let u_log2: [Double] = [.nan, .nan, -.infinity, -1.7369655941662063, 0.0, 1.3219280948873624]
    /// np.log10(u)
    static let u_log10: [Double] = [.nan, .nan, -.infinity, -0.5228787452803376, 0.0, 0.3979400086720376]
    /// np.sin(u)
    static let u_sin: [Double] = [-0.5984721441039565, -0.479425538604203, 0.0, 0.29552020666133955, 0.8414709848078965, 0.5984721441039565]
    /// np.cos(u)
    static let u_cos: [Double] = [-0.8011436155469337, 0.8775825618903728, 1.0, 0.955336489125606, 0.5403023058681398, -0.8011436155469337]
    /// np.tan(u)
    static let u_tan: [Double] = [0.7470222972386603, -0.5463024898437905, 0.0, 0.3093362496096232, 1.5574077246549023, -0.7470222972386603]
    /// np.tanh(u)
    static let u_tanh: [Double] = [-0.9866142981514303, -0.46211715726000974, 0.0, 0.2913126124515909, 0.7615941559557649, 0.9866142981514303]
    /// np.arcsin(u)
    static let u_asin: [Double] = [.nan, -0.5235987755982989, 0.0, 0.30469265401539747, 1.5707963267948966, .nan]
    /// np.arccos(u)
    static let u_acos: [Double] = [.nan, 2.0943951023931957, 1.5707963267948966, 1.2661036727794992, 0.0, .nan]
    /// np.arctan(u)
    static let u_atan: [Double] = [-1.1902899496825317, -0.4636476090008061, 0.0, 0.2914567944778671, 0.7853981633974483, 1.1902899496825317]
    /// np.floor(u)
    static let u_floor: [Double] = [-3.0, -1.0, 0.0, 0.0, 1.0, 2.0]
    /// np.ceil(u)
    static let u_ceil: [Double] = [-2.0, -0.0, 0.0, 1.0, 1.0, 3.0]
    /// np.round(u)
    static let u_round: [Double] = [-2.0, -0.0, 0.0, 0.0, 1.0, 2.0]
    /// np.remainder([[-7.5], [2.0]], [2.0, -3.0, 0.0])
    static let mod: [Double] = [0.5, -1.5, .nan, 0.0, -1.0, .nan]
    /// np.power([[-7.5], [2.0]], [2.0, -3.0, 0.0])
    static let pow: [Double] = [56.25, -0.0023703703703703703, 1.0, 4.0, 0.125, 1.0]
    /// np.arctan2([[-7.5], [2.0]], [2.0, -3.0, 0.0])
    static let atan2: [Double] = [-1.3101939350475558, -1.9513027039072615, -1.5707963267948966, 0.7853981633974483, 2.5535900500422257, 1.5707963267948966]
    /// np.power([-8.0, 8.0], 1/3)
    static let powFrac: [Double] = [.nan, 2.0]
    /// np.remainder([5, -5, 5, -5, -0.0, 7], [3, 3, -3, -3, 2, np.inf])
    static let modEdge: [Double] = [2.0, 1.0, -1.0, -2.0, 0.0, 7.0]
    /// z
    static let z: [Double] = [-800.0, -30.0, -1.0, -1e-08, 0.0, 0.5, 19.9, 20.1, 30.0, 800.0]
    /// torch.sigmoid(z)
    static let sigmoid: [Double] = [0.0, 9.357622968839299e-14, 0.2689414213699951, 0.4999999975, 0.5, 0.6224593312018546, 0.999999997722073, 0.9999999981349912, 0.9999999999999065, 1.0]
    /// F.logsigmoid(z)
    static let logsigmoid: [Double] = [-800.0, -30.000000000000092, -1.3132616875182228, -0.6931471855599454, -0.6931471805599453, -0.4740769841801067, -2.277927038610895e-09, -1.865008920163638e-09, -9.357622968839737e-14, 0.0]
    /// F.softplus(z)
    static let softplus: [Double] = [0.0, 9.357622968839737e-14, 0.31326168751822286, 0.6931471755599453, 0.6931471805599453, 0.9740769841801067, 19.900000002277924, 20.1, 30.0, 800.0]
    /// F.gelu(z)
    static let gelu: [Double] = [-0.0, -0.0, -0.15865525393145702, -4.999999960105772e-09, 0.0, 0.34573123063700656, 19.9, 20.1, 30.0, 800.0]
    /// [float(-x * mpmath.ncdf(-x)) for x in (10, 20, 37)] (mpmath, 30 digits); torch gives -0
    static let geluTail: [Double] = [-7.619853024160526e-23, -5.507248237212468e-88, -2.1184613523340935e-298]
    /// F.leaky_relu(z, 0.2)
    static let leaky: [Double] = [-160.0, -6.0, -0.2, -2e-09, 0.0, 0.5, 19.9, 20.1, 30.0, 800.0]
    /// np.round(np.random.default_rng(3).standard_normal((3, 4)) * 3, 2)
    static let M: [Double] = [6.12, -7.67, 1.25, -1.7, -1.36, -0.65, -6.06, -0.7, -2.6, 9.97, 0.68, -1.06]
    /// torch.softmax(M, -1)
    static let softmaxM1: [Double] = [0.9919886866597206, 1.0176204214234469e-06, 0.0076118915541997356, 0.00039840416565817006, 0.20088877734579558, 0.4086060170815816, 0.0018271390965808854, 0.3886780664760418, 3.474319172987167e-06, 0.9998879866887862, 9.233271662812096e-05, 1.620627541262344e-05]
    /// torch.softmax(M, 0)
    static let softmax0: [Double] = [0.9992729843298351, 2.1829044351851128e-08, 0.6384904020223883, 0.17810191668780898, 0.0005638471915895458, 2.4422042699045564e-05, 0.0004270332684567409, 0.4841312037461979, 0.00016316847857527071, 0.9999755561282565, 0.3610825647091549, 0.3377668795659931]
    /// torch.log_softmax(M * 300, -1)
    static let logSoftmaxM1: [Double] = [0.0, -4137.0, -1461.0, -2346.0, -213.00000030590232, -3.0590227379725525e-07, -1623.000000305902, -15.000000305902274, -3771.0, 0.0, -2787.0, -3309.0]
    /// torch.log_softmax(M, 0)
    static let logSoftmax0: [Double] = [-0.0007272800742155164, -17.6400244441705, -0.44864863569396163, -1.725399326881381, -7.480727280074216, -10.6200244441705, -7.7586486356939615, -0.7253993268813809, -8.720727280074216, -2.4444170499805736e-05, -1.0186486356939617, -1.0853993268813809]
    /// A (np.random.default_rng(11), rounded to 3 decimals)
    static let A: [Double] = [0.034, 1.36, 1.225, -0.51, -0.298, -0.527]
    /// B (np.random.default_rng(11), rounded to 3 decimals)
    static let B: [Double] = [0.57, -0.056, 0.747, -1.847, 1.567, -0.096, 0.68, -0.137, -0.379, 0.463, 0.825, -0.203]
    /// v3 (np.random.default_rng(11), rounded to 3 decimals)
    static let v3: [Double] = [-0.153, 0.686, -0.87]
    /// w3 (np.random.default_rng(11), rounded to 3 decimals)
    static let w3: [Double] = [-1.514, 0.395, -0.671]
    /// P (np.random.default_rng(11), rounded to 3 decimals)
    static let P: [Double] = [-1.92, -0.814, -0.468, -1.193, -1.492, 0.037, 0.897, -0.233, -0.744, 0.385, 0.717, -0.3, 0.545, 1.043, -0.207, -0.814, 0.348, 0.248, 1.099, -1.285, -0.662, -0.838, -1.734, 0.126]
    /// Q (np.random.default_rng(11), rounded to 3 decimals)
    static let Q: [Double] = [0.528, -0.739, 1.386, 0.822, 0.627, 0.402, 0.956, -1.332, 0.614, 0.603, -1.768, 0.347, -0.25, 0.782, -0.439, -0.018, 0.343, -0.876, 0.599, -0.105, 0.492, -0.522, 1.086, 0.605, -0.178, 0.632, 1.26, 1.791, -1.574, 0.883, 0.465, -0.094, -1.007, 1.257, -1.262, 0.567, 1.302, -1.6, -0.303, -1.309]
    /// A @ B
    static let AB: [Double] = [1.686225, 0.43471100000000007, 1.9608230000000002, -0.49779300000000004, -0.5579329999999999, -0.18683300000000003, -1.018385, 1.089777]
    /// v3 @ w3
    static let vv: [Double] = [1.0863820000000002]
    /// A @ v3
    static let Av: [Double] = [-0.13799199999999998, 0.332092]
    /// v3 @ B
    static let vB: [Double] = [1.317482, -0.460098, -0.3655609999999999, 0.36521899999999996]
    /// P @ Q  (shape (2, 5, 3, 2))
    static let PQ: [Double] = [-3.5759079999999996, 2.1507120000000004, -0.3968230000000001, 1.803952, 0.3035369999999999, 1.55412, 0.900999, -1.7847199999999999, -1.103467, -0.18118899999999982, -1.185046, 0.25105700000000003, -2.672, 1.2899209999999997, -0.30130700000000005, 0.693908, 0.00238699999999994, 0.05554499999999996, -0.5019929999999999, -2.972416, -1.208027, -0.06272400000000002, -0.6505259999999999, 0.8806379999999999, 2.712851, -0.5645409999999994, 2.694243, -2.9846679999999997, 1.287772, -1.4714129999999999, 0.8253849999999999, 1.4556249999999997, -0.011914999999999886, 2.100102, -2.477766, -1.0645179999999999, -1.100298, 0.543334, 0.06457299999999992, 1.178448, 1.4533019999999999, -2.048228, -0.1741560000000001, -0.971351, -0.586886, -1.681991, -1.44532, 1.64928, 1.164478, 2.106188, -2.076815, 1.7553109999999998, 1.8498620000000001, -3.462208, -1.8879529999999995, 2.6731719999999997, 1.156841, 0.5017169999999996, -0.5716560000000002, 1.3021860000000005]
    /// P @ np.arange(4.)  (shape (2, 1, 3))
    static let Pv: [Double] = [-5.329, 1.1320000000000001, 0.919, -1.8129999999999997, -1.4089999999999994, -3.928]
    /// np.arange(4.) @ Q  (shape (5, 2))
    static let vQ: [Double] = [5.508, -2.37, -3.585, 1.857, 4.841, 0.6659999999999999, -0.4930000000000001, 3.275, 0.43300000000000005, -6.56]
    /// np.arange(0.1, 1, 0.3)
    static let arange1: [Double] = [0.1, 0.4, 0.7000000000000001]
    /// np.arange(1, 0, -0.1)
    static let arange2: [Double] = [1.0, 0.9, 0.8, 0.7000000000000001, 0.6000000000000001, 0.5000000000000001, 0.40000000000000013, 0.30000000000000016, 0.20000000000000018, 0.1000000000000002]
    /// np.arange(-3.5, 7.25, 1.3)
    static let arange3: [Double] = [-3.5, -2.2, -0.9000000000000004, 0.39999999999999947, 1.6999999999999993, 2.999999999999999, 4.299999999999999, 5.599999999999998, 6.899999999999999]
    /// np.linspace(0, 1, 7)
    static let linspace1: [Double] = [0.0, 0.16666666666666666, 0.3333333333333333, 0.5, 0.6666666666666666, 0.8333333333333333, 1.0]
    /// np.linspace(-1.3, 2.9, 4)
    static let linspace2: [Double] = [-1.3, 0.10000000000000009, 1.5000000000000002, 2.9]
    /// np.cross([[1., 2, 3], [-1, 0.5, 2]], [4., 5, 6])
    static let cross: [Double] = [-3.0, 6.0, -3.0, -7.0, 14.0, -7.0]
    /// np.vecdot([[1., 2, 3], [-1, 0.5, 2]], [4., 5, 6])
    static let dotBatch: [Double] = [32.0, 10.5]
    /// F.normalize(M, dim=0)
    static let normalize0: [Double] = [0.9017177078176253, -0.6089367397743456, 0.2008087188836034, -0.8010673224755281, -0.2003817128483612, -0.051604808455453025, -0.9735206691477092, -0.3298512504310998, -0.38308268632774933, 0.791538369693641, 0.10923994307268026, -0.4994890363670941]
    /// F.cosine_similarity(A, [[1e-9, 0, 0], [0.3, -2, 1]], dim=-1)
    static let cosine: [Double] = [0.0018572356671451983, -0.047034200246001634]
    /// F.cosine_similarity(M, M[::-1], dim=0)
    static let cosine0: [Double] = [-0.6507120527961099, -0.9613305322393688, 0.9916151592964889, 0.9090505373478996]
    /// torch.cdist(M, M[:2] + 0.5)
    static let cdist: [Double] = [1.0, 12.40551893312005, 12.939741110238643, 1.0, 19.492370302249032, 12.046543072599707]
    /// np.arange(24.).reshape(2, 3, 4).T
    static let transpose3: [Double] = [0.0, 12.0, 4.0, 16.0, 8.0, 20.0, 1.0, 13.0, 5.0, 17.0, 9.0, 21.0, 2.0, 14.0, 6.0, 18.0, 10.0, 22.0, 3.0, 15.0, 7.0, 19.0, 11.0, 23.0]
    /// The reductions above by name + axis key (All, 0, 1, 2, M1 for -1).
    static let table: [String: [Double]] = [
        "sumAll": sumAll,
        "meanAll": meanAll,
        "prodAll": prodAll,
        "minAll": minAll,
        "maxAll": maxAll,
        "argminAll": argminAll,
        "argmaxAll": argmaxAll,
        "varAll": varAll,
        "stdAll": stdAll,
        "lseAll": lseAll,
        "norm2All": norm2All,
        "norm1All": norm1All,
        "normInfAll": normInfAll,
        "normNegInfAll": normNegInfAll,
        "norm3All": norm3All,
        "normHalfAll": normHalfAll,
        "norm0All": norm0All,
        "sum0": sum0,
        "mean0": mean0,
        "prod0": prod0,
        "min0": min0,
        "max0": max0,
        "argmin0": argmin0,
        "argmax0": argmax0,
        "var0": var0,
        "std0": std0,
        "lse0": lse0,
        "norm20": norm20,
        "norm10": norm10,
        "normInf0": normInf0,
        "normNegInf0": normNegInf0,
        "norm30": norm30,
        "normHalf0": normHalf0,
        "norm00": norm00,
        "sum1": sum1,
        "mean1": mean1,
        "prod1": prod1,
        "min1": min1,
        "max1": max1,
        "argmin1": argmin1,
        "argmax1": argmax1,
        "var1": var1,
        "std1": std1,
        "lse1": lse1,
        "norm21": norm21,
        "norm11": norm11,
        "normInf1": normInf1,
        "normNegInf1": normNegInf1,
        "norm31": norm31,
        "normHalf1": normHalf1,
        "norm01": norm01,
        "sum2": sum2,
        "mean2": mean2,
        "prod2": prod2,
        "min2": min2,
        "max2": max2,
        "argmin2": argmin2,
        "argmax2": argmax2,
        "var2": var2,
        "std2": std2,
        "lse2": lse2,
        "norm22": norm22,
        "norm12": norm12,
        "normInf2": normInf2,
        "normNegInf2": normNegInf2,
        "norm32": norm32,
        "normHalf2": normHalf2,
        "norm02": norm02,
        "sumM1": sumM1,
        "meanM1": meanM1,
        "prodM1": prodM1,
        "minM1": minM1,
        "maxM1": maxM1,
        "argminM1": argminM1,
        "argmaxM1": argmaxM1,
        "varM1": varM1,
        "stdM1": stdM1,
        "lseM1": lseM1,
        "norm2M1": norm2M1,
        "norm1M1": norm1M1,
        "normInfM1": normInfM1,
        "normNegInfM1": normNegInfM1,
        "norm3M1": norm3M1,
        "normHalfM1": normHalfM1,
        "norm0M1": norm0M1,
    ]
}
