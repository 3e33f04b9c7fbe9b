import Foundation
import XCTest
@testable import LossCore

/// LossCore classification losses and information measures, called directly.
/// Reference values come from torch/numpy float64 (the script lines are quoted);
/// the wide coverage lives in Tests/LossLangTests/Fixtures/classification.json.
final class ClassificationTests: XCTestCase {
    func message(_ body: () throws -> Tensor) -> CoreError? {
        do { _ = try body(); return nil } catch let e as CoreError { return e } catch { return nil }
    }

    // MARK: - Values

    func testMissionExample() throws {
        // (0.1²·−log 0.9 + 0.2²·−log 0.8) / 2 in Python
        let l = try Losses.focal(Tensor([0.9, 0.2]), Tensor([1, 0]), gamma: 2)
        XCTAssertEqual(l.shape, [])
        assertClose(l.data[0], 0.004989673604573326)
    }

    func testCrossEntropyLogitsMatchesTorch() throws {
        // F.cross_entropy(tensor([[2,1,0.1],[0.5,2.5,0.3]]), tensor([0,1]))
        let x = Tensor(shape: [2, 3], data: [2, 1, 0.1, 0.5, 2.5, 0.3])
        let l = try Losses.crossEntropy(x, Tensor([0, 1]), logits: true)
        assertClose(l.data[0], 0.31853976964918573)
        // focal with γ = 0 and no alpha is the same cross-entropy
        assertClose(try Losses.focal(x, Tensor([0, 1]), gamma: 0, logits: true).data[0], 0.31853976964918573)
        // softmax focal, per-class alpha: (−α[y]·(1 − p_t)²·log p_t).mean() in torch
        let f = try Losses.focal(x, Tensor([0, 1]), gamma: 2, alpha: Tensor([0.2, 0.3, 0.5]), logits: true)
        assertClose(f.data[0], 0.006137003430557525)
    }

    func testIgnoreIndexInsideTheClassRange() throws {
        // F.cross_entropy(log(p), tensor([1, 2]), ignore_index=1) == −log 0.3
        let p = Tensor(shape: [2, 3], data: [0.7, 0.2, 0.1, 0.1, 0.6, 0.3])
        assertClose(try Losses.crossEntropy(p, Tensor([1, 2]), ignoreIndex: 1).data[0], 1.2039728043259361)
        let none = try Losses.crossEntropy(p, Tensor([1, 2]), ignoreIndex: 1, reduction: .none)
        XCTAssertEqual(none.shape, [2])
        XCTAssertEqual(none.data[0], 0)
    }

    func testScalarsAndShapes() throws {
        let s = try Losses.bce(Tensor(scalar: 0.9), Tensor(scalar: 1))
        XCTAssertEqual(s.shape, [])
        assertClose(s.data[0], 0.10536051565782628)   // −log 0.9
        // [2, 3, 5] with index targets [2, 3]: one loss per row
        let p = try Tensor(shape: [2, 3, 5], repeating: 0.2)
        let l = try Losses.crossEntropy(p, try Tensor.zeros([2, 3]), reduction: .none)
        XCTAssertEqual(l.shape, [2, 3])
        for v in l.data { assertClose(v, 1.6094379124341003) }   // log 5
        // a vector of class probabilities with a scalar index is one sample
        XCTAssertEqual(try Losses.nll(Tensor([-0.5, -1]), Tensor(scalar: 1)).shape, [])
    }

    func testSaturatedFocalStaysFinite() throws {
        // torch: ce·q^0.5, ce = binary_cross_entropy_with_logits, q = y·σ(−x) + (1−y)·σ(x)
        let x = Tensor([1000, -1000, 40, -40, 1000, -1000])
        let y = Tensor([1, 0, 1, 0, 0, 1])
        for gamma in [0.0, 0.25, 0.5, 2] {
            let l = try Losses.focal(x, y, gamma: gamma, logits: true, reduction: .none)
            XCTAssertTrue(l.data.allSatisfy { $0.isFinite && $0 >= 0 }, "gamma \(gamma): \(l.data)")
            assertClose(l.data[4], 1000)
            assertClose(l.data[5], 1000)
        }
        let half = try Losses.focal(x, y, gamma: 0.5, logits: true, reduction: .none)
        assertClose(half.data[2], 8.75651076269652e-27, rtol: 1e-10)
        // probabilities 0 and 1: logs clamped at −100, no 0·∞
        let p = try Losses.focal(Tensor([1, 0, 0, 1]), Tensor([1, 0, 1, 0]), gamma: 0.5, reduction: .none)
        XCTAssertEqual(p.data, [0, 0, 100, 100])
    }

    func testKLIdentityAndInfinities() throws {
        // kl(p, q) == cross_entropy(q, p, reduction: "none") − entropy(p)
        let p = Tensor(shape: [2, 3], data: [0.2, 0.3, 0.5, 0.6, 0.4, 0])
        let q = Tensor(shape: [2, 3], data: [0.1, 0.6, 0.3, 0.25, 0.25, 0.5])
        let kl = try Losses.kl(p, q)
        let ce = try Losses.crossEntropy(q, p, reduction: .none)
        let h = try Losses.entropy(p)
        for i in 0..<2 { assertClose(kl.data[i], ce.data[i] - h.data[i], rtol: 1e-12) }
        // scipy.special.rel_entr([0.2, 0.3, 0.5], [0.1, 0.6, 0.3]).sum()
        assertClose(kl.data[0], 0.18609809382700082)
        XCTAssertEqual(try Losses.kl(Tensor([0.5, 0.5]), Tensor([1, 0])).data[0], .infinity)
        XCTAssertEqual(try Losses.kl(Tensor([1, 0]), Tensor([1, 0])).data[0], 0)
        XCTAssertEqual(try Losses.entropy(Tensor([1, 0, 0])).data[0], 0)
        // along axis 0: one entropy per column
        let cols = try Losses.entropy(Tensor(shape: [2, 2], data: [0.5, 1, 0.5, 0]), axis: 0)
        XCTAssertEqual(cols.shape, [2])
        assertClose(cols.data[0], 0.6931471805599453)
        XCTAssertEqual(cols.data[1], 0)
    }

