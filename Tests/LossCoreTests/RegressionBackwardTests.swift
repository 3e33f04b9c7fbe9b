import XCTest
@testable import LossCore

/// The analytic backward passes of the regression (docs/reference.md §4.5) and segmentation (§4.4) losses,
/// called directly. Reference values: torch.autograd in float64 (the expression is quoted next
/// to each; `grad(f, args, wrt=i)` is torch.autograd.grad of f(...) — summed when not a scalar —
/// with respect to argument i). The fixtures in LossLangTests (regression.json "grads") cover
/// every parameter path through the tape.
final class RegressionBackwardTests: XCTestCase {
    let one = Tensor(scalar: 1)
    let p = Tensor([2.5, 0, 2, 8]), y = Tensor([3, -0.5, 2, 7]), w = Tensor([1, 2, 3, 4])

    // torch: grad(F.mse_loss, p, y) = [-0.25, 0.25, 0, 0.5]
    //        grad((F.mse_loss(p, y, reduction='none') * w).sum(), wrt=1) = [1, -2, 0, -8]
    //        grad(F.l1_loss(..., 'none')) = [-1, 1, 0, 1]; grad(F.l1_loss, wrt=1) = [0.25, -0.25, 0, -0.25]
    func testMseMae() throws {
        assertClose(try Losses.mseBackward(p, y, upstream: one)["pred"], [4], [-0.25, 0.25, 0, 0.5])
        let gw = try Losses.mseBackward(p, y, weight: w, reduction: .sum, upstream: one)
        assertClose(gw["y"], [4], [1, -2, 0, -8])
        assertClose(gw["pred"], [4], [-1, 2, 0, 8])
        assertClose(try Losses.maeBackward(p, y, reduction: .none, upstream: Tensor([1, 1, 1, 1]))["pred"], [4], [-1, 1, 0, 1])
        assertClose(try Losses.maeBackward(p, y, upstream: one)["y"], [4], [0.25, -0.25, 0, -0.25])
        // the upstream gradient scales; wrt limits what is computed
        let only = try Losses.mseBackward(p, y, upstream: Tensor(scalar: -2), wrt: ["y"])
        XCTAssertNil(only["pred"])
        assertClose(only["y"], [4], [-0.5, 0.5, 0, 1])
        // "none" with a weight, upstream u = [1, 0.5, 2, −1]: torch grad((F.mse_loss(p, y, 'none') * w * u).sum()) = [-1, 1, 0, -8]
        assertClose(try Losses.mseBackward(p, y, weight: w, reduction: .none, upstream: Tensor([1, 0.5, 2, -1]))["pred"], [4],
                    [-1, 1, 0, -8])
    }

    // torch: grad(F.mse_loss(p, y).sqrt()) = [-0.20412414523193154, 0.20412414523193154, 0, 0.4082482904638631]
    //        grad((F.mse_loss(p, y, reduction='none') * w).sum().sqrt()) = [-0.2294157338705618, 0.4588314677411236, 0, 1.8353258709644944]
    //        grad(w.sqrt() * (p - y).abs()) = [-1, 1.414213562373095, 0, 2]
    func testRmse() throws {
        assertClose(try Losses.rmseBackward(p, y, upstream: one)["pred"], [4],
                    [-0.20412414523193154, 0.20412414523193154, 0, 0.4082482904638631])
        assertClose(try Losses.rmseBackward(p, y, weight: w, reduction: .sum, upstream: one)["pred"], [4],
                    [-0.2294157338705618, 0.4588314677411236, 0, 1.8353258709644944])
        assertClose(try Losses.rmseBackward(p, y, weight: w, reduction: .none, upstream: Tensor([1, 1, 1, 1]))["pred"], [4],
                    [-1, 1.414213562373095, 0, 2])
        // a perfect fit: 0, not torch's 0·∞ = nan from sqrt(mse_loss(...)) (RegressionBackward.swift)
        for r in [Reduction.mean, .sum] {
            assertClose(try Losses.rmseBackward(p, p, reduction: r, upstream: one)["pred"], [4], [0, 0, 0, 0])
        }
        assertClose(try Losses.rmseBackward(p, p, reduction: .none, upstream: Tensor([1, 1, 1, 1]))["y"], [4], [0, 0, 0, 0])
    }

