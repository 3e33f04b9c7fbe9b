import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// the pseudo-terminal calls of libc, which the Glibc module does not import
@_silgen_name("posix_openpt") private func c_posix_openpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func c_grantpt(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func c_unlockpt(_ fd: Int32) -> Int32
@_silgen_name("ptsname") private func c_ptsname(_ fd: Int32) -> UnsafeMutablePointer<CChar>?

/// Limits (docs/reference.md §9): the memory limit as the CLI sets it, and Ctrl-C inside one long
/// built-in call, typed at the REPL through a pseudo-terminal.
extension CLITests {

    // MARK: - Memory

    func testMemoryLimitIsAnErrorNamingTheBindings() throws {
        // a, b, c hold 16 MiB each; d would need 32 MiB more than the 64 MiB limit allows
        let r = try loss(["--max-memory", "64M", "-e", "a = ones([2^21])\nb = ones([2^21])\nc = 2 * a\nd = ones([2^22])\nprint(\"not reached\")"])
        assertProgramError(r, "over the limit", contains: "out of memory: this needs 32 MiB, and tensors already hold 48 MiB of the 64 MiB limit (a: 16 MiB, b: 16 MiB, c: 16 MiB)")
        XCTAssertTrue(r.stderr.contains("4 | d = ones([2^22])"), r.stderr)
        XCTAssertTrue(r.stderr.contains("`x = none` frees a binding"), r.stderr)
        XCTAssertFalse(r.stdout.contains("not reached"))

        // freeing a binding makes room; the same program fits
        let freed = try loss(["--max-memory", "64M", "-e", "a = ones([2^21])\nb = ones([2^21])\nc = 2 * a\na = none\nb = none\nd = ones([2^22])\nsum(d)"])
        assertExit(freed, 0, "after freeing")
        XCTAssertEqual(freed.stdout, "4.1943e+06\n")
    }

    func testMemoryLimitCountsTemporaries() throws {
        // x (32 MiB) and the temporary x * 2 (32 MiB) leave no room for the sum's 32 MiB
        let r = try loss(["--max-memory=80M", "-e", "x = ones([2^22])\ny = x * 2 + 1"])
        assertProgramError(r, "temporary", contains: "out of memory: this needs 32 MiB, and tensors already hold 64 MiB of the 80 MiB limit (x: 32 MiB)")
        // the environment variable sets it too; the option wins over it
        var env = ProcessInfo.processInfo.environment
        env["LOSS_MAX_MEMORY"] = "16M"
        let small = try loss(["-e", "x = ones([2^22])"], environment: env)
        assertProgramError(small, "LOSS_MAX_MEMORY", contains: "of the 16 MiB limit")
        let both = try loss(["--max-memory", "1G", "-e", "x = ones([2^22]); sum(x)"], environment: env)
        assertExit(both, 0, "--max-memory over LOSS_MAX_MEMORY")
        XCTAssertEqual(both.stdout, "4.1943e+06\n")
    }

    func testMalformedMemorySizeIsAUsageError() throws {
        for bad in ["64X", "", "-1G", "0", "G", "1e999G"] {
            let r = try loss(["--max-memory", bad, "-e", "1"])
            assertExit(r, 2, "--max-memory \(bad)")
            XCTAssertTrue(r.stderr.contains("--max-memory needs a size such as 2G"), r.stderr)
        }
        var env = ProcessInfo.processInfo.environment
        env["LOSS_MAX_MEMORY"] = "lots"
        let r = try loss(["-e", "1"], environment: env)
        assertExit(r, 2, "LOSS_MAX_MEMORY=lots")
        XCTAssertTrue(r.stderr.contains("LOSS_MAX_MEMORY needs a size"), r.stderr)
        for good in ["2G", "512m", "1.5GiB", "100000", "64 MB"] {
            assertExit(try loss(["--max-memory", good, "-e", "1"]), 0, "--max-memory \(good)")
        }
    }

    // MARK: - Ctrl-C inside a call, through a pseudo-terminal

    /// A REPL on a pseudo-terminal that is its controlling terminal (so ^C is SIGINT, as typed).
    final class PTYSession {
        let master: Int32
        let process = Process()
        private let lock = NSLock()
        private var buffer = ""
        private var reader: Thread?

        init(_ loss: URL, directory: URL) throws {
            master = c_posix_openpt(O_RDWR | O_NOCTTY)
            guard master >= 0, c_grantpt(master) == 0, c_unlockpt(master) == 0, let name = c_ptsname(master) else {
                throw XCTSkip("no pseudo-terminal available")
            }
            let slave = open(String(cString: name), O_RDWR | O_NOCTTY)
            guard slave >= 0 else { throw XCTSkip("cannot open the pseudo-terminal") }
            var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
            let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
            // setsid -c: a new session whose controlling terminal is the pty (stdin)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["-c", loss.path]
            process.currentDirectoryURL = directory
            var env = ProcessInfo.processInfo.environment
            env["LOSS_HISTORY"] = ""
            env["TERM"] = "xterm"
            process.environment = env
            process.standardInput = handle
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            let fd = master
            let t = Thread { [weak self] in
                var buf = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(fd, &buf, buf.count)
                    if n <= 0 { break }
                    guard let self else { break }
                    self.lock.lock()
                    self.buffer += String(decoding: buf[0..<n], as: UTF8.self)
                    self.lock.unlock()
                }
            }
            t.start()
            reader = t
        }

        /// What the terminal received, without escape sequences (colours, bracketed paste).
        var screen: String {
            lock.lock()
            let s = buffer
            lock.unlock()
            return s.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
        }

        func type(_ s: String) {
            let bytes = Array(s.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
        }

        /// Waits until the output after `from` contains `text`; returns the seconds waited, or nil.
        func wait(for text: String, after from: Int = 0, timeout: TimeInterval = 20) -> TimeInterval? {
            let start = Date()
            while Date().timeIntervalSince(start) < timeout {
                let s = screen
                if s.count > from, s.dropFirst(from).contains(text) { return Date().timeIntervalSince(start) }
                usleep(5_000)
            }
            return nil
        }

        func close() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            Glibc.close(master)
        }
    }

    func testCtrlCInsideALongCallKeepsTheSession() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") else { throw XCTSkip("setsid is not installed") }
        let s = try PTYSession(Self.lossURL!, directory: tmp)
        defer { s.close() }
        XCTAssertNotNil(s.wait(for: "loss[1]> "), "the REPL did not start: \(s.screen)")
        s.type("x = 41 + 1\n")
        XCTAssertNotNil(s.wait(for: "loss[2]> "), s.screen)
        // one built-in call of several seconds (2^26 normal samples, 512 MiB; longer in debug builds)
        s.type("y = randn([2^26])\n")
        usleep(400_000)
        XCTAssertNil(s.wait(for: "loss[3]> ", timeout: 0.01), "the call ended before Ctrl-C; make it longer: \(s.screen)")
        let mark = s.screen.count
        s.type("\u{03}")
        let took = s.wait(for: "interrupted", after: mark, timeout: 10)
        XCTAssertNotNil(took, "Ctrl-C did not stop the call: \(s.screen)")
        if let took {
            // the contract is 0.2 s; the margin is for a loaded machine running a debug build
            XCTAssertLessThan(took, 2.0, "Ctrl-C took \(took) s to stop the call")
        }
        XCTAssertNotNil(s.wait(for: "loss[3]> ", after: mark), s.screen)
        // the session survives with its bindings; the abandoned statement bound nothing
        let mark2 = s.screen.count
        s.type("x\n")
        XCTAssertNotNil(s.wait(for: "42", after: mark2), s.screen)
        let mark3 = s.screen.count
        s.type("y\n")
        XCTAssertNotNil(s.wait(for: "unknown name 'y'", after: mark3), s.screen)
        s.type("\u{04}")
    }
}
