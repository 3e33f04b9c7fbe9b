import ArgumentParser
import Foundation
import LossCore
import LossKernel
import LossLang
import LossNotebook

// The `loss` command (docs/reference.md §1), with swift-argument-parser: `loss [options]
// [FILE.loss [ARGS…]]` runs a script, `-e`, stdin or the REPL; `loss notebook` and `loss test`
// are subcommands with their own --help; `loss --generate-completion-script bash|zsh|fish`
// prints a completion script. Everything after the script's name belongs to the script
// (`loss train.loss --lr 0.1` gives it ["--lr", "0.1"]). Usage errors exit with status 2.

let lossVersion = "loss 0.1.0"

@main
struct Loss: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loss",
        abstract: "A notebook-style scripting REPL for the loss functions of machine learning.",
        usage: """
            loss [--json] [--precision N] [--max-memory SIZE] [FILE.loss [ARGS…]]
            loss [--json] [--precision N] [--max-memory SIZE] -e 'SOURCE' [ARGS…]
            loss notebook FILE.loss [-o OUT.md|OUT.html|OUT.ipynb]
            loss test PATH… [--update]
            loss kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME]
            loss kernel -f CONNECTION_FILE
            """,
        discussion: """
            With no FILE, loss starts the interactive REPL on a terminal (?name shows help, :help \
            lists the commands) and otherwise reads the program from stdin. FILE - reads stdin. \
            A script sees its ARGS as `args`; after -e, the remaining words are `args`.
            """,
        version: lossVersion,
        subcommands: [NotebookCommand.self, TestCommand.self, KernelCommand.self])

    @Flag(name: .long, help: "Print every displayed value as one JSON line.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Significant digits in text display (1 to 17).", valueName: "N"))
    var precision: Int = 6

    @Option(name: .customShort("e"), help: ArgumentHelp("Evaluate SOURCE (one or more statements); may be repeated.", valueName: "SOURCE"))
    var source: [String] = []

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("The memory tensors may hold, e.g. 2G or 512M (also LOSS_MAX_MEMORY; default 80 % of the physical or the cgroup's memory).", valueName: "SIZE"))
    var maxMemory: String?

    @Flag(name: .long, help: .hidden)
    var builtinTable = false

    @Flag(name: .long, help: .hidden)
    var portingTable = false

    @ArgumentParser.Argument(help: ArgumentHelp("The script to run; the words after it are its `args` (options too: `loss train.loss --lr 0.1`).",
                                                valueName: "FILE.loss"),
                             completion: .custom(Loss.completeFirstWord))
    var file: String?

    /// Tab at the first word: the subcommands and the `.loss` files and folders that start with
    /// the word (a custom completion, so that the shells offer both).
    @Sendable static func completeFirstWord(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        var out = ["notebook", "test", "kernel"].filter { $0.hasPrefix(prefix) }
        let slash = prefix.lastIndex(of: "/")
        let dir = slash.map { String(prefix[...$0]) } ?? ""
        let base = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        let path = dir.isEmpty ? "." : (dir.hasPrefix("~") ? NSString(string: dir).expandingTildeInPath : dir)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for n in names.sorted() where n.hasPrefix(base) && (!n.hasPrefix(".") || base.hasPrefix(".")) {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(n), isDirectory: &isDir)
            if isDir.boolValue { out.append(dir + n + "/") } else if n.hasSuffix(".loss") { out.append(dir + n) }
        }
        return out
    }

    /// The words after the script's name (or, with -e, after the options): the program's `args`.
    /// Split off before parsing, so that they may look like options.
    nonisolated(unsafe) static var scriptArgs: [String] = []

    func validate() throws {
        try Loss.checkOptions(precision: precision, maxMemory: maxMemory)
    }

    /// Checks --precision, LOSS_MAX_MEMORY and --max-memory and sets the memory limit.
    static func checkOptions(precision: Int, maxMemory: String?) throws {
        guard (1...17).contains(precision) else {
            throw ValidationError("--precision needs a number of digits from 1 to 17, got \(precision)")
        }
        // docs/reference.md §9: a malformed size is a usage error
        if let env = getenv("LOSS_MAX_MEMORY").map({ String(cString: $0) }), !env.isEmpty {
            guard let bytes = Memory.parseSize(env) else {
                throw ValidationError("LOSS_MAX_MEMORY needs a size such as 2G, 512M or 1.5GiB, got '\(env)'")
            }
            Memory.limit = bytes
        }
        if let text = maxMemory {
            guard let bytes = Memory.parseSize(text) else {
                throw ValidationError("--max-memory needs a size such as 2G, 512M or 1.5GiB, got '\(text)'")
            }
            Memory.limit = bytes
        }
    }

    func run() throws {
        if builtinTable {  // used by Scripts/update_readme.py
            print(Help.markdownTable(Registry.standard), terminator: "")
            return
        }
        if portingTable {  // docs/coming-from.md, written by Scripts/update_readme.py
            print(Porting.markdown(Registry.standard), terminator: "")
            return
        }
        try Loss.execute(json: json, precision: precision, source: source, file: file)
    }

    /// Runs -e SOURCE, a script or the REPL (after the options were checked).
    static func execute(json: Bool, precision: Int, source: [String], file: String?) throws {
        let program = ScriptRunner(json: json, precision: precision)
        let rest = Loss.scriptArgs
        if !source.isEmpty {
            throw ExitCode(program.runSource(source.joined(separator: "\n"), args: (file.map { [$0] } ?? []) + rest))
        }
        if let file = file {
            throw ExitCode(program.runFile(file, args: rest))
        }
        throw ExitCode(program.runInteractiveOrStdin())
    }

    /// Options of the root command that take a value (the next word, or `--opt=value`).
    static let valueOptions: Set<String> = ["--precision", "-e", "--max-memory", "--generate-completion-script"]
    static let subcommands: [String: ParsableCommand.Type] = ["notebook": NotebookCommand.self, "test": TestCommand.self,
                                                              "kernel": KernelCommand.self]

    /// Splits the command line: the root's options and the script's name are parsed; every
    /// word after the first that is not an option (or after `--`) belongs to the program.
    static func split(_ argv: [String]) -> (parsed: [String], program: [String]) {
        var parsed: [String] = []
        var i = 0
        while i < argv.count {
            let a = argv[i]
            if a == "--" {
                let rest = Array(argv[(i + 1)...])
                guard let f = rest.first else { return (parsed, []) }
                return (parsed + ["--", f], Array(rest.dropFirst()))
            }
            if a.hasPrefix("-") && a != "-" {
                parsed.append(a)
                if valueOptions.contains(a), i + 1 < argv.count { parsed.append(argv[i + 1]); i += 1 }
                i += 1
                continue
            }
            return (parsed + [a], Array(argv[(i + 1)...]))
        }
        return (parsed, [])
    }

    /// The options of a plain command line (each option once, values that do not start with '-',
    /// at most one FILE), or nil for swift-argument-parser to parse.
    static func quickParse(_ words: [String]) -> (json: Bool, precision: Int, source: [String], maxMemory: String?, file: String?)? {
        var json = false, precision: Int?, source: [String] = [], maxMemory: String?, file: String?
        var i = 0
        while i < words.count {
            let w = words[i]
            switch w {
            case "--json":
                if json { return nil }
                json = true
            case "-e", "--precision", "--max-memory":
                guard i + 1 < words.count else { return nil }
                let v = words[i + 1]
                if v.hasPrefix("-") { return nil }
                if w == "-e" { source.append(v) }
                else if w == "--precision" {
                    guard precision == nil, let n = Int(v) else { return nil }
                    precision = n
                } else {
                    guard maxMemory == nil else { return nil }
                    maxMemory = v
                }
                i += 1
            default:
                if (w.hasPrefix("-") && w != "-") || file != nil { return nil }
                file = w
            }
            i += 1
        }
        return (json, precision ?? 6, source, maxMemory, file)
    }

    /// Parses, runs, and maps the outcome to the exit status: 0 ok, 1 program error, 2 usage error.
    static func main() {
        setUpProcess()
        do {
            let argv = Array(CommandLine.arguments.dropFirst())
            if argv.first == "---completion" {   // a shell asking for custom completions
                var command = try parseAsRoot(argv)
                try command.run()
                terminate(0)
            }
            // a subcommand parses its own words (the root's FILE argument would take them)
            if let first = argv.first, let sub = subcommands[first] {
                do {
                    var command = try sub.parseAsRoot(Array(argv.dropFirst()))
                    try command.run()
                    terminate(0)
                } catch let code as ExitCode {
                    fflush(stdout)
                    terminate(code.rawValue)
                } catch {
                    report(error, sub.exitCode(for: error), sub.fullMessage(for: error))
                }
            }
            let (parsed, program) = split(argv)
            scriptArgs = program
            // the common command lines (-e, a script, --json, --precision, --max-memory) without
            // swift-argument-parser, whose reflection costs more than the rest of start-up; anything
            // else, and any error, goes through it (the same checks, its messages)
            if let q = quickParse(parsed), (try? checkOptions(precision: q.precision, maxMemory: q.maxMemory)) != nil {
                try execute(json: q.json, precision: q.precision, source: q.source, file: q.file)
                return
            }
            var command = try parseAsRoot(parsed)
            try command.run()
        } catch let code as ExitCode {
            fflush(stdout)
            terminate(code.rawValue)
        } catch {
            report(error, exitCode(for: error), fullMessage(for: error))
        }
    }

    /// --help and --version on stdout (status 0); usage errors on stderr with status 2.
    static func report(_ error: Error, _ status: ExitCode, _ text: String) -> Never {
        if status == .success {
            print(text)
            fflush(stdout)
            terminate(0)
        }
        FileHandle.standardError.write(Data(("loss: " + text + "\n").utf8))
        terminate(status == .validationFailure ? 2 : status.rawValue)
    }

    /// Before any work: buffered stdout, the allocator, the BLAS kernels.
    static func setUpProcess() {
        setvbuf(stdout, nil, _IOFBF, 1 << 16)
        // Large tensors: keep freed memory for reuse instead of fresh (page-faulting) mmaps for every
        // result — the interpreter thread otherwise pays ~2× for each large temporary, as with a
        // caching allocator in PyTorch. One arena: the interpreter runs on one thread at a time.
        #if os(Linux)
        _ = glibcMallopt(-3, 1 << 30)     // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, Int32.max)   // M_TRIM_THRESHOLD
        _ = glibcMallopt(-8, 1)           // M_ARENA_MAX
        #endif
        // OpenBLAS loads at the first matrix product (LossCore/BLAS.swift); its kernels are chosen
        // now, while setenv is safe (no other thread yet)
        BLAS.chooseKernels()
    }
}

