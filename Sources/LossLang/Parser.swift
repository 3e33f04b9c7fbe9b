/// Recursive-descent parser, one method per grammar rule (docs/reference.md §2.3, §2.4).
///
/// Precedence, lowest first: `|>` · `||` · `&&` · comparisons · `+ -` · `* / % @` ·
/// unary `- ! +` · `^` (right-associative, binds tighter than unary minus) · postfix
/// calls, indexing and `'` (transpose).
public struct Parser {
    var tokens: [Token]
    var pos = 0
    var depth = 0
    /// For each `(` the index of its matching `)` (for lambda look-ahead), else -1.
    var matching: [Int]

    static let maxDepth = 400
    static let maxChain = 20_000

    /// Set when an error happened at the end of the input: the REPL asks for more lines.
    public struct Incomplete: Error {}

    public init(tokens: [Token]) {
        self.tokens = tokens
        matching = [Int](repeating: -1, count: tokens.count)
        var stack: [Int] = []
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .lparen, .lbracket, .lbrace: stack.append(i)
            case .rparen, .rbracket, .rbrace: if let o = stack.popLast() { matching[o] = i }
            default: break
            }
        }
    }

    /// Parses a whole program.
    public static func parse(_ source: String) throws -> [Stmt] {
        // `maxDepth` levels of recursive descent need more than a main thread's 8 MiB of stack in
        // unoptimised and sanitizer builds: off a large stack, parse on one (as statements run)
        if !BigStack.isLarge {
            var result: Result<[Stmt], Error> = .success([])
            BigStack.run { result = Result { try parseHere(source) } }
            return try result.get()
        }
        return try parseHere(source)
    }

    static func parseHere(_ source: String) throws -> [Stmt] {
        var p = Parser(tokens: try Lexer.tokenize(source))
        return try p.program()
    }

    // MARK: helpers

    var cur: Token { tokens[pos] }
    var kind: TokenKind { tokens[pos].kind }
    func peekKind(_ k: Int) -> TokenKind { pos + k < tokens.count ? tokens[pos + k].kind : .eof }

    mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    mutating func accept(_ k: TokenKind) -> Bool {
        if kind == k { _ = advance(); return true }
        return false
    }

    func error(_ message: String, _ span: SourceSpan? = nil, hint: String? = nil) -> LangError {
        var e = LangError(.syntax, message, span ?? cur.span, hint: hint)
        if kind == .eof && span == nil { e.isIncomplete = true }
        return e
    }

    mutating func expect(_ k: TokenKind, _ what: String, opener: Token? = nil) throws -> Token {
        if kind == k { return advance() }
        var msg = "expected \(what), found \(describe(cur))"
        if let o = opener { msg += " (to close '\(o.kind.text)' at \(o.span.line):\(o.span.col))" }
        throw error(msg)
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of input"
        case .newline: return "end of line"
        case .number, .string: return t.kind.text
        case .ident(let s): return "'\(s)'"
        default: return "'\(t.kind.text)'"
        }
    }

    mutating func skipNewlines() { while kind == .newline || kind == .semicolon { _ = advance() } }

    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw LangError(.syntax, "expression nested too deeply", cur.span, hint: "split it into several statements with names for the parts")
        }
    }

    // MARK: statements

    public mutating func program() throws -> [Stmt] {
        var stmts: [Stmt] = []
        skipNewlines()
        while kind != .eof {
            stmts.append(try statement(topLevel: true))
            try endOfStatement(&stmts, topLevel: true)
        }
        return stmts
    }

    /// After a statement: a newline, `;` (which suppresses display at top level), `}` or the end.
    mutating func endOfStatement(_ stmts: inout [Stmt], topLevel: Bool) throws {
        switch kind {
        case .semicolon:
            _ = advance()
            if case .expr(let e, _, let s)? = stmts.last { stmts[stmts.count - 1] = .expr(e, display: false, s) }
            skipNewlines()
        case .newline: skipNewlines()
        case .eof: break
        case .rbrace where !topLevel: break
        default:
            var hint: String? = nil
            if case .ident = kind { hint = "separate statements with a newline or ';'" }
            if kind == .rparen || kind == .rbracket || kind == .rbrace { hint = "unmatched '\(kind.text)'" }
            throw error("unexpected \(describe(cur)) after the statement", hint: hint)
        }
    }

    mutating func block() throws -> [Stmt] {
        let open = try expect(.lbrace, "'{'")
        try enter(); defer { depth -= 1 }
        var stmts: [Stmt] = []
        skipNewlines()
        while kind != .rbrace {
            if kind == .eof { throw error("expected '}' to close the block opened at \(open.span.line):\(open.span.col)") }
            stmts.append(try statement(topLevel: false))
            try endOfStatement(&stmts, topLevel: false)
        }
        _ = advance()
        return stmts
    }

    mutating func statement(topLevel: Bool) throws -> Stmt {
        let start = cur.span
        switch kind {
        case .kwFn:
            _ = advance()
            guard case .ident(let name) = kind else { throw error("expected a function name after 'fn', found \(describe(cur))") }
            let nameSpan = advance().span
            let params = try paramList()
            let body: Body
            if accept(.assign) { body = .expr(try expression()) }
            else if kind == .lbrace { body = .block(try block()) }
            else { throw error("expected '=' or '{' after the parameters of \(name), found \(describe(cur))") }
            return .fnDef(name, nameSpan, params, body, start.to(tokens[pos - 1].span))
        case .kwIf:
            _ = advance()
            let cond = try expression()
            if accept(.kwThen) {
                let e = try ifExprRest(cond, start)
                return .expr(e, display: true, e.span)
            }
            var branches: [(Expr, [Stmt])] = [(cond, try block())]
            var elseBlock: [Stmt]? = nil
            while true {
                // `else` may follow on the next line
                var k = 0
                while peekKind(k) == .newline { k += 1 }
                guard peekKind(k) == .kwElse else { break }
                for _ in 0..<k { _ = advance() }
                _ = advance()
                if accept(.kwIf) {
                    let c = try expression()
                    branches.append((c, try block()))
                } else {
                    elseBlock = try block()
                    break
                }
            }
            return .ifStmt(branches, elseBlock, start.to(tokens[pos - 1].span))
        case .kwFor:
            _ = advance()
            guard case .ident(let v) = kind else { throw error("expected a loop variable after 'for', found \(describe(cur))") }
            let vSpan = advance().span
            _ = try expect(.kwIn, "'in'")
            let seq = try expression()
            let body = try block()
            return .forStmt(v, vSpan, seq, body, start.to(tokens[pos - 1].span))
        case .kwWhile:
            _ = advance()
            let cond = try expression()
            let body = try block()
            return .whileStmt(cond, body, start.to(tokens[pos - 1].span))
        case .kwBreak: _ = advance(); return .breakStmt(start)
        case .kwContinue: _ = advance(); return .continueStmt(start)
        case .kwReturn:
            _ = advance()
            if kind == .newline || kind == .semicolon || kind == .rbrace || kind == .eof { return .returnStmt(nil, start) }
            let e = try expression()
            return .returnStmt(e, start.to(e.span))
        default:
            let e = try expression()
            let opKind = kind
            let compound: BinOp?
            switch opKind {
            case .assign: compound = nil
            case .plusAssign: compound = .add
            case .minusAssign: compound = .sub
            case .starAssign: compound = .mul
            case .slashAssign: compound = .div
            default: return .expr(e, display: true, e.span)
            }
            let opTok = advance()
            var rhs = try expression()
            let full = e.span.to(rhs.span)
            if let op = compound { rhs = .binary(op, e, rhs, full) }
            switch e {
            case .name(let n, let ns):
                return .assign(n, ns, rhs, full)
            case .index(.name(let n, let ns), let items, _):
                return .indexAssign(n, ns, items, rhs, full)
            case .field, .index:
                var steps: [PathStep] = []
                var cur = e
                while true {
                    if case .field(let base, let f, let fs, _) = cur { steps.append(.field(f, fs)); cur = base; continue }
                    if case .index(let base, let items, let sp) = cur { steps.append(.index(items, sp)); cur = base; continue }
                    break
                }
                guard case .name(let n, let ns) = cur else {
                    throw LangError(.syntax, "can only assign to a variable, a field or an index of one, like x[i] = v or r.w = v", e.span)
                }
                return .pathAssign(n, ns, steps.reversed(), rhs, full)
            default:
                throw LangError(.syntax, "cannot assign to this expression", e.span,
                                hint: opTok.kind == .assign ? "to compare, use '=='" : nil)
            }
        }
    }

    mutating func paramList() throws -> [ParamDecl] {
        let open = try expect(.lparen, "'('")
        var params: [ParamDecl] = []
        while kind != .rparen {
            guard case .ident(let n) = kind else { throw error("expected a parameter name, found \(describe(cur))") }
            let sp = advance().span
            if params.contains(where: { $0.name == n }) { throw LangError(.syntax, "parameter '\(n)' appears twice", sp) }
            var def: Expr? = nil
            if accept(.colon) || accept(.assign) { def = try expression() }
            else if params.last?.defaultValue != nil {
                throw LangError(.syntax, "parameter '\(n)' needs a default value because the one before it has one", sp)
            }
            params.append(ParamDecl(name: n, defaultValue: def, span: sp))
            if !accept(.comma) { break }
        }
        _ = try expect(.rparen, "')'", opener: open)
        return params
    }

    // MARK: expressions

    public mutating func expression() throws -> Expr {
        try enter(); defer { depth -= 1 }
        return try pipe()
    }

    mutating func ifExprRest(_ cond: Expr, _ start: SourceSpan) throws -> Expr {
        let a = try expression()
        var k = 0
        while peekKind(k) == .newline { k += 1 }
        if peekKind(k) == .kwElse { for _ in 0..<k { _ = advance() } }
        _ = try expect(.kwElse, "'else' (an if-expression needs both branches)")
        let b = try expression()
        return .ifExpr(cond, a, b, start.to(b.span))
    }

    mutating func pipe() throws -> Expr {
        var lhs = try or()
        var n = 0
        while kind == .pipe {
            _ = advance()
            let rhs = try or()
            let sp = lhs.span.to(rhs.span)
            if case .call(let f, let args, _) = rhs {
                lhs = .call(f, [Argument(name: nil, nameSpan: nil, value: lhs)] + args, sp)
            } else {
                lhs = .call(rhs, [Argument(name: nil, nameSpan: nil, value: lhs)], sp)
            }
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
        }
        return lhs
    }

    mutating func or() throws -> Expr {
        var lhs = try and()
        var n = 0
        while kind == .or {
            _ = advance()
            let rhs = try and()
            lhs = .logical(isAnd: false, lhs, rhs, lhs.span.to(rhs.span))
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
        }
        return lhs
    }

    mutating func and() throws -> Expr {
        var lhs = try comparison()
        var n = 0
        while kind == .and {
            _ = advance()
            let rhs = try comparison()
            lhs = .logical(isAnd: true, lhs, rhs, lhs.span.to(rhs.span))
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
        }
        return lhs
    }

    mutating func comparison() throws -> Expr {
        var lhs = try additive()
        var n = 0
        while true {
            let op: BinOp
            switch kind {
            case .eq: op = .eq
            case .ne: op = .ne
            case .lt: op = .lt
            case .le: op = .le
            case .gt: op = .gt
            case .ge: op = .ge
            default: return lhs
            }
            _ = advance()
            let rhs = try additive()
            lhs = .binary(op, lhs, rhs, lhs.span.to(rhs.span))
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
        }
    }

    mutating func additive() throws -> Expr {
        var lhs = try multiplicative()
        var n = 0
        while kind == .plus || kind == .minus {
            let op: BinOp = advance().kind == .plus ? .add : .sub
            let rhs = try multiplicative()
            lhs = .binary(op, lhs, rhs, lhs.span.to(rhs.span))
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
        }
        return lhs
    }

    mutating func multiplicative() throws -> Expr {
        var lhs = try unary()
        var n = 0
        while true {
            let op: BinOp
            switch kind {
            case .star: op = .mul
            case .slash: op = .div
            case .percent: op = .mod
            case .at: op = .matmul
            default: return lhs
            }
            _ = advance()
            let rhs = try unary()
            lhs = .binary(op, lhs, rhs, lhs.span.to(rhs.span))
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
        }
    }

    mutating func unary() throws -> Expr {
        let t = cur
        let op: UnOp
        switch kind {
        case .minus: op = .neg
        case .not: op = .not
        case .plus: op = .plus
        default: return try power()
        }
        _ = advance()
        try enter(); defer { depth -= 1 }
        let e = try unary()
        // fold negative literals so that -3 is a constant
        if op == .neg, case .number(let x, let s) = e { return .number(-x, t.span.to(s)) }
        return .unary(op, e, t.span.to(e.span))
    }

    mutating func power() throws -> Expr {
        let base = try postfix()
        if kind == .caret {
            _ = advance()
            try enter(); defer { depth -= 1 }
            let exp = try unary()  // right-associative; allows 2^-1
            return .binary(.pow, base, exp, base.span.to(exp.span))
        }
        return base
    }

    mutating func postfix() throws -> Expr {
        var e = try primary()
        var n = 0
        while true {
            n += 1
            if n > Parser.maxChain { throw error("expression too long") }
            switch kind {
            case .lparen:
                let open = advance()
                var args: [Argument] = []
                var sawKeyword = false
                while kind != .rparen {
                    if case .ident(let name) = kind, peekKind(1) == .colon {
                        let ns = advance().span
                        _ = advance()
                        if args.contains(where: { $0.name == name }) {
                            throw LangError(.syntax, "keyword argument '\(name)' given twice", ns)
                        }
                        args.append(Argument(name: name, nameSpan: ns, value: try expression()))
                        sawKeyword = true
                    } else {
                        let v = try expression()
                        if sawKeyword {
                            throw LangError(.syntax, "positional argument after keyword arguments", v.span,
                                            hint: "put positional arguments first: f(a, b, key: v)")
                        }
                        args.append(Argument(name: nil, nameSpan: nil, value: v))
                    }
                    if !accept(.comma) { break }
                }
                let close = try expect(.rparen, "')' or ','", opener: open)
                e = .call(e, args, e.span.to(close.span))
            case .lbracket:
                let open = advance()
                var items: [IndexItem] = []
                while kind != .rbracket {
                    items.append(try indexItem())
                    if !accept(.comma) { break }
                }
                let close = try expect(.rbracket, "']' or ','", opener: open)
                if items.isEmpty { throw LangError(.syntax, "empty index", open.span.to(close.span)) }
                e = .index(e, items, e.span.to(close.span))
            case .quote:
                let q = advance()
                e = .transpose(e, e.span.to(q.span))
            case .dot:
                _ = advance()
                guard case .ident(let f) = kind else {
                    throw error("expected a field name after '.', found \(describe(cur))")
                }
                let fs = advance().span
                e = .field(e, f, fs, e.span.to(fs))
            default:
                return e
            }
        }
    }

    mutating func indexItem() throws -> IndexItem {
        let start = cur.span
        var a: Expr? = nil
        if kind != .colon { a = try expression() }
        guard kind == .colon else {
            guard let a = a else { throw error("expected an index") }
            return .single(a)
        }
        _ = advance()
        var b: Expr? = nil, c: Expr? = nil
        if kind != .colon && kind != .comma && kind != .rbracket { b = try expression() }
        if accept(.colon) {
            if kind != .comma && kind != .rbracket { c = try expression() }
        }
        return .slice(a, b, c, start.to(tokens[Swift.max(pos - 1, 0)].span))
    }

    mutating func primary() throws -> Expr {
        let t = cur
        switch t.kind {
        case .number(let x): _ = advance(); return .number(x, t.span)
        case .string(let s): _ = advance(); return .string(s, t.span)
        case .kwTrue: _ = advance(); return .bool(true, t.span)
        case .kwFalse: _ = advance(); return .bool(false, t.span)
        case .kwNone: _ = advance(); return .none(t.span)
        case .ident(let name):
            _ = advance()
            if kind == .arrow {
                _ = advance()
                let body = try lambdaBody()
                return .lambda([ParamDecl(name: name, defaultValue: nil, span: t.span)], body, t.span.to(bodySpan(body, t.span)))
            }
            return .name(name, t.span)
        case .lparen:
            if matching[pos] >= 0, matching[pos] + 1 < tokens.count, tokens[matching[pos] + 1].kind == .arrow {
                let params = try paramList()
                _ = try expect(.arrow, "'->'")
                let body = try lambdaBody()
                return .lambda(params, body, t.span.to(bodySpan(body, t.span)))
            }
            _ = advance()
            if kind == .rparen { throw error("empty parentheses", hint: "a zero-argument lambda is written () -> value") }
            if case .ident = kind, peekKind(1) == .colon { return try recordLiteral(t) }
            let e = try expression()
            _ = try expect(.rparen, "')'", opener: t)
            return e
        case .lbracket:
            return try tensorLiteral()
        case .kwIf:
            _ = advance()
            try enter(); defer { depth -= 1 }
            let cond = try expression()
            _ = try expect(.kwThen, "'then' (if-expressions are written: if c then a else b)")
            return try ifExprRest(cond, t.span)
        case .eof:
            throw error("unexpected end of input")
        case .kwFn:
            throw error("'fn' defines a named function as a statement", hint: "for an anonymous function write a lambda: x -> x^2")
        default:
            var hint: String? = nil
            if t.kind == .assign { hint = "to compare, use '=='" }
            if t.kind == .rparen || t.kind == .rbracket || t.kind == .rbrace { hint = "unmatched '\(t.kind.text)'" }
            throw error("expected an expression, found \(describe(t))", hint: hint)
        }
    }

    /// `(name: expr, …)` after its `(`: fields in order, a trailing comma allowed.
    mutating func recordLiteral(_ open: Token) throws -> Expr {
        try enter(); defer { depth -= 1 }
        var fields: [FieldInit] = []
        while kind != .rparen {
            guard case .ident(let n) = kind, peekKind(1) == .colon else {
                throw error("expected a field 'name: value' in the record, found \(describe(cur))",
                            hint: "a record is written (w: 1, b: 2); every field has a name")
            }
            let ns = advance().span
            _ = advance()
            if fields.contains(where: { $0.name == n }) { throw LangError(.syntax, "field '\(n)' appears twice in the record", ns) }
            fields.append(FieldInit(name: n, nameSpan: ns, value: try expression()))
            if !accept(.comma) { break }
        }
        let close = try expect(.rparen, "')' or ','", opener: open)
        return .record(fields, open.span.to(close.span))
    }

    func bodySpan(_ b: Body, _ fallback: SourceSpan) -> SourceSpan {
        switch b {
        case .expr(let e): return e.span
        case .block: return tokens[Swift.max(pos - 1, 0)].span
        }
    }

    mutating func lambdaBody() throws -> Body {
        if kind == .lbrace { return .block(try block()) }
        return .expr(try expression())
    }

    mutating func tensorLiteral() throws -> Expr {
        let open = advance()
        try enter(); defer { depth -= 1 }
        var rows: [[Expr]] = [[]]
        var semis = false
        while kind != .rbracket {
            if kind == .semicolon {
                _ = advance(); semis = true; rows.append([])
                continue
            }
            rows[rows.count - 1].append(try expression())
            if kind == .semicolon { continue }
            if !accept(.comma) { break }
        }
        let close = try expect(.rbracket, "']' or ','", opener: open)
        let sp = open.span.to(close.span)
        if semis {
            let nonEmpty = rows.filter { !$0.isEmpty }
            return .tensorLit(nonEmpty.map { .tensorLit($0, rowsFromSemicolons: true, $0.first!.span.to($0.last!.span)) },
                              rowsFromSemicolons: true, sp)
        }
        return .tensorLit(rows[0], rowsFromSemicolons: false, sp)
    }
}
