/// Tokens of the language (docs/reference.md §2.1).
public enum TokenKind: Equatable, Sendable {
    case number(Double)
    case string(String)
    case ident(String)
    // keywords
    case kwFn, kwIf, kwThen, kwElse, kwFor, kwIn, kwWhile, kwBreak, kwContinue, kwReturn, kwTrue, kwFalse, kwNone
    // operators and punctuation
    case plus, minus, star, slash, percent, caret, at, quote
    case eq, ne, lt, le, gt, ge, and, or, not
    case assign, plusAssign, minusAssign, starAssign, slashAssign
    case arrow, pipe
    case lparen, rparen, lbracket, rbracket, lbrace, rbrace
    case comma, semicolon, colon, dot, newline, eof

    public var text: String {
        switch self {
        case .number(let x): return Display.number(x)
        case .string(let s): return Display.quote(s)
        case .ident(let s): return s
        case .kwFn: return "fn"
        case .kwIf: return "if"
        case .kwThen: return "then"
        case .kwElse: return "else"
        case .kwFor: return "for"
        case .kwIn: return "in"
        case .kwWhile: return "while"
        case .kwBreak: return "break"
        case .kwContinue: return "continue"
        case .kwReturn: return "return"
        case .kwTrue: return "true"
        case .kwFalse: return "false"
        case .kwNone: return "none"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .percent: return "%"
        case .caret: return "^"
        case .at: return "@"
        case .quote: return "'"
        case .eq: return "=="
        case .ne: return "!="
        case .lt: return "<"
        case .le: return "<="
        case .gt: return ">"
        case .ge: return ">="
        case .and: return "&&"
        case .or: return "||"
        case .not: return "!"
        case .assign: return "="
        case .plusAssign: return "+="
        case .minusAssign: return "-="
        case .starAssign: return "*="
        case .slashAssign: return "/="
        case .arrow: return "->"
        case .pipe: return "|>"
        case .lparen: return "("
        case .rparen: return ")"
        case .lbracket: return "["
        case .rbracket: return "]"
        case .lbrace: return "{"
        case .rbrace: return "}"
        case .comma: return ","
        case .semicolon: return ";"
        case .colon: return ":"
        case .dot: return "."
        case .newline: return "newline"
        case .eof: return "end of input"
        }
    }

    /// Binary operators after which a newline does not end the statement.
    var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .percent, .caret, .at, .eq, .ne, .lt, .le, .gt, .ge, .and, .or,
             .assign, .plusAssign, .minusAssign, .starAssign, .slashAssign, .arrow, .pipe, .comma:
            return true
        default: return false
        }
    }
}

public struct Token: Equatable, Sendable {
    public var kind: TokenKind
    public var span: SourceSpan
}

/// Turns source text into tokens. Offsets in spans count Unicode scalars.
/// Newlines inside ( or [ and after a binary operator or comma are dropped,
/// so the parser only sees the newlines that end statements.
public struct Lexer {
    let scalars: [Unicode.Scalar]
    var pos = 0
    var line = 1
    var col = 1
    var brackets: [TokenKind] = []

    public init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    static let keywords: [String: TokenKind] = [
        "fn": .kwFn, "if": .kwIf, "then": .kwThen, "else": .kwElse, "for": .kwFor, "in": .kwIn,
        "while": .kwWhile, "break": .kwBreak, "continue": .kwContinue, "return": .kwReturn,
        "true": .kwTrue, "false": .kwFalse, "none": .kwNone,
    ]

    /// All tokens, ending with `.eof`. Unterminated brackets are left for the parser to report.
    public static func tokenize(_ source: String) throws -> [Token] {
        var lx = Lexer(source)
        var out: [Token] = []
        while true {
            let t = try lx.next()
            if t.kind == .newline {
                // collapse blank lines; drop newlines inside ( [ and after operators
                if let top = lx.brackets.last, top == .lparen || top == .lbracket { continue }
                if let last = out.last, last.kind == .newline || last.kind.continuesLine || last.kind == .lparen || last.kind == .lbracket { continue }
                if out.isEmpty { continue }
            }
            out.append(t)
            if t.kind == .eof { return out }
        }
    }

    func peek(_ k: Int = 0) -> Unicode.Scalar? { pos + k < scalars.count ? scalars[pos + k] : nil }

    mutating func advance() {
        if scalars[pos] == "\n" { line += 1; col = 1 } else { col += 1 }
        pos += 1
    }

    func span(from start: Int, line l: Int, col c: Int) -> SourceSpan {
        SourceSpan(start: start, end: pos, line: l, col: c)
    }

