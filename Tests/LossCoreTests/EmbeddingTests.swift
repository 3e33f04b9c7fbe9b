import Foundation
import XCTest
@testable import LossCore

/// The embedding and metric-learning losses of docs/reference.md §4.3 called directly in the core.
/// Reference values: torch 2.x float64 (F.triplet_margin_loss, F.cosine_embedding_loss),
/// info-nce-pytorch, sentence-transformers (MNR), pytorch-metric-learning (NT-Xent) and the
/// transcriptions of Scripts/gen_fixtures_embedding.py (GE2E, ArcFace legacy, SphereFace).
final class EmbeddingTests: XCTestCase {
    func m(_ rows: [[Double]]) -> Tensor { Tensor(shape: [rows.count, rows.first?.count ?? 0], data: rows.flatMap { $0 }) }
    func v(_ xs: [Double]) -> Tensor { Tensor(xs) }

    func assertError(_ body: @autoclosure () throws -> Tensor, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { e in
            XCTAssertEqual((e as? CoreError)?.message, message, file: file, line: line)
        }
    }

    let a = Tensor(shape: [2, 3], data: [1, 2, 3, 0, -1, 2])
    let p = Tensor(shape: [2, 3], data: [1.5, 2, 2, 0, 0, 0])
    let n = Tensor(shape: [2, 3], data: [3, 0, 1, 0, -1, 2.5])

    func testTriplet() throws {
        assertClose(try Losses.triplet(anchor: a, positive: p, negative: n, reduction: .none), [0, 2.7360694247120114])
        assertClose(try Losses.triplet(anchor: a, positive: p, negative: n, margin: 0.5, norm: 1, swap: true, reduction: .none), [0, 3])
        assertClose(try Losses.triplet(anchor: a, positive: p, negative: n, squared: true, reduction: .sum), [5.75])
        assertClose(try Losses.triplet(anchor: a, positive: p, negative: n), [2.7360694247120114 / 2])
        // one sample: a number
        let one = try Losses.triplet(anchor: v([0, -1, 2]), positive: v([0, 0, 0]), negative: v([0, -1, 2.5]), reduction: .none)
        XCTAssertEqual(one.shape, [])
        assertClose(one, [2.7360694247120114])
        // zero distances are finite: exactly the margin
        let z = try Tensor.zeros([3, 4])
        assertClose(try Losses.triplet(anchor: z, positive: z, negative: z, reduction: .none), [1, 1, 1])
        assertClose(try Losses.triplet(anchor: z, positive: z, negative: z, norm: .infinity, swap: true, reduction: .none), [1, 1, 1])
        assertError(try Losses.triplet(anchor: a, positive: m([[1, 2], [3, 4]]), negative: a),
                    "triplet: anchor and positive must have the same shape, got [2, 3] and [2, 2]")
        assertError(try Losses.triplet(anchor: a, positive: a, negative: a, margin: 0), "triplet: margin must be greater than 0, got 0")
        assertError(try Losses.triplet(anchor: a, positive: a, negative: a, norm: 1, squared: true),
                    "triplet: squared: true uses the squared Euclidean distance, so norm must be 2, got 1")
        // empty batch: mean is nan (torch), none is empty
        let e = try Tensor.zeros([0, 3])
        XCTAssertTrue(try Losses.triplet(anchor: e, positive: e, negative: e).data[0].isNaN)
        XCTAssertEqual(try Losses.triplet(anchor: e, positive: e, negative: e, reduction: .none).shape, [0])
    }

    func testContrastiveAndPairs() throws {
        let y = v([0, 1])
        assertClose(try Losses.contrastive(a, p, y, margin: 2, reduction: .none), [0.6250000000000001, 0])
        assertClose(try Losses.contrastive(a, p, y, margin: 2, similar: 1, reduction: .none), [0.38893202250021025, 2.5000000000000004])
        assertClose(try Losses.contrastive(a, a, y, reduction: .none), [0, 0.5])  // zero distance
        assertError(try Losses.contrastive(a, p, v([0, 3])), "contrastive: y must hold 0/1 labels, got 3 at position 1")
        assertClose(try Losses.cosineEmbedding(a, n, v([1, -1]), margin: 0.1, reduction: .none), [0.49290744716293355, 0.8965457582447113])
        assertClose(try Losses.cosineEmbedding(try Tensor.zeros([2, 3]), a, v([1, -1]), reduction: .none), [1, 0])
        assertError(try Losses.cosineEmbedding(a, n, v([1, 0])), "cosine_embedding: y must hold labels -1 or +1, got 0 at position 1")
        assertClose(try Losses.marginRanking(v([1, 2]), v([2, 1]), v([1, -1]), margin: 0.5, reduction: .none), [1.5, 1.5])
        XCTAssertThrowsError(try Losses.marginRanking(v([1, 2]), v([2, 1]), v([1, 0]))) { e in
            XCTAssertNotNil((e as? CoreError)?.hint)
        }
    }