/// Ends the process (a file-scope function: inside a command, `exit` names ParsableCommand.exit).
func terminate(_ status: Int32) -> Never { exit(status) }

#if os(Linux)
@_silgen_name("mallopt") func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif

struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run a script cell by cell and render it with its outputs.",
        usage: "loss notebook FILE.loss [-o OUT.md|OUT.html|OUT.ipynb] [--precision N]",
        discussion: """
            Cells are in Jupytext's percent format (`# %%`, `# %% [markdown]`). OUT's extension chooses \
            the format: .md (the default, FILE.md; plots go to sidecar files OUT-figK.svg), .html \
            (self-contained) or .ipynb (nbformat 4.5).
            """)

    @ArgumentParser.Argument(help: "The script.", completion: .file(extensions: ["loss"]))
    var file: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The notebook to write (.md, .html or .ipynb).", valueName: "OUT"),
            completion: .file(extensions: ["md", "html", "ipynb"]))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Significant digits in text display (1 to 17).", valueName: "N"))
    var precision: Int = 6

    func run() throws {
        LossNotebook.install()
        var args = [file, "--precision", String(precision)]
        if let o = output { args += ["-o", o] }
        throw ExitCode(NotebookCLI.notebook(args))
    }
}

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check the `#>` expected outputs of scripts.",
        usage: "loss test PATH… [--update] [--precision N]",
        discussion: """
            Runs each script (a PATH may be a folder: every *.loss file in it) and compares what each \
            statement displays with the `#>` lines right after it. Differences are printed as a \
            unified diff with FILE:LINE; the exit status is 1 when any expectation failed.
            """)

    @ArgumentParser.Argument(help: "Scripts or folders of scripts.", completion: .file(extensions: ["loss"]))
    var paths: [String]

    @Flag(name: [.short, .long], help: "Rewrite the `#>` lines of the failing statements from what is displayed now.")
    var update = false

    @Option(name: .long, help: ArgumentHelp("Significant digits in text display (1 to 17).", valueName: "N"))
    var precision: Int = 6

    func run() throws {
        LossNotebook.install()
        var args = paths + ["--precision", String(precision)]
        if update { args.append("--update") }
        throw ExitCode(NotebookCLI.test(args))
    }
}

