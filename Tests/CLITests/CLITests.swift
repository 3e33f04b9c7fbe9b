import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives the built `loss` executable as a process (docs/reference.md §1, §2.7, §6): scripts, `-e`, stdin,
/// `--json`, `--precision`, exit codes, and malformed or huge input that must end in an error,
/// never in a crash or a hang.
final class CLITests: XCTestCase {

    // MARK: - Running the executable

    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32
        /// The process died of a signal (a crash: trap, abort, segfault, OOM kill).
        var signaled: Bool
        var timedOut: Bool
        var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastEmpty() }
    }

    /// The `loss` executable: `$LOSS_BIN`, or a sibling named `loss` of the test bundle,
    /// searching upward from the bundle's path (the build folder holds both).
    static let lossURL: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["LOSS_BIN"], fm.isExecutableFile(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]), Bundle.main.bundleURL]
        starts += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<6 {
                let candidate = dir.appendingPathComponent("loss")
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        }
        return nil
    }()

    override class func setUp() {
        super.setUp()
        // a child that exits before reading all of its stdin must not kill the test runner
        signal(SIGPIPE, SIG_IGN)
    }

    var tmp: URL!

    override func setUpWithError() throws {
        guard Self.lossURL != nil else {
            throw XCTSkip("the `loss` executable was not found next to the test bundle (set LOSS_BIN)")
        }
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("loss-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let tmp { try? FileManager.default.removeItem(at: tmp) }
    }

    /// Writes `text` to a file in the test's temporary folder and returns its name.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: tmp.appendingPathComponent(name))
        return name
    }

    /// Runs `loss ARGS` in the temporary folder with `stdin` piped in (empty when nil: never
    /// the terminal of whoever runs the tests). Kills the process after `timeout` seconds.
    func loss(_ args: [String], stdin: Data? = nil, timeout: TimeInterval = 120,
              executable: URL? = nil, environment: [String: String]? = nil) throws -> Run {
        let p = Process()
        p.executableURL = executable ?? Self.lossURL
        p.arguments = args
        p.currentDirectoryURL = tmp
        if let environment { p.environment = environment }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()

        let group = DispatchGroup()
        let outData = DataBox(), errData = DataBox()
        DispatchQueue.global().async(group: group) { outData.data = outPipe.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData.data = errPipe.fileHandleForReading.readDataToEndOfFile() }
        let input = stdin ?? Data()
        DispatchQueue.global().async {
            // raw write(2): EPIPE (the child stopped reading) is not an error here
            let fd = inPipe.fileHandleForWriting.fileDescriptor
            input.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
                guard let base = buf.baseAddress else { return }
                var off = 0
                while off < buf.count {
                    let n = sysWrite(fd, base + off, buf.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            try? inPipe.fileHandleForWriting.close()
        }

        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            p.terminate()
            if done.wait(timeout: .now() + 5) == .timedOut {
                kill(p.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        group.wait()
        return Run(stdout: String(decoding: outData.data, as: UTF8.self), stderr: String(decoding: errData.data, as: UTF8.self),
                   status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal, timedOut: timedOut)
    }

    /// Asserts a clean run: no crash, no hang, the expected status.
    func assertExit(_ r: Run, _ status: Int32, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.timedOut, "\(what): hung (killed after the timeout)", file: file, line: line)
        XCTAssertFalse(r.signaled, "\(what): crashed with signal \(r.status); stderr: \(r.stderr.prefix(2000))", file: file, line: line)
        XCTAssertEqual(r.status, status, "\(what): exit status; stdout: \(r.stdout.prefix(500)); stderr: \(r.stderr.prefix(2000))",
                       file: file, line: line)
    }

    /// A program error: exit 1, `error: …` on stderr, nothing crashed or hung.
    func assertProgramError(_ r: Run, _ what: String, contains: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        assertExit(r, 1, what, file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix("error: "), "\(what): stderr should start with 'error: ', got \(r.stderr.prefix(300))",
                      file: file, line: line)
        if let contains {
            XCTAssertTrue(r.stderr.contains(contains), "\(what): stderr should contain \(contains), got \(r.stderr.prefix(300))",
                          file: file, line: line)
        }
    }

    func jsonObject(_ line: String, file: StaticString = #filePath, line l: UInt = #line) -> [String: Any]? {
        let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
        guard let dict = obj as? [String: Any] else {
            XCTFail("not a JSON object: \(line.prefix(300))", file: file, line: l)
            return nil
        }
        return dict
    }

    // MARK: - `-e` (docs/reference.md §1)

    func testMissionExample() throws {
        let r = try loss(["-e", "focal([0.9,0.2],[1,0],gamma:2)"])
        assertExit(r, 0, "mission example")
        XCTAssertEqual(r.stdout, "0.00498967\n")
        XCTAssertEqual(r.stderr, "")
    }

    func testDashEWithSeveralStatements() throws {
        // `;` and newlines separate statements; only the unsuppressed expressions display
        let r = try loss(["-e", "p = [0.9, 0.2]; y = [1, 0]\nbce(p, y)\nmse([1, 2, 3], [1, 4, 0]); mse([1, 2, 3], [1, 4, 0])"])
        assertExit(r, 0, "-e with several statements")
        // torch: binary_cross_entropy = 0.164252, mse_loss = 4.33333
        XCTAssertEqual(r.stdout, "0.164252\n4.33333\n")
    }

    func testDashERepeatedAndArgs() throws {
        // several -e are one program; words after it are the script's args
        let r = try loss(["-e", "a = 2", "-e", "a * 21", "-e", "args", "x", "y z"])
        assertExit(r, 0, "-e repeated")
        XCTAssertEqual(r.stdout, "42\n[\"x\", \"y z\"]\n")
    }

    // MARK: - Scripts (docs/reference.md §1, §2.4 display rule)

    func testScriptDisplayRuleSuppressionAndPrint() throws {
        try write("s.loss", """
        # a comment
        p = [0.9, 0.2]
        y = [1, 0]
        focal(p, y, gamma: 2)
        focal(p, y, gamma: 2);
        print("loss is", focal(p, y, gamma: 2), true)
        fn sq(x) = x^2
        sq(3)
        sq(4);
        x = [1, 2; 3, 4.5]
        x
        cross_entropy([[2, 1, 0.1]], [0], logits: true)
        "text"
        ans
        none
        """)
        let r = try loss(["s.loss"])
        assertExit(r, 0, "script")
        // torch cross_entropy([[2, 1, 0.1]], [0]) = 0.41703
        XCTAssertEqual(r.stdout, """
        0.00498967
        loss is 0.00498967 true
        9
        2×2 tensor
         1  2
         3  4.5
        0.41703
        text
        text

        """)
        XCTAssertEqual(r.stderr, "")
    }

    func testScriptArgs() throws {
        try write("s.loss", "args\nargs[0]\nfor a in args { print(a) }\n")
        let r = try loss(["s.loss", "a", "b c", "--lr", "0.1"])
        assertExit(r, 0, "script args")
        // options after the script name are the script's
        XCTAssertEqual(r.stdout, "[\"a\", \"b c\", \"--lr\", \"0.1\"]\na\na\nb c\n--lr\n0.1\n")

        try write("n.loss", "args\nfor a in args { print(a) }\n")
        let none = try loss(["n.loss"])
        assertExit(none, 0, "script without args")
        XCTAssertEqual(none.stdout, "[]\n")
    }

    /// A script read from a pipe, which has no size up front: bash's `loss <(generate)`.
    func testScriptFromProcessSubstitution() throws {
        let r = try loss(["-c", "\"$0\" <(printf 'x = [1, 2]\\nprint(sum(x) + 1)\\n')", Self.lossURL?.path ?? "loss"],
                         executable: URL(fileURLWithPath: "/bin/bash"))
        assertExit(r, 0, "loss <(…)")
        XCTAssertEqual(r.stdout, "4\n")
    }

    /// A FIFO whose writer comes after `loss` opened it: one open, read to the end.
    func testScriptFromAFIFO() throws {
        let fifo = tmp.appendingPathComponent("p.loss").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0, "mkfifo")
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)   // blocks until loss opens the FIFO to read
            guard fd >= 0 else { return }
            let text = Array("x = [1, 2]\nprint(sum(x) + 1)\n".utf8)
            _ = text.withUnsafeBytes { sysWrite(fd, $0.baseAddress!, $0.count) }
            close(fd)
        }
        writer.start()
        let r = try loss(["p.loss"], timeout: 20)
        assertExit(r, 0, "script from a FIFO")
        XCTAssertEqual(r.stdout, "4\n")
    }

    func testShebangLine() throws {
        try write("run.loss", "#!/usr/bin/env loss\n# %% a cell marker\nmse([1, 2], [1, 4])\n#> 2\nargs\n")
        // as an argument
        let r = try loss(["run.loss", "k"])
        assertExit(r, 0, "shebang script")
        XCTAssertEqual(r.stdout, "2\n[\"k\"]\n")

        // executed directly, through /usr/bin/env with `loss` on the PATH
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/env"), let bin = Self.lossURL else { return }
        let script = tmp.appendingPathComponent("run.loss")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = bin.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let direct = try loss(["a", "b"], executable: script, environment: env)
        assertExit(direct, 0, "./run.loss")
        XCTAssertEqual(direct.stdout, "2\n[\"a\", \"b\"]\n")
    }

    // MARK: - stdin

    func testProgramFromStdin() throws {
        let src = Data("x = 2\nx * 3\nprint(\"hi\")\nsoftmax([0, 0])\n".utf8)
        let r = try loss([], stdin: src)
        assertExit(r, 0, "program on stdin")
        XCTAssertEqual(r.stdout, "6\nhi\n[0.5, 0.5]\n")   // no prompts
        XCTAssertEqual(r.stderr, "")

        let dash = try loss(["-"], stdin: src)
        assertExit(dash, 0, "loss -")
        XCTAssertEqual(dash.stdout, "6\nhi\n[0.5, 0.5]\n")

        let json = try loss(["--json"], stdin: src)
        assertExit(json, 0, "--json on stdin")
        XCTAssertEqual(json.stdout, "6\n{\"print\":\"hi\"}\n{\"shape\":[2],\"data\":[0.5,0.5]}\n")

        let empty = try loss([], stdin: Data())
        assertExit(empty, 0, "empty stdin")
        XCTAssertEqual(empty.stdout, "")
    }

    func testErrorOnStdinNamesStdin() throws {
        let r = try loss([], stdin: Data("1 + 1\nzeros(2) @ zeros(3)\n".utf8))
        assertProgramError(r, "error on stdin", contains: "--> <stdin>:2:")
        XCTAssertEqual(r.stdout, "2\n")
    }

    // MARK: - JSON display (docs/reference.md §2.7)

    func testJSONNumbersHave17SignificantDigits() throws {
        let r = try loss(["--json", "-e", "1/3\n0.1\n3\n-2.5\n1e300\n2^60\n-0\n1e-20"])
        assertExit(r, 0, "--json numbers")
        XCTAssertEqual(r.stdoutLines, ["0.33333333333333331", "0.10000000000000001", "3", "-2.5",
                                       "1.0000000000000001e+300", "1.152921504606847e+18", "0",
                                       "9.9999999999999995e-21"])
        // every line is valid JSON and round-trips exactly (Double(_:) parses correctly rounded;
        // swift-corelibs JSONSerialization does not always: it reads 9.9999999999999995e-21 as 1.0000000000000001e-20)
        let values: [Double] = [1.0 / 3, 0.1, 3, -2.5, 1e300, 1152921504606846976, 0, 1e-20]
        for (line, v) in zip(r.stdoutLines, values) {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]), line)
            XCTAssertEqual(Double(line), v, line)
        }
    }

    func testJSONMissionExample() throws {
        let r = try loss(["--json", "-e", "focal([0.9,0.2],[1,0],gamma:2)"])
        assertExit(r, 0, "--json focal")
        XCTAssertEqual(r.stdoutLines.count, 1)
        let line = r.stdoutLines.first ?? ""
        // torch float64: 0.0049896736045733229 (the last digits depend on summation order)
        let x = Double(line) ?? .nan
        XCTAssertEqual(x, 0.0049896736045733229, accuracy: 1e-17)
        XCTAssertTrue(line.hasPrefix("0.00498967360457332"), line)
    }

    func testJSONTensorsStringsBoolsAndNonFinite() throws {
        let r = try loss(["--json", "-e", """
        [[1, 2, 3], [4, 5, 6.5]]
        [0.25, -1]
        zeros([2, 1, 2])
        []
        "say \\"hi\\"\\n\\tγ"
        true
        1 > 2
        nan
        inf
        -inf
        [nan, inf, -inf, 0]
        none
        [none, "a", 1]
        """])
        assertExit(r, 0, "--json values")
        XCTAssertEqual(r.stdoutLines, [
            "{\"shape\":[2,3],\"data\":[1,2,3,4,5,6.5]}",
            "{\"shape\":[2],\"data\":[0.25,-1]}",
            "{\"shape\":[2,1,2],\"data\":[0,0,0,0]}",
            "{\"shape\":[0],\"data\":[]}",
            "\"say \\\"hi\\\"\\n\\tγ\"",
            "true",
            "false",
            "\"nan\"",
            "\"inf\"",
            "\"-inf\"",
            "{\"shape\":[4],\"data\":[\"nan\",\"inf\",\"-inf\",0]}",
            // `none` alone displays nothing (like IPython); inside a list it is null
            "[null,\"a\",1]",
        ])
        for line in r.stdoutLines {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]), line)
        }
        let s = try JSONSerialization.jsonObject(with: Data(r.stdoutLines[4].utf8), options: [.fragmentsAllowed]) as? String
        XCTAssertEqual(s, "say \"hi\"\n\tγ")
    }

    func testPlots() throws {
        let r = try loss(["--json", "-e", "plot(x -> x^2, 0, 1, title: \"sq\")\nplot(x -> x^2, 0, 1)"])
        assertExit(r, 0, "--json plot")
        XCTAssertEqual(r.stdoutLines, ["{\"plot\":\"sq\"}", "{\"plot\":null}"])

        // on text output a plot is a braille chart
        let t = try loss(["-e", "plot(x -> x^2, 0, 1, title: \"sq\")"])
        assertExit(t, 0, "text plot")
        XCTAssertTrue(t.stdout.contains("sq"), t.stdout)
        XCTAssertTrue(t.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille dots expected:\n\(t.stdout)")
    }

    func testJSONPrint() throws {
        let r = try loss(["--json", "-e", "print(\"loss\", 0.5, [1, 2])\nprint(\"a\\\"b\\nc\")\n1"])
        assertExit(r, 0, "--json print")
        XCTAssertEqual(r.stdoutLines, ["{\"print\":\"loss 0.5 [1, 2]\"}", "{\"print\":\"a\\\"b\\nc\"}", "1"])
        let obj = jsonObject(r.stdoutLines[1])
        XCTAssertEqual(obj?["print"] as? String, "a\"b\nc")
    }

    func testJSONErrorIsTheLastLine() throws {
        try write("m.loss", "p = [0.9, 0.2]\n\"before\"\nl = focal(p, [1, 0, 1], gamma: 2)\n\"after\"\n")
        let r = try loss(["--json", "m.loss"])
        assertExit(r, 1, "--json error")
        XCTAssertEqual(r.stdoutLines.count, 2)
        XCTAssertEqual(r.stdoutLines.first, "\"before\"")
        let err = jsonObject(r.stdoutLines.last ?? "")
        XCTAssertEqual(err?["error"] as? String, "focal: p and y must have the same shape, got [2] and [3]")
        XCTAssertEqual(err?["line"] as? Int, 3)
        XCTAssertEqual(err?["col"] as? Int, 5)

        let syntax = try loss(["--json", "-e", "1 +* 2"])
        assertExit(syntax, 1, "--json syntax error")
        XCTAssertEqual(syntax.stdout, "{\"error\":\"expected an expression, found '*'\",\"line\":1,\"col\":4}\n")
    }

    func testJSONIgnoresPrecision() throws {
        let r = try loss(["--json", "--precision", "3", "-e", "pi"])
        assertExit(r, 0, "--json --precision")
        XCTAssertEqual(r.stdout, "3.1415926535897931\n")
    }

    // MARK: - --precision

    func testPrecision() throws {
        let three = try loss(["--precision", "3", "-e", "pi\n[1/3, 2/3]\neye(2) / 3\n0.00498967"])
        assertExit(three, 0, "--precision 3")
        XCTAssertEqual(three.stdout, "3.14\n[0.333, 0.667]\n2×2 tensor\n 0.333  0\n 0      0.333\n0.00499\n")

        let twelve = try loss(["--precision", "12", "-e", "pi"])
        assertExit(twelve, 0, "--precision 12")
        XCTAssertEqual(twelve.stdout, "3.14159265359\n")

        let eq = try loss(["--precision=17", "-e", "pi"])
        assertExit(eq, 0, "--precision=17")
        XCTAssertEqual(eq.stdout, "3.1415926535897931\n")

        let dflt = try loss(["-e", "pi"])
        XCTAssertEqual(dflt.stdout, "3.14159\n")
    }

    // MARK: - Exit codes and error messages (docs/reference.md §1, §6)

    func testProgramErrorExit1WithLocationSourceLineAndCaret() throws {
        try write("model.loss", "p = [0.9, 0.2]\ny = [1, 0, 1]\n\"before\"\nl = focal(p, y, gamma: 2)\n\"after\"\n")
        let r = try loss(["model.loss"])
        assertExit(r, 1, "program error")
        XCTAssertEqual(r.stdout, "before\n")   // what ran before the error is shown, nothing after
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertGreaterThanOrEqual(lines.count, 5, r.stderr)
        XCTAssertEqual(Array(lines.prefix(5)), [
            "error: focal: p and y must have the same shape, got [2] and [3]",
            "  --> model.loss:4:5",
            "   |",
            " 4 | l = focal(p, y, gamma: 2)",
            "   |     ^^^^^^^^^^^^^^^^^^^^^",
        ])
        XCTAssertFalse(r.stderr.contains("\u{1B}["), "no colours when stderr is not a terminal")
    }

    func testDashEErrorNamesDashE() throws {
        let r = try loss(["-e", "x = 1\nx + undefined_name"])
        assertProgramError(r, "-e error", contains: "unknown name 'undefined_name'")
        XCTAssertTrue(r.stderr.contains("  --> <-e>:2:5\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains(" 2 | x + undefined_name\n"), r.stderr)
        XCTAssertTrue(r.stderr.contains("   |     ^^^^^^^^^^^^^^\n"), r.stderr)
    }

    func testSyntaxErrorExit1() throws {
        let r = try loss(["-e", "x = [1, 2"])
        assertProgramError(r, "unclosed bracket", contains: "  --> <-e>:1:")
        XCTAssertEqual(r.stdout, "")
    }

    func testUsageErrorsExit2() throws {
        let cases: [(args: [String], message: String)] = [
            (["--frobnicate"], "Unknown option '--frobnicate'"),
            (["missing-file.loss"], "missing-file.loss"),
            (["--precision", "0", "-e", "1"], "--precision"),
            (["--precision", "18", "-e", "1"], "--precision"),
            (["--precision", "abc", "-e", "1"], "--precision"),
            (["--precision=x", "-e", "1"], "--precision"),
            (["--precision"], "--precision"),
            (["-e"], "-e"),
        ]
        for c in cases {
            let r = try loss(c.args)
            assertExit(r, 2, "loss \(c.args.joined(separator: " "))")
            XCTAssertTrue(r.stderr.contains(c.message), "\(c.args): stderr \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(c.args): a usage error prints nothing on stdout")
        }
        // a folder is not a readable script
        try FileManager.default.createDirectory(at: tmp.appendingPathComponent("dir.loss"), withIntermediateDirectories: true)
        assertExit(try loss(["dir.loss"]), 2, "a folder as the script")
    }

    func testHelpAndVersion() throws {
        for flag in ["--help", "-h"] {
            let r = try loss([flag])
            assertExit(r, 0, flag)
            XCTAssertTrue(r.stdout.contains("USAGE: loss [--json] [--precision N] [--max-memory SIZE] [FILE.loss [ARGS…]]"), r.stdout)
            for word in ["-e", "--json", "--precision", "notebook", "test"] {
                XCTAssertTrue(r.stdout.contains(word), "\(flag) mentions \(word)")
            }
        }
        let v = try loss(["--version"])
        assertExit(v, 0, "--version")
        let text = v.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertNotNil(text.range(of: #"^loss \d+\.\d+\.\d+"#, options: .regularExpression), text)
    }

    // MARK: - Malformed, huge and hostile input (docs/reference.md §6): an error, never a crash or a hang

    func testDeeplyNestedBrackets() throws {
        let n = 100_000
        let cases: [(String, String)] = [
            (String(repeating: "[", count: n) + "1" + String(repeating: "]", count: n), "balanced ["),
            (String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n), "balanced ("),
            (String(repeating: "[", count: n), "unclosed ["),
            (String(repeating: "-", count: n) + "1", "unary minus"),
            (String(repeating: "{", count: n), "unclosed {"),
            ("x = " + String(repeating: "f(", count: n), "unclosed calls"),
        ]
        for (i, (src, what)) in cases.enumerated() {
            let name = try write("nest\(i).loss", src + "\n")
            let r = try loss([name], timeout: 60)
            assertProgramError(r, what)
            // stdin too
            let s = try loss([], stdin: Data(src.utf8), timeout: 60)
            assertProgramError(s, what + " on stdin")
        }
    }

    func testRunawayRecursion() throws {
        let cases = [
            "fn f(n) = f(n+1); f(0)",
            "fn f(n) { return 1 + f(n + 1) }\nf(0)",
            "g = x -> g(x) + 1; g(1)",
            "fn f(n) = map(x -> f(x), [n]); f(1)",
            "fn f(x) = sum(x) + f(softmax(x)); f([1, 2])",
            "fn a(n) = b(n); fn b(n) = a(n); a(1)",
        ]
        for src in cases {
            let r = try loss(["-e", src], timeout: 60)
            assertProgramError(r, src, contains: "recursion")
        }
    }

    func testHugeAllocations() throws {
        let cases = ["zeros([1e12])", "zeros([1e6, 1e6])", "ones(1e12)", "randn([1e5, 1e5])",
                     "full([1e10, 1e10, 1e10], 1)", "zeros([1e300])", "zeros([-1])", "zeros([nan])",
                     "eye(1e10)", "linspace(0, 1, 1e12)", "range(0, 1e15)"]
        for src in cases {
            let r = try loss(["-e", src], timeout: 60)
            assertProgramError(r, src)
        }
        let shape = try loss(["-e", "zeros([1e12])"])
        XCTAssertTrue(shape.stderr.contains("1000000000000"), shape.stderr)
    }

    func testHugeString() throws {
        let n = 5_000_000
        // an unterminated string running to the end of a huge input
        let bad = try write("bad.loss", "s = \"" + String(repeating: "x", count: n) + "\n")
        let r = try loss([bad], timeout: 120)
        assertProgramError(r, "unterminated huge string", contains: "string")

        // a huge but valid string is a value like any other
        let good = try write("good.loss", "s = \"" + String(repeating: "ab", count: n / 2) + "\"\nprint(s)\n1\n")
        let g = try loss([good], timeout: 120)
        assertExit(g, 0, "huge string")
        XCTAssertEqual(g.stdout.utf8.count, n + 1 + 2)
        XCTAssertTrue(g.stdout.hasSuffix("ab\n1\n"))
    }

    func testBinaryGarbageOnStdin() throws {
        // deterministic pseudo-random bytes, NULs and invalid UTF-8 included
        var state: UInt64 = 0x9E3779B97F4A7C15
        var bytes = [UInt8](repeating: 0, count: 200_000)
        for i in bytes.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 56)
        }
        let r = try loss([], stdin: Data(bytes), timeout: 60)
        assertProgramError(r, "binary garbage on stdin")

        let json = try loss(["--json"], stdin: Data(bytes), timeout: 60)
        assertExit(json, 1, "binary garbage with --json")
        let last = json.stdoutLines.last ?? ""
        XCTAssertNotNil(jsonObject(last)?["error"], last)

        for garbage: [UInt8] in [[0x80, 0xFF, 0x0A], [0x31, 0x00, 0x32, 0x0A], [0xE2, 0x80], [0xFE, 0xFF, 0x00, 0x31]] {
            let r = try loss([], stdin: Data(garbage), timeout: 60)
            assertProgramError(r, "garbage \(garbage)")
        }
    }

    func testGarbageScriptFile() throws {
        try Data([0x00, 0x01, 0x02, 0xFF, 0xFE, 0x5B, 0x5B, 0x28]).write(to: tmp.appendingPathComponent("g.loss"))
        let r = try loss(["g.loss"], timeout: 60)
        assertProgramError(r, "garbage script")
    }
}

#if canImport(Glibc)
private let sysWrite = Glibc.write
#else
private let sysWrite = Darwin.write
#endif

/// Filled by one reader thread, read after the group is done.
private final class DataBox: @unchecked Sendable { var data = Data() }

private extension Array where Element == String {
    /// Drops the empty string after the final newline.
    func dropLastEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}

/// The command line of swift-argument-parser: subcommands with their own --help, completion
/// scripts, the script's own options passed through.
extension CLITests {
    func testSubcommandsHaveTheirOwnHelp() throws {
        let t = self
        for (sub, words) in [("notebook", ["USAGE: loss notebook FILE.loss", "--output", "--precision"]),
                             ("test", ["USAGE: loss test PATH…", "--update"])] {
            let r = try t.loss([sub, "--help"])
            t.assertExit(r, 0, "\(sub) --help")
            for w in words { XCTAssertTrue(r.stdout.contains(w), "\(sub) --help lacks \(w): \(r.stdout)") }
        }
        let bad = try t.loss(["test"])
        t.assertExit(bad, 2, "test without paths")
        XCTAssertTrue(bad.stderr.contains("Missing expected argument"), bad.stderr)
    }

    func testCompletionScripts() throws {
        let t = self
        for shell in ["bash", "zsh", "fish"] {
            let r = try t.loss(["--generate-completion-script", shell])
            t.assertExit(r, 0, shell)
            for w in ["notebook", "test", "precision", "json", "update"] {
                XCTAssertTrue(r.stdout.contains(w), "\(shell) completion lacks \(w)")
            }
        }
        // the bash script parses
        let bash = try t.loss(["--generate-completion-script", "bash"])
        let path = t.tmp.appendingPathComponent("loss.bash")
        try bash.stdout.write(to: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-n", path.path]
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testScriptOptionsPassThrough() throws {
        let t = self
        _ = try t.write("train.loss", "args\n")
        let r = try t.loss(["--precision", "3", "train.loss", "--lr", "0.1", "--json", "-e"])
        t.assertExit(r, 0, "options after the script")
        XCTAssertEqual(r.stdout, "[\"--lr\", \"0.1\", \"--json\", \"-e\"]\n")
    }
}
