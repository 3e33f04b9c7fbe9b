import Foundation
import LossCore
import LossLang
import LossNotebook

/// Where the kernel's messages go: replies on the channel of their request, broadcasts on
/// iopub. `KernelServer` sends them over ZeroMQ; tests record them.
public protocol MessageSink: AnyObject {
    func send(_ message: Message, on channel: Channel)
}

/// The Jupyter messaging protocol 5.3 over one `Session` (docs/reference.md §8), without sockets:
/// `handle` takes a decoded request and sends its replies and iopub messages to the sink.
///
/// Shell requests (execute, complete, inspect, is_complete, history, comm_info, kernel_info) are
/// handled one at a time on the shell thread. Control requests (interrupt, shutdown, kernel_info)
/// may arrive on another thread while a cell runs: they touch no session state —
/// interrupt sets `Interrupt.requested`, which the interpreter polls, as the REPL's Ctrl-C does.
public final class KernelCore {
    public static let protocolVersion = "5.3"

    public let session: Session
    let sink: MessageSink
    /// The `loss` version (`0.1.0`).
    public let version: String
    /// The header's `session` of every message the kernel sends.
    public let kernelSessionID = UUID().uuidString.lowercased()
    /// The number the next counted cell gets: cells are numbered as the REPL numbers its prompts.
    public private(set) var executionCount = 1
    public private(set) var history = KernelHistory()
    /// Called after the reply to `shutdown_request` was sent; the argument is `restart`.
    public var onShutdown: (Bool) -> Void = { _ in }
    /// The shell requests that have arrived but are not handled yet, taken off the queue
    /// (the server reads its socket without waiting). When a cell fails with `stop_on_error`,
    /// these are the cells queued behind it, which the front end sent before it saw the error:
    /// they are answered `aborted`, as ipykernel does, and everything else in the queue is
    /// handled as usual.
    public var takeQueuedRequests: () -> [Message] = { [] }
    var queuedBehindError: [Message] = []

    public init(session: Session, sink: MessageSink, version: String) {
        self.session = session
        self.sink = sink
        self.version = version
    }

    // MARK: - Messages

    static let dateFormatter: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    static let dateLock = NSLock()

    func header(_ type: String) -> JSON {
        KernelCore.dateLock.lock()
        let date = KernelCore.dateFormatter.string(from: Date())
        KernelCore.dateLock.unlock()
        return ["msg_id": .string(UUID().uuidString.lowercased()), "username": "loss", "session": .string(kernelSessionID),
                "date": .string(date), "msg_type": .string(type), "version": .string(KernelCore.protocolVersion)]
    }

    /// A message of `type` in answer to `parent`.
    public func message(_ type: String, content: JSON, parent: Message?, identities: [[UInt8]] = []) -> Message {
        Message(identities: identities, header: header(type), parentHeader: parent?.header ?? [:], metadata: [:], content: content)
    }

    func reply(_ request: Message, _ content: JSON, on channel: Channel) {
        let type = request.type.hasSuffix("_request") ? String(request.type.dropLast(8)) + "_reply" : request.type + "_reply"
        sink.send(message(type, content: content, parent: request, identities: request.identities), on: channel)
    }

    func publish(_ type: String, _ content: JSON, parent: Message?) {
        let topic = Array("kernel.\(kernelSessionID).\(type)".utf8)
        sink.send(message(type, content: content, parent: parent, identities: [topic]), on: .iopub)
    }

    func status(_ state: String, parent: Message?) {
        publish("status", ["execution_state": .string(state)], parent: parent)
    }

    /// `status: starting`, sent once when the kernel's sockets are up.
    public func announceStarting() { status("starting", parent: nil) }

    func log(_ s: String) {
        FileHandle.standardError.write(Data("loss kernel: \(s)\n".utf8))
    }

