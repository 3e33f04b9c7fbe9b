/// Tab completion for the REPL (docs/reference.md §1), as a pure function of the text before the cursor.
///
/// `Session.completions(line:cursor:)` calls `completionCandidates` with the names in scope
/// (built-ins, aliases, the user's names) and a look-up of a callee's parameter names; the REPL
/// hands the result to readline. Nothing here knows about terminals.

/// Language keywords offered alongside the names in scope.
public let completionKeywords: [String] = [
    "fn", "if", "then", "else", "for", "in", "while", "break", "continue", "return", "true", "false", "none",
]

/// Completion candidates for the identifier that ends at `cursor` in `line`.
///
/// - `line` may hold several lines (a statement continued in the REPL); `cursor` is a UTF-8
///   offset into it (readline's `rl_point`), clamped to the text and moved back to a scalar boundary.
/// - The word completed is the run of identifier characters (letters, digits, `_`) just before the
///   cursor; a word that starts with a digit is a number and gets nothing, and so does a cursor
///   inside a string literal or a comment.
/// - When the cursor starts an argument (right after `(` or `,`) of a call whose callee is a
///   known name (`focal(p, y, ga` or `x |> focal(y, ga`), the callee's parameters that start with
///   the word are offered as keywords (`gamma:`), in declaration order, leaving out those already
///   given by position or keyword; when there are such parameters, they are the only candidates
///   (so `focal(p, y, ga⇥` completes to `gamma:` although `gaussian_nll` exists).
/// - After `name.` (or `a.b.`), the fields of the record that path holds, in their order.
/// - Otherwise every name and language keyword that starts with the word, sorted, without duplicates.
/// - While naming something new (`fn na`, `fn f(a, b`), nothing is offered.
///
/// Every candidate starts with the word, so the caller can replace the word with it.
public func completionCandidates(line: String, cursor: Int, names: [String],
                                 parameters: (String) -> [String]?,
                                 fields: ([String]) -> [String]? = { _ in nil }) -> [String] {
    let bytes = Array(line.utf8)
    var end = Swift.max(0, Swift.min(cursor, bytes.count))
    while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
    let s = Array(String(decoding: bytes[0..<end], as: UTF8.self).unicodeScalars)

    // Scan the text before the cursor: open brackets, strings, comments.
    var open: [(bracket: Unicode.Scalar, at: Int)] = []
    var i = 0
    while i < s.count {
        let c = s[i]
        switch c {
        case "\"":
            i += 1
            while i < s.count, s[i] != "\"", s[i] != "\n" {
                i += s[i] == "\\" ? 2 : 1
            }
            if i >= s.count { return [] }           // the cursor is inside a string
        case "#":
            while i < s.count, s[i] != "\n" { i += 1 }
            if i >= s.count { return [] }           // the cursor is inside a comment
        case "(", "[", "{":
            open.append((c, i))
        case ")", "]", "}":
            if !open.isEmpty { open.removeLast() }
        default:
            break
        }
        i += 1
    }

    // The word before the cursor.
    var start = s.count
    while start > 0, isIdentifierPart(s[start - 1]) { start -= 1 }
    let word = String(String.UnicodeScalarView(s[start..<s.count]))
    if let first = word.unicodeScalars.first, !isIdentifierStart(first) { return [] }
    // `1.5e` or `.5e`: the tail of a number.
    if start > 1, s[start - 1] == ".", ("0"..."9").contains(s[start - 2]) { return [] }

    // `r.w⇥`, `fit.x.b⇥`: the fields of the record the names before the dot hold.
    if start > 0, s[start - 1] == "." {
        var path: [String] = []
        var j = start - 1
        while j > 0, let id = identifier(endingAt: j, in: s), let f = id.unicodeScalars.first, isIdentifierStart(f) {
            path.insert(id, at: 0)
            j -= id.unicodeScalars.count
            guard j > 0, s[j - 1] == "." else { break }
            j -= 1
        }
        guard !path.isEmpty, let names = fields(path) else { return [] }
        return names.filter { $0.hasPrefix(word) }
    }

    let before = skipSpace(s, from: start)                  // index after the previous non-space
    if identifier(endingAt: before, in: s) == "fn" { return [] }     // naming a new function

    let atArgumentStart = before > 0 && (s[before - 1] == "(" || s[before - 1] == ",")
    if atArgumentStart, let top = open.last, top.bracket == "(" {
        let calleeEnd = skipSpace(s, from: top.at)
        if let callee = identifier(endingAt: calleeEnd, in: s),
           callee.unicodeScalars.first.map(isIdentifierStart) == true,
           !completionKeywords.contains(callee) {
            let calleeStart = calleeEnd - callee.unicodeScalars.count
            let introducer = skipSpace(s, from: calleeStart)
            if identifier(endingAt: introducer, in: s) == "fn" { return [] }   // naming a parameter
            if let params = parameters(callee) {
                let (positional, keywords) = givenArguments(s, from: top.at + 1, to: start)
                var skip = positional
                if introducer >= 2, s[introducer - 2] == "|", s[introducer - 1] == ">" { skip += 1 }  // `x |> f(…`
                var result: [String] = []
                for (k, name) in params.enumerated() where k >= skip && !keywords.contains(name) && name.hasPrefix(word) {
                    result.append(name + ":")
                }
                if !result.isEmpty || word.isEmpty { return result }
            }
        }
    }

    var seen = Set<String>()
    var matches: [String] = []
    for n in names + completionKeywords where !n.isEmpty && n.hasPrefix(word) && seen.insert(n).inserted {
        matches.append(n)
    }
    return matches.sorted()
}

