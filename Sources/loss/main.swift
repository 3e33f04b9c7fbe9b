import Foundation
import LossCore
import LossLang
import LossNotebook

// The `loss` command (docs/reference.md §1). Hand-written argument parsing: a script's own
// arguments may look like options (`loss train.loss --lr 0.1`), and everything after
// the script name belongs to the script.

setvbuf(stdout, nil, _IOFBF, 1 << 16)
// Large tensors: keep freed memory for reuse instead of fresh (page-faulting) mmaps for every
// result — the interpreter thread otherwise pays ~2× for each large temporary, as with a
// caching allocator in PyTorch. One arena: the interpreter runs on one thread at a time.
#if os(Linux)
@_silgen_name("mallopt") func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
_ = glibcMallopt(-3, 1 << 30)     // M_MMAP_THRESHOLD
_ = glibcMallopt(-1, Int32.max)   // M_TRIM_THRESHOLD
_ = glibcMallopt(-8, 1)           // M_ARENA_MAX
#endif
BLASTuning.selectKernels()

let version = "loss 0.1.0"
let usage = """
usage: loss [--json] [--precision N] [--max-memory SIZE] [FILE.loss [ARGS…]]
       loss [--json] [--precision N] [--max-memory SIZE] -e 'SOURCE'
       loss notebook FILE.loss [-o OUT.md|OUT.html|OUT.ipynb]
       loss test PATH… [--update]

  (no FILE)        interactive REPL on a terminal; otherwise reads the program from stdin
  FILE.loss ARGS   runs a script; `args` holds ARGS as strings
  -e SOURCE        evaluates SOURCE (one or more statements)
  --json           prints every displayed value as one JSON line
  --precision N    significant digits in text display (default 6)
  --max-memory S   the memory tensors may hold, e.g. 2G or 512M (also LOSS_MAX_MEMORY;
                   default 80 % of the physical or the cgroup's memory)
  --help, --version

In the REPL, ?name shows help and :help lists the commands.
"""

func fail(_ message: String) -> Never {
    FileHandle.standardError.write("loss: \(message)\n\(usage)\n".data(using: .utf8)!)
    exit(2)
}

/// `--max-memory` / LOSS_MAX_MEMORY (docs/reference.md §9); a malformed size is a usage error.
func setMaxMemory(_ text: String, from source: String) {
    guard let bytes = LossCore.Memory.parseSize(text) else { fail("\(source) needs a size such as 2G, 512M or 1.5GiB, got '\(text)'") }
    LossCore.Memory.limit = bytes
}
if let env = ProcessInfo.processInfo.environment["LOSS_MAX_MEMORY"], !env.isEmpty { setMaxMemory(env, from: "LOSS_MAX_MEMORY") }

var argv = Array(CommandLine.arguments.dropFirst())
if let first = argv.first {
    if first == "notebook" { LossNotebook.install(); exit(NotebookCLI.notebook(Array(argv.dropFirst()))) }
    if first == "test" { LossNotebook.install(); exit(NotebookCLI.test(Array(argv.dropFirst()))) }
}

var json = false
var precision = 6
var source: String? = nil
var file: String? = nil
var scriptArgs: [String] = []
var i = 0
while i < argv.count {
    let a = argv[i]
    if file != nil { scriptArgs.append(a); i += 1; continue }
    switch a {
    case "--help", "-h": print(usage); exit(0)
    case "--version", "-V": print(version); exit(0)
    case "--builtin-table":  // used by Scripts/update_readme.py
        print(Help.markdownTable(Registry.standard), terminator: ""); exit(0)
    case "--json": json = true
    case "--precision":
        i += 1
        guard i < argv.count, let n = Int(argv[i]), n >= 1, n <= 17 else { fail("--precision needs a number of digits from 1 to 17") }
        precision = n
    case "--max-memory":
        i += 1
        guard i < argv.count else { fail("--max-memory needs a size such as 2G") }
        setMaxMemory(argv[i], from: "--max-memory")
    case "-e":
        i += 1
        guard i < argv.count else { fail("-e needs the source to evaluate") }
        source = (source.map { $0 + "\n" } ?? "") + argv[i]
    case "--":
        // everything after `--` belongs to the program (`loss -e 'args' -- --x`)
        let rest = Array(argv[(i + 1)...])
        if source == nil && file == nil, let f = rest.first { file = f; scriptArgs += rest.dropFirst() } else { scriptArgs += rest }
        i = argv.count
    default:
        if a.hasPrefix("--max-memory=") {
            setMaxMemory(String(a.dropFirst(13)), from: "--max-memory")
        } else if a.hasPrefix("--precision=") {
            guard let n = Int(a.dropFirst(12)), n >= 1, n <= 17 else { fail("--precision needs a number of digits from 1 to 17") }
            precision = n
        } else if source != nil {
            // after -e, other words are the program's arguments
            scriptArgs.append(a)
        } else if a.hasPrefix("-") && a != "-" {
            fail("unknown option '\(a)'")
        } else {
            file = a
        }
    }
    i += 1
}

let stdoutIsTTY = isatty(1) != 0
LossNotebook.install(color: stdoutIsTTY && !json)
let session = Session(precision: precision)
session.scriptArgs = scriptArgs
let stderrIsTTY = isatty(2) != 0

/// Writes a line to stdout; NUL bytes in strings are written too (fputs would stop at them).
func out(_ s: String) {
    var line = s
    line += "\n"
    line.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stdout) }
}

func errWrite(_ s: String) {
    var text = s
    text.withUTF8 { buf in _ = fwrite(buf.baseAddress, 1, buf.count, stderr) }
}

session.onOutput = { event in
    switch event {
    case .value(let v, _):
        out(json ? Display.json(v) : session.format(v))
    case .print(let text, _):
        out(json ? "{\"print\":\(Display.jsonString(text))}" : text)
    case .warning(let text, _):
        fflush(stdout)
        let y = stderrIsTTY ? "\u{1B}[33m" : "", r = stderrIsTTY ? "\u{1B}[0m" : ""
        errWrite("\(y)warning:\(r) \(text)\n")
    }
}

/// Runs a whole program; prints its error and returns the exit status.
func runProgram(_ text: String, name: String) -> Int32 {
    guard let e = session.run(text, file: name) else { fflush(stdout); return 0 }
    if json {
        out("{\"error\":\(Display.jsonString(e.message)),\"line\":\(e.span.line),\"col\":\(e.span.col)}")
        fflush(stdout)
    } else {
        fflush(stdout)
        errWrite(Diagnostics.render(e, source: text, color: stderrIsTTY))
    }
    return 1
}

if let src = source {
    exit(runProgram(src, name: "<-e>"))
}
if let path = file {
    let text: String
    if path == "-" {
        text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    } else {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write("loss: cannot read '\(path)': no such file or not readable\n".data(using: .utf8)!)
            exit(2)
        }
        text = String(decoding: data, as: UTF8.self)
    }
    exit(runProgram(text, name: path))
}
if isatty(0) != 0 && !json {
    exit(REPL(session: session, color: stdoutIsTTY).run())
}
let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
exit(runProgram(text, name: "<stdin>"))
