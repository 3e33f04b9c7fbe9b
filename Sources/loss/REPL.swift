@preconcurrency import CReadline
import Foundation
import LossLang

/// The interactive REPL (docs/reference.md §1): a thin shell around `LossLang.Session`.
///
/// Prompts are numbered like notebook cells and kept short:
///
///     loss[1]> p = [0.9, 0.2]
///     loss[2]> focal(p, [1, 0],
///        ...>       gamma: 2)
///     0.00498967
///
/// The number counts the inputs that ran code (statements, `:load`, `:time`), as IPython's
/// `In [n]` does; the continuation prompt `...>` is right-aligned under the main one.
/// Colours (prompt, errors, warnings) only when `color` is true (stdout is a terminal).
///
/// - `?name` or `name?` shows help; `:help`, `:vars`, `:reset`, `:load FILE`, `:save FILE`,
///   `:time EXPR`, `:precision N`, `:quit` (any unique prefix works: `:q`, `:prec 4`).
/// - Tab completes names, `:` commands, keyword parameters inside a call (`gamma: `) and file
///   names inside a string or after `:load`/`:save`.
/// - History: `$LOSS_HISTORY` (default `~/.loss_history`, empty for none), one entry per line
///   entered, appended to the file at once.
/// - Ctrl-C clears the line (or drops a continued statement), or interrupts a running statement;
///   Ctrl-D on an empty line exits with status 0.
public struct REPL {
    public let session: Session
    public let color: Bool

    public init(session: Session, color: Bool) {
        self.session = session
        self.color = color
    }

    /// Runs until Ctrl-D or `:quit`; returns the exit status (0).
    public func run() -> Int32 {
        REPLLoop(session: session, color: color).run()
    }
}

/// A `:` command of the REPL.
struct REPLCommand {
    let name: String
    let argument: String
    let summary: String
    let takesFile: Bool

    static let all: [REPLCommand] = [
        REPLCommand(name: "help", argument: "[NAME]", summary: "this list, or the help of NAME (same as ?NAME)", takesFile: false),
        REPLCommand(name: "vars", argument: "", summary: "your bindings", takesFile: false),
        REPLCommand(name: "reset", argument: "", summary: "forget every binding", takesFile: false),
        REPLCommand(name: "load", argument: "FILE", summary: "run a .loss script in this session", takesFile: true),
        REPLCommand(name: "save", argument: "FILE", summary: "write this session's successful input as a .loss script", takesFile: true),
        REPLCommand(name: "time", argument: "EXPR", summary: "run EXPR once and show the wall time", takesFile: false),
        REPLCommand(name: "precision", argument: "[N]", summary: "significant digits of displayed numbers (now N)", takesFile: false),
        REPLCommand(name: "quit", argument: "", summary: "leave the REPL (also Ctrl-D)", takesFile: false),
    ]

    /// The command `word` names: exact, `exit`/`q` for quit, or a unique prefix.
    static func find(_ word: String) -> REPLCommand? {
        if let c = all.first(where: { $0.name == word }) { return c }
        if word == "exit" || word == "q" { return all.first { $0.name == "quit" } }
        let matches = all.filter { $0.name.hasPrefix(word) }
        return !word.isEmpty && matches.count == 1 ? matches[0] : nil
    }
}

final class REPLLoop {
    let session: Session
    let color: Bool
    let errColor: Bool
    let reader = LineReader()
    let history: History
    /// The number of the next input, shown in the prompt.
    var counter = 1
    /// Inputs that ran without error, in order, for `:save`.
    var inputs: [String] = []
    /// The lines of a statement being continued (empty when at the main prompt).
    var pending = ""

    init(session: Session, color: Bool) {
        self.session = session
        self.color = color
        self.errColor = isatty(2) != 0
        self.history = History(environment: ProcessInfo.processInfo.environment)
    }

    // MARK: - Colours and prompts