    let q = Tensor(shape: [2, 3], data: [1, 0, 0, 0, 1, 1])
    let k = Tensor(shape: [2, 3], data: [1, 1, 0, 0, 1, 0])
    let negU = Tensor(shape: [2, 3], data: [0, 0, 1, 1, -1, 0])

    func testInfoNCE() throws {
        let negP = Tensor(shape: [2, 2, 3], data: [0, 0, 1, 1, -1, 0, 1, 0, 0, 0, 0, -1])
        assertClose(try Losses.infoNCE(query: q, positive: k, negatives: negP, temperature: 0.5, negativeMode: .paired, reduction: .none),
                    [0.8078662980689063, 0.26407240552982314])
        assertClose(try Losses.infoNCE(query: q, positive: k, negatives: negU, temperature: 0.5, reduction: .none),
                    [0.8078662980689063, 0.7368949620217778])
        assertClose(try Losses.infoNCE(query: q, positive: k, reduction: .sum), [0.11956588552154666])
        assertError(try Losses.infoNCE(query: q, positive: k, negatives: negP),
                    "infonce: with negative_mode: \"unpaired\", negatives must have shape [M, 3] (M negatives shared by every query), got [2, 2, 3]")
    }

    func testNTXentAndMNR() throws {
        assertClose(try Losses.ntXent(q, k, temperature: 0.2, reduction: .none),
                    [0.0566509832178173, 0.3251078828346743, 0.8565563426642238, 0.7076136315970927])
        assertClose(try Losses.multipleNegativesRanking(anchor: q, positive: k, negatives: negU, reduction: .none),
                    [0.6931479019138378, 0.7010602309336668])
        assertClose(try Losses.multipleNegativesRanking(anchor: q, positive: k, negatives: negU, symmetric: true, reduction: .none),
                    [0.35445593877007986, 0.35053047614377963])
    }

    func testMarginSoftmaxEdges() throws {
        // cos θ = 1, −1 (twice) and θ_y + m > π: finite, as insightface's ArcMarginProduct
        let W = m([[1, 0], [0, 1], [-1, 0]])
        let x = m([[2, 0], [-3, 0], [0, -1], [-1, 0.05]])
        let y = v([0, 0, 1, 0])
        assertClose(try Losses.arcface(x, W, y, reduction: .none), [0, 143.3416172353345, 80.03476441589444, 143.18191661169863])
        assertClose(try Losses.arcface(x, W, y, easyMargin: true, reduction: .none), [0, 128, 64.69314718055995, 127.84029937636411])
        assertClose(try Losses.cosface(x, W, y, reduction: .none), [0, 150.4, 87.09314718055995, 150.2402993763641])
        assertClose(try Losses.sphereface(x, W, y, reduction: .none),
                    [0.14293162849989968, 24.048587351609704, 7.693603017633215, 8.316020308376583], rtol: 1e-11)
        assertClose(try Losses.centerLoss(x, W, y, reduction: .none), [0.5, 8, 2, 2.00125])
        assertError(try Losses.arcface(x, W, v([0, 3, 1, 0])),
                    "arcface: y must hold class indices in [0, 3) (W has 3 rows), got 3 at position 1")
        assertError(try Losses.centerLoss(x, m([[1, 2, 3]]), y),
                    "center_loss: x and centers must have the same embedding size (last axis), got [4, 2] and [1, 3]")
    }

    func testGE2E() throws {
        let e = Tensor(shape: [2, 3, 2], data: [1, 0, 0.8, 0.2, 0.5, 0.5, 0, 1, 0.3, 0.9, -0.2, 1])
        let soft = try Losses.ge2e(e, reduction: .none)
        XCTAssertEqual(soft.shape, [2, 3])
        assertClose(soft, [0.0002504056800076704, 0.0008496100815040819, 0.4638854706611948,
                           0.0013092192446224615, 0.04967731979838064, 0.00035782520393823347])
        let flat = Tensor(shape: [6, 2], data: e.data)
        assertClose(try Losses.ge2e(flat, speakers: 2, method: .contrast, reduction: .none),
                    [0.03412778827635795, 0.10908962525578335, 0.9663651986970904,
                     0.16698853160599852, 0.775681595179735, 0.03993283884475486])
        assertError(try Losses.ge2e(Tensor(shape: [3, 1, 2], data: [1, 0, 0, 1, 1, 1])),
                    "ge2e: needs M ≥ 2 utterances per speaker (the own centroid leaves the utterance out), got M = 1 for e of shape [3, 1, 2]")
    }

