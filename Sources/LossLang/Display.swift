import Foundation
import LossCore

/// Text (docs/reference.md §2.6) and JSON (docs/reference.md §2.7) display of values.
public enum Display {
    /// `0.00498967`, `3`, `-inf`, `nan`, `1e-12` (LossCore's `formatNumber`).
    public static func number(_ x: Double, precision: Int = 6) -> String {
        formatNumber(x, precision: precision)
    }

    /// How a default value is written in a signature: `none`, `"mean"`, `2`, `[1, 2]`.
    public static func literal(_ v: Value) -> String {
        switch v {
        case .string(let s): return quote(s)
        default: return text(v, precision: 6)
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// The text display of a value. Plots are rendered by whoever sets `plotRenderer`.
    public static func text(_ v: Value, precision: Int = 6) -> String {
        switch v {
        case .number(let x): return number(x, precision: precision)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .none: return "none"
        case .tensor(let t): return tensor(t, precision: precision)
        case .function(let f):
            switch f.kind {
            case .builtin(let b): return "<built-in \(b.signature)>"
            case .user(let u): return "<function \(u.signatureText)>"
            }
        case .plot(let p):
            if let r = plotRenderer { return r(p) }
            return "<plot\(p.title.map { " \"\($0)\"" } ?? "")>"
        case .list(let xs): return "[" + xs.map { literal($0) }.joined(separator: ", ") + "]"
        case .record(let r): return record(r, precision: precision)
        }
    }

    /// Records (docs/reference.md §2.8): `(w: [0.5, -1], b: 0.25)` on one line when every
    /// field is short; otherwise one `name: value` per line, a multi-line value (a matrix,
    /// a nested record) indented under its `name:`.
    public static func record(_ r: Record, precision: Int = 6) -> String {
        let parts = r.fields.map { f -> (name: String, text: String) in
            switch f.value {
            case .string: return (f.name, literal(f.value))
            // a long vector in a record (a fit's history) shows its ends, as NumPy summarises
            case .tensor(let t) where t.rank == 1: return (f.name, tensor(t, precision: precision, elideAbove: recordVectorItems))
            default: return (f.name, text(f.value, precision: precision))
            }
        }
        let oneLine = "(" + parts.map { "\($0.name): \($0.text)" }.joined(separator: ", ") + ")"
        if !oneLine.contains("\n") && oneLine.count <= recordLineWidth { return oneLine }
        return parts.map { p in
            p.text.contains("\n")
                ? "\(p.name):\n" + p.text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
                : "\(p.name): \(p.text)"
        }.joined(separator: "\n")
    }

    static let recordLineWidth = 80
    static let recordVectorItems = 10

    /// Set by LossNotebook (braille charts); nil shows a placeholder.
    nonisolated(unsafe) public static var plotRenderer: ((Plot) -> String)? = nil

    public static let elideThreshold = 1000
    static let edgeItems = 3

    /// Vectors inline, matrices and higher ranks with a shape header and aligned columns.
    public static func tensor(_ t: Tensor, precision: Int = 6, elideAbove: Int = elideThreshold) -> String {
        let fmt: (Double) -> String = { number($0, precision: precision) }
        let elide = t.count > elideAbove
        switch t.rank {
        case 0: return fmt(t.data[0])
        case 1:
            return "[" + items(t.shape[0], elide).map { $0 < 0 ? "…" : fmt(t.data[$0]) }.joined(separator: ", ") + "]"
        default:
            let header = t.shape.map(String.init).joined(separator: "×") + " tensor"
            let rows = t.shape[t.rank - 2], cols = t.shape[t.rank - 1]
            let mat = rows * cols
            if t.count == 0 { return header }
            let outer = t.count / Swift.max(mat, 1)
            var blocks: [String] = []
            let outerShape = Array(t.shape.dropLast(2))
            for o in items(outer, elide) {
                if o < 0 { blocks.append("…"); continue }
                var block = ""
                if t.rank > 2 {
                    var idx: [String] = []
                    var rem = o
                    for d in outerShape.reversed() { idx.append(String(rem % d)); rem /= d }
                    block += "[" + idx.reversed().joined(separator: ", ") + ", :, :] =\n"
                }
                block += matrix(t.data, offset: o * mat, rows: rows, cols: cols, elide: elide, fmt: fmt)
                blocks.append(block)
            }
            return header + "\n" + blocks.joined(separator: "\n\n")
        }
    }