    private func paint(_ s: String, _ code: String, _ on: Bool) -> String {
        on ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    /// A readline prompt: escapes wrapped in \u{1}…\u{2} so that readline knows their width is 0.
    private func promptText(_ s: String, _ code: String) -> String {
        color ? "\u{1}\u{1B}[\(code)m\u{2}\(s)\u{1}\u{1B}[0m\u{2} " : s + " "
    }

    var mainPrompt: String { promptText("loss[\(counter)]>", "1;32") }

    var continuationPrompt: String {
        let width = "loss[\(counter)]>".count
        let dots = "...>"
        return promptText(String(repeating: " ", count: Swift.max(0, width - dots.count)) + dots, "32")
    }

    // MARK: - Output

    private func out(_ s: String) {
        print(s)
    }

    private func err(_ s: String) {
        fflush(stdout)
        fputs(s, stderr)
        fflush(stderr)
    }

    private func report(_ e: LangError, source: String) {
        err(Diagnostics.render(e, source: source, color: errColor))
    }

    private func warn(_ message: String) {
        err(paint("warning:", "1;33", errColor) + " " + paint(message, "33", errColor) + "\n")
    }

    private func installOutput() {
        session.onOutput = { [unowned self] event in
            switch event {
            case .value(let v, _): self.out(self.session.format(v))
            case .print(let text, _): self.out(text)
            case .warning(let message, _): self.warn(message)
            }
        }
        // a long fit's progress line, on the terminal only, erased when the fit ends
        if isatty(2) != 0 {
            session.onProgress = { line in
                if let line = line {
                    let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
                    fputs("\r\u{1B}[2K" + String(line.prefix(Swift.max(20, width - 1))), stderr)
                } else {
                    fputs("\r\u{1B}[2K", stderr)
                }
                fflush(stderr)
            }
        }
    }

    // MARK: - The loop

    func run() -> Int32 {
        installOutput()
        history.load()
        reader.start(completion: CompletionState { [unowned self] word, line, cursor, quoted in
            self.complete(word: word, line: line, cursor: cursor, quoted: quoted)
        }, promptsToStderr: isatty(1) == 0)
        defer { reader.stop() }
        let banner = "loss — :help for commands, ?name for help, Tab to complete, Ctrl-D to exit."
        // the banner and the newline after Ctrl-D go where the prompts go (stderr when stdout is not a terminal)
        let promptStream = isatty(1) != 0 ? stdout : stderr
        fputs(paint(banner, "2", color) + "\n", promptStream)

        while true {
            let atMain = pending.isEmpty
            switch reader.nextLine(prompt: atMain ? mainPrompt : continuationPrompt) {
            case .eof:
                fputs("\n", promptStream)
                fflush(promptStream)
                return 0
            case .interrupted:
                pending = ""
            case .line(let line):
                history.add(line)
                if atMain {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty { continue }
                    if trimmed.hasPrefix(":") {
                        if !command(String(trimmed.dropFirst())) { return 0 }
                        continue
                    }
                    if let name = helpRequest(trimmed) {
                        showHelp(name)
                        continue
                    }
                    pending = line
                } else {
                    pending += "\n" + line
                }
                if session.needsMoreInput(pending) { continue }
                let source = pending
                pending = ""
                execute(source)
            }
        }
    }

    /// `?name`, `name?` or a lone `?` (the commands).
    private func helpRequest(_ s: String) -> String? {
        if s.hasPrefix("?") { return String(s.dropFirst()).trimmingCharacters(in: .whitespaces) }
        if s.hasSuffix("?") {
            let name = String(s.dropLast()).trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
                return name
            }
        }
        return nil
    }

    /// Runs one input; returns whether it succeeded.
    @discardableResult
    private func execute(_ source: String, file: String = "<repl>", record: String? = nil) -> Bool {
        Interrupt.requested = false
        counter += 1
        let error = session.run(source, file: file)
        Interrupt.requested = false
        if let e = error {
            // the terminal echoed ^C: start the message on a line of its own
            if e.kind == .interrupt, isatty(2) != 0 { err("\n") }
            report(e, source: source)
            return false
        }
        inputs.append(record ?? source)
        return true
    }

    // MARK: - Help and commands

    private var knownNames: [String] {
        Registry.standard.names + session.userBindings.map(\.name)
    }

