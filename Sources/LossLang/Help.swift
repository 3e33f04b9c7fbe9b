import LossCore

/// Help text, read from the registry entries (docs/reference.md §3 Help).
public enum Help {
    /// `help(f)` / `?f`: signature, summary, formula, parameters, reference, notes, example.
    public static func text(for b: Builtin) -> String {
        var out = b.signature + "\n"
        if !b.aliases.isEmpty { out += "  (also: \(b.aliases.joined(separator: ", ")))\n" }
        out += "\n  \(b.summary)\n"
        if let f = b.formula { out += "\n  " + f.replacingOccurrences(of: "\n", with: "\n  ") + "\n" }
        let documented = b.params.filter { !$0.doc.isEmpty }
        if !documented.isEmpty {
            out += "\nParameters:\n"
            let w = documented.map { $0.name.count }.max() ?? 0
            for p in documented {
                let def = p.defaultValue.map { " (default \(Display.literal($0)))" } ?? ""
                out += "  \(p.name.padding(toLength: w, withPad: " ", startingAt: 0))  \(p.doc)\(def)\n"
            }
        }
        if let n = b.notes { out += "\nNotes:\n  " + n.replacingOccurrences(of: "\n", with: "\n  ") + "\n" }
        if let r = b.reference { out += "\nReference:\n  " + r.replacingOccurrences(of: "\n", with: "\n  ") + "\n" }
        let ported = Porting.rows(using: b.name, Registry.standard)
        if !ported.isEmpty {
            out += "\nComing from other libraries (the same number; docs/coming-from.md):\n"
            for row in ported {
                out += "  \(row.library): \(row.theirs)\n    → \(row.ours)\n"
                if !row.note.isEmpty { out += "    (\(row.note))\n" }
            }
        }
        out += "\nExample:\n  > \(b.example)\n  " + b.exampleOutput.replacingOccurrences(of: "\n", with: "\n  ")
        return out
    }

    /// `help()`: every built-in by group.
    public static func overview(_ r: Registry, lossesOnly: Bool = false) -> String {
        var out = lossesOnly ? "Losses (help(name) or ?name for the formula, parameters and paper):\n" : "Built-ins by group (help(name) or ?name for details; losses() lists the losses):\n"
        for g in BuiltinGroup.allCases where !lossesOnly || g.isLoss {
            let bs = r.all.filter { $0.group == g }
            if bs.isEmpty { continue }
            out += "\n\(g.rawValue):\n"
            if lossesOnly {
                let w = bs.map { $0.name.count }.max() ?? 0
                for b in bs {
                    let alias = b.aliases.isEmpty ? "" : " (\(b.aliases.joined(separator: ", ")))"
                    out += "  \(b.name.padding(toLength: w, withPad: " ", startingAt: 0))  \(b.summary)\(alias)\n"
                }
            } else {
                out += wrap(bs.map(\.name), indent: 2, width: 88) + "\n"
            }
        }
        if !lossesOnly { out += "\nThe language reference: docs/reference.md in the loss repository.\n" }
        return String(out.dropLast())
    }

    static func wrap(_ words: [String], indent: Int, width: Int) -> String {
        var lines: [String] = []
        var cur = String(repeating: " ", count: indent)
        for w in words {
            if cur.count + w.count + 1 > width && cur.trimmingCharacters(in: .whitespaces).count > 0 {
                lines.append(cur); cur = String(repeating: " ", count: indent)
            }
            cur += (cur.trimmingCharacters(in: .whitespaces).isEmpty ? "" : " ") + w
        }
        lines.append(cur)
        return lines.joined(separator: "\n")
    }

    /// The README's table of built-ins, generated from the registry.
    public static func markdownTable(_ r: Registry) -> String {
        var out = "| group | built-in | signature | what it computes |\n| --- | --- | --- | --- |\n"
        for g in BuiltinGroup.allCases {
            for b in r.all where b.group == g {
                let name = b.aliases.isEmpty ? "`\(b.name)`" : "`\(b.name)` (" + b.aliases.map { "`\($0)`" }.joined(separator: ", ") + ")"
                out += "| \(g.rawValue) | \(name) | `\(b.signature.replacingOccurrences(of: "|", with: "\\|"))` | \(b.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
        }
        return out
    }
}

import Foundation
