/// A user-defined function or lambda (filled in by the interpreter).
public final class UserFunction {
    public let name: String
    public let paramNames: [String]
    public init(name: String, paramNames: [String]) { self.name = name; self.paramNames = paramNames }
    public var signatureText: String { "\(name)(\(paramNames.joined(separator: ", ")))" }
}