    /// Handles one request received on `channel` (shell or control); busy and idle bracket it on iopub.
    public func handle(_ request: Message, on channel: Channel) {
        let type = request.type
        let known: Set<String> = channel == .control
            ? ["kernel_info_request", "shutdown_request", "interrupt_request"]
            : ["kernel_info_request", "execute_request", "complete_request", "inspect_request", "is_complete_request",
               "history_request", "comm_info_request", "connect_request", "shutdown_request"]
        guard known.contains(type) else {
            if type.hasPrefix("comm_") { return }   // no comm targets: messages to comms are ignored
            log("ignored \(type.isEmpty ? "a message without a type" : type) on \(channel.rawValue)")
            return
        }
        status("busy", parent: request)
        dispatch(request, type: type, on: channel)
        status("idle", parent: request)
        // the requests queued behind a failed cell (shell state: only on the shell thread)
        while channel == .shell, !queuedBehindError.isEmpty {
            let next = queuedBehindError.removeFirst()
            if next.type == "execute_request" {
                status("busy", parent: next)
                reply(next, ["status": "aborted", "execution_count": .int(executionCount - 1)], on: .shell)
                status("idle", parent: next)
            } else {
                handle(next, on: .shell)
            }
        }
    }

    func dispatch(_ request: Message, type: String, on channel: Channel) {
        switch type {
        case "kernel_info_request": reply(request, kernelInfo, on: channel)
        case "execute_request": execute(request)
        case "complete_request": reply(request, complete(request.content), on: channel)
        case "inspect_request": reply(request, inspect(request.content), on: channel)
        case "is_complete_request": reply(request, isComplete(request.content["code"]?.string ?? ""), on: channel)
        case "history_request": reply(request, history.reply(request.content), on: channel)
        case "comm_info_request": reply(request, ["status": "ok", "comms": [:]], on: channel)
        case "connect_request": reply(request, ["status": "ok"], on: channel)
        case "interrupt_request":
            Interrupt.requested = true
            reply(request, ["status": "ok"], on: channel)
        case "shutdown_request":
            let restart = request.content["restart"]?.bool ?? false
            Interrupt.requested = true   // stop a running cell
            let content: JSON = ["status": "ok", "restart": .bool(restart)]
            reply(request, content, on: channel)
            publish("shutdown_reply", content, parent: request)
            onShutdown(restart)
        default: break
        }
    }

    // MARK: - kernel_info

    public var kernelInfo: JSON {
        [
            "status": "ok",
            "protocol_version": .string(KernelCore.protocolVersion),
            "implementation": "loss",
            "implementation_version": .string(version),
            "language_info": [
                "name": "loss",
                "version": .string(version),
                "mimetype": "text/x-loss",
                "file_extension": ".loss",
                // no highlighter knows loss; Julia's is the nearest (`#` comments, `[1, 2; 3, 4]`,
                // `x'`, `->`, `|>`), for jupyter console, nbconvert and JupyterLab
                "pygments_lexer": "julia",
                "codemirror_mode": "julia",
            ],
            "banner": .string("loss \(version) — the loss functions of machine learning, float64 like PyTorch.\n"
                              + "?name shows a built-in's help, Tab completes, help() lists the built-ins."),
            "help_links": [],
            "debugger": false,
        ]
    }

    // MARK: - execute

    /// `?name`, `name?` or a lone `?`, as in the REPL.
    static func helpRequest(_ code: String) -> String? {
        let s = code.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.contains("\n") else { return nil }
        if s.hasPrefix("?") { return String(s.dropFirst()).trimmingCharacters(in: .whitespaces) }
        if s.hasSuffix("?") {
            let name = String(s.dropLast()).trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.unicodeScalars.allSatisfy(KernelCore.isIdentifierPart) { return name }
        }
        return nil
    }

