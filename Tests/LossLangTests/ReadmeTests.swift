import XCTest
@testable import LossLang

/// The README's table of built-ins is generated from the registry
/// (`python3 Scripts/update_readme.py`); this fails when it is stale.
final class ReadmeTests: XCTestCase {
    func testBuiltinTableIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = "<!-- builtins:start -->\n", end = "<!-- builtins:end -->"
        guard let s = readme.range(of: start), let e = readme.range(of: end) else { return XCTFail("README.md lacks the builtins markers") }
        let current = String(readme[s.upperBound..<e.lowerBound])
        XCTAssertEqual(current, Help.markdownTable(Registry.standard), "README's built-in table is stale: run python3 Scripts/update_readme.py")
    }
}
