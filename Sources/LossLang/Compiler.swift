import LossCore

/// A function's scope while compiling: its locals, and the values it captures
/// from enclosing functions (by value, when the lambda is created).
final class FnScope {
    let parent: FnScope?
    let selfName: String?
    var locals: [String: Int] = [:]
    var count = 0
    var captures: [String: Int] = [:]
    var captureSources: [Node] = []
    init(parent: FnScope?, selfName: String?) { self.parent = parent; self.selfName = selfName }
    func declare(_ name: String) -> Int {
        if let i = locals[name] { return i }
        locals[name] = count
        count += 1
        return count - 1
    }
}

/// Resolves names to slots and turns the syntax tree into executable nodes,
/// one top-level statement at a time (so later statements see earlier globals).
struct Compiler {
    let I: Interpreter
    let unit: SourceUnit
    var scope: FnScope? = nil   // nil: top level
    var loopDepth = 0

    init(_ I: Interpreter, _ unit: SourceUnit) { self.I = I; self.unit = unit }

    func err(_ kind: LangError.Kind, _ msg: String, _ span: SourceSpan, hint: String? = nil) -> LangError {
        LangError(kind, msg, span, hint: hint).located(unit)
    }

    // MARK: names

    func resolve(_ name: String, _ span: SourceSpan) -> Node {
        resolve(name, in: scope, span)
    }

    func resolve(_ name: String, in s: FnScope?, _ span: SourceSpan) -> Node {
        guard let s = s else { return GlobalGet(I.globalSlot(name), name, span, unit) }
        if let i = s.locals[name] { return LocalGet(i, name, span, unit) }
        if let c = s.captures[name] { return CapturedGet(c, span, unit) }
        if s.parent == nil, I.globalIndex[name] != nil || s.selfName == name {
            // a top-level function's own name and other globals: live global look-up
            return GlobalGet(I.globalSlot(name), name, span, unit)
        }
        if name == s.selfName { return SelfGet(span, unit) }
        let src = resolve(name, in: s.parent, span)
        if src is GlobalGet { return src }
        let idx = s.captureSources.count
        s.captureSources.append(src)
        s.captures[name] = idx
        return CapturedGet(idx, span, unit)
    }

    func target(_ name: String, _ span: SourceSpan) -> Target {
        if let s = scope { return .local(s.declare(name), name) }
        return .global(I.globalSlot(name), name)
    }

    /// The variable that `x[i] = v` or `r.w = v` stores into: it must exist in this scope
    /// (a global at the top level, a local inside a function).
    func intoTarget(_ n: String, _ ns: SourceSpan) throws -> Target {
        guard let s = scope else { return .global(I.globalSlot(n), n) }
        guard let i = s.locals[n] else {
            if s.captures[n] != nil || (resolve(n, ns) is CapturedGet) {
                throw err(.name, "cannot assign into '\(n)', a variable of an enclosing function", ns,
                          hint: "copy it to a local first: \(n)2 = \(n)")
            }
            throw err(.name, "cannot assign into '\(n)' here: it is not a local variable of this function", ns,
                      hint: "copy it to a local first: \(n)2 = \(n)")
        }
        return .local(i, n)
    }

    /// Names assigned in a function body (not inside nested functions): its locals.
    static func assignedNames(_ stmts: [Stmt], into out: inout [String]) {
        for st in stmts {
            switch st {
            case .assign(let n, _, _, _), .fnDef(let n, _, _, _, _): if !out.contains(n) { out.append(n) }
            case .indexAssign, .pathAssign: break
            case .forStmt(let n, _, _, let body, _):
                if !out.contains(n) { out.append(n) }
                assignedNames(body, into: &out)
            case .whileStmt(_, let body, _): assignedNames(body, into: &out)
            case .ifStmt(let branches, let e, _):
                for (_, b) in branches { assignedNames(b, into: &out) }
                if let e = e { assignedNames(e, into: &out) }
            default: break
            }
        }
    }

    // MARK: statements

    mutating func statement(_ st: Stmt) throws -> Node {
        switch st {
        case .expr(let e, _, _):
            return ExprStmt(try expr(e))
        case .assign(let n, let ns, let e, let sp):
            let v = try expr(e)
            return AssignNode(target(n, ns), v, shadows: scope == nil && I.isBuiltinName(n), sp, unit)
        case .indexAssign(let n, let ns, let items, let e, let sp):
            let v = try expr(e)
            let its = try indexItems(items)
            return IndexAssignNode(try intoTarget(n, ns), its, v, sp, unit)
        case .pathAssign(let n, let ns, let steps, let e, let sp):
            let v = try expr(e)
            let path: [PathAssignNode.Step] = try steps.map { st in
                switch st {
                case .field(let f, let fs): return .field(f, fs)
                case .index(let items, let isp): return .index(try indexItems(items), isp)
                }
            }
            return PathAssignNode(try intoTarget(n, ns), path, v, sp, unit)
        case .fnDef(let name, let ns, let params, let body, let sp):
            let t = target(name, ns)
            let lam = try lambda(name: name, params, body, sp)
            return AssignNode(t, lam, shadows: scope == nil && I.isBuiltinName(name), sp, unit)
        case .ifStmt(let branches, let e, let sp):
            var bs: [(Node, BlockNode)] = []
            for (c, b) in branches { bs.append((try expr(c), try block(b, c.span))) }
            return IfStmtNode(bs, try e.map { try block($0, sp) }, sp, unit)
        case .whileStmt(let c, let body, let sp):
            let cn = try expr(c)
            loopDepth += 1
            defer { loopDepth -= 1 }
            return WhileNode(cn, try block(body, sp), sp, unit)
        case .forStmt(let v, let vs, let seq, let body, let sp):
            let sn = try expr(seq)
            let t = target(v, vs)
            loopDepth += 1
            defer { loopDepth -= 1 }
            return ForNode(t, sn, try block(body, sp), sp, unit)
        case .breakStmt(let sp):
            if loopDepth == 0 { throw err(.syntax, "'break' outside a loop", sp) }
            return FlowNode(.breakLoop, sp, unit)
        case .continueStmt(let sp):
            if loopDepth == 0 { throw err(.syntax, "'continue' outside a loop", sp) }
            return FlowNode(.continueLoop, sp, unit)
        case .returnStmt(let e, let sp):
            if scope == nil { throw err(.syntax, "'return' outside a function", sp) }
            return ReturnNode(try e.map { try expr($0) }, sp, unit)
        }
    }

