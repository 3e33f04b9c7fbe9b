import XCTest
@testable import LossNotebook
import LossLang

/// Helpers shared by the notebook and plot tests.
extension XCTestCase {
    /// Runs `source` in a fresh session; the displayed values and the error, if any.
    func run(_ source: String) -> (values: [Value], error: LangError?) {
        let s = Session()
        var values: [Value] = []
        s.onOutput = { if case .value(let v, _) = $0 { values.append(v) } }
        let e = s.run(source, file: "<test>")
        return (values, e)
    }

    func plot(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Plot? {
        let (values, error) = run(source)
        XCTAssertNil(error, "\(error.map { $0.message } ?? "")", file: file, line: line)
        guard case .plot(let p)? = values.last else { XCTFail("no plot displayed", file: file, line: line); return nil }
        return p
    }
}
