import LossLang

/// A notebook ready to render: cells with their sources and outputs.
public struct NotebookDocument {
    public enum CellKind {
        case markdown(String)
        case code(source: String, outputs: [CellOutput], executionCount: Int)
    }
    public struct Cell {
        public var kind: CellKind
        public var title: String?
        public init(_ kind: CellKind, title: String? = nil) { self.kind = kind; self.title = title }
    }
    /// The notebook's name (the script's file name), used as the HTML title.
    public var name: String
    public var cells: [Cell]
    public init(name: String, cells: [Cell]) { self.name = name; self.cells = cells }

    /// Builds the document from a run of a script. Code cells without source are left out.
    public init(name: String, script: PercentScript, runs: [CellRun]) {
        self.name = name
        var cells: [Cell] = []
        var count = 0
        for run in runs {
            switch run.cell.kind {
            case .markdown:
                let md = script.markdown(run.cell)
                if !md.isEmpty || run.cell.title != nil { cells.append(Cell(.markdown(md), title: run.cell.title)) }
            case .code:
                let src = script.displaySource(run.cell)
                let outputs = run.outputs
                if src.isEmpty && outputs.isEmpty { continue }
                count += 1
                cells.append(Cell(.code(source: src, outputs: outputs, executionCount: count), title: run.cell.title))
            }
        }
        self.cells = cells
    }
}

/// Groups consecutive textual outputs (values, prints, warnings, errors) so that renderers
/// can show them in one block, with plots in between.
enum OutputGroup {
    case text([CellOutput])
    case plot(Plot)

    static func groups(_ outputs: [CellOutput]) -> [OutputGroup] {
        var out: [OutputGroup] = []
        var run: [CellOutput] = []
        for o in outputs {
            if case .plot(let p) = o {
                if !run.isEmpty { out.append(.text(run)); run = [] }
                out.append(.plot(p))
            } else {
                run.append(o)
            }
        }
        if !run.isEmpty { out.append(.text(run)) }
        return out
    }

    /// Splits textual outputs into runs of one kind: results and prints, errors, warnings.
    static func byKind(_ outputs: [CellOutput]) -> [[CellOutput]] {
        var runs: [[CellOutput]] = []
        var lastKind = ""
        for o in outputs {
            let k = kind(o)
            if k == lastKind, !runs.isEmpty { runs[runs.count - 1].append(o) } else { runs.append([o]); lastKind = k }
        }
        return runs
    }

    /// "output", "error" or "warning" (also the CSS class in HTML).
    static func kind(_ o: CellOutput) -> String {
        switch o {
        case .error: return "error"
        case .warning: return "warning"
        default: return "output"
        }
    }

    /// Plain text of a textual output as a notebook shows it (errors in full).
    static func text(_ o: CellOutput) -> String {
        switch o {
        case .text(let s), .stream(let s): return s
        case .warning(let s): return "warning: \(s)"
        case .error(_, let rendered): return rendered
        case .plot(let p): return BrailleChart.render(p)
        }
    }
}
