import Foundation
import XCTest
@testable import LossCore

/// Analytic backward passes of the classification losses and information measures, called
/// directly. Reference values are torch.autograd (float64) on torch's own losses or on the
/// formulas, computed with the Python lines quoted above each check (`g(f, *args)` is the
/// gradient of f(*args).sum()); the wide coverage is the "grads" of
/// Tests/LossLangTests/Fixtures/classification.json (GradFixtureTests).
final class ClassificationBackwardTests: XCTestCase {
    let one = Tensor(scalar: 1)
    func m(_ rows: [[Double]]) -> Tensor { Tensor(shape: [rows.count, rows.first?.count ?? 0], data: rows.flatMap { $0 }) }

    func message(_ body: () throws -> Any) -> String? {
        do { _ = try body(); return nil } catch let e as CoreError { return e.message } catch { return "\(error)" }
    }

    // MARK: - bce

    func testBCEProbabilitiesAsTorch() throws {
        // p = [0.9, 0.2, 0, 1, 0.5], y = [1, 0, 1, 0, 0.3]; g(F.binary_cross_entropy, p, y) for p and y:
        // torch's (p − y)/max((1 − p)p, float32(1e-12)) and −logit(p), ±inf at 0 and 1
        let p = Tensor([0.9, 0.2, 0, 1, 0.5]), y = Tensor([1, 0, 1, 0, 0.3])
        let r = try Losses.bceBackward(p, y, upstream: one, wrt: ["p", "y"])
        assertClose(try XCTUnwrap(r["p"]).data, [-0.22222222222222224, 0.24999999999999994, -200000000799.16058, 200000000799.16058, 0.16])
        assertClose(try XCTUnwrap(r["y"]).data, [-0.4394449154672439, 0.2772588722239781, .infinity, -.infinity, -0.0])
        XCTAssertNil(try Losses.bceBackward(p, y, upstream: one, wrt: ["p"])["y"], "only what wrt asks for is computed")
    }

    func testBCELogitsWithWeightAndPosWeight() throws {
        // g(lambda a, b: F.binary_cross_entropy_with_logits(a, b, weight=w, pos_weight=pw, reduction='none'), x, y)
        let x = m([[1.5, -2, 0.3], [40, -40, 0]]), y = m([[1, 0, 0.5], [0, 1, 1]])
        let r = try Losses.bceBackward(x, y, weight: Tensor([0.5, 2, 1]), posWeight: Tensor([3, 0.5, 2]), logits: true,
                                       reduction: .none, upstream: try Tensor(shape: [2, 3], repeating: 1), wrt: ["p", "y"])
        XCTAssertEqual(r["p"]?.shape, [2, 3])
        assertClose(try XCTUnwrap(r["p"]).data, [-0.2736382857095345, 0.2384058440442351, -0.1383362247825115, 0.5, -1.0, -1.0])
        assertClose(try XCTUnwrap(r["y"]).data, [-0.5485867220172476, 1.8730719889570278, 0.2543552444685271, -20.0, 40.0, 0.6931471805599453])
    }

    // MARK: - cross_entropy, nll

    let x4 = Tensor(shape: [4, 3], data: [2, 1, 0.1, 0.5, 2.5, 0.3, -1, 0, 3, 1, 1, 1])
    let y4 = Tensor([0, 1, 2, 1])
    let wc = Tensor([0.2, 1, 3])

    func testCrossEntropyLogitsWeightsIgnoreSmoothing() throws {
        // g(lambda a: F.cross_entropy(a, yi, weight=wc, ignore_index=2, label_smoothing=0.1), x): softmax − target,
        // the ignored row 0, the mean over Σ w[yᵢ]
        let r = try Losses.crossEntropyBackward(x4, y4, weight: wc, ignoreIndex: 2, labelSmoothing: 0.1, logits: true,
                                                upstream: one)
        assertClose(try XCTUnwrap(r["p"]).data, [0.011006226262201381, 0.02011146240553414, -0.03111768866773553,
                                                 0.04830964220573918, -0.04488868877728093, -0.003420953428458271,
                                                 0, 0, 0, 0.15454545454545454, -0.2666666666666666, 0.11212121212121212])
    }