    func execute(_ request: Message) {
        let c = request.content
        let code = c["code"]?.string ?? ""
        let silent = c["silent"]?.bool ?? false
        let storeHistory = silent ? false : (c["store_history"]?.bool ?? true)
        let stopOnError = c["stop_on_error"]?.bool ?? true
        let help = KernelCore.helpRequest(code)
        let blank = code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        // numbered like the REPL's prompts: every input that runs code, not help or empty input
        let counted = storeHistory && !blank && help == nil
        let n = executionCount
        if !silent { publish("execute_input", ["code": .string(code), "execution_count": .int(n)], parent: request) }
        if counted { executionCount += 1 }
        let replyCount = counted ? n : n - 1

        if let name = help {
            let (payload, error) = helpPayload(name)
            if let e = error {
                if !silent { publish("error", e, parent: request) }
                var content = e
                content.set("status", "error")
                content.set("execution_count", .int(replyCount))
                reply(request, content, on: .shell)
            } else {
                reply(request, ["status": "ok", "execution_count": .int(replyCount), "payload": .array(payload.map { [$0] } ?? []),
                                "user_expressions": [:]], on: .shell)
            }
            return
        }

        var plainResults: [String] = []
        let previous = session.onOutput
        session.onOutput = { [unowned self] event in
            switch event {
            case .value(let v, _):
                if case .none = v { return }
                if case .plot(let p) = v {
                    if !silent { self.publish("display_data", ["data": KernelCore.plotBundle(p), "metadata": [:], "transient": [:]], parent: request) }
                } else {
                    let text = self.session.format(v)
                    plainResults.append(text)
                    var data: JSON = ["text/plain": .string(text)]
                    if let html = ValueHTML.html(v, precision: self.session.precision) { data.set("text/html", .string(html)) }
                    if !silent { self.publish("execute_result", ["execution_count": .int(replyCount), "data": data, "metadata": [:]], parent: request) }
                }
            case .print(let text, _):
                if !silent { self.publish("stream", ["name": "stdout", "text": .string(text + "\n")], parent: request) }
            case .warning(let text, _):
                if !silent { self.publish("stream", ["name": "stderr", "text": .string("warning: \(text)\n")], parent: request) }
            }
        }
        defer { session.onOutput = previous }

        // The cell runs as `loss notebook` runs a cell: one top-level statement (with its
        // continuation lines) at a time, an error being that statement's output and the run
        // going on with the next; an interrupt stops the cell. `#>` lines are comments.
        let file = "In[\(replyCount)]"
        let script = PercentScript(code)
        var firstError: JSON? = nil
        Interrupt.requested = false
        run: for cell in script.cells where cell.kind == .code {
            for st in script.statements(cell, needsMoreInput: session.needsMoreInput) {
                let source = script.source(of: st)
                var error: LangError?
                if Interrupt.requested {
                    Interrupt.requested = false
                    error = LangError(.interrupt, "interrupted")
                } else {
                    error = session.run(source, file: file)
                }
                guard var e = error else { continue }
                if e.file.isEmpty { e.file = file }
                let content = KernelCore.errorContent(e, source: script.text)
                if !silent { publish("error", content, parent: request) }
                if firstError == nil { firstError = content }
                if e.kind == .interrupt { break run }
            }
        }
        Interrupt.requested = false
        if counted { history.append(line: n, input: code, output: plainResults.isEmpty ? nil : plainResults.joined(separator: "\n")) }

        if var content = firstError {
            content.set("status", "error")
            content.set("execution_count", .int(replyCount))
            // what was queued before the front end could see this error
            if stopOnError && !silent { queuedBehindError = takeQueuedRequests() }
            reply(request, content, on: .shell)
        } else {
            reply(request, ["status": "ok", "execution_count": .int(replyCount), "payload": [], "user_expressions": [:]], on: .shell)
        }
    }

    /// The `error` content of a failed statement: `ename` "error" and `evalue` the message, as
    /// `loss notebook` writes them in `.ipynb`; the traceback is the diagnostic with its caret,
    /// in ANSI colours as IPython's tracebacks are.
    static func errorContent(_ e: LangError, source: String) -> JSON {
        let plain = Diagnostics.render(e, source: source, color: false)
        let first = plain.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "error: \(e.message)"
        let message = first.hasPrefix("error: ") ? String(first.dropFirst(7)) : e.message
        var colored = Diagnostics.render(e, source: source, color: true)
        if colored.hasSuffix("\n") { colored.removeLast() }
        let lines = colored.split(separator: "\n", omittingEmptySubsequences: false).map { JSON.string(String($0)) }
        return ["ename": "error", "evalue": .string(message), "traceback": .array(lines)]
    }