    /// A batch large enough for BLAS to block: deterministic data, torch reference values.
    func testLargerBatchThroughBLAS() throws {
        let nr = 64, d = 32, c = 10
        var av = [Double](), pv = [Double](), wv = [Double]()
        for i in 0..<nr { for j in 0..<d { av.append(sin(0.37 * Double(i) + 0.11 * Double(j * j))) } }
        for i in 0..<nr { for j in 0..<d { pv.append(cos(0.21 * Double(i * j) + 0.5 * Double(i))) } }
        for k in 0..<c { for j in 0..<d { wv.append(sin(1.3 * Double(k) + 0.7 * Double(j))) } }
        let A = Tensor(shape: [nr, d], data: av), P = Tensor(shape: [nr, d], data: pv), W = Tensor(shape: [c, d], data: wv)
        // negatives: P·0.5 + A with its rows reversed
        var nv = [Double](repeating: 0, count: nr * d)
        for i in 0..<nr { for j in 0..<d { nv[i * d + j] = pv[i * d + j] * 0.5 + av[(nr - 1 - i) * d + j] } }
        let N = Tensor(shape: [nr, d], data: nv)
        let y = Tensor((0..<nr).map { Double(($0 * 7) % c) })
        assertClose(try Losses.multipleNegativesRanking(anchor: A, positive: P), [8.456462825773755], rtol: 1e-11)
        assertClose(try Losses.multipleNegativesRanking(anchor: A, positive: P, negatives: N, symmetric: true), [13.68764237161093], rtol: 1e-11)
        assertClose(try Losses.ntXent(A, P), [9.31184349331722], rtol: 1e-11)
        assertClose(try Losses.arcface(A, W, y), [42.11145998265802], rtol: 1e-11)
        assertClose(try Losses.ge2e(Tensor(shape: [8, 8, d], data: av), reduction: .sum), [224.7331885677428], rtol: 1e-11)
    }

    /// The analytic backward passes agree with central differences (torch autograd values are
    /// checked in LossLangTests/EmbeddingFixtureTests against the fixture's grad_cases).
    func testGradientsMatchFiniteDifferences() throws {
        func check(_ name: String, _ x: Tensor, _ f: (Tensor) throws -> Double, _ grad: Tensor, tol: Double = 1e-6) rethrows {
            XCTAssertEqual(grad.shape, x.shape, name)
            for i in 0..<x.count {
                var xp = x, xm = x
                let h = 1e-6 * Swift.max(1, Swift.abs(x.data[i]))
                xp.data[i] += h; xm.data[i] -= h
                let fd = (try f(xp) - f(xm)) / (2 * h)
                XCTAssertEqual(grad.data[i], fd, accuracy: tol * Swift.max(1, Swift.abs(fd)), "\(name)[\(i)]")
            }
        }
        let one = Tensor(scalar: 1)
        let e = Tensor(shape: [2, 3, 2], data: [1, 0.1, 0.8, 0.2, 0.5, 0.7, 0.1, 1, 0.3, 0.9, -0.2, 1])
        let ge = try Losses.ge2eBackward(e, method: .contrast, w: 4, b: -1, upstream: one)
        try check("ge2e contrast", e, { try Losses.ge2e($0, method: .contrast, w: 4, b: -1).data[0] }, try XCTUnwrap(ge["e"]))
        let W = m([[1, 0.2], [0.1, 1], [-1, 0.3]])
        let x = m([[2, 0.5], [-0.3, 1], [-1, 0.1]])
        let y = v([0, 1, 0])
        let sf = try Losses.spherefaceBackward(x, W, y, upstream: one)
        try check("sphereface x", x, { try Losses.sphereface($0, W, y).data[0] }, try XCTUnwrap(sf["x"]))
        try check("sphereface W", W, { try Losses.sphereface(x, $0, y).data[0] }, try XCTUnwrap(sf["W"]))
        let af = try Losses.arcfaceBackward(x, W, y, s: 4, m: 0.5, upstream: one)  // row 2 takes the θ + m > π fallback
        try check("arcface x", x, { try Losses.arcface($0, W, y, s: 4, m: 0.5).data[0] }, try XCTUnwrap(af["x"]))
        try check("arcface W", W, { try Losses.arcface(x, $0, y, s: 4, m: 0.5).data[0] }, try XCTUnwrap(af["W"]))
        let mn = try Losses.multipleNegativesRankingBackward(anchor: q, positive: k, negatives: negU, scale: 3, symmetric: true,
                                                             upstream: one)
        try check("mnr anchor", q, { try Losses.multipleNegativesRanking(anchor: $0, positive: k, negatives: negU, scale: 3, symmetric: true).data[0] },
                  try XCTUnwrap(mn["anchor"]))
        try check("mnr negatives", negU, { try Losses.multipleNegativesRanking(anchor: q, positive: k, negatives: $0, scale: 3, symmetric: true).data[0] },
                  try XCTUnwrap(mn["negatives"]))
        let nt = try Losses.ntXentBackward(q, k, temperature: 0.5, upstream: one)
        try check("ntxent z2", k, { try Losses.ntXent(q, $0, temperature: 0.5).data[0] }, try XCTUnwrap(nt["z2"]))
        let tau = try XCTUnwrap(nt["temperature"]).data[0]
        let fdTau = (try Losses.ntXent(q, k, temperature: 0.5 + 1e-6).data[0] - Losses.ntXent(q, k, temperature: 0.5 - 1e-6).data[0]) / 2e-6
        XCTAssertEqual(tau, fdTau, accuracy: 1e-6)
    }
}
