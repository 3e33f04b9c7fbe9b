import Foundation
import LossLang

/// `#>` expected output (docs/reference.md §5): checking a script's statements against the lines after
/// them, unified diffs of the differences, and rewriting them (`loss test --update`).
public enum Expectations {
    /// One checked statement (or a block of `#>` lines that follows no statement).
    public struct Check {
        /// 0-based line after which the expected lines stand (the statement's last line).
        public var anchorLine: Int
        /// 0-based lines of the `#>` lines in the file.
        public var expectedLines: Range<Int>
        public var expected: [String]
        public var actual: [String]
        public var passed: Bool
        /// A statement that displays only plots and has no `#>` lines is not checked.
        public var skipped: Bool
        public var orphan: Bool
    }

    public struct FileResult {
        public var path: String
        public var script: PercentScript
        public var checks: [Check]
        public var interrupted: Bool
        /// Significant digits of the display the file was checked at.
        public var precision: Int
        public var failures: [Check] { checks.filter { !$0.passed } }
        public var checkedCount: Int { checks.filter { !$0.skipped }.count }
    }

    /// Runs `text` (the contents of `path`) in a fresh session and checks every statement.
    public static func check(text: String, path: String, precision: Int = 6) -> FileResult {
        let script = PercentScript(text)
        let session = Session(precision: precision)
        let (runs, interrupted) = ScriptRunner.run(script, file: path, session: session)
        var checks: [Check] = []
        for cellRun in runs {
            for r in cellRun.statements {
                let expected = r.statement.expectationLines.map { PercentScript.expectation(script.lines[$0]) ?? "" }
                let actual = r.displayedLines
                let skipped = expected.isEmpty && r.onlyPlots
                let passed = skipped || linesMatch(expected, actual, precision: session.precision)
                checks.append(Check(anchorLine: r.statement.lastLine, expectedLines: r.statement.expectationLines,
                                    expected: expected, actual: skipped ? [] : actual, passed: passed, skipped: skipped, orphan: false))
            }
            let statements = cellRun.statements.map(\.statement)
            for o in script.orphanExpectations(cellRun.cell, statements: statements) {
                let expected = o.map { PercentScript.expectation(script.lines[$0]) ?? "" }
                checks.append(Check(anchorLine: o.lowerBound - 1, expectedLines: o, expected: expected, actual: [],
                                    passed: false, skipped: false, orphan: true))
            }
        }
        checks.sort { $0.expectedLines.lowerBound < $1.expectedLines.lowerBound }
        return FileResult(path: path, script: script, checks: checks, interrupted: interrupted, precision: session.precision)
    }

    // MARK: matching

    /// Expected and displayed lines match when they are equal up to trailing whitespace,
    /// or differ only in numbers that are equal at the displayed precision (and in the
    /// spacing that aligns them).
    public static func linesMatch(_ expected: [String], _ actual: [String], precision: Int) -> Bool {
        guard expected.count == actual.count else { return false }
        for (e, a) in zip(expected, actual) where !lineMatches(e, a, precision: precision) { return false }
        return true
    }

    public static func lineMatches(_ expected: String, _ actual: String, precision: Int) -> Bool {
        let e = rstrip(expected), a = rstrip(actual)
        if e == a { return true }
        let te = tokens(e), ta = tokens(a)
        guard te.count == ta.count else { return false }
        for (x, y) in zip(te, ta) {
            switch (x, y) {
            case (.text(let s), .text(let t)):
                if collapse(s) != collapse(t) { return false }
            case (.number(let s), .number(let t)):
                if !numbersMatch(s, t, precision: precision) { return false }
            default:
                return false
            }
        }
        return true
    }

    static func rstrip(_ s: String) -> String {
        var t = Substring(s)
        while let l = t.last, l == " " || l == "\t" || l == "\r" { t = t.dropLast() }
        return String(t)
    }

    static func collapse(_ s: String) -> String {
        var out = ""
        var space = false
        for c in s {
            if c == " " || c == "\t" { space = true; continue }
            if space { out.append(" "); space = false }
            out.append(c)
        }
        if space { out.append(" ") }
        return out
    }

    enum Token: Equatable { case text(String), number(String) }

