import XCTest
@testable import LossNotebook
import LossLang

/// `loss notebook` end to end: files written, formats, sidecar figures, ipynb validity.
final class NotebookCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        LossNotebook.install()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-nb-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static let script = """
    # %% [markdown]
    # # Focal loss
    # The modulating factor $(1 - p_t)^γ$ down-weights easy examples.

    # %% Curves
    fl = (g) -> (p -> -(1 - p)^g * log(p))
    plot([fl(0), fl(2)], 0.01, 1, labels: ["γ=0", "γ=2"], title: "focal")
    1 + 1
    #> 2
    print("done")

    # %%
    oops(1)
    3
    """

    func write(_ text: String, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testMarkdownWithSidecarFigures() throws {
        let input = try write(NotebookCLITests.script, "focal.loss")
        XCTAssertEqual(NotebookCLI.notebook([input]), 0)   // errors are outputs, not failures
        let md = try String(contentsOfFile: dir.appendingPathComponent("focal.md").path, encoding: .utf8)
        XCTAssertTrue(md.contains("![focal](focal-fig1.svg)"), md)
        XCTAssertTrue(md.contains("```\n2\ndone\n```"), md)
        XCTAssertTrue(md.contains("```\nerror: unknown name 'oops'\n  --> focal.loss:13:1\n"), md)   // named by file name
        XCTAssertTrue(md.contains("```\n3\n```"), md)   // the run went on after the error
        XCTAssertFalse(md.contains("#> 2"))
        let svg = try String(contentsOfFile: dir.appendingPathComponent("focal-fig1.svg").path, encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns="))
        // byte-stable: a second run writes the same files
        XCTAssertEqual(NotebookCLI.notebook([input, "-o", dir.appendingPathComponent("again.md").path]), 0)
        XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("again-fig1.svg").path, encoding: .utf8), svg)
        XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent("again.md").path, encoding: .utf8),
                       md.replacingOccurrences(of: "focal-fig1", with: "again-fig1"))
    }

    func testHTMLAndIpynb() throws {
        let input = try write(NotebookCLITests.script, "focal.loss")
        let html = dir.appendingPathComponent("out.html").path, nb = dir.appendingPathComponent("out.ipynb").path
        XCTAssertEqual(NotebookCLI.notebook([input, "-o", html]), 0)
        XCTAssertEqual(NotebookCLI.notebook([input, "-o", nb]), 0)
        let h = try String(contentsOfFile: html, encoding: .utf8)
        XCTAssertTrue(h.contains("<div class=\"plot\">\n<svg xmlns="))
        let data = try XCTUnwrap(FileManager.default.contents(atPath: nb))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cells = try XCTUnwrap(json["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 3)
        let outputs = try XCTUnwrap(cells[1]["outputs"] as? [[String: Any]])
        XCTAssertEqual(outputs.map { $0["output_type"] as? String }, ["display_data", "execute_result", "stream"])
        let last = try XCTUnwrap(cells[2]["outputs"] as? [[String: Any]])
        XCTAssertEqual(last.map { $0["output_type"] as? String }, ["error", "execute_result"])
        try validateWithNbformat(nb)
    }

    /// Runs Scripts/validate_ipynb.py (nbformat.validate) when python3 and nbformat are available.
    func validateWithNbformat(_ path: String) throws {
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        let script = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/validate_ipynb.py")
        guard FileManager.default.fileExists(atPath: script.path) else { throw XCTSkip("no \(script.path)") }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import nbformat"]
        check.standardError = FileHandle.nullDevice
        do { try check.run() } catch { throw XCTSkip("python3 not available") }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { throw XCTSkip("nbformat not installed (pip install nbformat)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script.path, path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 0, message)
    }

    func testUsageErrors() throws {
        XCTAssertEqual(NotebookCLI.notebook([]), 2)
        XCTAssertEqual(NotebookCLI.notebook(["a.loss", "-o"]), 2)
        XCTAssertEqual(NotebookCLI.notebook(["a.loss", "-o", "x.pdf"]), 2)
        XCTAssertEqual(NotebookCLI.notebook(["a.loss", "b.loss"]), 2)
        XCTAssertEqual(NotebookCLI.notebook(["--wat", "a.loss"]), 2)
        XCTAssertEqual(NotebookCLI.notebook([dir.appendingPathComponent("missing.loss").path]), 1)
        XCTAssertEqual(NotebookCLI.defaultOutput(for: "dir/x.loss"), "dir/x.md")
        XCTAssertEqual(NotebookCLI.defaultOutput(for: "script"), "script.md")
    }
}
