/// The syntax tree the parser produces; the compiler resolves it into `Node`s.
public indirect enum Expr {
    case number(Double, SourceSpan)
    case string(String, SourceSpan)
    case bool(Bool, SourceSpan)
    case none(SourceSpan)
    case name(String, SourceSpan)
    /// `[a, b]`; rows of `[a, b; c, d]` are nested `.tensorLit`s with `rowsFromSemicolons`.
    case tensorLit([Expr], rowsFromSemicolons: Bool, SourceSpan)
    case unary(UnOp, Expr, SourceSpan)
    case binary(BinOp, Expr, Expr, SourceSpan)
    case logical(isAnd: Bool, Expr, Expr, SourceSpan)
    case call(Expr, [Argument], SourceSpan)
    case index(Expr, [IndexItem], SourceSpan)
    case transpose(Expr, SourceSpan)
    case lambda([ParamDecl], Body, SourceSpan)
    case ifExpr(Expr, Expr, Expr, SourceSpan)
    /// `(w: a, b: c)`: field names with their spans, in order.
    case record([FieldInit], SourceSpan)
    /// `r.w`: the field's name and the span of the name.
    case field(Expr, String, SourceSpan, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .number(_, let s), .string(_, let s), .bool(_, let s), .none(let s), .name(_, let s),
             .tensorLit(_, _, let s), .unary(_, _, let s), .binary(_, _, _, let s), .logical(_, _, _, let s),
             .call(_, _, let s), .index(_, _, let s), .transpose(_, let s), .lambda(_, _, let s), .ifExpr(_, _, _, let s),
             .record(_, let s), .field(_, _, _, let s):
            return s
        }
    }
}

public enum UnOp: String { case neg = "-", not = "!", plus = "+" }

public enum BinOp: String {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", matmul = "@"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
}

public struct Argument {
    public var name: String?
    public var nameSpan: SourceSpan?
    public var value: Expr
}

public enum IndexItem {
    case single(Expr)
    case slice(Expr?, Expr?, Expr?, SourceSpan)
}

public struct FieldInit {
    public var name: String
    public var nameSpan: SourceSpan
    public var value: Expr
}

/// One step of an assignment target after the variable: `.w` or `[i]`.
public enum PathStep {
    case field(String, SourceSpan)
    case index([IndexItem], SourceSpan)
}

public struct ParamDecl {
    public var name: String
    public var defaultValue: Expr?
    public var span: SourceSpan
}

/// A function or lambda body: one expression, or a block whose value is its last expression.
public indirect enum Body {
    case expr(Expr)
    case block([Stmt])
}

public indirect enum Stmt {
    /// `expr` with `display` false when it ends with `;`.
    case expr(Expr, display: Bool, SourceSpan)
    case assign(String, SourceSpan, Expr, SourceSpan)
    /// `x[i] = v` (also `x[i] += v` desugared)
    case indexAssign(String, SourceSpan, [IndexItem], Expr, SourceSpan)
    /// `r.w = v`, `r.w[0] = v`, `rs[0].w = v`: a path with at least one field step.
    case pathAssign(String, SourceSpan, [PathStep], Expr, SourceSpan)
    case fnDef(String, SourceSpan, [ParamDecl], Body, SourceSpan)
    case ifStmt([(Expr, [Stmt])], [Stmt]?, SourceSpan)
    case forStmt(String, SourceSpan, Expr, [Stmt], SourceSpan)
    case whileStmt(Expr, [Stmt], SourceSpan)
    case breakStmt(SourceSpan)
    case continueStmt(SourceSpan)
    case returnStmt(Expr?, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .expr(_, _, let s), .assign(_, _, _, let s), .indexAssign(_, _, _, _, let s), .pathAssign(_, _, _, _, let s), .fnDef(_, _, _, _, let s),
             .ifStmt(_, _, let s), .forStmt(_, _, _, _, let s), .whileStmt(_, _, let s), .breakStmt(let s),
             .continueStmt(let s), .returnStmt(_, let s):
            return s
        }
    }
}
