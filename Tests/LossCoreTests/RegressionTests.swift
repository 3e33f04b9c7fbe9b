import XCTest
@testable import LossCore

/// The regression (docs/reference.md §4.5) and segmentation (§4.4) losses of the core, called directly.
/// Reference values come from torch / numpy float64 (the scripts that computed them are
/// quoted next to each); the torch fixtures in LossLangTests cover the parameter paths.
final class RegressionTests: XCTestCase {
    func error(_ body: () throws -> Tensor) -> String {
        do { _ = try body(); return "<no error>" } catch let e as CoreError { return e.message } catch { return "\(error)" }
    }

    let p = Tensor([2.5, 0, 2, 8]), y = Tensor([3, -0.5, 2, 7])

    // torch: F.l1_loss / mse_loss of these = 0.5, 0.375 (the sklearn doc example)
    func testMaeMseRmseSmall() throws {
        assertClose(try Losses.mae(p, y).data[0], 0.5)
        assertClose(try Losses.mse(p, y).data[0], 0.375)
        assertClose(try Losses.rmse(p, y).data[0], 0.6123724356957945)
        assertClose(try Losses.mse(p, y, reduction: .sum).data[0], 1.5)
        assertClose(try Losses.mae(p, y, reduction: .none), [4], [0.5, 0.5, 0, 1])
        assertClose(try Losses.rmse(p, y, reduction: .none), [4], [0.5, 0.5, 0, 1])
        XCTAssertEqual(try Losses.mse(p, y).shape, [])
        // weight multiplies before the reduction; "mean" divides by the element count
        assertClose(try Losses.mse(p, y, weight: Tensor([1, 2, 3, 4])).data[0], (0.25 + 0.5 + 0 + 4) / 4)
        assertClose(try Losses.mae(p, y, weight: Tensor(scalar: 2), reduction: .sum).data[0], 4)
    }

    // torch: F.huber_loss([0.5, 2, -3], 0, delta=1, reduction='none') = [0.125, 1.5, 2.5]
    // F.smooth_l1_loss(..., beta=2) = [0.0625, 1, 2]
    func testHuberSmoothL1() throws {
        let e = Tensor([0.5, 2, -3]), z = Tensor(scalar: 0)
        assertClose(try Losses.huber(e, z, delta: 1, reduction: .none), [3], [0.125, 1.5, 2.5])
        assertClose(try Losses.smoothL1(e, z, beta: 2, reduction: .none), [3], [0.0625, 1, 2])
        assertClose(try Losses.smoothL1(e, z, beta: 0, reduction: .none), [3], [0.5, 2, 3])
        // huber_δ = δ·smooth_l1_{β=δ}
        let h = try Losses.huber(e, z, delta: 2.5).data[0], s = try Losses.smoothL1(e, z, beta: 2.5).data[0]
        assertClose(h, 2.5 * s)
        XCTAssertEqual(error { try Losses.huber(e, z, delta: 0) }, "huber: delta must be a positive number, got 0")
        XCTAssertTrue(error { try Losses.smoothL1(e, z, beta: -1) }.contains("beta must be a non-negative number, got -1"))
    }

    // mpmath: log(cosh(x)) at 50 digits
    func testLogCoshStable() throws {
        let e = Tensor([0, 1e-12, 1e-3, 1, 20, 1000, -1e8])
        let want = [0, 5e-25, 4.999999166666889e-07, 0.4337808304830272, 19.306852819440056, 999.3068528194401, 99999999.30685282]
        assertClose(try Losses.logCosh(e, Tensor(scalar: 0), reduction: .none), [7], want, rtol: 1e-14)
        XCTAssertEqual(try Losses.logCosh(Tensor([.infinity]), Tensor([0])).data[0], .infinity)
    }

    // torch: F.poisson_nll_loss(T([0.5, 1, 2]), T([1, 2, 5])) = -0.2479802673033921;
    // log_input=False, full=True: 2.0500215829856603
    func testPoissonNLL() throws {
        let i = Tensor([0.5, 1, 2]), c = Tensor([1, 2, 5])
        assertClose(try Losses.poissonNLL(i, c).data[0], -0.2479802673033921)
        assertClose(try Losses.poissonNLL(i, c, logInput: false, full: true).data[0], 2.0500215829856603)
    }