    private func showHelp(_ name: String) {
        if name.isEmpty { showCommands(); return }
        if let text = session.help(name) {
            let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
            out(REPLLoop.wrap(body, width: terminalWidth()))
            return
        }
        let hint = Diagnostics.suggest(name, among: knownNames).map { "did you mean '\($0)'?" }
            ?? "help() lists the built-ins, :vars your names"
        report(LangError(.name, "unknown name '\(name)'", hint: hint), source: "")
    }

    /// The terminal's width when stdout is one, else nil (no wrapping).
    private func terminalWidth() -> Int? {
        guard isatty(1) != 0 else { return nil }
        var rows: Int32 = 0, cols: Int32 = 0
        rl_get_screen_size(&rows, &cols)
        return cols >= 20 ? Int(cols) : nil
    }

    /// Wraps lines longer than `width` at spaces, continuing with the line's indentation plus
    /// two, so that help text does not break in the middle of words.
    static func wrap(_ text: String, width: Int?) -> String {
        guard let width else { return text }
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var rest = Substring(line)
            guard rest.count > width else { out.append(String(rest)); continue }
            // a table row (`  gamma      doc…`) continues under its second column
            let lead = rest.prefix { $0 == " " }.count
            var column = lead + 2
            let afterLead = rest.dropFirst(lead)
            let word = afterLead.prefix { $0 != " " }
            let gap = afterLead.dropFirst(word.count).prefix { $0 == " " }.count
            if lead > 0, gap >= 2 { column = lead + word.count + gap }
            let indent = String(repeating: " ", count: Swift.min(column, width / 2))
            var first = true
            while true {
                let room = first ? width : width - indent.count
                if rest.count <= room { out.append((first ? "" : indent) + rest); break }
                // the last space within the room, else a hard break
                let limit = rest.index(rest.startIndex, offsetBy: room)
                var cut = rest[..<limit].lastIndex(of: " ")
                if let c = cut, rest[rest.startIndex..<c].allSatisfy({ $0 == " " }) { cut = nil }
                let head = cut.map { rest[..<$0] } ?? rest[..<limit]
                out.append((first ? "" : indent) + head)
                rest = (cut.map { rest[rest.index(after: $0)...] } ?? rest[limit...]).drop { $0 == " " }
                first = false
                if rest.isEmpty { break }
            }
        }
        return out.joined(separator: "\n")
    }

    private func showCommands() {
        var lines = ["Commands:"]
        let width = REPLCommand.all.map { $0.name.count + 1 + $0.argument.count }.max() ?? 0
        for c in REPLCommand.all {
            let head = ":" + c.name + (c.argument.isEmpty ? "" : " " + c.argument)
            let summary = c.summary.replacingOccurrences(of: "(now N)", with: "(now \(session.precision))")
            lines.append("  " + head.padding(toLength: width + 3, withPad: " ", startingAt: 0) + summary)
        }
        lines.append("")
        lines.append("?NAME or NAME? shows the help of a built-in or of your function; help() lists the built-ins.")
        lines.append("Tab completes names and keyword arguments; a statement left open continues on the next line.")
        lines.append("Ctrl-C clears the line or stops a running statement; Ctrl-D exits.")
        out(lines.joined(separator: "\n"))
    }

    /// Runs a `:` command (without the colon); returns false to leave the REPL.
    private func command(_ text: String) -> Bool {
        let word = String(text.prefix { !$0.isWhitespace })
        let arg = text.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        guard let cmd = REPLCommand.find(word) else {
            let names = REPLCommand.all.map(\.name)
            let hint = Diagnostics.suggest(word, among: names).map { "did you mean ':\($0)'?" } ?? ":help lists the commands"
            report(LangError(.name, "unknown command ':\(word)'", hint: hint), source: "")
            return true
        }
        switch cmd.name {
        case "help":
            if arg.isEmpty { showCommands() } else { showHelp(arg) }
        case "vars":
            let vars = session.userBindings
            if vars.isEmpty {
                out(paint("no bindings yet", "2", color))
            } else {
                let width = vars.map(\.name.count).max() ?? 0
                out(vars.map { $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))
            }
        case "reset":
            session.reset()
            inputs.removeAll()
            out(paint("every binding forgotten", "2", color))
        case "load":
            load(arg)
        case "save":
            save(arg)
        case "time":
            time(arg)
        case "precision":
            precision(arg)
        case "quit":
            return false
        default:
            break
        }
        return true
    }

    private func unquote(_ s: String) -> String {
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { return String(s.dropFirst().dropLast()) }
        return s
    }

    private func load(_ arg: String) {
        guard !arg.isEmpty else { return usage("load") }
        let path = History.expand(unquote(arg), environment: ProcessInfo.processInfo.environment)
        guard let data = FileManager.default.contents(atPath: path) else {
            report(LangError(.io, "cannot read '\(path)': \(fileProblem(path))"), source: "")
            return
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        execute(text, file: path, record: text)
    }

    private func save(_ arg: String) {
        guard !arg.isEmpty else { return usage("save") }
        let path = History.expand(unquote(arg), environment: ProcessInfo.processInfo.environment)
        let text = inputs.isEmpty ? "" : inputs.joined(separator: "\n") + "\n"
        if FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) {
            out(paint("saved \(inputs.count) input\(inputs.count == 1 ? "" : "s") to \(path)", "2", color))
        } else {
            report(LangError(.io, "cannot write '\(path)': \(fileProblem(path))"), source: "")
        }
    }

    private func fileProblem(_ path: String) -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            return isDir.boolValue ? "it is a directory" : "permission denied"
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) { return "no such directory '\(dir)'" }
        return FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"
    }

    private func time(_ expr: String) {
        guard !expr.isEmpty else { return usage("time") }
        let clock = ContinuousClock()
        let start = clock.now
        let ok = execute(expr)
        let elapsed = clock.now - start
        if ok { out(paint("Wall time: \(REPLLoop.formatDuration(elapsed))", "2", color)) }
    }

    /// `1.23 ms`, IPython's `%time` style.
    static func formatDuration(_ d: Duration) -> String {
        let c = d.components
        let s = Double(c.seconds) + Double(c.attoseconds) * 1e-18
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        if s < 1e-6 { return g(s * 1e9) + " ns" }
        if s < 1e-3 { return g(s * 1e6) + " µs" }
        if s < 1 { return g(s * 1e3) + " ms" }
        return g(s) + " s"
    }

    private func precision(_ arg: String) {
        if arg.isEmpty { out("precision: \(session.precision)"); return }
        guard let n = Int(arg), (1...17).contains(n) else {
            report(LangError(.value, "precision must be a whole number from 1 to 17, got '\(arg)'"), source: "")
            return
        }
        session.precision = n
    }

    private func usage(_ name: String) {
        guard let c = REPLCommand.find(name) else { return }
        report(LangError(.value, ":\(c.name) needs \(c.argument)", hint: "usage: :\(c.name) \(c.argument) — \(c.summary)"), source: "")
    }

    // MARK: - Completion

    /// Candidates for readline. `line` is the current line, `cursor` its UTF-8 offset; a
    /// statement being continued is prepended so that completion sees the open call.
    func complete(word: String, line: String, cursor: Int, quoted: Bool) -> CompletionReply {
        if quoted { return .files }                       // inside "…": a path
        if pending.isEmpty {
            let bytes = Array(line.utf8)
            let before = String(decoding: bytes[0..<Swift.max(0, Swift.min(cursor, bytes.count))], as: UTF8.self)
            let lead = before.drop(while: { $0 == " " })
            if lead.hasPrefix(":") {
                let rest = lead.dropFirst()
                let name = String(rest.prefix { !$0.isWhitespace })
                if name.count == rest.count {                // still typing the command's name
                    return .candidates(REPLCommand.all.map(\.name).filter { $0.hasPrefix(word) }, append: " ")
                }
                guard let cmd = REPLCommand.find(name) else { return .none }
                if cmd.takesFile { return .files }
                if cmd.name != "help" && cmd.name != "time" { return .none }
            }
            return candidates(session.completions(line: line, cursor: cursor))
        }
        let prefix = pending + "\n"
        return candidates(session.completions(line: prefix + line, cursor: prefix.utf8.count + cursor))
    }

    private func candidates(_ list: [String]) -> CompletionReply {
        // a keyword parameter gets a space after its colon (`gamma: `); a name gets nothing
        .candidates(list, append: list.count == 1 && list[0].hasSuffix(":") ? " " : nil)
    }
}
