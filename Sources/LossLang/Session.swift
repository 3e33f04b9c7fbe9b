import LossCore

/// What a statement displays: a value (display rule) or the text of `print`.
public enum OutputEvent {
    /// A value displayed by a top-level expression statement; span is the statement's.
    case value(Value, SourceSpan)
    /// Text written by `print` (without the trailing newline).
    case print(String, SourceSpan)
    /// A warning (e.g. shadowing a built-in), shown once.
    case warning(String, SourceSpan)
}

/// Set from a SIGINT handler; the interpreter checks it at loop iterations and calls
/// and raises an "interrupted" error, leaving every binding intact.
public enum Interrupt {
    nonisolated(unsafe) public static var requested: Bool = false
}

/// One interpreter session: the REPL, scripts, `-e`, notebooks and tests all drive it
/// the same way. Globals persist across `run` calls.
public final class Session {
    public var precision: Int = 6
    /// Receives every displayed value and printed text, in order.
    public var onOutput: (OutputEvent) -> Void = { _ in }
    /// `args` of a script.
    public var scriptArgs: [String] = []

    public init(precision: Int = 6) {
        self.precision = precision
    }

    /// Parses and runs `source` (one or more statements) as coming from `file`
    /// (a path, `<repl>` or `<-e>`). Returns the first error, with `file` set, or nil.
    @discardableResult
    public func run(_ source: String, file: String) -> LangError? {
        nil
    }

    /// True when `source` is an unfinished statement (open bracket or brace,
    /// trailing binary operator or comma): the REPL then asks for another line.
    public func needsMoreInput(_ source: String) -> Bool { false }

    /// Completion candidates for the word ending at `cursor` (a UTF-8 offset in `line`):
    /// built-ins and user names, or the callee's keyword parameters (`gamma:`) inside a call.
    public func completions(line: String, cursor: Int) -> [String] { [] }

    /// The user's bindings as (name, one-line description).
    public var userBindings: [(name: String, summary: String)] { [] }

    /// Forgets every user binding.
    public func reset() {}

    /// The text of a value under the current precision.
    public func format(_ v: Value) -> String { Display.text(v, precision: precision) }

    /// Help text for a name (`?name`), or nil when unknown.
    public func help(_ name: String) -> String? { nil }
}
