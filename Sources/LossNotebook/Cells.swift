import Foundation
/// A script in Jupytext's percent format (docs/reference.md §5): `# %%` starts a code cell,
/// `# %% [markdown]` a text cell whose lines are `# `-prefixed Markdown; the text after
/// `# %%` (besides the cell type) is the cell's title. A script without markers is one cell.
public struct PercentScript {
    public let text: String
    /// The lines of `text`, split at "\n" (a "\r" before it stays in the line), so that
    /// `lines.joined(separator: "\n") == text`.
    public let lines: [String]
    public let cells: [Cell]

    public struct Cell: Equatable {
        public enum Kind: Equatable { case code, markdown }
        public var kind: Kind
        public var title: String?
        /// 0-based line of the `# %%` marker; nil for the cell before the first marker.
        public var markerLine: Int?
        /// 0-based lines of the cell's content (after the marker, up to the next one).
        public var lines: Range<Int>
    }

    public init(_ text: String) {
        self.text = text
        // split on the scalar "\n" (Swift's "\r\n" is one Character): "\r" stays in its line
        var lines: [String] = []
        var partial = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if u == "\n" { lines.append(String(partial)); partial = String.UnicodeScalarView() } else { partial.append(u) }
        }
        lines.append(String(partial))
        self.lines = lines
        var cells: [Cell] = []
        var current = Cell(kind: .code, title: nil, markerLine: nil, lines: 0..<0)
        for (i, line) in lines.enumerated() {
            if let (kind, title) = PercentScript.marker(line) {
                current.lines = current.lines.lowerBound..<i
                cells.append(current)
                current = Cell(kind: kind, title: title, markerLine: i, lines: (i + 1)..<(i + 1))
            }
        }
        current.lines = current.lines.lowerBound..<lines.count
        cells.append(current)
        // the part before the first marker is a cell only when it holds more than blank lines and a shebang
        if let first = cells.first, first.markerLine == nil, cells.count > 1 {
            let hasContent = first.lines.contains { i in
                let t = PercentScript.stripCR(lines[i]).trimmingWhitespace
                return !t.isEmpty && !(i == 0 && t.hasPrefix("#!"))
            }
            if !hasContent { cells.removeFirst() }
        }
        self.cells = cells
    }

    /// `# %%`, `#%%`, `# %% Title`, `# %% [markdown]`, `# %% Title [md]` → (kind, title).
    static func marker(_ raw: String) -> (Cell.Kind, String?)? {
        let line = stripCR(raw)
        var rest: Substring
        if line.hasPrefix("# %%") { rest = line.dropFirst(4) }
        else if line.hasPrefix("#%%") { rest = line.dropFirst(3) }
        else { return nil }
        if let c = rest.first, c != " ", c != "\t" { return nil }   // "# %%%" is not a marker
        var kind = Cell.Kind.code
        var title = String(rest)
        for tag in ["[markdown]", "[md]"] {
            if let r = title.range(of: tag) {
                kind = .markdown
                title.removeSubrange(r)
                break
            }
        }
        let t = title.trimmingWhitespace
        return (kind, t.isEmpty ? nil : t)
    }

    static func stripCR(_ s: String) -> String {
        s.hasSuffix("\r") ? String(s.dropLast()) : s
    }

    /// The Markdown text of a markdown cell: `# ` (or `#`) prefixes removed, blank lines
    /// at both ends dropped.
    public func markdown(_ cell: Cell) -> String {
        var out: [String] = []
        for i in cell.lines {
            let l = PercentScript.stripCR(lines[i])
            if l.hasPrefix("# ") { out.append(String(l.dropFirst(2))) }
            else if l.hasPrefix("#") { out.append(String(l.dropFirst(1))) }
            else { out.append(l) }
        }
        return PercentScript.trimBlankLines(out).joined(separator: "\n")
    }

    /// The source of a code cell as a reader sees it: `#>` expectation lines and the
    /// shebang left out, blank lines at both ends dropped.
    public func displaySource(_ cell: Cell) -> String {
        var out: [String] = []
        for i in cell.lines {
            let l = PercentScript.stripCR(lines[i])
            if i == 0 && l.hasPrefix("#!") { continue }
            if PercentScript.expectation(l) != nil { continue }
            out.append(l)
        }
        return PercentScript.trimBlankLines(out).joined(separator: "\n")
    }

    static func trimBlankLines(_ ls: [String]) -> [String] {
        var a = ls[...]
        while let f = a.first, f.trimmingWhitespace.isEmpty { a = a.dropFirst() }
        while let l = a.last, l.trimmingWhitespace.isEmpty { a = a.dropLast() }
        return Array(a)
    }

    /// The text of a `#>` line ("#> 0.5" → "0.5", "#>" → ""), or nil for other lines.
    public static func expectation(_ raw: String) -> String? {
        let line = stripCR(raw)
        let t = line.drop { $0 == " " || $0 == "\t" }
        guard t.hasPrefix("#>") else { return nil }
        var rest = t.dropFirst(2)
        if rest.first == " " { rest = rest.dropFirst() }
        return String(rest)
    }

    /// A line that the evaluator ignores: blank or a comment.
    static func isBlankOrComment(_ raw: String) -> Bool {
        let t = stripCR(raw).trimmingWhitespace
        return t.isEmpty || t.hasPrefix("#")
    }

    /// One top-level statement (or several on one line), with the `#>` lines after it.
    public struct Statement: Equatable {
        /// 0-based lines of the statement, both ends included.
        public var firstLine: Int
        public var lastLine: Int
        /// 0-based lines of the `#>` expectations right after the statement (may be empty).
        public var expectationLines: Range<Int>
    }

    /// The statements of a code cell: a statement starts at a line that is not blank or a
    /// comment and goes on while `needsMoreInput` says it is unfinished (open brackets,
    /// trailing operator), as in the REPL.
    public func statements(_ cell: Cell, needsMoreInput: (String) -> Bool) -> [Statement] {
        guard cell.kind == .code else { return [] }
        var out: [Statement] = []
        var i = cell.lines.lowerBound
        let end = cell.lines.upperBound
        while i < end {
            if PercentScript.isBlankOrComment(lines[i]) { i += 1; continue }
            var last = i
            var text = PercentScript.stripCR(lines[i])
            while last + 1 < end, needsMoreInput(text) {
                last += 1
                text += "\n" + PercentScript.stripCR(lines[last])
            }
            var e = last + 1
            while e < end, PercentScript.expectation(lines[e]) != nil { e += 1 }
            out.append(Statement(firstLine: i, lastLine: last, expectationLines: (last + 1)..<e))
            i = e
        }
        return out
    }

    /// `#>` lines of a code cell that do not follow a statement.
    public func orphanExpectations(_ cell: Cell, statements: [Statement]) -> [Range<Int>] {
        guard cell.kind == .code else { return [] }
        var claimed = Set<Int>()
        for s in statements {
            for l in s.firstLine...s.lastLine { claimed.insert(l) }
            for l in s.expectationLines { claimed.insert(l) }
        }
        var out: [Range<Int>] = []
        var i = cell.lines.lowerBound
        while i < cell.lines.upperBound {
            if !claimed.contains(i), PercentScript.expectation(lines[i]) != nil {
                var j = i + 1
                while j < cell.lines.upperBound, !claimed.contains(j), PercentScript.expectation(lines[j]) != nil { j += 1 }
                out.append(i..<j)
                i = j
            } else {
                i += 1
            }
        }
        return out
    }

    /// The source of a statement, preceded by newlines so that line numbers in spans and
    /// diagnostics are the file's.
    public func source(of s: Statement) -> String {
        var text = String(repeating: "\n", count: s.firstLine)
        for l in s.firstLine...s.lastLine {
            if l > s.firstLine { text += "\n" }
            text += PercentScript.stripCR(lines[l])
        }
        return text
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
