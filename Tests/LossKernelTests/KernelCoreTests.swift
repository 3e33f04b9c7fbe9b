import XCTest
import LossLang
import LossNotebook
@testable import LossKernel

/// Records what the kernel sends (the sockets' stand-in).
final class RecordingSink: MessageSink, @unchecked Sendable {
    private let lock = NSLock()
    private var sent: [(Message, Channel)] = []
    func send(_ message: Message, on channel: Channel) {
        lock.lock(); sent.append((message, channel)); lock.unlock()
    }
    var all: [(Message, Channel)] { lock.lock(); defer { lock.unlock() }; return sent }
    func clear() { lock.lock(); sent = []; lock.unlock() }
    func iopub(_ type: String) -> [JSON] { all.filter { $0.1 == .iopub && $0.0.type == type }.map(\.0.content) }
    var iopubTypes: [String] { all.filter { $0.1 == .iopub }.map(\.0.type) }
    func replies(on channel: Channel = .shell) -> [Message] { all.filter { $0.1 == channel }.map(\.0) }
}

/// The message handling of the kernel, driven without sockets: requests in, replies and
/// iopub messages out, through the same Session the REPL and notebooks use.
final class KernelCoreTests: XCTestCase {
    var sink: RecordingSink!
    var core: KernelCore!

    override func setUp() {
        LossNotebook.install()
        sink = RecordingSink()
        core = KernelCore(session: Session(), sink: sink, version: "0.1.0")
    }

    func request(_ type: String, _ content: JSON = [:]) -> Message {
        Message(identities: [Array("client".utf8)],
                header: ["msg_id": .string("req-\(type)"), "session": "client-session", "username": "test",
                         "date": "2024-01-01T00:00:00.000Z", "msg_type": .string(type), "version": "5.3"],
                content: content)
    }

    /// Runs a cell; returns its reply content.
    @discardableResult
    func execute(_ code: String, _ extra: [(String, JSON)] = []) -> JSON {
        sink.clear()
        var content: JSON = ["code": .string(code), "silent": false, "store_history": true, "user_expressions": [:],
                             "allow_stdin": false, "stop_on_error": false]
        for (k, v) in extra { content.set(k, v) }
        core.handle(request("execute_request", content), on: .shell)
        let replies = sink.replies()
        XCTAssertEqual(replies.count, 1)
        return replies.last?.content ?? [:]
    }

    func results() -> [String] { sink.iopub("execute_result").compactMap { $0["data"]?["text/plain"]?.string } }

    func testKernelInfo() {
        core.handle(request("kernel_info_request"), on: .shell)
        let reply = sink.replies()[0]
        XCTAssertEqual(reply.type, "kernel_info_reply")
        XCTAssertEqual(reply.identities, [Array("client".utf8)])
        XCTAssertEqual(reply.parentHeader["msg_id"]?.string, "req-kernel_info_request")
        XCTAssertEqual(reply.header["version"]?.string, "5.3")
        XCTAssertEqual(reply.header["session"]?.string, core.kernelSessionID)
        let c = reply.content
        XCTAssertEqual(c["protocol_version"]?.string, "5.3")
        XCTAssertEqual(c["implementation"]?.string, "loss")
        XCTAssertEqual(c["language_info"]?["name"]?.string, "loss")
        XCTAssertEqual(c["language_info"]?["file_extension"]?.string, ".loss")
        XCTAssertEqual(c["language_info"]?["mimetype"]?.string, "text/x-loss")
        XCTAssertTrue(c["banner"]?.string?.contains("0.1.0") == true)
        // busy, then idle, both answering the request
        XCTAssertEqual(sink.iopub("status").map { $0["execution_state"]?.string }, ["busy", "idle"])
        XCTAssertTrue(sink.all.filter { $0.1 == .iopub }.allSatisfy { $0.0.parentHeader["msg_id"]?.string == "req-kernel_info_request" })
    }

