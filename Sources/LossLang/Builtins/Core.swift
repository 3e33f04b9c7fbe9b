import LossCore

/// Built-ins that need the interpreter itself: print, help, vars, losses, str, type.
func installCoreBuiltins(_ r: Registry) {
    r.add(Builtin("print", group: .io, params: [], variadic: true,
                  summary: "Prints its arguments separated by spaces (always, even inside functions); returns none.",
                  example: "print(\"loss:\", 0.25)", output: "loss: 0.25") { args in
        let I = args.caller as? Interpreter
        let p = I?.session?.precision ?? 6
        let text = args.rest.map { Display.text($0, precision: p) }.joined(separator: " ")
        I?.session?.emitPrint(text)
        return .none
    })
    r.add(Builtin("help", group: .help, params: [Param("f", default: .none, "a built-in (or its name as a string), or a record to list its fields; none lists every built-in")],
                  summary: "Shows a built-in's signature, formula, parameters, paper and an example; help() lists every built-in by group.",
                  example: "help(\"sigmoid\") == help(sigmoid)", output: "true") { args in
        switch args["f"] {
        case .none: return .string(Help.overview(Registry.standard))
        case .string(let s):
            if let b = Registry.standard[s] { return .string(Help.text(for: b)) }
            throw args.fail("unknown built-in '\(s)'", hint: Diagnostics.suggest(s, among: Registry.standard.names).map { "did you mean '\($0)'?" })
        case .function(let f):
            switch f.kind {
            case .builtin(let b): return .string(Help.text(for: b))
            case .user(let u): return .string("\(u.signatureText)\n  a function you defined")
            }
        case .record(let rec):
            let w = rec.names.map(\.count).max() ?? 0
            let lines = rec.fields.map { "  \($0.name.padding(toLength: w, withPad: " ", startingAt: 0))  \($0.value.typeName)" }
            return .string((["a record with \(rec.count) field\(rec.count == 1 ? "" : "s") (read one with r.name; fields(r), with(r, name: v)):"] + lines).joined(separator: "\n"))
        default: throw args.fail("f must be a function or a name, got \(args["f"].typeName)")
        }
    })
    r.add(Builtin("losses", group: .help, params: [],
                  summary: "Lists every loss by group with a one-line summary.",
                  example: "type(losses())", output: "string") { _ in
        .string(Help.overview(Registry.standard, lossesOnly: true))
    })
    r.add(Builtin("vars", group: .help, params: [],
                  summary: "Lists the user's bindings with their types and shapes.",
                  example: "x = [1, 2]; vars()", output: "x  tensor 2") { args in
        guard let s = (args.caller as? Interpreter)?.session else { return .string("") }
        let b = s.userBindings.filter { $0.name != "ans" }
        let w = b.map { $0.name.count }.max() ?? 0
        return .string(b.map { "\($0.name.padding(toLength: w, withPad: " ", startingAt: 0))  \($0.summary)" }.joined(separator: "\n"))
    })
    r.add(Builtin("str", group: .io, params: [Param("x", "any value")],
                  summary: "The text display of a value, as a string.",
                  example: "str(0.25) + \"!\"", output: "0.25!") { args in
        let p = (args.caller as? Interpreter)?.session?.precision ?? 6
        return .string(Display.text(args["x"], precision: p))
    })
    r.add(Builtin("type", group: .io, params: [Param("x", "any value")],
                  summary: "The type of a value: number, bool, string, none, tensor, function, plot or list.",
                  example: "type([1, 2])", output: "tensor") { args in
        let t = args["x"].typeName
        return .string(String(t.prefix(while: { $0 != " " })))
    })
}

import Foundation