    // torch: F.gaussian_nll_loss(T([1, 2, 3]), T([1.5, 2, 2]), T([0.5, 1, 2])) = 1/6
    func testGaussianNLL() throws {
        let i = Tensor([1, 2, 3]), t = Tensor([1.5, 2, 2])
        assertClose(try Losses.gaussianNLL(i, t, variance: Tensor([0.5, 1, 2])).data[0], 0.16666666666666666)
        // var clamped at eps: 0.5·(log 1e-6 + 0.25/1e-6) for the first element
        let v0 = try Losses.gaussianNLL(Tensor([1]), Tensor([1.5]), variance: Tensor([0]), reduction: .none).data[0]
        assertClose(v0, 0.5 * (Foundation.log(1e-6) + 0.25 / 1e-6))
        // var shapes: [N, C] input with [N], [N, 1] or a number
        let m = Tensor(shape: [2, 2], data: [1, 2, 3, 4]), g = Tensor(shape: [2, 2], data: [0, 0, 0, 0])
        let a = try Losses.gaussianNLL(m, g, variance: Tensor([1, 2]), reduction: .none)
        let b = try Losses.gaussianNLL(m, g, variance: Tensor(shape: [2, 1], data: [1, 2]), reduction: .none)
        XCTAssertEqual(a, b)
        assertClose(a, [2, 2], [0.5, 2, 0.5 * (Foundation.log(2) + 4.5), 0.5 * (Foundation.log(2) + 8)])
        XCTAssertTrue(error { try Losses.gaussianNLL(m, g, variance: Tensor([1, -1])) }.contains("var must be non-negative, got -1 at element 1"))
        XCTAssertTrue(error { try Losses.gaussianNLL(m, g, variance: Tensor([1, 1, 1])) }
            .hasPrefix("gaussian_nll: var of shape [3] does not fit input of shape [2, 2]; expected [2, 2] (one variance per element), [2] or"))
    }

    func testShapeErrorsNameBothShapes() {
        XCTAssertEqual(error { try Losses.mse(Tensor([1, 2]), Tensor([1, 2, 3])) },
                       "mse: pred and y must have the same shape (or shapes that broadcast), got [2] and [3]")
        XCTAssertEqual(error { try Losses.mae(Tensor([1, 2]), Tensor([1, 2]), weight: Tensor([1, 2, 3])) },
                       "mae: weight must have the shape of the loss [2] or broadcast to it, got [3]")
        XCTAssertEqual(error { try Losses.dice(Tensor([0.5]), Tensor([1, 0])) },
                       "dice: p and g must have the same shape, got [1] and [2]")
        XCTAssertEqual(error { try Losses.dice(Tensor([0.5, 2]), Tensor([1, 0])) },
                       "dice: p must hold probabilities in [0, 1], got 2 at element 1")
    }

    func testBroadcastAndEmpty() throws {
        // [2, 1] against [3]: a 2×3 loss
        let a = Tensor(shape: [2, 1], data: [1, 2]), b = Tensor([0, 1, 2])
        assertClose(try Losses.mae(a, b, reduction: .none), [2, 3], [1, 0, 1, 2, 1, 0])
        XCTAssertEqual(try Losses.mse(Tensor([]), Tensor([]), reduction: .sum).data, [0])
        XCTAssertTrue(try Losses.mse(Tensor([]), Tensor([])).data[0].isNaN)
        XCTAssertEqual(try Losses.mse(Tensor([]), Tensor([]), reduction: .none).shape, [0])
    }

