import XCTest
@testable import LossNotebook
import LossLang

final class RenderTests: XCTestCase {
    override func setUp() { LossNotebook.install() }

    static let plot = Plot(series: [PlotSeries(label: "a", xs: [0, 1], ys: [0, 1])], title: "line")

    /// A notebook with every kind of output, built without the interpreter.
    static let doc = NotebookDocument(name: "demo.loss", cells: [
        .init(.markdown("# Title\n\nSome *text* with `x < 1` and a [link](https://example.org).\n\n- one\n- two")),
        .init(.code(source: "x = 1\nx\nprint(\"hi\")", outputs: [.text("1"), .stream("hi"), .stream("there")], executionCount: 1), title: "Setup"),
        .init(.code(source: "p\nq\nbad()", outputs: [.plot(plot), .plot(plot), .text("2×2 tensor\n 1  2\n 3  4"),
                                                      .error(message: "unknown name 'bad'", rendered: "error: unknown name 'bad'\n  --> demo.loss:9:1")],
                    executionCount: 2)),
        .init(.code(source: "s = \"```\"", outputs: [.warning("'e' shadows the built-in")], executionCount: 3)),
    ])

    func testMarkdown() {
        let out = MarkdownRenderer.render(RenderTests.doc, figurePrefix: "demo")
        XCTAssertEqual(out.figures.map(\.name), ["demo-fig1.svg", "demo-fig2.svg"])
        XCTAssertEqual(out.figures[0].svg, SVGRenderer.render(RenderTests.plot))
        XCTAssertEqual(out.markdown, """
        # Title

        Some *text* with `x < 1` and a [link](https://example.org).

        - one
        - two

        **Setup**

        ```loss
        x = 1
        x
        print("hi")
        ```

        ```
        1
        hi
        there
        ```

        ```loss
        p
        q
        bad()
        ```

        ![line](demo-fig1.svg)

        ![line](demo-fig2.svg)

        ```
        2×2 tensor
         1  2
         3  4
        ```

        ```
        error: unknown name 'bad'
          --> demo.loss:9:1
        ```

        ````loss
        s = "```"
        ````

        ```
        warning: 'e' shadows the built-in
        ```

        """)
        XCTAssertEqual(MarkdownRenderer.urlPath("my fig(1).svg"), "my%20fig%281%29.svg")
    }

    func testHTML() {
        let html = HTMLRenderer.render(RenderTests.doc)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        XCTAssertTrue(html.hasSuffix("</main>\n</body>\n</html>\n"))
        XCTAssertTrue(html.contains("<title>demo.loss</title>"))
        XCTAssertTrue(html.contains("<h1>Title</h1>"))
        XCTAssertTrue(html.contains("<p>Some <em>text</em> with <code>x &lt; 1</code> and a <a href=\"https://example.org\">link</a>.</p>"))
        XCTAssertTrue(html.contains("<ul>\n<li>one</li>\n<li>two</li>\n</ul>"))
        XCTAssertTrue(html.contains("<pre class=\"source\"><code class=\"language-loss\">x = 1\nx\nprint(&quot;hi&quot;)</code></pre>"))
        XCTAssertTrue(html.contains("<pre class=\"output\">1\nhi\nthere</pre>"))
        // one escaper for HTML and SVG: quotes of both kinds become entities
        XCTAssertTrue(html.contains("<pre class=\"error\">error: unknown name &#39;bad&#39;\n  --&gt; demo.loss:9:1</pre>"))
        XCTAssertTrue(html.contains("<pre class=\"warning\">"))
        XCTAssertEqual(html.components(separatedBy: "<svg xmlns=").count - 1, 2)
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") && html.contains("<link"))   // self-contained: no stylesheets to fetch
    }

    /// Text cells render as GitHub does: expected values from cmark-gfm through Python's
    /// `cmarkgfm` (`github_flavored_markdown_to_html(md, options=CMARK_OPT_UNSAFE)`), except fenced
    /// code, where we keep CommonMark's `class="language-…"` (that helper adds `<pre lang>`).
    func testMarkdownIsGitHubFlavored() {
        XCTAssertEqual(GFM.html("## A *b* **c**"), "<h2>A <em>b</em> <strong>c</strong></h2>\n")
        XCTAssertEqual(GFM.html("1. x\n2. y"), "<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n")
        XCTAssertEqual(GFM.html("> q"), "<blockquote>\n<p>q</p>\n</blockquote>\n")
        XCTAssertEqual(GFM.html("```loss\na < b\n```"), "<pre><code class=\"language-loss\">a &lt; b\n</code></pre>\n")
        XCTAssertEqual(GFM.html("| a | b |\n|---|---|\n| 1 | 2 |"),
                       "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n")
        XCTAssertEqual(GFM.html("    x = 1\n    y = 2"), "<pre><code>x = 1\ny = 2\n</code></pre>\n")   // indented code
        XCTAssertEqual(GFM.html("snake_case_name <b>bold</b>"), "<p>snake_case_name <b>bold</b></p>\n")   // inline HTML
        XCTAssertEqual(GFM.html("---"), "<hr />\n")
        XCTAssertEqual(GFM.html("<script>alert(1)</script>"), "&lt;script>alert(1)&lt;/script>\n")   // GitHub's tag filter
        XCTAssertEqual(GFM.html("~~gone~~ www.example.com"), "<p><del>gone</del> <a href=\"http://www.example.com\">www.example.com</a></p>\n")
        XCTAssertEqual(GFM.html("- [x] done"), "<ul>\n<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> done</li>\n</ul>\n")
        // script URLs are disarmed (cmarkgfm keeps them with the unsafe option; GitHub's sanitiser drops them)
        XCTAssertEqual(GFM.html("[x](javascript:alert(1)) ![i](data:image/png;base64,AA)"),
                       "<p><a href=\"#\">x</a> <img src=\"data:image/png;base64,AA\" alt=\"i\" /></p>\n")
    }

