import Foundation
import LossLang

/// The `loss notebook` and `loss test` subcommands (docs/reference.md §1, §5). `args` is what follows
/// the subcommand; the result is the exit status (0 ok, 1 failure, 2 usage error).
public enum NotebookCLI {
    static let notebookUsage = """
    usage: loss notebook FILE.loss [-o OUT] [--precision N]
      Runs the script cell by cell (Jupytext percent format: `# %%`, `# %% [markdown]`) and
      writes it with its outputs. OUT's extension chooses the format: .md (default: FILE.md;
      plots go to sidecar files OUT-figK.svg), .html (self-contained) or .ipynb (nbformat 4.5).
    """

    static let testUsage = """
    usage: loss test PATH… [--update] [--precision N]
      Runs each script (PATH may be a folder: every *.loss file in it) and compares what each
      statement displays with the `#>` lines right after it. Differences are printed as a
      unified diff; the exit status is 1 when any expectation failed.
      --update   rewrite the `#>` lines of the failing statements from what is displayed now
    """

    static func stderr(_ s: String) {
        FileHandle.standardError.write((s.hasSuffix("\n") ? s : s + "\n").data(using: .utf8) ?? Data())
    }

    static func stdout(_ s: String) {
        FileHandle.standardOutput.write(s.data(using: .utf8) ?? Data())
    }

