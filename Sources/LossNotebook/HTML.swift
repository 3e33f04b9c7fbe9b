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
                o += MiniMarkdown.html(md)
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

/// A small Markdown-to-HTML converter for text cells: ATX headings, paragraphs, lists,
/// block quotes, fenced code, rules, pipe tables; inline code, emphasis, links and images.
enum MiniMarkdown {
    static func html(_ md: String) -> String {
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var o = ""
        var i = 0
        var paragraph: [String] = []
        func flushParagraph() {
            if !paragraph.isEmpty {
                o += "<p>" + paragraph.map(inline).joined(separator: "\n") + "</p>\n"
                paragraph = []
            }
        }
        while i < lines.count {
            let line = lines[i]
            let t = line.trimmingWhitespace
            if t.isEmpty { flushParagraph(); i += 1; continue }
            if t.hasPrefix("```") || t.hasPrefix("~~~") {
                flushParagraph()
                let fence = String(t.prefix { $0 == t.first })
                let lang = t.dropFirst(fence.count).trimmingWhitespace
                var code: [String] = []
                i += 1
                while i < lines.count, !lines[i].trimmingWhitespace.hasPrefix(fence) { code.append(lines[i]); i += 1 }
                i += 1
                let cls = lang.isEmpty ? "" : " class=\"language-\(HTMLRenderer.escape(lang))\""
                o += "<pre><code\(cls)>\(HTMLRenderer.escape(code.joined(separator: "\n")))</code></pre>\n"
                continue
            }
            if let (level, text) = heading(t) {
                flushParagraph()
                o += "<h\(level)>\(inline(text))</h\(level)>\n"
                i += 1; continue
            }
            if t.count >= 3, Set(t.filter { $0 != " " }).count == 1, let c = t.first, "-*_".contains(c) {
                flushParagraph(); o += "<hr>\n"; i += 1; continue
            }
            if t.hasPrefix(">") {
                flushParagraph()
                var quote: [String] = []
                while i < lines.count, lines[i].trimmingWhitespace.hasPrefix(">") {
                    var q = lines[i].trimmingWhitespace.dropFirst()
                    if q.first == " " { q = q.dropFirst() }
                    quote.append(String(q)); i += 1
                }
                o += "<blockquote>\n" + html(quote.joined(separator: "\n")) + "</blockquote>\n"
                continue
            }
            if listItem(t) != nil {
                flushParagraph()
                let ordered = listItem(t)?.ordered ?? false
                o += ordered ? "<ol>\n" : "<ul>\n"
                while i < lines.count, let item = listItem(lines[i].trimmingWhitespace), item.ordered == ordered {
                    var text = item.text
                    i += 1
                    // continuation lines (indented, not a new item)
                    while i < lines.count, !lines[i].trimmingWhitespace.isEmpty, lines[i].hasPrefix(" "),
                          listItem(lines[i].trimmingWhitespace) == nil {
                        text += "\n" + lines[i].trimmingWhitespace; i += 1
                    }
                    o += "<li>\(inline(text))</li>\n"
                }
                o += ordered ? "</ol>\n" : "</ul>\n"
                continue
            }
            if t.hasPrefix("|"), i + 1 < lines.count, isTableSeparator(lines[i + 1]) {
                flushParagraph()
                o += "<table>\n<thead><tr>" + cells(t).map { "<th>\(inline($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
                i += 2
                while i < lines.count, lines[i].trimmingWhitespace.hasPrefix("|") {
                    o += "<tr>" + cells(lines[i].trimmingWhitespace).map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n"
                    i += 1
                }
                o += "</tbody>\n</table>\n"
                continue
            }
            paragraph.append(t)
            i += 1
        }
        flushParagraph()
        return o
    }

    static func heading(_ t: String) -> (Int, String)? {
        let hashes = t.prefix { $0 == "#" }.count
        guard hashes >= 1, hashes <= 6 else { return nil }
        let rest = t.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        return (hashes, rest.trimmingWhitespace)
    }

    static func listItem(_ t: String) -> (ordered: Bool, text: String)? {
        if t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("+ ") { return (false, String(t.dropFirst(2))) }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9 {
            let rest = t.dropFirst(digits.count)
            if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return (true, String(rest.dropFirst(2))) }
        }
        return nil
    }

    static func isTableSeparator(_ line: String) -> Bool {
        let t = line.trimmingWhitespace
        return t.hasPrefix("|") && t.contains("-") && t.allSatisfy { "|-: ".contains($0) }
    }

    static func cells(_ row: String) -> [String] {
        var r = Substring(row)
        if r.hasPrefix("|") { r = r.dropFirst() }
        if r.hasSuffix("|") { r = r.dropLast() }
        return r.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingWhitespace }
    }

    /// Inline markup on one block of text; everything else is HTML-escaped.
    static func inline(_ s: String) -> String {
        let chars = Array(s)
        var o = ""
        var i = 0
        var strong = false, em = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!<>".contains(chars[i + 1]) {
                o += HTMLRenderer.escape(String(chars[i + 1])); i += 2; continue
            }
            if c == "`" {
                var n = 0
                while i + n < chars.count, chars[i + n] == "`" { n += 1 }
                let fence = String(repeating: "`", count: n)
                if let close = find(chars, fence, from: i + n) {
                    let code = String(chars[(i + n)..<close]).trimmingWhitespace
                    o += "<code>\(HTMLRenderer.escape(code))</code>"
                    i = close + n; continue
                }
                o += fence; i += n; continue
            }
            if c == "!" || c == "[", let (html, next) = link(chars, at: i) { o += html; i = next; continue }
            if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c {
                o += strong ? "</strong>" : "<strong>"; strong.toggle(); i += 2; continue
            }
            if c == "*" || (c == "_" && (i == 0 || !chars[i - 1].isLetter || em)) {
                let opens = !em && i + 1 < chars.count && chars[i + 1] != " "
                if em || opens { o += em ? "</em>" : "<em>"; em.toggle(); i += 1; continue }
            }
            o += HTMLRenderer.escape(String(c))
            i += 1
        }
        if em { o += "</em>" }
        if strong { o += "</strong>" }
        return o
    }

    static func find(_ chars: [Character], _ needle: String, from: Int) -> Int? {
        let n = Array(needle)
        guard !n.isEmpty, from <= chars.count - n.count else { return nil }
        var i = from
        while i <= chars.count - n.count {
            if Array(chars[i..<(i + n.count)]) == n { return i }
            i += 1
        }
        return nil
    }

    /// `[text](url)` or `![alt](url)` at i: (html, index after it).
    static func link(_ chars: [Character], at i: Int) -> (String, Int)? {
        let image = chars[i] == "!"
        let open = image ? i + 1 : i
        guard open < chars.count, chars[open] == "[" else { return nil }
        guard let close = chars[(open + 1)...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
              let end = chars[(close + 2)...].firstIndex(of: ")") else { return nil }
        let text = String(chars[(open + 1)..<close])
        let url = String(chars[(close + 2)..<end]).trimmingWhitespace
        let lower = url.lowercased()
        let safe = !(lower.hasPrefix("javascript:") || lower.hasPrefix("vbscript:") || lower.hasPrefix("data:text"))
        let href = HTMLRenderer.escape(safe ? url : "#")
        if image { return ("<img src=\"\(href)\" alt=\"\(HTMLRenderer.escape(text))\">", end + 1) }
        return ("<a href=\"\(href)\">\(inline(text))</a>", end + 1)
    }
}