    func testExecuteStreamsResultsAndCounts() {
        let r1 = execute("x = 2\nx + 1\n#> 3\nprint(\"hello, world\")")
        XCTAssertEqual(r1["status"]?.string, "ok")
        XCTAssertEqual(r1["execution_count"]?.int, 1)
        XCTAssertEqual(sink.iopubTypes, ["status", "execute_input", "execute_result", "stream", "status"])
        XCTAssertEqual(sink.iopub("execute_input")[0]["code"]?.string, "x = 2\nx + 1\n#> 3\nprint(\"hello, world\")")
        XCTAssertEqual(sink.iopub("execute_input")[0]["execution_count"]?.int, 1)
        XCTAssertEqual(results(), ["3"])
        XCTAssertEqual(sink.iopub("execute_result")[0]["execution_count"]?.int, 1)
        XCTAssertEqual(sink.iopub("stream")[0]["name"]?.string, "stdout")
        XCTAssertEqual(sink.iopub("stream")[0]["text"]?.string, "hello, world\n")
        // bindings and ans carry across cells; the count goes on
        let r2 = execute("ans * x")
        XCTAssertEqual(r2["execution_count"]?.int, 2)
        XCTAssertEqual(results(), ["6"])
        XCTAssertEqual(core.executionCount, 3)
    }

    func testEveryDisplayedValueIsAResult() {
        execute("1\n2;\n[0.5, 0.25]")
        XCTAssertEqual(results(), ["1", "[0.5, 0.25]"])
    }

    func testMatricesAndRecordsHaveHTML() throws {
        execute("[1, 2.5; -3, 4]")
        let data = try XCTUnwrap(sink.iopub("execute_result").first?["data"])
        XCTAssertEqual(data["text/plain"]?.string, "2×2 tensor\n  1  2.5\n -3  4")
        XCTAssertEqual(data["text/html"]?.string,
                       "<div class=\"loss-tensor\">\n<div>2×2 tensor</div>\n<table>\n<tbody>\n"
                       + "<tr><td>1</td><td>2.5</td></tr>\n<tr><td>-3</td><td>4</td></tr>\n</tbody>\n</table>\n</div>")
        execute("(w: [0.5, -1], b: 0.25, name: \"a<b\")")
        let rec = try XCTUnwrap(sink.iopub("execute_result").first?["data"])
        XCTAssertEqual(rec["text/plain"]?.string, "(w: [0.5, -1], b: 0.25, name: \"a<b\")")
        let html = try XCTUnwrap(rec["text/html"]?.string)
        XCTAssertTrue(html.contains("<th style=\"text-align:left;vertical-align:top\">w</th><td style=\"text-align:left\"><code>[0.5, -1]</code></td>"), html)
        XCTAssertTrue(html.contains("<code>&quot;a&lt;b&quot;</code>"), html)
        execute("[0.5, 1]")
        XCTAssertNil(sink.iopub("execute_result").first?["data"]?["text/html"], "vectors are text only")
    }