    mutating func block(_ stmts: [Stmt], _ sp: SourceSpan) throws -> BlockNode {
        BlockNode(try stmts.map { try statement($0) }, sp, unit)
    }

    // MARK: expressions

    mutating func expr(_ e: Expr) throws -> Node {
        switch e {
        case .number(let x, let s): return ConstNode(.number(x), s, unit)
        case .string(let x, let s): return ConstNode(.string(x), s, unit)
        case .bool(let b, let s): return ConstNode(.bool(b), s, unit)
        case .none(let s): return ConstNode(.none, s, unit)
        case .name(let n, let s): return resolve(n, s)
        case .tensorLit(let items, let rows, let s):
            let nodes = try items.map { try expr($0) }
            // constant folding: literals of numbers become one constant
            if nodes.allSatisfy({ $0 is ConstNode }) {
                let vals = nodes.map { ($0 as! ConstNode).value }
                let node = TensorLitNode(nodes, rows: rows, s, unit)
                return ConstNode(try TensorLitNode.build(vals, rows: rows, node), s, unit)
            }
            return TensorLitNode(nodes, rows: rows, s, unit)
        case .unary(let op, let x, let s): return UnaryNode(op, try expr(x), s, unit)
        case .binary(let op, let a, let b, let s):
            let l = try expr(a), r = try expr(b)
            if let c = r as? ConstNode, case .number(let x) = c.value { return BinaryConstNode(op, l, x, s, unit) }
            return BinaryNode(op, l, r, s, unit)
        case .logical(let isAnd, let a, let b, let s): return LogicalNode(isAnd, try expr(a), try expr(b), s, unit)
        case .call(let f, let args, let s):
            let callee = try expr(f)
            var pos: [Node] = []
            var kws: [(String, SourceSpan, Node)] = []
            for a in args {
                if let n = a.name { kws.append((n, a.nameSpan ?? a.value.span, try expr(a.value))) }
                else { pos.append(try expr(a.value)) }
            }
            return CallNode(callee, positional: pos, keywords: kws, s, unit)
        case .index(let b, let items, let s):
            return IndexGetNode(try expr(b), try indexItems(items), s, unit)
        case .transpose(let x, let s): return TransposeNode(try expr(x), s, unit)
        case .lambda(let params, let body, let s):
            return try lambda(name: "lambda", params, body, s)
        case .ifExpr(let c, let a, let b, let s):
            return IfNode(try expr(c), try expr(a), try expr(b), s, unit)
        case .record(let fields, let s):
            return RecordLitNode(fields.map(\.name), try fields.map { try expr($0.value) }, s, unit)
        case .field(let base, let name, let ns, let s):
            return FieldGetNode(try expr(base), name, ns, s, unit)
        }
    }

    mutating func indexItems(_ items: [IndexItem]) throws -> [IndexNode] {
        try items.map { it in
            switch it {
            case .single(let e): return .single(try expr(e))
            case .slice(let a, let b, let c, _): return .slice(try a.map { try expr($0) }, try b.map { try expr($0) }, try c.map { try expr($0) })
            }
        }
    }

    mutating func lambda(name: String, _ params: [ParamDecl], _ body: Body, _ sp: SourceSpan) throws -> LambdaNode {
        // defaults are evaluated where the function is defined
        let defaults = try params.map { p in try p.defaultValue.map { try expr($0) } }
        let fs = FnScope(parent: scope, selfName: name == "lambda" ? nil : name)
        for p in params { _ = fs.declare(p.name) }
        var inner = Compiler(I, unit)
        inner.scope = fs
        let bodyNode: Node
        switch body {
        case .expr(let e): bodyNode = try inner.expr(e)
        case .block(let stmts):
            var names: [String] = []
            Compiler.assignedNames(stmts, into: &names)
            for n in names { _ = fs.declare(n) }
            bodyNode = try inner.block(stmts, sp)
        }
        return LambdaNode(name: name, params: params.map(\.name), defaults: defaults, body: bodyNode,
                          localCount: fs.count, captures: fs.captureSources, sp, unit)
    }
}