    func testCrossEntropyDistributionTargets() throws {
        // g(lambda a, b: F.cross_entropy(a, b, weight=wc, label_smoothing=0.2, reduction='sum'), x, yd) for x and yd
        let yd = m([[0.7, 0.2, 0.1], [0, 1, 0], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25]])
        let r = try Losses.crossEntropyBackward(x4, yd, weight: wc, labelSmoothing: 0.2, logits: true, reduction: .sum,
                                                upstream: one, wrt: ["p", "y"])
        assertClose(try XCTUnwrap(r["p"]).data, [0.39659556866435325, -0.03465975386853327, -0.36193581479582,
                                                 0.10395869539824003, 1.0713588314543009e-05, -0.10396940898655468,
                                                 -0.035131455899778175, -0.23544257936752253, 0.27057403526730067,
                                                 0.29333333333333333, 0.12000000000000002, -0.41333333333333333], rtol: 1e-11)
        assertClose(try XCTUnwrap(r["y"]).data, [0.06672480260445338, 1.1336240130222668, 5.5608720390668,
                                                 0.35520792368328613, 0.17603961841643032, 5.808118855249292,
                                                 0.6505414246011888, 2.4527071230059434, 0.1581213690178299,
                                                 0.1757779661868976, 0.8788898309344879, 2.6366694928034633])
    }

    func testCrossEntropyProbabilitiesClampedLog() throws {
        // −y_c·d/dp max(log p, −100): −1/p at the target, 0 where the clamp holds (p = 0)
        let p = m([[0, 0.5, 0.5], [0.25, 0.75, 0]])
        let r = try Losses.crossEntropyBackward(p, Tensor([0, 1]), reduction: .sum, upstream: one)
        assertClose(try XCTUnwrap(r["p"]).data, [0, 0, 0, 0, -1 / 0.75, 0])
    }

    func testNLLWeightedMean() throws {
        // logp = log_softmax(x); g(lambda a: F.nll_loss(a, yi, weight=wc), logp)
        let logp = try Losses.nllBackward(x4, y4, weight: wc, upstream: one)
        assertClose(try XCTUnwrap(logp["logp"]).data, [-0.038461538461538464, 0, 0, 0, -0.1923076923076923, 0,
                                                        0, 0, -0.5769230769230769, 0, -0.1923076923076923, 0])
    }

    func testClassIndicesHaveNoGradient() {
        XCTAssertEqual(message { try Losses.crossEntropyBackward(self.x4, self.y4, logits: true, upstream: self.one, wrt: ["y"]) },
                       "cross_entropy: y holds class indices, which have no gradient")
        XCTAssertEqual(message { try Losses.nllBackward(self.x4, self.y4, upstream: self.one, wrt: ["logp", "y"]) },
                       "nll: y holds class indices, which have no gradient")
        XCTAssertEqual(message { try Losses.multiclassHingeBackward(self.x4, self.y4, upstream: self.one, wrt: ["y"]) },
                       "multiclass_hinge: y holds class indices, which have no gradient")
        XCTAssertEqual(message { try Losses.focalBackward(self.x4, self.y4, logits: true, upstream: self.one, wrt: ["y"]) },
                       "focal: y holds class indices, which have no gradient")
        XCTAssertEqual(message { try Losses.hingeBackward(Tensor([0.5]), Tensor([1]), upstream: self.one, wrt: ["t"]) },
                       "hinge: t holds labels -1 or +1, which have no gradient")
        // inputs are checked as in the forward pass
        XCTAssertEqual(message { try Losses.focalBackward(Tensor([0.9, 0.2]), Tensor([1, 0, 1]), upstream: self.one) },
                       "focal: p and y must have the same shape, got [2] and [3]")
        XCTAssertEqual(message { try Losses.crossEntropyBackward(self.x4, Tensor([0, 1, 2, 3]), logits: true, upstream: self.one) },
                       "cross_entropy: class index 3 in y at index 3 is out of range for 3 classes (expected integers in [0, 2])")
    }

    // MARK: - focal, poly1

    func testFocalMissionExample() throws {
        // pt = p·y + (1−p)(1−y); g(lambda a: (bce(a, y, 'none')·(1 − pt)²).mean(), [0.9, 0.2])
        let r = try Losses.focalBackward(Tensor([0.9, 0.2]), Tensor([1, 0]), gamma: 2, upstream: one)
        assertClose(try XCTUnwrap(r["p"]).data, [-0.016091607121338176, 0.06962871026284197])
    }

    func testFocalMatchesTorchvision() throws {
        // torchvision sigmoid_focal_loss(x, y, alpha=0.25, gamma=2) summed, g for x and y
        let r = try Losses.focalBackward(Tensor([2, -1, 0.5, -3]), Tensor([1, 0, 0, 1]), gamma: 2, alpha: Tensor(scalar: 0.25),
                                         logits: true, reduction: .sum, upstream: one, wrt: ["p", "y"])
        assertClose(try XCTUnwrap(r["p"]).data, [-0.0012177350488481945, 0.03943584748317046, 0.3946138664059373, -0.28168747015872214])
        assertClose(try XCTUnwrap(r["y"]).data, [-0.013767981793074317, 0.10131748006962044, -0.5567514979652289, 0.6116856035976364])
    }

    func testFocalSaturatedAndSmallGammaStaysFinite() throws {
        // γ = 0.5, α = 0.25, x = [1000, −1000, 3], y = [0, 1, 1]: torchvision's autograd (finite here)
        let r = try Losses.focalBackward(Tensor([1000, -1000, 3]), Tensor([0, 1, 1]), gamma: 0.5, alpha: Tensor(scalar: 0.25),
                                         logits: true, reduction: .sum, upstream: one, wrt: ["p", "y"])
        assertClose(try XCTUnwrap(r["p"]).data, [0.75, -0.25, -0.0038419507564253228])
        assertClose(try XCTUnwrap(r["y"]).data, [-1625, -125, -0.19386491881753595])
        // correctly classified with certainty (1 − p_t = 0): autograd of (1 − p_t)^γ gives 0·∞ = nan; the limit is 0
        for gamma in [0.25, 0.5, 2] {
            let s = try Losses.focalBackward(Tensor([1000, -1000, 800]), Tensor([1, 0, 1]), gamma: gamma, logits: true,
                                             reduction: .none, upstream: Tensor([1, 1, 1]), wrt: ["p", "y"])
            XCTAssertEqual(s["p"]?.data, [0, 0, 0])
            XCTAssertEqual(s["y"]?.data, [0, 0, 0])
            let b = try Losses.focalBackward(Tensor([1, 0]), Tensor([1, 0]), gamma: gamma, reduction: .none,
                                             upstream: Tensor([1, 1]), wrt: ["p", "y"])
            XCTAssertEqual(b["p"]?.data, [0, 0])
            XCTAssertEqual(b["y"]?.data, [0, 0])
            let i = try Losses.focalBackward(m([[1000, -1000, 0]]), Tensor([0]), gamma: gamma, logits: true, upstream: one)
            XCTAssertEqual(i["p"]?.data, [0, 0, 0])
        }
    }

    func testFocalSoftmaxWithClassAlpha() throws {
        // lpt = log_softmax(x)[y]; g(lambda a: (−alpha[y]·(1 − e^lpt)²·lpt).mean(), x)
        let r = try Losses.focalBackward(x4, y4, gamma: 2, alpha: Tensor([0.2, 0.3, 0.5]), logits: true, upstream: one)
        assertClose(try XCTUnwrap(r["p"]).data, [-0.005178222138738405, 0.003681454454017853, 0.0014967676847205522,
                                                 0.0008859869076406955, -0.0016113716357505955, 0.0007253847281098989,
                                                 2.5574440743397117e-05, 6.951853754577903e-05, -9.509297828917608e-05,
                                                 0.023317914318534555, -0.04663582863706911, 0.023317914318534555], rtol: 1e-11)
    }

    func testPoly1LikeOptax() throws {
        // optax poly_loss_cross_entropy, ε = 2: g(lambda a: (−lpt + 2·(1 − e^lpt)).mean(), x)
        let r = try Losses.poly1Backward(x4, y4, epsilon: 2, logits: true, upstream: one)
        assertClose(try XCTUnwrap(r["p"]).data, [-0.19760903419499062, 0.14049004457513597, 0.05711898961985465,
                                                 0.07072704205286419, -0.12863344645578387, 0.05790640440291958,
                                                 0.01231419263857735, 0.03347344608158896, -0.045787638720166286,
                                                 0.13888888888888887, -0.27777777777777773, 0.13888888888888887], rtol: 1e-11)
        // poly with [ε] is poly1 with ε
        let q = try Losses.polyBackward(x4, y4, epsilon: Tensor([2]), logits: true, upstream: one)
        assertClose(try XCTUnwrap(q["p"]).data, try XCTUnwrap(r["p"]).data)
    }

    // MARK: - hinges

    func testHingeSubgradientAtTheKinkIsZero() throws {
        // torch.clamp(1 − t·s, min=0) (squared), reduction none: 0 at t·s = 1 as torch's clamp_min
        let s = Tensor([1, -1, 0.5, 2]), t = Tensor([1, -1, 1, 1])
        let h = try Losses.hingeBackward(s, t, reduction: .none, upstream: Tensor([1, 1, 1, 1]))
        XCTAssertEqual(h["s"]?.data, [0, 0, -1, 0])
        let q = try Losses.squaredHingeBackward(s, t, reduction: .none, upstream: Tensor([1, 1, 1, 1]))
        XCTAssertEqual(q["s"]?.data, [0, 0, -1, 0])
    }

    func testMulticlassHingeCS231n() throws {
        // g(lambda a: (F.multi_margin_loss(a, [0, 1, 2], reduction='none')·3).mean(), S)
        let s = m([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
        let r = try Losses.multiclassHingeBackward(s, Tensor([0, 1, 2]), upstream: one)
        assertClose(try XCTUnwrap(r["s"]).data, [-1.0 / 3, 1.0 / 3, 0, 0, 0, 0, 1.0 / 3, 1.0 / 3, -2.0 / 3])
        // Crammer–Singer: tied maxima share the gradient (torch amax)
        let c = try Losses.multiclassHingeBackward(m([[0.5, 2, 2, 0]]), Tensor([0]), variant: .crammerSinger, reduction: .sum,
                                                   upstream: one)
        XCTAssertEqual(c["s"]?.data, [-1, 0.5, 0.5, 0])
    }

    // MARK: - entropy, kl

    let pp = Tensor(shape: [2, 3], data: [0.5, 0.25, 0.25, 0.1, 0.6, 0.3])
    let qq = Tensor(shape: [2, 3], data: [0.9, 0.05, 0.05, 0.3, 0.3, 0.4])

    func testEntropyAndKL() throws {
        // g(lambda a: torch.special.entr(a).sum(-1), p)
        assertClose(try XCTUnwrap(Losses.entropyBackward(pp, upstream: Tensor([1, 1]))["p"]).data,
                    [-0.3068528194400547, 0.3862943611198906, 0.3862943611198906, 1.3025850929940455, -0.4891743762340093, 0.20397280432593612])
        // along axis 0 with upstream [1, 2, 3]: g(lambda a: torch.special.entr(a).sum(0)·[1, 2, 3], p)
        assertClose(try XCTUnwrap(Losses.entropyBackward(pp, axis: 0, upstream: Tensor([1, 2, 3]))["p"]).data,
                    [-0.3068528194400547, 0.7725887222397811, 1.1588830833596717, 1.3025850929940455, -0.9783487524680186, 0.6119184129778084])
        // g(lambda a, b: F.kl_div(b.log(), a, reduction='none').sum(-1), p, q) for p and q
        let k = try Losses.klBackward(pp, qq, upstream: Tensor([1, 1]))
        assertClose(try XCTUnwrap(k["p"]).data, [0.412213335097881, 2.6094379124341005, 2.6094379124341005,
                                                 -0.09861228866810934, 1.6931471805599454, 0.7123179275482189])
        assertClose(try XCTUnwrap(k["q"]).data, [-0.5555555555555556, -5.0, -5.0, -0.33333333333333337, -2.0, -0.7499999999999999])
        // a broadcast q gets the gradient summed over the batch
        let b = try Losses.klBackward(pp, Tensor([0.9, 0.05, 0.05]), upstream: Tensor([1, 1]), wrt: ["q"])
        XCTAssertEqual(b["q"]?.shape, [3])
        assertClose(try XCTUnwrap(b["q"]).data, [-(0.5 + 0.1) / 0.9, -(0.25 + 0.6) / 0.05, -(0.25 + 0.3) / 0.05])
        // zeros: entropy +inf (torch), kl −inf for p = 0 < q (the limit; torch: nan) and ∂/∂q = 0 where p = 0
        assertClose(try XCTUnwrap(Losses.entropyBackward(Tensor([0, 1]), upstream: one)["p"]).data, [.infinity, -1])
        let z = try Losses.klBackward(Tensor([0, 1]), Tensor([0.5, 0.5]), upstream: one)
        assertClose(try XCTUnwrap(z["p"]).data, [-.infinity, 1 + log(2)])
        assertClose(try XCTUnwrap(z["q"]).data, [0, -2])
    }

    // MARK: - Large inputs (two cores)

    func testLargeInputsUseBothHalvesCorrectly() throws {
        let n = (1 << 21) + 3
        // bce, reduction sum: g(lambda a: F.binary_cross_entropy(a, [1, 0, 1], reduction='sum'), [0.9, 0.2, 0.6])
        let p = Tensor((0..<n).map { [0.9, 0.2, 0.6][$0 % 3] }), y = Tensor((0..<n).map { [1.0, 0, 1][$0 % 3] })
        let want = [-1.1111111111111112, 1.2499999999999998, -1.6666666666666667]
        let gp = try XCTUnwrap(try Losses.bceBackward(p, y, reduction: .sum, upstream: one)["p"])
        XCTAssertEqual(gp.count, n)
        for i in [0, 1, 2, n / 2 - 1, n / 2, n / 2 + 1, n - 3, n - 2, n - 1] {
            XCTAssertEqual(gp.data[i], want[i % 3], accuracy: 1e-15, "element \(i)")
        }
        // focal with logits, torchvision's α = 0.25, γ = 2, summed (as testFocalMatchesTorchvision)
        let xs = [2.0, -1, 0.5, -3], ys = [1.0, 0, 0, 1]
        let fx = Tensor((0..<n).map { xs[$0 % 4] }), fy = Tensor((0..<n).map { ys[$0 % 4] })
        let f = try XCTUnwrap(try Losses.focalBackward(fx, fy, gamma: 2, alpha: Tensor(scalar: 0.25), logits: true,
                                                       reduction: .sum, upstream: one)["p"])
        let fw = [-0.0012177350488481945, 0.03943584748317046, 0.3946138664059373, -0.28168747015872214]
        for i in [0, 1, 2, 3, n / 2, n / 2 + 1, n - 1] { XCTAssertEqual(f.data[i], fw[i % 4], accuracy: 1e-15, "element \(i)") }
        // cross_entropy rows (2^19 rows × 3 classes + 1): g(lambda a: F.cross_entropy(a, yi, reduction='sum'), x)
        let rows = (1 << 19) + 1
        let x = Tensor(shape: [rows, 3], data: (0..<(rows * 3)).map { x4.data[$0 % 12] })
        let yr = Tensor((0..<rows).map { y4.data[$0 % 4] })
        let c = try XCTUnwrap(try Losses.crossEntropyBackward(x, yr, logits: true, reduction: .sum, upstream: one)["p"])
        let cw = [-0.3409988611140321, 0.2424329707047139, 0.0985658904093182, 0.10860373030701237, -0.19752094420835076,
                  0.08891721390133826, 0.017147825545520388, 0.04661262257797389, -0.06376044812349424,
                  0.3333333333333333, -0.6666666666666667, 0.3333333333333333]
        for r in [0, 1, 2, 3, rows / 2, rows / 2 + 1, rows - 1] {
            for j in 0..<3 { XCTAssertEqual(c.data[r * 3 + j], cw[(r % 4) * 3 + j], accuracy: 1e-15, "row \(r)") }
        }
    }
}