    /// Indices to show along an axis of length n; -1 marks the elision.
    static func items(_ n: Int, _ elide: Bool) -> [Int] {
        if !elide || n <= 2 * edgeItems { return Array(0..<n) }
        return Array(0..<edgeItems) + [-1] + Array((n - edgeItems)..<n)
    }

    /// Rows of cells, each column aligned on the decimal point as NumPy and Julia do
    /// (docs/reference.md §2.6): what precedes the point (or the exponent) is right-aligned,
    /// the rest left-aligned, so a column of integers is right-aligned and `nan`, `-inf`,
    /// `⋮` end where the point would be.
    static func matrix(_ data: [Double], offset: Int, rows: Int, cols: Int, elide: Bool, fmt: (Double) -> String) -> String {
        let ri = items(rows, elide), ci = items(cols, elide)
        var cells: [[String]] = []
        for r in ri {
            if r < 0 { cells.append(ci.map { _ in "⋮" }); continue }
            cells.append(ci.map { c in c < 0 ? "…" : fmt(data[offset + r * cols + c]) })
        }
        var before = [Int](repeating: 0, count: ci.count), after = before
        for row in cells {
            for (j, s) in row.enumerated() {
                let w = pointSplit(s)
                before[j] = Swift.max(before[j], w.before)
                after[j] = Swift.max(after[j], w.after)
            }
        }
        return cells.map { row in
            var line = ""
            for (j, s) in row.enumerated() {
                let w = pointSplit(s)
                line += j == 0 ? " " : "  "
                line += String(repeating: " ", count: before[j] - w.before) + s
                if j < row.count - 1 { line += String(repeating: " ", count: after[j] - w.after) }
            }
            return line
        }.joined(separator: "\n")
    }

    /// The characters of a displayed number before its decimal point (or exponent, or end) and from there on.
    static func pointSplit(_ s: String) -> (before: Int, after: Int) {
        var before = 0
        for c in s {
            if c == "." || c == "e" { return (before, s.count - before) }
            before += 1
        }
        return (before, 0)
    }

    // MARK: JSON

    public static func jsonNumber(_ x: Double) -> String {
        if x.isNaN { return "\"nan\"" }
        if x.isInfinite { return x < 0 ? "\"-inf\"" : "\"inf\"" }
        if x == x.rounded(), Swift.abs(x) < 1e17 { return String(format: "%.0f", x) == "-0" ? "0" : String(format: "%.0f", x) }
        return String(format: "%.17g", x)
    }

    /// A JSON string as Python's `json.dumps(s, ensure_ascii=False)` writes it (the notebooks
    /// are byte-stable against nbformat): `\b \f \n \r \t`, other controls as `\u00XX`.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// One JSON line for a displayed value (docs/reference.md §2.7).
    public static func json(_ v: Value) -> String {
        switch v {
        case .number(let x): return jsonNumber(x)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return jsonString(s)
        case .none: return "null"
        case .tensor(let t):
            return "{\"shape\":[" + t.shape.map(String.init).joined(separator: ",") + "],\"data\":[" + t.data.map(jsonNumber).joined(separator: ",") + "]}"
        case .function: return jsonString(text(v))
        case .plot(let p): return "{\"plot\":" + (p.title.map(jsonString) ?? "null") + "}"
        case .list(let xs): return "[" + xs.map(json).joined(separator: ",") + "]"
        case .record(let r): return "{" + r.fields.map { jsonString($0.name) + ":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }
}