    // MARK: - Large inputs (the two-core path)

    func testLargeBCEMatchesNumPy() throws {
        // n = 3_000_001; p = 0.05 + 0.9·(i % 7)/6; y = i % 2; numpy float64:
        // mean(−(y·log p + (1−y)·log1p(−p))) = 1.0076230608571195, sum = 3022870.1901944196
        let n = 3_000_001
        var p = [Double](repeating: 0, count: n), y = p, x = p, w = p
        for i in 0..<n {
            p[i] = 0.05 + 0.9 * Double(i % 7) / 6
            y[i] = Double(i % 2)
            x[i] = Double(i % 11) - 5
            w[i] = Double(1 + i % 3)
        }
        let pt = Tensor(p), yt = Tensor(y)
        assertClose(try Losses.bce(pt, yt).data[0], 1.0076230608571195, rtol: 1e-12)
        assertClose(try Losses.bce(pt, yt, reduction: .sum).data[0], 3022870.1901944196, rtol: 1e-12)
        let none = try Losses.bce(pt, yt, reduction: .none)
        XCTAssertEqual(none.count, n)
        assertClose(none.data[n - 1], -log1p(-p[n - 1]))   // n − 1 is even: y = 0
        assertClose(none.data[n - 2], -log(p[n - 2]))      // y = 1
        // torch binary_cross_entropy_with_logits(x, y, weight=w, reduction='sum')
        assertClose(try Losses.bce(Tensor(x), yt, weight: Tensor(w), logits: true, reduction: .sum).data[0],
                    9120252.741093546, rtol: 1e-12)
    }

    func testLargeCrossEntropyRows() throws {
        // R = 300_001 rows of C = 4 logits ((j·7) % 13) − 6, targets (r·5) % 4; torch:
        // cross_entropy = 4.34446422565835; with label_smoothing 0.1, weight [1,2,3,4]: 4.344466819212064
        let r = 300_001, c = 4
        var x = [Double](repeating: 0, count: r * c)
        for j in 0..<(r * c) { x[j] = Double((j * 7) % 13) - 6 }
        var t = [Double](repeating: 0, count: r)
        for i in 0..<r { t[i] = Double((i * 5) % c) }
        let xt = Tensor(shape: [r, c], data: x), tt = Tensor(t)
        assertClose(try Losses.crossEntropy(xt, tt, logits: true).data[0], 4.34446422565835, rtol: 1e-12)
        assertClose(try Losses.crossEntropy(xt, tt, weight: Tensor([1, 2, 3, 4]), labelSmoothing: 0.1, logits: true).data[0],
                    4.344466819212064, rtol: 1e-12)
        assertClose(try Losses.crossEntropy(xt, tt, logits: true, reduction: .none).data[12345], 1.3141731539719972)
    }

    // MARK: - Errors in the user's terms

    func testHingeWithZeroOneLabelsSuggestsTwoYMinusOne() {
        let e = message { try Losses.hinge(Tensor([0.5, -0.5]), Tensor([1, 0])) }
        XCTAssertEqual(e?.message, "hinge: t must hold labels -1 or +1, got 0 at index 1")
        XCTAssertEqual(e?.hint, "for 0/1 labels y, pass 2*y - 1")
        XCTAssertNotNil(message { try Losses.squaredHinge(Tensor([0.5]), Tensor([0.5])) }?.hint)
    }

    func testShapeAndRangeMessages() {
        XCTAssertEqual(message { try Losses.focal(Tensor([0.9, 0.2]), Tensor([1, 0, 1]), gamma: 2) }?.message,
                       "focal: p and y must have the same shape, got [2] and [3]")
        let probs = message { try Losses.bce(Tensor([2, -1]), Tensor([1, 0])) }
        XCTAssertEqual(probs?.message, "bce: p must hold probabilities in [0, 1], got 2 at index 0")
        XCTAssertEqual(probs?.hint, "for raw scores (logits), pass logits: true")
        let p = Tensor(shape: [2, 3], data: [0.2, 0.3, 0.5, 0.1, 0.1, 0.8])
        XCTAssertEqual(message { try Losses.crossEntropy(p, Tensor([0, 3])) }?.message,
                       "cross_entropy: class index 3 in y at index 1 is out of range for 3 classes (expected integers in [0, 2])")
        XCTAssertEqual(message { try Losses.crossEntropy(p, Tensor([0, 1.5])) }?.message,
                       "cross_entropy: y must hold class indices (integers in [0, 2]), got 1.5 at index 1")
        XCTAssertEqual(message { try Losses.nll(p, Tensor([0, 1e300])) }?.message,
                       "nll: class index 1e+300 in y at index 1 is out of range for 3 classes (expected integers in [0, 2])")
        XCTAssertEqual(message { try Losses.focal(p, Tensor([0, 1]), alpha: Tensor([1, 2])) }?.message,
                       "focal: alpha must have one value per class, shape [3] (or be a number), got [2]")
        XCTAssertEqual(message { try Losses.multiclassHinge(p, p) }?.hint, "for one-hot targets, pass argmax(y, axis: -1)")
        XCTAssertEqual(message { try Losses.entropy(Tensor([0.5, 0.5]), axis: 1) }?.message,
                       "entropy: axis 1 is out of range for a tensor of rank 1 (expected -1…0)")
    }
}
