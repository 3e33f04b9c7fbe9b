/// The inputs of this kernel session for `history_request` (kept in memory, like the cells of
/// one running kernel): `tail`, `range` and `search` with a glob pattern, as IPython answers them.
public struct KernelHistory {
    public struct Entry: Equatable {
        public var line: Int
        public var input: String
        /// The text of what the cell displayed (its results), or nil.
        public var output: String?
    }

    /// The session number in replies; 0 (or this number) in a request means this session.
    public static let session = 1
    public private(set) var entries: [Entry] = []

    public init() {}

    mutating func append(line: Int, input: String, output: String?) {
        entries.append(Entry(line: line, input: input, output: output))
    }

    func row(_ e: Entry, output: Bool) -> JSON {
        let item: JSON = output ? .array([.string(e.input), e.output.map(JSON.string) ?? .null]) : .string(e.input)
        return .array([.int(KernelHistory.session), .int(e.line), item])
    }

    /// The `history_reply` content for a request's content.
    public func reply(_ c: JSON) -> JSON {
        let output = c["output"]?.bool ?? false
        var picked: [Entry] = []
        switch c["hist_access_type"]?.string ?? "" {
        case "tail":
            let n = Swift.max(0, c["n"]?.int ?? 10)
            picked = Array(entries.suffix(n))
        case "range":
            let session = c["session"]?.int ?? 0
            guard session == 0 || session == KernelHistory.session else { break }
            let start = c["start"]?.int ?? 0
            let stop = c["stop"]?.int
            picked = entries.filter { e in e.line >= start && (stop.map { e.line < $0 } ?? true) }
        case "search":
            let pattern = Array((c["pattern"]?.string ?? "*").unicodeScalars)
            var found = entries.filter { KernelHistory.glob(pattern, Array($0.input.unicodeScalars)) }
            if c["unique"]?.bool ?? false {
                // the latest of each input, in order
                var seen = Set<String>()
                found = found.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = c["n"]?.int, n > 0 { found = Array(found.suffix(n)) }
            picked = found
        default:
            break
        }
        return ["status": "ok", "history": .array(picked.map { row($0, output: output) })]
    }

    /// Shell-style glob over the whole text: `*` any run, `?` one character, `[abc]` / `[!a-z]` a set.
    static func glob(_ p: [Unicode.Scalar], _ s: [Unicode.Scalar]) -> Bool {
        var pi = 0, si = 0
        var star = -1, mark = 0
        func matchClass(_ at: Int, _ c: Unicode.Scalar) -> (matched: Bool, next: Int)? {
            var i = at + 1
            var negate = false
            if i < p.count, p[i] == "!" || p[i] == "^" { negate = true; i += 1 }
            var matched = false
            var first = true
            while i < p.count, p[i] != "]" || first {
                first = false
                if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                    if p[i].value <= c.value && c.value <= p[i + 2].value { matched = true }
                    i += 3
                } else {
                    if p[i] == c { matched = true }
                    i += 1
                }
            }
            guard i < p.count else { return nil }   // no closing ]: a literal [
            return (matched != negate, i + 1)
        }
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    star = pi; mark = si; pi += 1; continue
                case "?":
                    pi += 1; si += 1; continue
                case "[":
                    if let m = matchClass(pi, s[si]) {
                        if m.matched { pi = m.next; si += 1; continue }
                    } else if s[si] == "[" { pi += 1; si += 1; continue }
                default:
                    if p[pi] == s[si] { pi += 1; si += 1; continue }
                }
            }
            guard star >= 0 else { return false }
            pi = star + 1
            mark += 1
            si = mark
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