@inline(__always) private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    c == "_" || c.properties.isAlphabetic
}

@inline(__always) private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
    isIdentifierStart(c) || ("0"..."9").contains(c) || c.properties.generalCategory == .decimalNumber
}

@inline(__always) private func isSpace(_ c: Unicode.Scalar) -> Bool {
    c == " " || c == "\t" || c == "\n" || c == "\r"
}

/// The index just after the last non-space scalar before `index`.
private func skipSpace(_ s: [Unicode.Scalar], from index: Int) -> Int {
    var j = index
    while j > 0, isSpace(s[j - 1]) { j -= 1 }
    return j
}

/// The identifier that ends at `end` (exclusive), or nil.
private func identifier(endingAt end: Int, in s: [Unicode.Scalar]) -> String? {
    var j = end
    while j > 0, isIdentifierPart(s[j - 1]) { j -= 1 }
    guard j < end else { return nil }
    return String(String.UnicodeScalarView(s[j..<end]))
}

/// The arguments already written in a call between `from` and `to` (the start of the current
/// one): how many are positional, and which keywords were used.
private func givenArguments(_ s: [Unicode.Scalar], from: Int, to: Int) -> (Int, Set<String>) {
    var positional = 0
    var keywords = Set<String>()
    var depth = 0
    var argStart = from
    var i = from
    func finish(_ a: Int, _ b: Int) {
        // `name:` at the start of the argument makes it a keyword argument.
        var j = a
        while j < b, isSpace(s[j]) { j += 1 }
        let nameStart = j
        while j < b, isIdentifierPart(s[j]) { j += 1 }
        let name = String(String.UnicodeScalarView(s[nameStart..<j]))
        while j < b, s[j] == " " || s[j] == "\t" { j += 1 }
        if let f = name.unicodeScalars.first, isIdentifierStart(f), j < b, s[j] == ":" {
            keywords.insert(name)
        } else if nameStart < b {
            positional += 1
        }
    }
    while i < to {
        switch s[i] {
        case "\"":
            i += 1
            while i < to, s[i] != "\"", s[i] != "\n" { i += s[i] == "\\" ? 2 : 1 }
        case "#":
            while i < to, s[i] != "\n" { i += 1 }
        case "(", "[", "{": depth += 1
        case ")", "]", "}": depth = Swift.max(0, depth - 1)
        case "," where depth == 0:
            finish(argStart, i)
            argStart = i + 1
        default: break
        }
        i += 1
    }
    return (positional, keywords)
}