    func testPlotsAreSVGDisplayData() throws {
        execute("plot(x -> x^2, 0, 1, title: \"square\")")
        XCTAssertEqual(sink.iopubTypes, ["status", "execute_input", "display_data", "status"])
        let data = try XCTUnwrap(sink.iopub("display_data").first?["data"])
        XCTAssertEqual(data["text/plain"]?.string, "<plot \"square\">")
        let svg = try XCTUnwrap(data["image/svg+xml"]?.string)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains(">square</text>"), String(svg.prefix(2000)))
    }

    func testErrorsCarryTheCaretAndTheRunGoesOn() throws {
        let r = execute("y = 1\nfocal([0.9, 0.2], [1, 0, 1])\ny + 1")
        XCTAssertEqual(r["status"]?.string, "error")
        XCTAssertEqual(r["execution_count"]?.int, 1)
        XCTAssertEqual(r["ename"]?.string, "error")
        let evalue = try XCTUnwrap(r["evalue"]?.string)
        XCTAssertTrue(evalue.hasPrefix("focal: "), evalue)
        // the error, then the next statement's result, as `loss notebook` shows a cell
        XCTAssertEqual(sink.iopubTypes, ["status", "execute_input", "error", "execute_result", "status"])
        XCTAssertEqual(results(), ["2"])
        let tb = try XCTUnwrap(sink.iopub("error").first?["traceback"]?.array?.compactMap(\.string))
        let plain = tb.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        XCTAssertEqual(plain[0], "error: \(evalue)")
        XCTAssertEqual(plain[1], "  --> In[1]:2:1")
        XCTAssertEqual(plain[3], " 2 | focal([0.9, 0.2], [1, 0, 1])")
        XCTAssertEqual(plain[4], "   | " + String(repeating: "^", count: "focal([0.9, 0.2], [1, 0, 1])".count))
        XCTAssertTrue(tb[0].hasPrefix("\u{1B}[1;31merror"), "ANSI colours as IPython's tracebacks")
    }

    func testSyntaxErrorIsOneErrorMessage() {
        let r = execute("1 +* 2")
        XCTAssertEqual(r["status"]?.string, "error")
        XCTAssertEqual(sink.iopubTypes, ["status", "execute_input", "error", "status"])
    }

    func testWarningsGoToStderr() {
        execute("mse = 3")
        let streams = sink.iopub("stream")
        XCTAssertEqual(streams.first?["name"]?.string, "stderr")
        XCTAssertTrue(streams.first?["text"]?.string?.hasPrefix("warning: ") == true)
    }

    func testStopOnErrorAbortsTheCellsQueuedBehindTheError() {
        // what the front end sent before it saw the error: two cells and a completion
        var queued = [request("execute_request", ["code": "1 + 1"]), request("complete_request", ["code": "foc", "cursor_pos": 3]),
                      request("execute_request", ["code": "2 + 2"])]
        queued[2].header.set("msg_id", "third")
        var taken = 0
        core.takeQueuedRequests = { taken += 1; defer { queued = [] }; return queued }
        sink.clear()
        core.handle(request("execute_request", ["code": "nope", "stop_on_error": true]), on: .shell)
        XCTAssertEqual(taken, 1)
        let replies = sink.replies()
        XCTAssertEqual(replies.map(\.type), ["execute_reply", "execute_reply", "complete_reply", "execute_reply"])
        XCTAssertEqual(replies.map { $0.content["status"]?.string }, ["error", "aborted", "ok", "aborted"])
        XCTAssertEqual(replies[3].parentHeader["msg_id"]?.string, "third")
        XCTAssertTrue(results().isEmpty, "aborted cells do not run")
        XCTAssertEqual(sink.iopub("status").map { $0["execution_state"]?.string }, Array(repeating: ["busy", "idle"], count: 4).flatMap { $0 })
        // the queue is not looked at for a cell that succeeds, or fails without stop_on_error
        XCTAssertEqual(execute("1 + 1")["status"]?.string, "ok")
        execute("nope", [("stop_on_error", false)])
        XCTAssertEqual(taken, 1)
        XCTAssertEqual(execute("3")["status"]?.string, "ok")
    }

    func testSilentAndStoreHistory() {
        let r = execute("z = 5\nz", [("silent", true)])
        XCTAssertEqual(r["status"]?.string, "ok")
        XCTAssertEqual(sink.iopubTypes, ["status", "status"])
        XCTAssertEqual(r["execution_count"]?.int, 0)
        XCTAssertEqual(core.executionCount, 1, "silent cells are not counted")
        execute("z", [("store_history", false)])
        XCTAssertEqual(results(), ["5"])
        XCTAssertEqual(core.executionCount, 1)
        XCTAssertTrue(core.history.entries.isEmpty)
        // blank cells are not counted either, as the REPL's empty lines
        execute("   \n")
        XCTAssertEqual(core.executionCount, 1)
        execute("# only a comment")
        XCTAssertEqual(core.executionCount, 2)
    }

    func testHelpRequestIsAPagerPayload() throws {
        let r = execute("?focal")
        XCTAssertEqual(r["status"]?.string, "ok")
        XCTAssertEqual(r["execution_count"]?.int, 0, "help is not a counted cell, as in the REPL")
        let payload = try XCTUnwrap(r["payload"]?.array?.first)
        XCTAssertEqual(payload["source"]?.string, "page")
        XCTAssertEqual(payload["data"]?["text/plain"]?.string, core.session.help("focal"))
        XCTAssertTrue(payload["data"]?["text/markdown"]?.string?.hasPrefix("```loss\nfocal(p, y, gamma: 2") == true)
        XCTAssertEqual(execute("mse?")["payload"]?.array?.first?["data"]?["text/plain"]?.string, core.session.help("mse"))
        let e = execute("?focl")
        XCTAssertEqual(e["status"]?.string, "error")
        XCTAssertEqual(e["evalue"]?.string, "unknown name 'focl'")
        XCTAssertTrue(e["traceback"]?.array?.contains { $0.string?.contains("did you mean 'focal'?") == true } == true)
    }

    func testComplete() throws {
        func complete(_ code: String, _ cursor: Int? = nil) -> JSON {
            sink.clear()
            var c: JSON = ["code": .string(code)]
            c.set("cursor_pos", .int(cursor ?? code.unicodeScalars.count))
            core.handle(request("complete_request", c), on: .shell)
            return sink.replies()[0].content
        }
        let kw = complete("focal(p, y, ga")
        XCTAssertEqual(kw["matches"]?.array?.compactMap(\.string), ["gamma:"])
        XCTAssertEqual(kw["cursor_start"]?.int, 12)
        XCTAssertEqual(kw["cursor_end"]?.int, 14)
        XCTAssertEqual(kw["metadata"]?["_jupyter_types_experimental"]?.array?.first?["type"]?.string, "param")
        let names = try XCTUnwrap(complete("foc")["matches"]?.array?.compactMap(\.string))
        XCTAssertTrue(names.contains("focal"), "\(names)")
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("foc") })
        // user names and record fields; cursor positions count Unicode code points
        execute("γ_rate = 2\nfit = (weights: [1, 2], bias: 0)")
        let u = complete("y = γ_r")
        XCTAssertEqual(u["matches"]?.array?.compactMap(\.string), ["γ_rate"])
        XCTAssertEqual(u["cursor_start"]?.int, 4)
        XCTAssertEqual(u["cursor_end"]?.int, 7)
        XCTAssertEqual(complete("fit.w")["matches"]?.array?.compactMap(\.string), ["weights"])
        // the cursor in the middle of the code
        let mid = complete("focal(p, y, ga) + 1", 14)
        XCTAssertEqual(mid["matches"]?.array?.compactMap(\.string), ["gamma:"])
        XCTAssertEqual(complete("\"in a str")["matches"]?.array?.count, 0)
    }

    func testInspect() throws {
        func inspect(_ code: String, _ cursor: Int) -> JSON {
            sink.clear()
            core.handle(request("inspect_request", ["code": .string(code), "cursor_pos": .int(cursor), "detail_level": 0]), on: .shell)
            return sink.replies()[0].content
        }
        let r = inspect("focal", 3)
        XCTAssertEqual(r["found"]?.bool, true)
        XCTAssertEqual(r["data"]?["text/plain"]?.string, core.session.help("focal"))
        let md = try XCTUnwrap(r["data"]?["text/markdown"]?.string)
        XCTAssertTrue(md.contains("**Parameters**\n\n- `p`:"), md)
        XCTAssertTrue(md.contains("(default `2`)"), md)
        // inside a call's arguments: the callee
        XCTAssertEqual(inspect("l = focal(p, ", 13)["data"]?["text/plain"]?.string, core.session.help("focal"))
        XCTAssertEqual(inspect("nothing_here_at_all", 4)["found"]?.bool, false)
        execute("fn huber2(a, delta: 1) = a")
        let user = inspect("huber2(3)", 2)
        XCTAssertEqual(user["data"]?["text/plain"]?.string, "huber2(a, delta: 1)\n  a function you defined")
        XCTAssertEqual(user["data"]?["text/markdown"]?.string, "```\nhuber2(a, delta: 1)\n  a function you defined\n```")
    }

    func testIsComplete() {
        func status(_ code: String) -> JSON {
            sink.clear()
            core.handle(request("is_complete_request", ["code": .string(code)]), on: .shell)
            return sink.replies()[0].content
        }
        XCTAssertEqual(status("1 + 1")["status"]?.string, "complete")
        XCTAssertEqual(status("?focal")["status"]?.string, "complete")
        XCTAssertEqual(status("fn f(x) {"), ["status": "incomplete", "indent": "    "])
        XCTAssertEqual(status("focal(p,"), ["status": "incomplete", "indent": ""])
        XCTAssertEqual(status("for i in xs {\n    if i > 0 {"), ["status": "incomplete", "indent": "        "])
        XCTAssertEqual(status("x = 1 +")["status"]?.string, "incomplete")
        XCTAssertEqual(status("x = )")["status"]?.string, "invalid")
        XCTAssertEqual(status("1 +* 2")["status"]?.string, "invalid")
    }

    func testHistory() {
        execute("a = 1")
        execute("a + 1")
        execute("a + 1")
        execute("b = a * 3")
        func history(_ c: JSON) -> [JSON] {
            sink.clear()
            core.handle(request("history_request", c), on: .shell)
            return sink.replies()[0].content["history"]?.array ?? []
        }
        XCTAssertEqual(history(["output": false, "raw": true, "hist_access_type": "tail", "n": 2]),
                       [[1, 3, "a + 1"], [1, 4, "b = a * 3"]])
        XCTAssertEqual(history(["output": true, "raw": true, "hist_access_type": "tail", "n": 2]),
                       [[1, 3, ["a + 1", "2"]], [1, 4, ["b = a * 3", nil]]])
        XCTAssertEqual(history(["output": false, "raw": true, "hist_access_type": "range", "session": 0, "start": 2, "stop": 4]),
                       [[1, 2, "a + 1"], [1, 3, "a + 1"]])
        XCTAssertEqual(history(["output": false, "raw": true, "hist_access_type": "search", "pattern": "a +*"]).count, 2)
        XCTAssertEqual(history(["output": false, "raw": true, "hist_access_type": "search", "pattern": "a*", "unique": true]),
                       [[1, 1, "a = 1"], [1, 3, "a + 1"]])
        XCTAssertEqual(history(["output": false, "raw": true, "hist_access_type": "search", "pattern": "*", "n": 1]),
                       [[1, 4, "b = a * 3"]])
    }

    func testGlob() {
        func g(_ p: String, _ s: String) -> Bool { KernelHistory.glob(Array(p.unicodeScalars), Array(s.unicodeScalars)) }
        XCTAssertTrue(g("*", ""))
        XCTAssertTrue(g("a*c", "abbbc"))
        XCTAssertFalse(g("a*c", "abbbd"))
        XCTAssertTrue(g("?x", "γx"))
        XCTAssertTrue(g("[a-c]1", "b1"))
        XCTAssertFalse(g("[!a-c]1", "b1"))
        XCTAssertTrue(g("[1", "[1"))
        XCTAssertTrue(g("*focal*", "l = focal(p, y)"))
        XCTAssertFalse(g("focal", "l = focal(p, y)"))
    }

    func testCommInfoAndUnknownMessages() {
        core.handle(request("comm_info_request", [:]), on: .shell)
        XCTAssertEqual(sink.replies()[0].content, ["status": "ok", "comms": [:]])
        sink.clear()
        core.handle(request("comm_open", ["comm_id": "c", "target_name": "x", "data": [:]]), on: .shell)
        core.handle(request("wat_request"), on: .shell)
        core.handle(request("execute_request", ["code": "1"]), on: .control)
        XCTAssertTrue(sink.all.isEmpty, "no reply and nothing run")
    }

    func testShutdown() {
        var restarted: Bool? = nil
        core.onShutdown = { restarted = $0 }
        core.handle(request("shutdown_request", ["restart": true]), on: .control)
        XCTAssertEqual(restarted, true)
        XCTAssertEqual(sink.replies(on: .control).map(\.type), ["shutdown_reply"])
        XCTAssertEqual(sink.replies(on: .control)[0].content, ["status": "ok", "restart": true])
        XCTAssertEqual(sink.iopub("shutdown_reply").count, 1)
        Interrupt.requested = false
    }

    /// Interrupt from the control channel while a cell runs on another thread: the cell stops
    /// with an "interrupted" error and every binding is kept.
    func testInterruptStopsTheRunningCellAndKeepsBindings() throws {
        execute("i = 0")
        sink.clear()
        let done = expectation(description: "cell finished")
        let cell = request("execute_request", ["code": "while true { i = i + 1 }\n\"never\"", "silent": false, "store_history": true,
                                               "user_expressions": [:], "allow_stdin": false, "stop_on_error": false])
        Thread { self.core.handle(cell, on: .shell); done.fulfill() }.start()
        // wait until the loop runs, then interrupt as the control thread does
        let deadline = Date().addingTimeInterval(10)
        while sink.iopub("execute_input").isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.2)
        core.handle(request("interrupt_request"), on: .control)
        wait(for: [done], timeout: 10)
        XCTAssertEqual(sink.replies(on: .control).map(\.type), ["interrupt_reply"])
        let reply = try XCTUnwrap(sink.replies(on: .shell).last)
        XCTAssertEqual(reply.content["status"]?.string, "error")
        XCTAssertEqual(reply.content["evalue"]?.string, "interrupted")
        XCTAssertTrue(results().isEmpty, "the statement after the interrupted one does not run")
        execute("i > 100")
        XCTAssertEqual(results(), ["true"])
        XCTAssertFalse(Interrupt.requested)
    }
}