/// The Jupyter kernel (docs/reference.md §8); the work is LossKernel's `KernelCLI`.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run loss as a Jupyter kernel, or install its kernel spec.",
        usage: "loss kernel -f CONNECTION_FILE\nloss kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]",
        discussion: "Jupyter starts the kernel with the connection file it writes (kernel.json's argv).",
        subcommands: [KernelInstallCommand.self])

    @Option(name: .short, help: ArgumentHelp("The connection file Jupyter wrote.", valueName: "CONNECTION_FILE"),
            completion: .file(extensions: ["json"]))
    var file: String?

    func run() throws {
        guard let file = file else { throw ValidationError("missing install or -f CONNECTION_FILE") }
        throw ExitCode(KernelCLI.main(["-f", file], version: String(lossVersion.dropFirst(5))))
    }
}

struct KernelInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Write the kernel spec (kernel.json with this loss's absolute path) where Jupyter looks.",
        usage: "loss kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]")

    @Flag(name: .long, help: "In the user's Jupyter data folder ($JUPYTER_DATA_DIR or ~/.local/share/jupyter; the default).")
    var user = false
    @Flag(name: .long, help: "In the current Python environment's share/jupyter.")
    var sysPrefix = false
    @Option(name: .long, help: ArgumentHelp("Under DIR/share/jupyter/kernels.", valueName: "DIR"), completion: .directory)
    var prefix: String?
    @Option(name: .long, help: "The kernel's name (default loss).")
    var name: String?
    @Option(name: .long, help: ArgumentHelp("The name Jupyter shows.", valueName: "TEXT"))
    var displayName: String?

    func run() throws {
        var args = ["install"]
        if user { args.append("--user") }
        if sysPrefix { args.append("--sys-prefix") }
        if let p = prefix { args += ["--prefix", p] }
        if let n = name { args += ["--name", n] }
        if let d = displayName { args += ["--display-name", d] }
        throw ExitCode(KernelCLI.main(args, version: String(lossVersion.dropFirst(5))))
    }
}