    static func parsePrecision(_ s: String) -> Int? {
        guard let n = Int(s), n >= 1, n <= 17 else { return nil }
        return n
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: loss notebook

    public static func notebook(_ args: [String]) -> Int32 {
        var input: String? = nil
        var output: String? = nil
        var precision = 6
        var i = 0
        while i < args.count {
            let a = args[i]
            switch a {
            case "-h", "--help":
                stdout(notebookUsage + "\n"); return 0
            case "-o", "--output":
                guard i + 1 < args.count else { stderr("loss notebook: \(a) needs a file name\n" + notebookUsage); return 2 }
                output = args[i + 1]; i += 2; continue
            case "--precision":
                guard i + 1 < args.count, let n = parsePrecision(args[i + 1]) else {
                    stderr("loss notebook: --precision needs a number of digits from 1 to 17\n" + notebookUsage); return 2
                }
                precision = n; i += 2; continue
            default:
                if a.hasPrefix("-o"), a.count > 2 { output = String(a.dropFirst(2)); i += 1; continue }
                if a.hasPrefix("--output=") { output = String(a.dropFirst(9)); i += 1; continue }
                if a.hasPrefix("-"), a != "-" { stderr("loss notebook: unknown option \(a)\n" + notebookUsage); return 2 }
                guard input == nil else { stderr("loss notebook: one script at a time, got \(input ?? "") and \(a)\n" + notebookUsage); return 2 }
                input = a; i += 1
            }
        }
        guard let input else { stderr("loss notebook: missing the script to run\n" + notebookUsage); return 2 }
        let out = output ?? defaultOutput(for: input)
        let ext = (out as NSString).pathExtension.lowercased()
        guard ["md", "markdown", "html", "htm", "ipynb"].contains(ext) else {
            stderr("loss notebook: cannot tell the format of \(out): its name must end in .md, .html or .ipynb"); return 2
        }
        guard let text = read(input) else { stderr("loss notebook: cannot read \(input)"); return 1 }

        let script = PercentScript(text)
        let session = Session(precision: precision)
        // diagnostics name the script by its file name, so that output does not depend on the directory
        let name = (input as NSString).lastPathComponent
        let (runs, interrupted) = ScriptRunner.run(script, file: name, session: session)
        let doc = NotebookDocument(name: name, script: script, runs: runs)
        do {
            switch ext {
            case "html", "htm":
                try write(HTMLRenderer.render(doc), to: out)
            case "ipynb":
                try write(IpynbRenderer.render(doc), to: out)
            default:
                let base = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
                let rendered = MarkdownRenderer.render(doc, figurePrefix: base)
                let dir = (out as NSString).deletingLastPathComponent
                for fig in rendered.figures {
                    try write(fig.svg, to: dir.isEmpty ? fig.name : (dir as NSString).appendingPathComponent(fig.name))
                }
                try write(rendered.markdown, to: out)
            }
        } catch {
            stderr("loss notebook: cannot write \(out): \((error as NSError).localizedDescription)")
            return 1
        }
        if interrupted { stderr("loss notebook: interrupted; the notebook holds the cells run so far"); return 1 }
        let errors = runs.flatMap(\.outputs).filter { if case .error = $0 { return true } else { return false } }.count
        if errors > 0 { stderr("loss notebook: \(errors) statement\(errors == 1 ? "" : "s") raised an error (shown in \(out))") }
        return 0
    }

    /// FILE.loss → FILE.md
    static func defaultOutput(for input: String) -> String {
        let ns = input as NSString
        return ns.pathExtension.isEmpty ? input + ".md" : ns.deletingPathExtension + ".md"
    }

    static func write(_ text: String, to path: String) throws {
        // create the output folder, like `jupyter nbconvert --output-dir`
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: loss test

    public static func test(_ args: [String]) -> Int32 {
        var paths: [String] = []
        var update = false
        var precision = 6
        var i = 0
        while i < args.count {
            let a = args[i]
            switch a {
            case "-h", "--help": stdout(testUsage + "\n"); return 0
            case "--update", "-u": update = true
            case "--precision":
                guard i + 1 < args.count, let n = parsePrecision(args[i + 1]) else {
                    stderr("loss test: --precision needs a number of digits from 1 to 17\n" + testUsage); return 2
                }
                precision = n; i += 1
            default:
                if a.hasPrefix("-") { stderr("loss test: unknown option \(a)\n" + testUsage); return 2 }
                paths.append(a)
            }
            i += 1
        }
        guard !paths.isEmpty else { stderr("loss test: missing the scripts or folders to check\n" + testUsage); return 2 }
        var files: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                stderr("loss test: no such file or folder: \(p)"); return 2
            }
            files += isDir.boolValue ? scripts(in: p) : [p]
        }
        if files.isEmpty { stderr("loss test: no .loss scripts in \(paths.joined(separator: ", "))"); return 1 }

        var failedFiles = 0, checks = 0, failedChecks = 0, updatedFiles = 0
        var ok = true
        for f in files {
            guard let text = read(f) else { stderr("loss test: cannot read \(f)"); ok = false; failedFiles += 1; continue }
            let r = Expectations.check(text: text, path: f, precision: precision)
            checks += r.checkedCount
            let failures = r.failures.count
            if r.interrupted { stderr("loss test: interrupted in \(f)"); return 1 }
            if failures == 0 {
                stdout("PASS \(f) (\(r.checkedCount) check\(r.checkedCount == 1 ? "" : "s"))\n")
                continue
            }
            failedChecks += failures
            if update {
                do {
                    try write(Expectations.updated(r), to: f)
                    updatedFiles += 1
                    stdout("UPDATED \(f) (\(failures) of \(r.checkedCount) rewritten)\n")
                } catch {
                    stderr("loss test: cannot write \(f): \((error as NSError).localizedDescription)")
                    ok = false
                }
            } else {
                failedFiles += 1
                ok = false
                stdout(Expectations.diff(r))
                stdout("FAIL \(f) (\(failures) of \(r.checkedCount) differ)\n")
            }
        }
        var summary = "\(files.count) file\(files.count == 1 ? "" : "s"), \(checks) check\(checks == 1 ? "" : "s")"
        if update { summary += ", \(updatedFiles) file\(updatedFiles == 1 ? "" : "s") updated" }
        else { summary += ", \(failedChecks) failed" }
        stdout(summary + "\n")
        return ok ? 0 : 1
    }

    /// Every *.loss file under a folder (hidden folders skipped), sorted.
    static func scripts(in dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            let last = (rel as NSString).lastPathComponent
            if last.hasPrefix(".") { e.skipDescendants(); continue }
            if rel.hasSuffix(".loss") { out.append((dir as NSString).appendingPathComponent(rel)) }
        }
        return out.sorted()
    }
}
