import Foundation
import XCTest
@testable import LossNotebook
import LossLang

/// The example notebooks in Examples/: every `#>` expectation holds (what `loss test Examples`
/// checks), no statement raises an error, and the committed renderings in docs/examples
/// (Markdown + SVG sidecars, written by Scripts/render_examples.sh) are up to date.
final class ExamplesTests: XCTestCase {
    override func setUp() { LossNotebook.install() }

    static let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = root.appendingPathComponent("Examples")
    static let docs = root.appendingPathComponent("docs/examples")
    static let rerender = "rerun `bash Scripts/render_examples.sh` and commit docs/examples"

    /// Examples/*.loss, sorted by name.
    func exampleFiles() throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path)
        return names.filter { $0.hasSuffix(".loss") }.sorted().map { Self.examples.appendingPathComponent($0) }
    }

    func read(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    func testThereAreEnoughExamples() throws {
        let files = try exampleFiles()
        XCTAssertGreaterThanOrEqual(files.count, 15, "issue 5 asks for at least 15 example notebooks")
        for f in files {
            let text = try read(f)
            XCTAssertTrue(text.hasPrefix("# %% [markdown]\n# # "), "\(f.lastPathComponent) should open with a markdown cell and a title")
            XCTAssertTrue(text.contains("\n#> "), "\(f.lastPathComponent) has no expected output")
        }
        let withGrad = try files.filter { try read($0).contains("grad(") }
        XCTAssertGreaterThanOrEqual(withGrad.count, 2, "at least two examples use grad (issue 4)")
    }

    /// `loss test Examples`, in process: every statement's displayed text matches its `#>` lines.
    func testExpectationsHold() throws {
        for f in try exampleFiles() {
            let name = f.lastPathComponent
            let started = Date()
            let r = Expectations.check(text: try read(f), path: name)
            let seconds = Date().timeIntervalSince(started)
            XCTAssertFalse(r.interrupted, name)
            XCTAssertGreaterThan(r.checkedCount, 5, "\(name) checks almost nothing")
            if !r.failures.isEmpty {
                XCTFail("\(name): \(r.failures.count) expectation(s) differ (run `loss test \(name)`):\n" + Expectations.diff(r))
            }
            // CI runs `loss test Examples` in a debug build; keep each example quick (2 s is the
            // target, the bound here leaves room for a loaded machine).
            XCTAssertLessThan(seconds, 10, "\(name) took \(seconds) s")
        }
    }

    /// Runs an example the way `loss notebook` does.
    func render(_ url: URL) throws -> (doc: NotebookDocument, md: MarkdownRenderer.Output) {
        let name = url.lastPathComponent
        let script = PercentScript(try read(url))
        let session = Session(precision: 6)
        let (runs, interrupted) = ScriptRunner.run(script, file: name, session: session)
        XCTAssertFalse(interrupted, name)
        let doc = NotebookDocument(name: name, script: script, runs: runs)
        let base = (name as NSString).deletingPathExtension
        return (doc, MarkdownRenderer.render(doc, figurePrefix: base))
    }

    func testNoStatementRaisesAnError() throws {
        for f in try exampleFiles() {
            let (doc, _) = try render(f)
            for cell in doc.cells {
                guard case .code(let source, let outputs, _) = cell.kind else { continue }
                for o in outputs {
                    switch o {
                    case .error(_, let rendered): XCTFail("\(f.lastPathComponent): an error in\n\(source)\n\(rendered)")
                    case .warning(let w): XCTFail("\(f.lastPathComponent): a warning in\n\(source)\n\(w)")
                    default: break
                    }
                }
            }
        }
    }

    /// docs/examples/NAME.md and NAME-figK.svg are what rendering the example gives now.
    func testRenderedCopiesAreUpToDate() throws {
        let fm = FileManager.default
        var expectedFiles: Set<String> = ["README.md"]
        for f in try exampleFiles() {
            let base = (f.lastPathComponent as NSString).deletingPathExtension
            let (_, out) = try render(f)
            let mdURL = Self.docs.appendingPathComponent(base + ".md")
            expectedFiles.insert(base + ".md")
            guard fm.fileExists(atPath: mdURL.path) else {
                XCTFail("docs/examples/\(base).md is missing: \(Self.rerender)"); continue
            }
            let committed = try read(mdURL)
            if committed != out.markdown {
                XCTFail("docs/examples/\(base).md is stale: \(Self.rerender)\n" + firstDifference(committed, out.markdown))
            }
            for fig in out.figures {
                expectedFiles.insert(fig.name)
                let url = Self.docs.appendingPathComponent(fig.name)
                guard fm.fileExists(atPath: url.path) else { XCTFail("docs/examples/\(fig.name) is missing: \(Self.rerender)"); continue }
                if try read(url) != fig.svg { XCTFail("docs/examples/\(fig.name) is stale: \(Self.rerender)") }
            }
        }
        let present = Set(try fm.contentsOfDirectory(atPath: Self.docs.path).filter { !$0.hasPrefix(".") })
        let extra = present.subtracting(expectedFiles).sorted()
        XCTAssertEqual(extra, [], "docs/examples holds renderings of no current example: \(Self.rerender)")
    }

    /// docs/examples/README.md links every example.
    func testIndexListsEveryExample() throws {
        let index = try read(Self.docs.appendingPathComponent("README.md"))
        for f in try exampleFiles() {
            let base = (f.lastPathComponent as NSString).deletingPathExtension
            XCTAssertTrue(index.contains("(\(base).md)"), "docs/examples/README.md does not link \(base).md")
            XCTAssertTrue(index.contains("(../../Examples/\(base).loss)"), "docs/examples/README.md does not link Examples/\(base).loss")
        }
    }

    /// The first line where two texts differ, for a readable failure message.
    func firstDifference(_ a: String, _ b: String) -> String {
        let la = a.components(separatedBy: "\n"), lb = b.components(separatedBy: "\n")
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? la[i] : "<end of file>", y = i < lb.count ? lb[i] : "<end of file>"
            if x != y { return "line \(i + 1):\n  committed: \(x)\n  rendered:  \(y)" }
        }
        return "(they differ only in line endings)"
    }
}