    // torch: e = [0.5, 2, -3, 1, -1, 0] against 0
    //   grad(F.huber_loss(e, 0, 'none', delta=1)) = [0.5, 1, -1, 1, -1, 0]
    //   grad(F.huber_loss(e, 0, delta=2.5), wrt=1) = [-1/12, -1/3, 0.41666666666666663, -1/6, 1/6, 0]
    //   grad(F.smooth_l1_loss(e, 0, 'none', beta=2)) = [0.25, 1, -1, 0.5, -0.5, 0]
    //   grad(F.smooth_l1_loss(e, 0, 'sum', beta=0)) = [1, 1, -1, 1, -1, 0]
    //   torch.tanh([0, 1e-12, 0.5, -3, 40, -1e300]) = [0, 1e-12, 0.4621171572600098, -0.9950547536867305, 1, -1]
    func testHuberSmoothL1LogCosh() throws {
        let e = Tensor([0.5, 2, -3, 1, -1, 0]), z = Tensor(scalar: 0), ones = Tensor([1, 1, 1, 1, 1, 1])
        assertClose(try Losses.huberBackward(e, z, delta: 1, reduction: .none, upstream: ones)["pred"], [6], [0.5, 1, -1, 1, -1, 0])
        // y is a number: its gradient is the sum over the elements
        assertClose(try Losses.huberBackward(e, z, delta: 2.5, upstream: one)["y"], [], [0.41666666666666663 - 1.0 / 12 - 1.0 / 3])
        assertClose(try Losses.huberBackward(e, Tensor([0, 0, 0, 0, 0, 0]), delta: 2.5, upstream: one)["y"], [6],
                    [-0.08333333333333333, -0.3333333333333333, 0.41666666666666663, -0.16666666666666666, 0.16666666666666666, 0])
        assertClose(try Losses.smoothL1Backward(e, z, beta: 2, reduction: .none, upstream: ones)["pred"], [6], [0.25, 1, -1, 0.5, -0.5, 0])
        assertClose(try Losses.smoothL1Backward(e, z, beta: 0, reduction: .sum, upstream: one)["pred"], [6], [1, 1, -1, 1, -1, 0])
        let le = Tensor([0, 1e-12, 0.5, -3, 40, -1e300])
        assertClose(try Losses.logCoshBackward(le, z, reduction: .sum, upstream: one)["pred"], [6],
                    [0, 1e-12, 0.4621171572600098, -0.9950547536867305, 1, -1], rtol: 1e-15)
        XCTAssertThrowsError(try Losses.huberBackward(e, z, delta: 0, upstream: one))
    }

    // torch: inp = [0.3, -0.2, 1.5, 0], counts = [0, 1, 3, 2], rates = [0.5, 1, 2, 4]
    //   grad(F.poisson_nll_loss(inp, counts)) = [0.3374647018940008, -0.045317311730504545, 0.37042226758451613, -0.25]
    //   grad(F.poisson_nll_loss(inp, counts, full=True, reduction='sum'), wrt=1) = [nan, 0.2, -0.23472104466522348, 0.9431471805599453]
    //   grad(F.poisson_nll_loss(rates, counts, log_input=False, reduction='none')) = [1, 9.999999828202988e-09, -0.49999999250000005, 0.50000000125]
    //   grad(... log_input=False, full=True, 'none', wrt=1) = [nan, -9.999999889225291e-09, 0.5721317697748313, -0.44314718305994527]
    // torch's nan at y = 0 is 0·log 0 from the Stirling term masked after its log: 0 here (its value is the constant 0 there)
    func testPoissonNLL() throws {
        let inp = Tensor([0.3, -0.2, 1.5, 0]), counts = Tensor([0, 1, 3, 2]), rates = Tensor([0.5, 1, 2, 4])
        let ones = Tensor([1, 1, 1, 1])
        assertClose(try Losses.poissonNLLBackward(inp, counts, upstream: one)["input"], [4],
                    [0.3374647018940008, -0.045317311730504545, 0.37042226758451613, -0.25])
        assertClose(try Losses.poissonNLLBackward(inp, counts, full: true, reduction: .sum, upstream: one)["y"], [4],
                    [-0.3, 0.2, -0.23472104466522348, 0.9431471805599453])
        assertClose(try Losses.poissonNLLBackward(rates, counts, logInput: false, reduction: .none, upstream: ones)["input"], [4],
                    [1, 9.999999828202988e-09, -0.49999999250000005, 0.50000000125])
        assertClose(try Losses.poissonNLLBackward(rates, counts, logInput: false, full: true, reduction: .none, upstream: ones)["y"], [4],
                    [0.6931471605599454, -9.999999889225291e-09, 0.5721317697748313, -0.44314718305994527])
    }

