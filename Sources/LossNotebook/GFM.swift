import CCmarkGFM
import Foundation

/// Markdown text cells to HTML with cmark-gfm, GitHub's reference implementation, and the
/// extensions GitHub enables (tables, strikethrough, autolinks, task lists, the tag filter),
/// so that a notebook's prose renders as it does on GitHub.
///
/// Raw HTML is kept (GitHub shows inline HTML), except the tags GitHub's tag filter disarms
/// (`<script>`, `<iframe>`, `<style>`, …); links and images to `javascript:`, `vbscript:`,
/// `file:` and `data:` URLs (other than images) become `#`, as GitHub's sanitiser drops them.
enum GFM {
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    static func html(_ markdown: String) -> String {
        cmark_gfm_core_extensions_ensure_registered()
        let options = CMARK_OPT_UNSAFE
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        let bytes = Array(markdown.utf8)
        bytes.withUnsafeBufferPointer { b in
            b.baseAddress.map { $0.withMemoryRebound(to: CChar.self, capacity: b.count) { cmark_parser_feed(parser, $0, b.count) } }
        }
        guard let doc = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(doc) }
        disarmURLs(doc)
        guard let out = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(out) }
        return String(cString: out)
    }

    /// Replaces script-like link and image destinations with `#`.
    static func disarmURLs(_ doc: OpaquePointer) {
        guard let it = cmark_iter_new(doc) else { return }
        defer { cmark_iter_free(it) }
        while true {
            let ev = cmark_iter_next(it)
            if ev == CMARK_EVENT_DONE { break }
            guard ev == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(it) else { continue }
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let u = cmark_node_get_url(node) else { continue }
            let url = String(cString: u).trimmingCharacters(in: .whitespaces).lowercased()
            let image = type == CMARK_NODE_IMAGE
            let bad = url.hasPrefix("javascript:") || url.hasPrefix("vbscript:") || url.hasPrefix("file:")
                || (url.hasPrefix("data:") && !(image && url.hasPrefix("data:image/")))
            if bad { cmark_node_set_url(node, "#") }
        }
    }
}
