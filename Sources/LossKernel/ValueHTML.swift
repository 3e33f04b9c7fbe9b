import LossCore
import LossLang
import LossNotebook

/// The `text/html` form of a displayed value in Jupyter (docs/reference.md §8): matrices and
/// higher ranks as tables under their shape header, records as a table of fields. Numbers are
/// written as the text display writes them (precision, `nan`, `inf`), and long tensors elide
/// their middle past 1000 elements as the text display does. Other values have no HTML form.
public enum ValueHTML {
    static let elideThreshold = 1000
    static let edgeItems = 3

    /// The HTML of `v`, or nil when its text form is all there is (numbers, vectors, strings…).
    public static func html(_ v: Value, precision: Int) -> String? {
        switch v {
        case .tensor(let t) where t.rank >= 2: return tensor(t, precision: precision)
        case .record(let r): return record(r, precision: precision)
        default: return nil
        }
    }

    static func esc(_ s: String) -> String { HTMLRenderer.escape(s) }

    /// Indices shown along an axis of length n; -1 marks the elision.
    static func items(_ n: Int, _ elide: Bool) -> [Int] {
        if !elide || n <= 2 * edgeItems { return Array(0..<n) }
        return Array(0..<edgeItems) + [-1] + Array((n - edgeItems)..<n)
    }

    static func tensor(_ t: Tensor, precision: Int) -> String {
        let header = t.shape.map(String.init).joined(separator: "×") + " tensor"
        let rows = t.shape[t.rank - 2], cols = t.shape[t.rank - 1]
        let mat = rows * cols
        var o = "<div class=\"loss-tensor\">\n"
        if t.count == 0 { return o + "<div>\(esc(header))</div>\n</div>" }
        let elide = t.count > elideThreshold
        let outer = t.count / Swift.max(mat, 1)
        let outerShape = Array(t.shape.dropLast(2))
        o += "<div>\(esc(header))</div>\n"
        for k in items(outer, elide) {
            if k < 0 { o += "<div>…</div>\n"; continue }
            var caption = ""
            if t.rank > 2 {
                var idx: [String] = []
                var rem = k
                for d in outerShape.reversed() { idx.append(String(rem % d)); rem /= d }
                caption = "<caption>[" + idx.reversed().joined(separator: ", ") + ", :, :]</caption>"
            }
            o += "<table>\(caption)\n<tbody>\n"
            let ci = items(cols, elide)
            for r in items(rows, elide) {
                o += "<tr>"
                for c in ci {
                    let cell: String
                    if r < 0 { cell = c < 0 ? "⋱" : "⋮" } else if c < 0 { cell = "…" } else {
                        cell = Display.number(t.data[k * mat + r * cols + c], precision: precision)
                    }
                    o += "<td>\(esc(cell))</td>"
                }
                o += "</tr>\n"
            }
            o += "</tbody>\n</table>\n"
        }
        return o + "</div>"
    }

    static func record(_ r: Record, precision: Int) -> String {
        var o = "<table class=\"loss-record\">\n<tbody>\n"
        for (name, value) in r.fields {
            let cell: String
            if let inner = html(value, precision: precision) {
                cell = inner
            } else {
                let text = value.isString ? Display.literal(value) : Display.text(value, precision: precision)
                cell = text.contains("\n") ? "<pre>\(esc(text))</pre>" : "<code>\(esc(text))</code>"
            }
            o += "<tr><th style=\"text-align:left;vertical-align:top\">\(esc(name))</th><td style=\"text-align:left\">\(cell)</td></tr>\n"
        }
        return o + "</tbody>\n</table>"
    }
}