/// Runs a program from -e, a file or stdin, or the REPL, in one session.
struct ScriptRunner {
    let json: Bool
    let session: Session
    let stderrIsTTY = isatty(2) != 0
    let stdoutIsTTY = isatty(1) != 0

    init(json: Bool, precision: Int) {
        self.json = json
        LossNotebook.install(color: isatty(1) != 0 && !json)
        session = Session(precision: precision)
        let session = self.session, stderrIsTTY = self.stderrIsTTY
        session.onOutput = { event in
            switch event {
            case .value(let v, _):
                ScriptRunner.out(json ? Display.json(v) : session.format(v))
            case .print(let text, _):
                ScriptRunner.out(json ? "{\"print\":\(Display.jsonString(text))}" : text)
            case .warning(let text, _):
                fflush(stdout)
                let y = stderrIsTTY ? "\u{1B}[33m" : "", r = stderrIsTTY ? "\u{1B}[0m" : ""
                ScriptRunner.errWrite("\(y)warning:\(r) \(text)\n")
            }
        }
    }

    /// Writes a line to stdout; NUL bytes in strings are written too (fputs would stop at them).
    static func out(_ s: String) {
        var line = s
        line += "\n"
        line.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stdout) }
    }

    static func errWrite(_ s: String) {
        var text = s
        text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stderr) }
    }

    /// Runs a whole program; prints its error and returns the exit status.
    func runProgram(_ text: String, name: String) -> Int32 {
        guard let e = session.run(text, file: name) else { fflush(stdout); return 0 }
        if json {
            ScriptRunner.out("{\"error\":\(Display.jsonString(e.message)),\"line\":\(e.span.line),\"col\":\(e.span.col)}")
            fflush(stdout)
        } else {
            fflush(stdout)
            ScriptRunner.errWrite(Diagnostics.render(e, source: text, color: stderrIsTTY))
        }
        return 1
    }

    func runSource(_ source: String, args: [String]) -> Int32 {
        session.scriptArgs = args
        return runProgram(source, name: "<-e>")
    }

    func runFile(_ path: String, args: [String]) -> Int32 {
        session.scriptArgs = args
        let text: String
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                  // opened once and read to its end: a pipe (`loss <(…)`, a FIFO) has no size up front
                  // and gives its text to one reader only
                  let data = FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() else {
                ScriptRunner.errWrite("loss: cannot read '\(path)': no such file or not readable\n")
                return 2
            }
            text = String(decoding: data, as: UTF8.self)
        }
        return runProgram(text, name: path)
    }

    func runInteractiveOrStdin() -> Int32 {
        if isatty(0) != 0 && !json {
            return REPL(session: session, color: stdoutIsTTY).run()
        }
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        return runProgram(text, name: "<stdin>")
    }
}
