/// A user-defined function or lambda: compiled body, parameters with defaults
/// (evaluated when the function is defined, as in Python) and captured values.
public final class UserFunction {
    public let name: String
    public let paramNames: [String]
    let paramCount: Int
    let defaults: [Value?]
    let body: Node
    /// `body` for calls: held by `body`, so calls skip retaining it.
    let bodyRef: Unmanaged<Node>
    let localCount: Int
    /// Values of enclosing-function locals, captured when the lambda was created.
    let captures: [Value]

    init(name: String, paramNames: [String], defaults: [Value?], body: Node, localCount: Int, captures: [Value]) {
        self.name = name; self.paramNames = paramNames; self.paramCount = paramNames.count; self.defaults = defaults
        self.body = body; self.bodyRef = .passUnretained(body); self.localCount = localCount; self.captures = captures
    }

    public var signatureText: String {
        var parts: [String] = []
        for (i, p) in paramNames.enumerated() {
            if let d = defaults[i] { parts.append("\(p): \(Display.literal(d))") } else { parts.append(p) }
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }
}

/// The text of one `run` (a script, a REPL entry): errors point into it.
public final class SourceUnit {
    public let file: String
    public let text: String
    public init(file: String, text: String) { self.file = file; self.text = text }
}
