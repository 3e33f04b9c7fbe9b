import Foundation
import LossLang

/// Renders a notebook as one self-contained HTML page (inline CSS and SVG, no scripts).
public enum HTMLRenderer {
    static let css = """
    body{margin:0;background:#fff;color:#1f2328;font:16px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
    main{max-width:860px;margin:0 auto;padding:24px 16px 48px}
    pre{margin:0;padding:10px 12px;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;border-radius:6px}
    .cell{margin:18px 0}
    .cell-title{font-size:13px;font-weight:600;color:#59636e;margin-bottom:4px}
    pre.source{background:#f6f8fa;border:1px solid #d1d9e0}
    pre.output{background:#fff;border-left:3px solid #d1d9e0;border-radius:0}
    pre.error{background:#fff5f5;border-left:3px solid #d1242f;border-radius:0;color:#82071e}
    pre.warning{background:#fff8e5;border-left:3px solid #bf8700;border-radius:0}
    .plot svg{max-width:100%;height:auto}
    .markdown code{background:#eff1f3;padding:1px 4px;border-radius:4px;font-size:90%}
    .markdown pre code{background:none;padding:0}
    .markdown pre{background:#f6f8fa}
    table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;padding:4px 10px}
    blockquote{margin:0;padding:0 1em;color:#59636e;border-left:4px solid #d1d9e0}
    """

    /// Text for HTML and SVG (XML 1.0), in content and in quoted attributes: `& < > " '` as
    /// entities; control characters other than tab, newline and carriage return (not allowed
    /// in XML 1.0) as spaces.
    public static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 { out += " " } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    public static func render(_ doc: NotebookDocument) -> String {
        var o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        o += "<meta name=\"generator\" content=\"loss notebook\">\n"
        o += "<title>\(escape(doc.name))</title>\n<style>\n\(css)\n</style>\n</head>\n<body>\n<main>\n"
        for cell in doc.cells {
            switch cell.kind {
            case .markdown(let md):
                o += "<section class=\"cell markdown\">\n"
                if let t = cell.title { o += "<div class=\"cell-title\">\(escape(t))</div>\n" }
                o += GFM.html(md)
                o += "</section>\n"
            case .code(let source, let outputs, let n):
                o += "<section class=\"cell code\" data-execution-count=\"\(n)\">\n"
                if let t = cell.title { o += "<div class=\"cell-title\">\(escape(t))</div>\n" }
                if !source.isEmpty { o += "<pre class=\"source\"><code class=\"language-loss\">\(escape(source))</code></pre>\n" }
                for g in OutputGroup.groups(outputs) {
                    switch g {
                    case .plot(let p):
                        var svg = SVGRenderer.render(p)
                        if svg.hasSuffix("\n") { svg.removeLast() }
                        o += "<div class=\"plot\">\n\(svg)\n</div>\n"
                    case .text(let os):
                        // one <pre> per run of outputs of one kind
                        for run in OutputGroup.byKind(os) {
                            let cls = OutputGroup.kind(run[0])
                            o += "<pre class=\"\(cls)\">\(escape(run.map(OutputGroup.text).joined(separator: "\n")))</pre>\n"
                        }
                    }
                }
                o += "</section>\n"
            }
        }
        o += "</main>\n</body>\n</html>\n"
        return o
    }
}
