import Foundation
import LossLang

/// Renders a notebook as GitHub Markdown. GitHub strips inline `<svg>` from Markdown, so
/// every plot goes to a sidecar file `NAME-figK.svg` linked with `![](NAME-figK.svg)`.
public enum MarkdownRenderer {
    public struct Output {
        public var markdown: String
        /// Sidecar files: (file name, SVG text), to write next to the Markdown file.
        public var figures: [(name: String, svg: String)]
    }

    /// `figurePrefix` is NAME in `NAME-figK.svg` (the output file's name without extension).
    public static func render(_ doc: NotebookDocument, figurePrefix: String) -> Output {
        var parts: [String] = []
        var figures: [(String, String)] = []
        for cell in doc.cells {
            switch cell.kind {
            case .markdown(let md):
                if let t = cell.title { parts.append("**\(t)**") }
                if !md.isEmpty { parts.append(md) }
            case .code(let source, let outputs, _):
                if let t = cell.title { parts.append("**\(t)**") }
                if !source.isEmpty { parts.append(fenced(source, info: "loss")) }
                for g in OutputGroup.groups(outputs) {
                    switch g {
                    case .text(let os):
                        for run in OutputGroup.byKind(os) {
                            parts.append(fenced(run.map(OutputGroup.text).joined(separator: "\n"), info: ""))
                        }
                    case .plot(let p):
                        let name = "\(figurePrefix)-fig\(figures.count + 1).svg"
                        figures.append((name, SVGRenderer.render(p)))
                        let alt = (p.title ?? "plot").replacingAll("[", "(").replacingAll("]", ")")
                        parts.append("![\(alt)](\(urlPath(name)))")
                    }
                }
            }
        }
        return Output(markdown: parts.joined(separator: "\n\n") + "\n", figures: figures)
    }

    /// A fenced code block whose fence is longer than any backtick run inside.
    static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for c in text {
            if c == "`" { run += 1; longest = Swift.max(longest, run) } else { run = 0 }
        }
        let fence = String(repeating: "`", count: Swift.max(3, longest + 1))
        return fence + info + "\n" + text + "\n" + fence
    }

    /// Percent-encodes what a Markdown link target cannot hold (spaces, parentheses…).
    static func urlPath(_ s: String) -> String {
        var out = ""
        for u in s.utf8 {
            let c = Character(Unicode.Scalar(u))
            if u < 0x80, c.isLetter || c.isNumber || "-_.~/".contains(c) { out.append(c) }
            else { out += "%" + String(u, radix: 16, uppercase: true).leftPadded(2) }
        }
        return out
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        guard !a.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    func leftPadded(_ n: Int, with c: Character = "0") -> String {
        count >= n ? self : String(repeating: c, count: n - count) + self
    }
}