    /// A plot's `display_data`: the SVG `loss notebook` writes, and a text stand-in.
    static func plotBundle(_ p: Plot) -> JSON {
        let plain = "<plot" + (p.title.map { " " + Display.quote($0) } ?? "") + ">"
        return ["image/svg+xml": .string(SVGRenderer.render(p)), "text/plain": .string(plain)]
    }

    /// `?name`: IPython's pager payload with the help text, or the REPL's unknown-name error.
    func helpPayload(_ name: String) -> (JSON?, JSON?) {
        let text: String?
        if name.isEmpty {
            text = "?NAME or NAME? shows the help of a built-in or of your function; help() lists the built-ins.\n"
                + "Tab completes names and keyword arguments; Shift-Tab (or inspect) shows the help under the cursor."
        } else {
            text = session.help(name)
        }
        guard let text else {
            let known = Registry.standard.names + session.userBindings.map(\.name)
            let hint = Diagnostics.suggest(name, among: known).map { "did you mean '\($0)'?" } ?? "help() lists the built-ins"
            return (nil, KernelCore.errorContent(LangError(.name, "unknown name '\(name)'", hint: hint), source: ""))
        }
        var data: JSON = ["text/plain": .string(text)]
        data.set("text/markdown", .string(helpMarkdown(name, text: text)))
        return (["source": "page", "data": data, "start": 0], nil)
    }

    // MARK: - complete

