import LossCore

/// A half-open range of a source text, with the 1-based line and column of its start.
public struct SourceSpan: Equatable, Sendable {
    public var start: Int      // offset of the first Unicode scalar of the span in the source text
    public var end: Int        // offset one past the last scalar
    public var line: Int
    public var col: Int
    public init(start: Int, end: Int, line: Int, col: Int) {
        self.start = start; self.end = end; self.line = line; self.col = col
    }
    public static let unknown = SourceSpan(start: 0, end: 0, line: 0, col: 0)
    /// The smallest span covering both.
    public func to(_ other: SourceSpan) -> SourceSpan {
        if self == .unknown { return other }
        if other == .unknown { return self }
        return start <= other.start
            ? SourceSpan(start: start, end: Swift.max(end, other.end), line: line, col: col)
            : SourceSpan(start: other.start, end: Swift.max(end, other.end), line: other.line, col: other.col)
    }
}

/// Every user-facing error: a message, where it happened, and an optional hint.
/// Offsets in spans count Unicode scalars of the source text.
public struct LangError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable { case syntax, name, type, value, shape, index, arity, runtime, interrupt, io }
    public var kind: Kind
    public var message: String
    public var span: SourceSpan
    public var hint: String?
    /// The file (or `<repl>`, `<-e>`) the span refers to; set by the session.
    public var file: String = ""
    /// The error is at the end of the input (an open bracket, a trailing operator):
    /// the REPL asks for another line instead of reporting it.
    public var isIncomplete: Bool = false
    /// The text the span points into (a function defined in an earlier REPL entry
    /// fails in that entry's text); nil means the text being run.
    public var sourceText: String? = nil
    /// The user-function calls the error passed through, innermost first (at most
    /// `maxCallChain`; `omittedCalls` counts the rest).
    public var callChain: [CallSite] = []
    public var omittedCalls = 0

    /// Where a user function was called: the calling function (nil: the top level) and the call's position.
    public struct CallSite: Equatable, Sendable {
        public var caller: String?
        public var file: String
        public var line: Int
        public var col: Int
    }

    public static let maxCallChain = 10

    /// Records that the error left a function called at `span` in `file` from `caller`.
    public mutating func addCall(from caller: String?, file: String, span: SourceSpan) {
        if callChain.count < LangError.maxCallChain {
            callChain.append(CallSite(caller: caller, file: file, line: span.line, col: span.col))
        } else {
            omittedCalls += 1
        }
    }

    public init(_ kind: Kind, _ message: String, _ span: SourceSpan = .unknown, hint: String? = nil) {
        self.kind = kind; self.message = message; self.span = span; self.hint = hint
    }

    /// The error of a statement stopped by a limit (docs/reference.md §9): Ctrl-C or memory.
    public init(_ e: LimitError, _ span: SourceSpan = .unknown) {
        switch e.kind {
        case .interrupted: self.init(.interrupt, "interrupted", span)
        case .memory: self.init(.runtime, e.message, span, hint: e.hint)
        }
    }

    /// How every out-of-memory message starts.
    static let outOfMemory = "out of memory:"
    public var description: String { "error: \(message)" }
}

public enum Diagnostics {
    /// Renders an error the way docs/reference.md §6 shows:
    /// ```
    /// error: MESSAGE
    ///   --> FILE:LINE:COL
    ///    |
    ///  4 | l = focal(p, y, gamma: 2)
    ///    |     ^^^^^^^^^^^^^^^^^^^^^
    ///    = hint: ...
    /// ```
    public static func render(_ e: LangError, source: String, color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", blue = color ? "\u{1B}[1;34m" : "", bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = "\(red)error\(reset)\(bold): \(e.message)\(reset)\n"
        let file = e.file.isEmpty ? "<input>" : e.file
        guard e.span.line > 0 else {
            if let h = e.hint { out += "  = hint: \(h)\n" }
            return out
        }
        out += "  \(blue)-->\(reset) \(file):\(e.span.line):\(e.span.col)\n"
        // split on scalars: "\r\n" is one Character in Swift
        let lines = (e.sourceText ?? source).unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        var lineText = e.span.line - 1 < lines.count ? String(String.UnicodeScalarView(lines[e.span.line - 1])) : ""
        if lineText.hasSuffix("\r") { lineText.removeLast() }
        let num = String(e.span.line)
        let pad = String(repeating: " ", count: num.count + 1)
        out += "\(pad) \(blue)|\(reset)\n"
        // caret width: the span's length, clipped to the rest of the line
        var scalars = Array(lineText.unicodeScalars)
        var startCol = Swift.max(0, Swift.min(e.span.col - 1, scalars.count))
        var width = Swift.max(1, e.span.end - e.span.start)
        width = Swift.min(width, Swift.max(1, scalars.count - startCol))
        // a long line shows a window around the caret
        let window = 100
        if scalars.count > window {
            let from = Swift.max(0, Swift.min(startCol - 20, scalars.count - window))
            let to = Swift.min(scalars.count, from + window)
            var shown = Array(scalars[from..<to])
            if from > 0 { shown = Array("…".unicodeScalars) + shown; startCol += 1 }
            if to < scalars.count { shown += Array("…".unicodeScalars) }
            startCol -= from
            width = Swift.min(width, Swift.max(1, to - from - (startCol - (from > 0 ? 1 : 0))))
            scalars = shown
            lineText = String(String.UnicodeScalarView(shown))
        }
        out += "\(blue) \(num) |\(reset) \(lineText)\n"
        var lead = ""
        for s in scalars[0..<startCol] {
            // control characters and wide (East Asian) characters keep the caret aligned
            if s == "\t" { lead += "\t" } else if isWide(s) { lead += "  " } else { lead += " " }
        }
        out += "\(pad) \(blue)|\(reset) \(lead)\(red)\(String(repeating: "^", count: width))\(reset)\n"
        if let h = e.hint { out += "\(pad) \(blue)=\(reset) hint: \(h)\n" }
        for c in e.callChain {
            out += "\(pad) \(blue)=\(reset) called from \(c.caller ?? "the top level") at \(c.file.isEmpty ? "<input>" : c.file):\(c.line):\(c.col)\n"
        }
        if e.omittedCalls > 0 { out += "\(pad) \(blue)=\(reset) … \(e.omittedCalls) more call\(e.omittedCalls == 1 ? "" : "s")\n" }
        return out
    }

    /// Wide (two-column) characters: CJK, Hangul, fullwidth forms, emoji.
    static func isWide(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD: return true
        default: return false
        }
    }

    /// Closest candidate by edit distance, for "did you mean" hints.
    public static func suggest(_ name: String, among candidates: [String]) -> String? {
        var best: (String, Int)? = nil
        // short names allow one edit ("foo" is not "cos"), longer ones up to three
        let limit = name.count <= 4 ? 1 : Swift.min(3, name.count / 3 + 1)
        for c in candidates {
            let d = editDistance(name.lowercased(), c.lowercased())
            if d <= limit, best == nil || d < best!.1 || (d == best!.1 && c < best!.0) { best = (c, d) }
        }
        if best == nil {
            // prefix match ("foc" -> "focal")
            if name.count >= 3, let p = candidates.filter({ $0.hasPrefix(name) }).min(by: { $0.count < $1.count }) { return p }
        }
        return best?.0
    }

    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
