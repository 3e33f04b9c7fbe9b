import XCTest
import LossCore

// Comparisons shared by the LossCoreTests files (one copy per test target: XCTest targets
// cannot share sources).

/// |got − want| ≤ max(rtol·|want|, atol); nan matches only nan, ±inf only itself.
func isClose(_ got: Double, _ want: Double, rtol: Double, atol: Double) -> Bool {
    if got.isNaN || want.isNaN { return got.isNaN && want.isNaN }
    if got.isInfinite || want.isInfinite { return got == want }
    return Swift.abs(got - want) <= Swift.max(rtol * Swift.abs(want), atol)
}

extension XCTestCase {
    func assertClose(_ got: Double, _ want: Double, rtol: Double = 1e-12, atol: Double = 1e-15, _ msg: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(isClose(got, want, rtol: rtol, atol: atol), "\(got) vs \(want) \(msg)", file: file, line: line)
    }

    /// Element-wise; reports the first mismatch and how many there are.
    func assertClose(_ got: [Double], _ want: [Double], rtol: Double = 1e-12, atol: Double = 1e-15, _ msg: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, "count \(msg)", file: file, line: line)
        let bad = zip(got, want).enumerated().filter { !isClose($1.0, $1.1, rtol: rtol, atol: atol) }
        if let (i, (a, e)) = bad.first {
            let more = bad.count > 1 ? " (and \(bad.count - 1) more)" : ""
            XCTFail("[\(i)] \(a) vs \(e)\(more) \(msg)", file: file, line: line)
        }
    }

    /// A tensor's values, and its shape unless `shape` is nil.
    func assertClose(_ got: Tensor?, _ shape: [Int]?, _ want: [Double], rtol: Double = 1e-12, atol: Double = 1e-15,
                     _ msg: String = "", file: StaticString = #filePath, line: UInt = #line) {
        guard let got = got else { XCTFail("no tensor \(msg)", file: file, line: line); return }
        if let shape = shape { XCTAssertEqual(got.shape, shape, "shape \(msg)", file: file, line: line) }
        assertClose(got.data, want, rtol: rtol, atol: atol, msg, file: file, line: line)
    }

    func assertClose(_ got: Tensor, _ want: [Double], rtol: Double = 1e-12, atol: Double = 1e-15, _ msg: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        assertClose(got.data, want, rtol: rtol, atol: atol, msg, file: file, line: line)
    }
}

/// Inputs of the large (parallel-path) tests, exact in binary so that NumPy and torch see the
/// same values: x_i = (i mod 1000)/8 − 60, y_i = (7i mod 1013)/16 − 30 (regression), and
/// p_i = (i mod 101)/100, g_i = [i mod 3 == 0] (segmentation).
enum LargeInputs {
    static func regression(_ n: Int) -> (x: [Double], y: [Double]) {
        ((0..<n).map { Double($0 % 1000) / 8 - 60 }, (0..<n).map { Double(($0 * 7) % 1013) / 16 - 30 })
    }

    static func segmentation(_ n: Int) -> (p: [Double], g: [Double]) {
        ((0..<n).map { Double($0 % 101) / 100 }, (0..<n).map { $0 % 3 == 0 ? 1 : 0 })
    }
}