    /// Splits a line into numbers (`-1.5e-3`, `nan`, `-inf`) and the text between them.
    static func tokens(_ s: String) -> [Token] {
        let c = Array(s)
        var out: [Token] = []
        var text = ""
        var i = 0
        func isWordChar(_ ch: Character) -> Bool { ch.isLetter || ch.isNumber || ch == "_" }
        while i < c.count {
            let boundary = i == 0 || !isWordChar(c[i - 1])
            var j = i
            if boundary, c[j] == "-" { j += 1 }
            var matched = false
            if boundary {
                // nan, inf
                for word in ["nan", "inf"] {
                    let w = Array(word)
                    if j + w.count <= c.count, Array(c[j..<(j + w.count)]) == w,
                       j + w.count == c.count || !isWordChar(c[j + w.count]) {
                        j += w.count; matched = true; break
                    }
                }
                if !matched {
                    var k = j, digits = 0
                    while k < c.count, c[k].isASCII, c[k].isNumber { k += 1; digits += 1 }
                    if k < c.count, c[k] == "." {
                        k += 1
                        while k < c.count, c[k].isASCII, c[k].isNumber { k += 1; digits += 1 }
                    }
                    if digits > 0 {
                        if k < c.count, c[k] == "e" || c[k] == "E" {
                            var m = k + 1
                            if m < c.count, c[m] == "+" || c[m] == "-" { m += 1 }
                            var ed = 0
                            while m < c.count, c[m].isASCII, c[m].isNumber { m += 1; ed += 1 }
                            if ed > 0 { k = m }
                        }
                        if k == c.count || !isWordChar(c[k]) { j = k; matched = true }
                    }
                }
            }
            if matched {
                if !text.isEmpty { out.append(.text(text)); text = "" }
                out.append(.number(String(c[i..<j])))
                i = j
            } else {
                text.append(c[i]); i += 1
            }
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }

    /// Numbers match when equal at the displayed precision; a decimal written with fewer
    /// significant digits (`0.0050`) matches a value that rounds to it (as pytest's NUMBER).
    static func numbersMatch(_ e: String, _ a: String, precision: Int) -> Bool {
        guard let x = Double(e), let y = Double(a) else { return e == a }
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        if x == y { return true }
        if Display.number(x, precision: precision) == Display.number(y, precision: precision) { return true }
        let isDecimal = e.contains(".") || e.contains("e") || e.contains("E")
        let d = significantDigits(e)
        if isDecimal, d < precision, x.isFinite, y.isFinite {
            return Display.number(y, precision: d) == Display.number(x, precision: d)
        }
        return false
    }

    static func significantDigits(_ s: String) -> Int {
        let mantissa = s.split(whereSeparator: { $0 == "e" || $0 == "E" }).first.map(String.init) ?? s
        let digits = mantissa.filter { $0.isASCII && $0.isNumber }
        let significant = digits.drop { $0 == "0" }
        return Swift.max(1, significant.count)
    }

    // MARK: diff and update

    enum DiffOp: Equatable {
        case same(String), del(String), add(String)
        var isChange: Bool { if case .same = self { return false } else { return true } }
    }

    /// Line operations turning the expected `#>` lines into the displayed ones (an LCS on
    /// lines, where lines match as in `lineMatches`).
    static func blockOps(expected: [String], actual: [String], precision: Int) -> [DiffOp] {
        let n = expected.count, m = actual.count
        if n == 0 { return actual.map { .add(expectationLine($0)) } }
        if m == 0 { return expected.map { .del(expectationLine($0)) } }
        guard n * m <= 4_000_000 else {
            return expected.map { .del(expectationLine($0)) } + actual.map { .add(expectationLine($0)) }
        }
        var eq = [Bool](repeating: false, count: n * m)
        for i in 0..<n { for j in 0..<m { eq[i * m + j] = lineMatches(expected[i], actual[j], precision: precision) } }
        // lcs[i][j] = LCS length of expected[i...] and actual[j...]
        var lcs = [Int](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i * (m + 1) + j] = eq[i * m + j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1
                    : Swift.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1])
            }
        }
        var ops: [DiffOp] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, eq[i * m + j] { ops.append(.same(expectationLine(expected[i]))); i += 1; j += 1 }
            else if i < n, j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1] { ops.append(.del(expectationLine(expected[i]))); i += 1 }
            else { ops.append(.add(expectationLine(actual[j]))); j += 1 }
        }
        return ops
    }

    /// A unified diff (3 lines of context) of the file as it is and as `--update` would
    /// write it; each hunk is labelled `FILE:LINE`.
    public static func diff(_ r: FileResult) -> String {
        let failures = r.failures.sorted { $0.expectedLines.lowerBound < $1.expectedLines.lowerBound }
        guard !failures.isEmpty else { return "" }
        var lines = r.script.lines.map(PercentScript.stripCR)
        if lines.count > 1, lines.last == "" { lines.removeLast() }   // the text ends with a newline
        var ops: [DiffOp] = []
        var orphanAt = Set<Int>()   // op indices where an orphan block starts
        var i = 0
        for f in failures {
            while i < f.expectedLines.lowerBound, i < lines.count { ops.append(.same(lines[i])); i += 1 }
            if f.orphan { orphanAt.insert(ops.count) }
            ops += blockOps(expected: f.expected, actual: f.actual, precision: r.precision)
            i = Swift.max(i, f.expectedLines.upperBound)
        }
        while i < lines.count { ops.append(.same(lines[i])); i += 1 }

        let context = 3
        let changes = ops.indices.filter { ops[$0].isChange }
        var out = "--- \(r.path) (expected)\n+++ \(r.path) (actual)\n"
        var k = 0
        while k < changes.count {
            var last = k
            while last + 1 < changes.count, changes[last + 1] - changes[last] <= 2 * context { last += 1 }
            let lo = Swift.max(0, changes[k] - context), hi = Swift.min(ops.count, changes[last] + context + 1)
            var oldLine = 1, newLine = 1
            for op in ops[..<lo] {
                switch op { case .same: oldLine += 1; newLine += 1; case .del: oldLine += 1; case .add: newLine += 1 }
            }
            var oldCount = 0, newCount = 0, body = ""
            var label = 0
            var orphan = false
            for idx in lo..<hi {
                if orphanAt.contains(idx) { orphan = true }
                switch ops[idx] {
                case .same(let t): body += " \(t)\n"; oldCount += 1; newCount += 1
                case .del(let t):
                    if label == 0 { label = oldLine + oldCount }
                    body += "-\(t)\n"; oldCount += 1
                case .add(let t):
                    if label == 0 { label = Swift.max(1, oldLine + oldCount - 1) }
                    body += "+\(t)\n"; newCount += 1
                }
            }
            let os = oldCount == 0 ? oldLine - 1 : oldLine, ns = newCount == 0 ? newLine - 1 : newLine
            let note = orphan ? " (expected output that follows no statement)" : ""
            out += "@@ -\(os),\(oldCount) +\(ns),\(newCount) @@ \(r.path):\(label)\(note)\n" + body
            k = last + 1
        }
        return out
    }

    /// `#> TEXT`, or `#>` for an empty line.
    public static func expectationLine(_ text: String) -> String {
        text.isEmpty ? "#>" : "#> " + text
    }

    /// The file's text with the `#>` lines of every failed check rewritten from what is
    /// displayed now; everything else is kept byte for byte.
    public static func updated(_ r: FileResult) -> String {
        let lines = r.script.lines
        var replace: [Int: Check] = [:]   // first line of the range (or insertion point) → check
        var removed = Set<Int>()          // the old `#>` lines of those checks
        for f in r.failures {
            replace[f.expectedLines.lowerBound] = f
            removed.formUnion(f.expectedLines)
        }
        var out: [String] = []
        for i in 0...lines.count {
            if let f = replace[i] {
                let cr = f.anchorLine >= 0 && f.anchorLine < lines.count && lines[f.anchorLine].hasSuffix("\r") ? "\r" : ""
                out += f.actual.map { expectationLine($0) + cr }
            }
            guard i < lines.count else { break }
            if !removed.contains(i) { out.append(lines[i]) }
        }
        return out.joined(separator: "\n")
    }
}