    @inline(__always) static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c) || c.properties.generalCategory == .decimalNumber
    }

    /// `cursor_pos` (Unicode code points, protocol 5.2+) clamped to the code.
    static func scalars(_ code: String, cursor: Int?) -> (scalars: [Unicode.Scalar], cursor: Int) {
        let s = Array(code.unicodeScalars)
        let c = Swift.max(0, Swift.min(cursor ?? s.count, s.count))
        return (s, c)
    }

    /// The REPL's Tab completion (`Session.completions`): names, a call's keyword parameters,
    /// record fields. The matches replace the identifier that ends at the cursor.
    func complete(_ content: JSON) -> JSON {
        let code = content["code"]?.string ?? ""
        let (s, cursor) = KernelCore.scalars(code, cursor: content["cursor_pos"]?.int)
        let before = String(String.UnicodeScalarView(s[0..<cursor]))
        let matches = session.completions(line: code, cursor: before.utf8.count)
        var start = cursor
        while start > 0, KernelCore.isIdentifierPart(s[start - 1]) { start -= 1 }
        let types: [JSON] = matches.map { m in
            ["start": .int(start), "end": .int(cursor), "text": .string(m), "type": .string(completionType(m))]
        }
        return ["status": "ok", "matches": .array(matches.map(JSON.string)), "cursor_start": .int(start), "cursor_end": .int(cursor),
                "metadata": ["_jupyter_types_experimental": .array(types)]]
    }

    func completionType(_ m: String) -> String {
        if m.hasSuffix(":") { return "param" }
        if completionKeywords.contains(m) { return "keyword" }
        if session.parameterNames(of: m) != nil { return "function" }
        return "instance"
    }

    // MARK: - inspect

    /// The name under (or just before) the cursor; when there is none, the callee of the call
    /// the cursor is in (`focal(p, |` inspects `focal`).
    static func nameAt(_ code: String, cursor: Int?) -> String? {
        let (s, c) = scalars(code, cursor: cursor)
        var a = c, b = c
        while a > 0, isIdentifierPart(s[a - 1]) { a -= 1 }
        while b < s.count, isIdentifierPart(s[b]) { b += 1 }
        if a < b, !("0"..."9").contains(s[a]) { return String(String.UnicodeScalarView(s[a..<b])) }
        // the innermost open parenthesis before the cursor
        var depth = 0
        var i = c - 1
        while i >= 0 {
            let ch = s[i]
            if ch == ")" { depth += 1 } else if ch == "(" {
                if depth == 0 {
                    var e = i
                    while e > 0, s[e - 1] == " " { e -= 1 }
                    var f = e
                    while f > 0, isIdentifierPart(s[f - 1]) { f -= 1 }
                    return f < e ? String(String.UnicodeScalarView(s[f..<e])) : nil
                }
                depth -= 1
            } else if ch == "\n" && depth == 0 {
                return nil
            }
            i -= 1
        }
        return nil
    }

    /// The help entry of the name at the cursor (`Session.help`), as text and Markdown.
    func inspect(_ content: JSON) -> JSON {
        let code = content["code"]?.string ?? ""
        guard let name = KernelCore.nameAt(code, cursor: content["cursor_pos"]?.int), let text = session.help(name) else {
            return ["status": "ok", "found": false, "data": [:], "metadata": [:]]
        }
        return ["status": "ok", "found": true,
                "data": ["text/plain": .string(text), "text/markdown": .string(helpMarkdown(name, text: text))],
                "metadata": [:]]
    }

    /// Markdown of a help entry: a built-in's signature, summary, formula, parameters,
    /// reference and example from its registry entry; anything else as preformatted text.
    func helpMarkdown(_ name: String, text: String) -> String {
        guard let b = Registry.standard[name] else { return "```\n\(text)\n```" }
        func md(_ s: String) -> String {
            var o = ""
            for ch in s { if "\\`*_[]<>|".contains(ch) { o.append("\\") }; o.append(ch) }
            return o
        }
        var o = "```loss\n\(b.signature)\n```\n\n"
        if !b.aliases.isEmpty { o += "Also: " + b.aliases.map { "`\($0)`" }.joined(separator: ", ") + "\n\n" }
        o += md(b.summary) + "\n\n"
        if let f = b.formula { o += "```\n\(f)\n```\n\n" }
        let documented = b.params.filter { !$0.doc.isEmpty }
        if !documented.isEmpty {
            o += "**Parameters**\n\n"
            for p in documented {
                let def = p.defaultValue.map { " (default `\(Display.literal($0))`)" } ?? ""
                o += "- `\(p.name)`: \(md(p.doc))\(def)\n"
            }
            o += "\n"
        }
        if let n = b.notes { o += "**Notes**\n\n" + md(n).replacingOccurrences(of: "\n", with: "  \n") + "\n\n" }
        if let r = b.reference { o += "**Reference**\n\n" + md(r).replacingOccurrences(of: "\n", with: "  \n") + "\n\n" }
        o += "**Example**\n\n```loss\n\(b.example)\n```\n```\n\(b.exampleOutput)\n```\n"
        return o
    }

    // MARK: - is_complete

    /// The REPL's continuation rule (`Session.needsMoreInput`): an open bracket or brace, a
    /// trailing operator or comma is `incomplete` (with the indent of the next line); code that
    /// does not parse otherwise is `invalid`.
    func isComplete(_ code: String) -> JSON {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || KernelCore.helpRequest(code) != nil { return ["status": "complete"] }
        if session.needsMoreInput(code) { return ["status": "incomplete", "indent": .string(KernelCore.nextIndent(code))] }
        do {
            _ = try Parser.parse(code)
            return ["status": "complete"]
        } catch {
            return ["status": "invalid"]
        }
    }

    /// The indentation of the last line, four spaces deeper after an opening bracket.
    static func nextIndent(_ code: String) -> String {
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        guard let last = lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return "" }
        let lead = String(last.prefix { $0 == " " || $0 == "\t" })
        let t = last.trimmingCharacters(in: .whitespaces)
        if let c = t.last, "{([".contains(c) { return lead + "    " }
        return lead
    }
}