    // numpy (see the expressions): x_i = (i mod 1000)/8 − 60, y_i = (7i mod 1013)/16 − 30, n = 1 200 007
    // (above the parallel threshold, exact inputs so that numpy sees the same values)
    func testLargeParallelAgreesWithNumpy() throws {
        let n = 1_200_007
        let (x, y) = LargeInputs.regression(n)
        let X = Tensor(x), Y = Tensor(y)
        assertClose(try Losses.mse(X, Y).data[0], 1636.9052031766794)
        assertClose(try Losses.mae(X, Y, reduction: .sum).data[0], 40714267.125)
        assertClose(try Losses.huber(X, Y, delta: 2).data[0], 65.87805172047955)
        assertClose(try Losses.logCosh(X, Y, reduction: .sum).data[0], 39890384.49434286)
        assertClose(try Losses.rmse(X, Y).data[0], 40.45868513899926)
        let none = try Losses.mse(X, Y, reduction: .none)
        XCTAssertEqual(none.count, n)
        XCTAssertEqual(none.data[n - 1], (x[n - 1] - y[n - 1]) * (x[n - 1] - y[n - 1]))

        // p = (i mod 101)/100, g = [i mod 3 == 0]: one sample (a vector)
        let (pd, gd) = LargeInputs.segmentation(n)
        assertClose(try Losses.dice(Tensor(pd), Tensor(gd)).data[0], 0.5012501212792594)
        assertClose(try Losses.tversky(Tensor(pd), Tensor(gd), alpha: 0.3, beta: 0.7).data[0], 0.5652219517936106)
        let m = 1_200_000
        let pb = Tensor(shape: [3, 400_000], data: Array(pd[0..<m])), gb = Tensor(shape: [3, 400_000], data: Array(gd[0..<m]))
        assertClose(try Losses.dice(pb, gb, squared: false, reduction: .none), [3],
                    [0.6000097803383997, 0.5999973600274557, 0.5999994720004382])
    }

    // numpy: p[r, c] = ((1000r + c) mod 997)/4 − 100 ([1200, 1000]), y[c] = c/10 − 50, w[r] = (r mod 5 + 1)/4 ([1200, 1])
    func testLargeBroadcastWithWeight() throws {
        var pv = [Double](repeating: 0, count: 1_200_000)
        for r in 0..<1200 { for c in 0..<1000 { pv[r * 1000 + c] = Double((r * 1000 + c) % 997) / 4 - 100 } }
        let P = Tensor(shape: [1200, 1000], data: pv)
        let Y = Tensor((0..<1000).map { Double($0) / 10 - 50 })
        let W = Tensor(shape: [1200, 1], data: (0..<1200).map { Double($0 % 5 + 1) / 4 })
        assertClose(try Losses.mse(P, Y, weight: W).data[0], 5006.26384875)
        assertClose(try Losses.mae(P, Y, reduction: .sum).data[0], 83000289.5)
        let none = try Losses.mse(P, Y, weight: W, reduction: .none)
        XCTAssertEqual(none.shape, [1200, 1000])
        assertClose(none.data[0], 625.0)
        assertClose(none.data[1199 * 1000 + 999], 5.51249999999997)
        assertClose(none.data[637 * 1000 + 421], 43.320000000000014)
    }

    // torch (formula of docs/reference.md §4.4): dice([[0.9, 0.8, 0.1], [0.2, 0.1, 0.9]], [[1, 1, 0], [0, 0, 1]]) per sample
    func testDiceTversky() throws {
        let p = Tensor(shape: [2, 3], data: [0.9, 0.8, 0.1, 0.2, 0.1, 0.9])
        let g = Tensor(shape: [2, 3], data: [1, 1, 0, 0, 0, 1])
        assertClose(try Losses.dice(p, g, reduction: .none), [2], [0.01734104046242768, 0.032258064516129115])
        assertClose(try Losses.diceScore(Tensor([0.9, 0.8, 0.1, 0.2]), Tensor([1, 1, 0, 0])).data[0], 0.9714285714285715)
        assertClose(try Losses.tversky(Tensor([0.9, 0.8, 0.1, 0.2]), Tensor([1, 1, 0, 0]), alpha: 0.3, beta: 0.7).data[0], 0.1499999999999999)
        // α = β = ½ is dice with squared: false
        XCTAssertEqual(try Losses.tversky(p, g, reduction: .none).data.map { ($0 * 1e12).rounded() },
                       try Losses.dice(p, g, squared: false, reduction: .none).data.map { ($0 * 1e12).rounded() })
        // empty prediction and target: loss 0, score 1; a vector is one sample whatever the reduction
        let z = try Tensor.zeros([2, 5])
        XCTAssertEqual(try Losses.dice(z, z, reduction: .none), Tensor([0, 0]))
        XCTAssertEqual(try Losses.diceScore(z, z, smooth: 1), Tensor(scalar: 1))
        XCTAssertEqual(try Losses.dice(Tensor([]), Tensor([])), Tensor(scalar: 0))
        XCTAssertEqual(try Losses.dice(Tensor([0.5, 0.5]), Tensor([1, 0]), reduction: .none).shape, [])
        XCTAssertTrue(error { try Losses.tversky(p, g, alpha: -1) }.contains("alpha must be a non-negative number"))
    }
}