    func testIpynbStructure() throws {
        let text = IpynbRenderer.render(RenderTests.doc)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(json["nbformat"] as? Int, 4)
        XCTAssertEqual(json["nbformat_minor"] as? Int, 5)
        let meta = try XCTUnwrap(json["metadata"] as? [String: Any])
        XCTAssertEqual((meta["kernelspec"] as? [String: Any])?["name"] as? String, "loss")
        let cells = try XCTUnwrap(json["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 4)
        XCTAssertEqual(cells.compactMap { $0["id"] as? String }, ["cell-1", "cell-2", "cell-3", "cell-4"])
        XCTAssertEqual(cells.map { $0["cell_type"] as? String }, ["markdown", "code", "code", "code"])
        XCTAssertEqual(Set(cells[1].keys), ["cell_type", "execution_count", "id", "metadata", "outputs", "source"])
        XCTAssertEqual(Set(cells[0].keys), ["cell_type", "id", "metadata", "source"])
        XCTAssertEqual(cells[1]["source"] as? [String], ["x = 1\n", "x\n", "print(\"hi\")"])
        XCTAssertEqual((cells[1]["metadata"] as? [String: Any])?["title"] as? String, "Setup")
        let o1 = try XCTUnwrap(cells[1]["outputs"] as? [[String: Any]])
        XCTAssertEqual(o1.map { $0["output_type"] as? String }, ["execute_result", "stream"])
        XCTAssertEqual((o1[0]["data"] as? [String: Any])?["text/plain"] as? [String], ["1"])
        XCTAssertEqual(o1[0]["execution_count"] as? Int, 1)
        XCTAssertEqual(o1[1]["name"] as? String, "stdout")
        XCTAssertEqual(o1[1]["text"] as? [String], ["hi\n", "there\n"])
        let o2 = try XCTUnwrap(cells[2]["outputs"] as? [[String: Any]])
        XCTAssertEqual(o2.map { $0["output_type"] as? String }, ["display_data", "display_data", "execute_result", "error"])
        let svgLines = try XCTUnwrap((o2[0]["data"] as? [String: Any])?["image/svg+xml"] as? [String])
        XCTAssertEqual(svgLines.joined(), SVGRenderer.render(RenderTests.plot))
        XCTAssertEqual((o2[0]["data"] as? [String: Any])?["text/plain"] as? [String], ["<plot \"line\">"])
        XCTAssertEqual(o2[3]["ename"] as? String, "error")
        XCTAssertEqual(o2[3]["evalue"] as? String, "unknown name 'bad'")
        XCTAssertEqual(o2[3]["traceback"] as? [String], ["error: unknown name 'bad'", "  --> demo.loss:9:1"])
        let o3 = try XCTUnwrap(cells[3]["outputs"] as? [[String: Any]])
        XCTAssertEqual(o3.first?["name"] as? String, "stderr")
        // written as nbformat writes it: sorted keys, one-space indent, trailing newline
        XCTAssertTrue(text.hasPrefix("{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",\n   \"id\": \"cell-1\",\n   \"metadata\": {},\n"))
        XCTAssertTrue(text.hasSuffix("\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"))
    }

    func testJSONQuotingMatchesPython() {
        // json.dumps('a"b\\\n\x01é\t', ensure_ascii=False) == '"a\\"b\\\\\\n\\u0001é\\t"'
        XCTAssertEqual(Display.jsonString("a\"b\\\n\u{01}é\t"), "\"a\\\"b\\\\\\n\\u0001é\\t\"")
        // json.dumps('\b\f\x1f') == '"\\b\\f\\u001f"'
        XCTAssertEqual(Display.jsonString("\u{08}\u{0C}\u{1F}"), "\"\\b\\f\\u001f\"")
        XCTAssertEqual(JSONValue.array([]).serialized(), "[]")
        XCTAssertEqual(JSONValue.object(["b": .int(1), "a": .array([.null, .bool(true)])]).serialized(),
                       "{\n \"a\": [\n  null,\n  true\n ],\n \"b\": 1\n}")
    }

    func testDocumentFromRun() {
        let text = """
        # %% [markdown]
        # Intro

        # %% Compute
        x = 2
        x * 3
        #> 6
        nosuch
        # %%

        """
        let script = PercentScript(text)
        let (runs, interrupted) = ScriptRunner.run(script, file: "d.loss", session: Session())
        XCTAssertFalse(interrupted)
        let doc = NotebookDocument(name: "d.loss", script: script, runs: runs)
        XCTAssertEqual(doc.cells.count, 2)   // the empty last cell is left out
        guard case .code(let source, let outputs, let n) = doc.cells[1].kind else { return XCTFail("code cell") }
        XCTAssertEqual(source, "x = 2\nx * 3\nnosuch")   // #> lines are not shown: the outputs are
        XCTAssertEqual(n, 1)
        XCTAssertEqual(outputs.count, 2)
        if case .text(let t) = outputs[0] { XCTAssertEqual(t, "6") } else { XCTFail("value") }
        if case .error(_, let rendered) = outputs[1] {
            XCTAssertTrue(rendered.contains("--> d.loss:8:1"), rendered)   // file line numbers
            XCTAssertTrue(rendered.contains("8 | nosuch"), rendered)
        } else { XCTFail("error") }
    }
}