    // torch: mu = [[1, 2, 3], [0.5, -1, 0]], y = [[1.5, 2, 2], [0, 0, 1]]
    //   var [2] = [0.5, 1e-9] (one per row, clamped to 1e-6 in row 1):
    //     grad(F.gaussian_nll_loss(mu, y, var), wrt=0) = [[-1/6, 0, 1/3], [83333.33333333333, -166666.66666666666, -166666.66666666666]]
    //     wrt=2 = [0.08333333333333337, -187499750000.0]
    //   var [[0.5, 1, 2], [0, 3, 0.25]], weight [[2], [0.5]], full, 'none':
    //     wrt=0 [[-2, 0, 1], [250000, -1/6, -2]]; wrt=2 [[1, 1, 0.25], [-62499750000, 0.05555555555555555, -3]]
    //   var 0.7 for all ('sum'): wrt var 0.7142857142857144
    func testGaussianNLL() throws {
        let mu = Tensor(shape: [2, 3], data: [1, 2, 3, 0.5, -1, 0]), yy = Tensor(shape: [2, 3], data: [1.5, 2, 2, 0, 0, 1])
        let g1 = try Losses.gaussianNLLBackward(mu, yy, variance: Tensor([0.5, 1e-9]), upstream: one)
        assertClose(g1["input"], [2, 3], [-1.0 / 6, 0, 1.0 / 3, 83333.33333333333, -166666.66666666666, -166666.66666666666])
        assertClose(g1["y"], [2, 3], [1.0 / 6, 0, -1.0 / 3, -83333.33333333333, 166666.66666666666, 166666.66666666666])
        assertClose(g1["var"], [2], [0.08333333333333337, -187499750000.0])
        let v = Tensor(shape: [2, 3], data: [0.5, 1, 2, 0, 3, 0.25]), wg = Tensor(shape: [2, 1], data: [2, 0.5])
        let g2 = try Losses.gaussianNLLBackward(mu, yy, variance: v, full: true, weight: wg, reduction: .none,
                                                upstream: Tensor(shape: [2, 3], data: [1, 1, 1, 1, 1, 1]))
        assertClose(g2["input"], [2, 3], [-2, 0, 1, 250000, -1.0 / 6, -2])
        assertClose(g2["y"], [2, 3], [2, 0, -1, -250000, 1.0 / 6, 2])
        assertClose(g2["var"], [2, 3], [1, 1, 0.25, -62499750000, 0.05555555555555555, -3])
        assertClose(try Losses.gaussianNLLBackward(mu, yy, variance: Tensor(scalar: 0.7), reduction: .sum, upstream: one)["var"],
                    [], [0.7142857142857144])
    }

    // torch (docs/reference.md §4.4 formulas with torch.where at den = 0): P = [[0.9, 0.8, 0.1], [0.2, 0.1, 0.9], [0, 0, 0]],
    // G = [[1, 1, 0], [0, 0.5, 1], [0, 0, 0]] (the last sample is empty: gradient 0)
    func testDiceTversky() throws {
        let P = Tensor(shape: [3, 3], data: [0.9, 0.8, 0.1, 0.2, 0.1, 0.9, 0, 0, 0])
        let G = Tensor(shape: [3, 3], data: [1, 1, 0, 0, 0.5, 1, 0, 0, 0])
        let ones = Tensor([1, 1, 1])
        let d = try Losses.diceBackward(P, G, reduction: .none, upstream: ones)
        assertClose(d["p"], [3, 3], [-0.0668248187376792, -0.12362591466470646, 0.056801095927027305,
                                     0.17070595898564722, -0.38858066979627587, -0.17969048314278657, 0, 0, 0])
        assertClose(d["g"], [3, 3], [0.047779745397440565, 0.10558321360553308, -0.05780346820809249,
                                     -0.1895734597156398, 0.3319781676062981, 0.00044922620785692313, 0, 0, 0])
        assertClose(try Losses.diceScoreBackward(P, G, smooth: 1, squared: false, upstream: one)["p"], [3, 3],
                    [0.07523148148148148, 0.07523148148148148, -0.06365740740740738,
                     -0.07061115169223278, 0.019478938397857304, 0.10956902848794739,
                     -0.3333333333333333, -0.3333333333333333, -0.3333333333333333])
        let t = try Losses.tverskyBackward(P, G, alpha: 0.3, beta: 0.7, reduction: .sum, upstream: one)
        assertClose(t["p"], [3, 3], [-0.3799553618875544, -0.3799553618875544, 0.1355085556382187,
                                     0.14335295005281423, -0.2112569790251999, -0.565866908103214, 0, 0, 0])
        assertClose(t["g"], [3, 3], [-0.14773089595068548, -0.09618450419810817, 0.26464023806993303,
                                     0.19264624515869425, 0.26356823097429705, -0.3038076555505256, 0, 0, 0])
        // a vector is one sample: grad(tversky(p, g, 0.4, 0.6, smooth=0.5), wrt=1)
        assertClose(try Losses.tverskyBackward(Tensor([0.9, 0.8, 0.1, 0.2]), Tensor([1, 1, 0, 0]), alpha: 0.4, beta: 0.6,
                                               smooth: 0.5, upstream: one)["g"], [4],
                    [-0.19679999999999997, -0.1568, 0.12319999999999992, 0.08319999999999995])
        // no elements
        XCTAssertEqual(try Losses.diceBackward(Tensor(shape: [0, 3], data: []), Tensor(shape: [0, 3], data: []), upstream: one)["p"]?.shape, [0, 3])
    }