    static func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }
    static func isIdentPart(_ c: Unicode.Scalar) -> Bool {
        isIdentStart(c) || ("0"..."9").contains(c) || c.properties.generalCategory == .decimalNumber
    }

    mutating func next() throws -> Token {
        // skip spaces and comments
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" { advance(); continue }
            if c == "#" {
                while let d = peek(), d != "\n" { advance() }
                continue
            }
            if c == "\\", peek(1) == "\n" { advance(); advance(); continue }  // explicit line continuation
            break
        }
        let start = pos, l = line, cl = col
        guard let c = peek() else { return Token(kind: .eof, span: span(from: start, line: l, col: cl)) }

        func tok(_ k: TokenKind, _ n: Int = 1) -> Token {
            for _ in 0..<n { advance() }
            return Token(kind: k, span: span(from: start, line: l, col: cl))
        }

        if c == "\n" { return tok(.newline) }
        if ("0"..."9").contains(c) || (c == "." && peek(1).map { ("0"..."9").contains($0) } == true) {
            return try number(start, l, cl)
        }
        if Lexer.isIdentStart(c) {
            var s = String.UnicodeScalarView()
            while let d = peek(), Lexer.isIdentPart(d) { s.append(d); advance() }
            let name = String(s)
            return Token(kind: Lexer.keywords[name] ?? .ident(name), span: span(from: start, line: l, col: cl))
        }
        if c == "\"" { return try string(start, l, cl) }
        let n1 = peek(1)
        switch c {
        case "+": return n1 == "=" ? tok(.plusAssign, 2) : tok(.plus)
        case "-": return n1 == ">" ? tok(.arrow, 2) : (n1 == "=" ? tok(.minusAssign, 2) : tok(.minus))
        case "*": return n1 == "=" ? tok(.starAssign, 2) : tok(.star)
        case "/": return n1 == "=" ? tok(.slashAssign, 2) : tok(.slash)
        case "%": return tok(.percent)
        case "^": return tok(.caret)
        case "@": return tok(.at)
        case "'": return tok(.quote)
        case "→": return tok(.arrow)
        case "=": return n1 == "=" ? tok(.eq, 2) : tok(.assign)
        case "!": return n1 == "=" ? tok(.ne, 2) : tok(.not)
        case "<": return n1 == "=" ? tok(.le, 2) : tok(.lt)
        case ">": return n1 == "=" ? tok(.ge, 2) : tok(.gt)
        case "&": if n1 == "&" { return tok(.and, 2) }
        case "|":
            if n1 == "|" { return tok(.or, 2) }
            if n1 == ">" { return tok(.pipe, 2) }
        case "(": brackets.append(.lparen); return tok(.lparen)
        case "[": brackets.append(.lbracket); return tok(.lbracket)
        case "{": brackets.append(.lbrace); return tok(.lbrace)
        case ")", "]", "}":
            if !brackets.isEmpty { brackets.removeLast() }
            return tok(c == ")" ? .rparen : c == "]" ? .rbracket : .rbrace)
        case ",": return tok(.comma)
        case ";": return tok(.semicolon)
        case ":": return tok(.colon)
        case ".": return tok(.dot)
        default: break
        }
        advance()
        let sp = span(from: start, line: l, col: cl)
        var hint: String? = nil
        if c == "&" { hint = "logical and is '&&'" }
        if c == "|" { hint = "logical or is '||', the pipe is '|>'" }
        if c == "'" { hint = "strings use double quotes: \"text\"" }
        if c == "“" || c == "”" { hint = "use straight double quotes: \"text\"" }
        throw LangError(.syntax, "unexpected character '\(Character(c))'", sp, hint: hint)
    }

    mutating func number(_ start: Int, _ l: Int, _ cl: Int) throws -> Token {
        var s = ""
        while let d = peek(), ("0"..."9").contains(d) || d == "_" { if d != "_" { s.unicodeScalars.append(d) }; advance() }
        if peek() == ".", let d = peek(1), ("0"..."9").contains(d) || !(Lexer.isIdentStart(d) || d == ".") {
            s += "."; advance()
            while let d = peek(), ("0"..."9").contains(d) { s.unicodeScalars.append(d); advance() }
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let hasSign = sign == "+" || sign == "-"
            if let d = peek(hasSign ? 2 : 1), ("0"..."9").contains(d) {
                s += "e"; advance()
                if hasSign { s.unicodeScalars.append(sign!); advance() }
                while let d = peek(), ("0"..."9").contains(d) { s.unicodeScalars.append(d); advance() }
            }
        }
        let sp = span(from: start, line: l, col: cl)
        if let d = peek(), Lexer.isIdentStart(d) {
            throw LangError(.syntax, "invalid number literal", SourceSpan(start: start, end: pos + 1, line: l, col: cl),
                            hint: "a name cannot start with a digit; multiplication is written 2*x")
        }
        guard let x = Double(s) else { throw LangError(.syntax, "invalid number literal '\(s)'", sp) }
        return Token(kind: .number(x), span: sp)
    }

    mutating func string(_ start: Int, _ l: Int, _ cl: Int) throws -> Token {
        advance()  // opening quote
        var s = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n" else {
                throw LangError(.syntax, "unterminated string", span(from: start, line: l, col: cl), hint: "close it with \"")
            }
            advance()
            if c == "\"" { break }
            if c == "\\" {
                guard let e = peek() else { continue }
                advance()
                switch e {
                case "n": s.append("\n")
                case "t": s.append("\t")
                case "\"": s.append("\"")
                case "\\": s.append("\\")
                default:
                    throw LangError(.syntax, "unknown escape '\\\(Character(e))'", SourceSpan(start: pos - 2, end: pos, line: line, col: col - 2),
                                    hint: "escapes are \\\", \\\\, \\n and \\t")
                }
                continue
            }
            s.append(c)
        }
        return Token(kind: .string(String(s)), span: span(from: start, line: l, col: cl))
    }
}
