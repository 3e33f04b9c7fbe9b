import LossLang

/// One output of a statement, as a notebook shows it.
public enum CellOutput {
    /// A displayed value (not a plot), with its text.
    case text(String)
    /// Text written by `print`.
    case stream(String)
    /// A displayed plot.
    case plot(Plot)
    /// A warning (stderr).
    case warning(String)
    /// An error: its message and the full rendered diagnostic.
    case error(message: String, rendered: String)

    /// The text this output contributes to what a statement displays (docs/reference.md §5);
    /// nil for warnings, which go to stderr.
    public var displayedText: String? {
        switch self {
        case .text(let s), .stream(let s): return s
        case .plot(let p): return BrailleChart.render(p, color: false)
        case .warning: return nil
        case .error(let m, _): return "error: \(m)"
        }
    }
}

/// A statement and what running it displayed.
public struct StatementRun {
    public var statement: PercentScript.Statement
    public var outputs: [CellOutput]
    /// The displayed text, one element per line (what `#>` lines hold).
    public var displayedLines: [String] {
        var out: [String] = []
        for o in outputs {
            guard let t = o.displayedText else { continue }
            out += t.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return out
    }
    /// True when the statement displayed something and all of it were plots.
    public var onlyPlots: Bool {
        var any = false
        for o in outputs {
            switch o {
            case .plot: any = true
            case .warning: continue
            default: return false
            }
        }
        return any
    }
}

/// A cell and the runs of its statements (empty for markdown cells).
public struct CellRun {
    public var cell: PercentScript.Cell
    public var statements: [StatementRun]
    public var outputs: [CellOutput] { statements.flatMap(\.outputs) }
}

/// Runs every code cell of a script through one Session, in order, one top-level statement
/// at a time, so that an error shows up as that statement's output and the run goes on.
public enum ScriptRunner {
    /// `interrupted` is true when a statement was stopped by Ctrl-C; the run stops there.
    public static func run(_ script: PercentScript, file: String, session: Session) -> (cells: [CellRun], interrupted: Bool) {
        var result: [CellRun] = []
        var interrupted = false
        var current: [CellOutput] = []
        let previous = session.onOutput
        session.onOutput = { event in
            switch event {
            case .value(let v, _):
                if case .none = v { return }   // none is not displayed (print, savefig…)
                if case .plot(let p) = v { current.append(.plot(p)) } else { current.append(.text(session.format(v))) }
            case .print(let s, _): current.append(.stream(s))
            case .warning(let s, _): current.append(.warning(s))
            }
        }
        defer { session.onOutput = previous }
        for cell in script.cells {
            var runs: [StatementRun] = []
            if !interrupted {
                for st in script.statements(cell, needsMoreInput: session.needsMoreInput) {
                    current = []
                    if let e = session.run(script.source(of: st), file: file) {
                        var err = e
                        if err.file.isEmpty { err.file = file }
                        let rendered = Diagnostics.render(err, source: script.text, color: false)
                        let first = rendered.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? "error: \(err.message)"
                        let message = first.hasPrefix("error: ") ? String(first.dropFirst(7)) : err.message
                        current.append(.error(message: message, rendered: rendered.hasSuffix("\n") ? String(rendered.dropLast()) : rendered))
                        if err.kind == .interrupt { interrupted = true }
                    }
                    runs.append(StatementRun(statement: st, outputs: current))
                    if interrupted { break }
                }
            }
            result.append(CellRun(cell: cell, statements: runs))
        }
        return (result, interrupted)
    }
}