    // numpy/torch: x_i = (i mod 1000)/8 − 60, y_i = (7i mod 1013)/16 − 30, n = 1 200 007 (two workers)
    //   grad(F.mse_loss(X, Y))[k], grad(F.huber_loss(X, Y, delta=20, 'sum'))[k], grad(F.l1_loss(X, Y), wrt=1)[k]
    //   d/dc F.mse_loss(X, c) at c = 3.25: 1.6257240582763268 (numpy: sum(−2(x − 3.25))/n)
    //   d/dc Σ log cosh(x − c): 15607 (numpy: sum(−tanh(x − 3.25)))
    //   P = p[:1200000] as [3, 400000] (p_i = (i mod 101)/100), G likewise (g_i = [i mod 3 == 0]):
    //   grad(Σ dice(P, G, squared: false, 'none'))[k]
    func testLargeParallel() throws {
        let n = 1_200_007
        let (x, y) = LargeInputs.regression(n)
        let X = Tensor(x), Y = Tensor(y)
        let idx = [0, 1, 4095, 4096, 600_003, n - 1]
        let gm = try XCTUnwrap(Losses.mseBackward(X, Y, upstream: one, wrt: ["pred"])["pred"])
        let want = [-4.999970833503472e-05, -5.052053863019133e-05, -6.156214088751149e-05, -6.20829711826681e-05,
                    -6.218713724169943e-05, -7.437456614836414e-05]
        for (k, v) in zip(idx, want) { assertClose(gm.data[k], v) }
        let hi = [0, 1, 300, 4796, 600_503, n - 1]
        let gh = try XCTUnwrap(Losses.huberBackward(X, Y, delta: 20, reduction: .sum, upstream: one)["pred"])
        for (k, v) in zip(hi, [-20, -20, 2.875, 20, -3.625, -20.0]) { assertClose(gh.data[k], v) }
        let ga = try XCTUnwrap(Losses.maeBackward(X, Y, upstream: one)["y"])
        for k in idx { assertClose(ga.data[k], 8.333284722505786e-07) }
        assertClose(try Losses.mseBackward(X, Tensor(scalar: 3.25), upstream: one)["y"]?.data[0] ?? .nan, 1.6257240582763268, rtol: 1e-13)
        assertClose(try Losses.logCoshBackward(X, Tensor(scalar: 3.25), reduction: .sum, upstream: one)["y"]?.data[0] ?? .nan, 15607, rtol: 1e-13)

        let m = 1_200_000
        let (pd, gd) = LargeInputs.segmentation(m)
        let P = Tensor(shape: [3, 400_000], data: pd), G = Tensor(shape: [3, 400_000], data: gd)
        let gp = try XCTUnwrap(Losses.diceBackward(P, G, squared: false, reduction: .none, upstream: Tensor([1, 1, 1]))["p"])
        let di = [0, 1, 399_999, 400_000, 800_001, m - 1]
        let dw = [-4.800195427777e-06, 1.200012179406208e-06, -4.800195427777e-06, 1.1999954399650566e-06,
                  -4.799994432005937e-06, 1.2000005879981973e-06]
        for (k, v) in zip(di, dw) { assertClose(gp.data[k], v, rtol: 1e-10) }
    }
}
