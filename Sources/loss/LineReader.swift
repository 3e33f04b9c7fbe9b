@preconcurrency import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LossLang

// GNU readline, driven through its callback interface (as CPython's readline module does) so that
// Ctrl-C at the prompt can abandon the line cleanly:
//
// - readline's own signal handling is off (`rl_catch_signals = 0`); our SIGINT handler sets
//   `Interrupt.requested` (which the interpreter polls while a statement runs) and writes a byte
//   to a self-pipe;
// - while reading a line we `select` on the terminal and on that pipe: a key goes to
//   `rl_callback_read_char`, a byte on the pipe abandons the line (`^C`, a fresh prompt).
//
// Everything readline calls back is a `@convention(c)` closure that captures nothing; the state it
// needs lives in the `nonisolated(unsafe)` globals below (readline is single-threaded, and so is
// the REPL).

/// Completion state the readline callbacks read.
final class CompletionState {
    /// Produces readline's candidates for the text before the cursor.
    let complete: (_ text: String, _ line: String, _ cursor: Int, _ quote: Bool) -> CompletionReply
    init(complete: @escaping (String, String, Int, Bool) -> CompletionReply) { self.complete = complete }
}

/// What the completer answers: candidates (each starting with the word readline completes, with
/// the character to append after a unique one), file names (readline's own completion), or nothing.
enum CompletionReply {
    case candidates([String], append: Character?)
    case files
    case none
}

nonisolated(unsafe) private var lrCompletion: CompletionState? = nil
nonisolated(unsafe) private var lrCandidates: [String] = []
nonisolated(unsafe) private var lrCandidateIndex = 0
nonisolated(unsafe) private var lrLine: UnsafeMutablePointer<CChar>? = nil
nonisolated(unsafe) private var lrLineReady = false
nonisolated(unsafe) private var lrPipeRead: Int32 = -1
nonisolated(unsafe) private var lrPipeWrite: Int32 = -1
/// Word breaks for `:load`/`:save` arguments (paths), returned by the word-break hook.
nonisolated(unsafe) private var lrPathBreaks: UnsafeMutablePointer<CChar>? = nil

/// The bytes the signal handlers write to the self-pipe.
private let lrByteInterrupt: UInt8 = 1
private let lrByteResize: UInt8 = 2

/// SIGINT: ask the interpreter to stop and wake up the line reader. Async-signal-safe: it stores a
/// flag and calls write(2); errno is preserved.
private let lrOnSigint: @convention(c) (Int32) -> Void = { _ in
    let saved = errno
    Interrupt.requested = true
    if lrPipeWrite >= 0 {
        var b = lrByteInterrupt
        _ = write(lrPipeWrite, &b, 1)
    }
    errno = saved
}

/// SIGWINCH while waiting for a key: readline learns the new size (rl_resize_terminal) in the loop.
private let lrOnSigwinch: @convention(c) (Int32) -> Void = { _ in
    let saved = errno
    if lrPipeWrite >= 0 {
        var b = lrByteResize
        _ = write(lrPipeWrite, &b, 1)
    }
    errno = saved
}

private let lrOnLine: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
    lrLine = line
    lrLineReady = true
    rl_callback_handler_remove()
}

private let lrGenerator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    if state == 0 { lrCandidateIndex = 0 }
    guard lrCandidateIndex < lrCandidates.count else { return nil }
    let s = lrCandidates[lrCandidateIndex]
    lrCandidateIndex += 1
    return strdup(s)
}

private let lrAttemptedCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    rl_attempted_completion_over = 1           // no fallback to file names unless asked for
    rl_completion_append_character = 0
    guard let state = lrCompletion, let text else { return nil }
    let word = String(cString: text)
    let line = rl_line_buffer.map { String(cString: $0) } ?? ""
    let cursor = Int(rl_point)
    switch state.complete(word, line, cursor, rl_completion_quote_character != 0) {
    case .none:
        return nil
    case .files:
        rl_attempted_completion_over = 0        // readline completes file names itself
        return nil
    case .candidates(let list, let append):
        lrCandidates = list.filter { $0.hasPrefix(word) }
        guard !lrCandidates.isEmpty else { return nil }
        if lrCandidates.count == 1, let a = append, let ascii = a.asciiValue { rl_completion_append_character = Int32(ascii) }
        return rl_completion_matches(text, lrGenerator)
    }
}

private let lrWordBreakHook: @convention(c) () -> UnsafeMutablePointer<CChar>? = {
    // A path is one word: after `:load`/`:save`, and inside a string (`load("/tmp/da⇥`), where
    // readline would otherwise skip a leading `/` as a word break.
    guard let buf = rl_line_buffer else { return nil }
    let line = String(cString: buf)
    let trimmed = line.drop(while: { $0 == " " })
    if trimmed.hasPrefix(":load ") || trimmed.hasPrefix(":save ") { return lrPathBreaks }
    let point = Swift.max(0, Swift.min(Int(rl_point), line.utf8.count))
    var inString = false, escaped = false
    for b in line.utf8.prefix(point) {
        if escaped { escaped = false; continue }
        if inString && b == UInt8(ascii: "\\") { escaped = true }
        else if b == UInt8(ascii: "\"") { inString.toggle() }
        else if b == UInt8(ascii: "#") && !inString { break }
    }
    return inString ? lrPathBreaks : nil
}

/// Characters that end the word completion looks at: everything that cannot be part of an
/// identifier (so `_` and letters, including non-ASCII ones, stay in the word).
let completionWordBreaks = " \t\n\"\\'`@$><=;|&{([,+-*/%^!~?)]}:.#"

/// Reads lines from the terminal with GNU readline.
final class LineReader {
    enum Result: Equatable {
        case line(String)
        case eof
        case interrupted
    }

    private var oldAction = sigaction()
    private var oldWinch = sigaction()
    private var started = false

    /// Configures readline and installs the SIGINT handler. `promptsToStderr`: write prompts and
    /// editing to stderr (when stdout is not a terminal, so that it receives only output).
    func start(completion: CompletionState, promptsToStderr: Bool) {
        guard !started else { return }
        started = true
        lrCompletion = completion
        rl_readline_name = UnsafePointer(strdup("loss"))
        rl_catch_signals = 0
        if promptsToStderr { rl_outstream = stderr }
        rl_initialize()
        _ = rl_variable_bind("enable-bracketed-paste", "off")
        rl_attempted_completion_function = lrAttemptedCompletion
        rl_completer_word_break_characters = UnsafePointer(strdup(completionWordBreaks))
        rl_completer_quote_characters = UnsafePointer(strdup("\""))
        rl_completion_word_break_hook = lrWordBreakHook
        lrPathBreaks = strdup(" \t")
        rl_sort_completion_matches = 0           // keyword parameters first, as the completer orders them

        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            lrPipeRead = fds[0]
            lrPipeWrite = fds[1]
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        Interrupt.requested = false
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = lrOnSigint
        #else
        action.__sigaction_u.__sa_handler = lrOnSigint
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0                        // no SA_RESTART: select() returns EINTR
        sigaction(SIGINT, &action, &oldAction)
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = lrOnSigwinch
        #else
        action.__sigaction_u.__sa_handler = lrOnSigwinch
        #endif
        action.sa_flags = SA_RESTART
        sigaction(SIGWINCH, &action, &oldWinch)
    }

    /// Restores the previous SIGINT handler and the terminal.
    func stop() {
        guard started else { return }
        started = false
        rl_callback_handler_remove()
        sigaction(SIGINT, &oldAction, nil)
        sigaction(SIGWINCH, &oldWinch, nil)
        if lrPipeRead >= 0 { close(lrPipeRead) }
        if lrPipeWrite >= 0 { close(lrPipeWrite) }
        lrPipeRead = -1
        lrPipeWrite = -1
        lrCompletion = nil
    }

    /// Reads one line under `prompt` (readline prompt text; invisible parts wrapped in \u{1}…\u{2}).
    func nextLine(prompt: String) -> Result {
        drainPipe()
        lrLineReady = false
        lrLine = nil
        rl_callback_handler_install(prompt, lrOnLine)
        let input = rl_instream.map { fileno($0) } ?? 0
        while !lrLineReady {
            var set = fd_set()
            fdSet(input, &set)
            if lrPipeRead >= 0 { fdSet(lrPipeRead, &set) }
            let r = select(Swift.max(input, lrPipeRead) + 1, &set, nil, nil, nil)
            if r < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .eof
            }
            if lrPipeRead >= 0, fdIsSet(lrPipeRead, &set) {
                let signals = drainPipe()
                if signals.contains(lrByteInterrupt) {
                    abandonLine()
                    return .interrupted
                }
                if signals.contains(lrByteResize) { rl_resize_terminal() }
                continue
            }
            if fdIsSet(input, &set) { rl_callback_read_char() }
        }
        guard let p = lrLine else { return .eof }
        defer { free(p) }
        return .line(String(cString: p))
    }

    /// Ctrl-C at the prompt: show `^C` after what was typed and leave readline's state clean.
    private func abandonLine() {
        rl_point = rl_end
        rl_redisplay()
        let out = rl_outstream ?? stdout
        fputs("^C", out)
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_cleanup_after_signal()
        rl_callback_handler_remove()
        fputs("\n", out)
        fflush(out)
    }

    /// Empties the self-pipe; returns the kinds of signal bytes found.
    @discardableResult
    private func drainPipe() -> Set<UInt8> {
        guard lrPipeRead >= 0 else { return [] }
        var found = Set<UInt8>()
        var buf = [UInt8](repeating: 0, count: 64)
        while true {
            let n = read(lrPipeRead, &buf, buf.count)
            if n <= 0 { break }
            found.formUnion(buf[0..<n])
        }
        return found
    }
}

private func fdSet(_ fd: Int32, _ set: inout fd_set) {
    let bits = MemoryLayout<Int>.size * 8
    guard fd >= 0, Int(fd) < MemoryLayout<fd_set>.size * 8 else { return }
    withUnsafeMutableBytes(of: &set) { raw in
        let words = raw.bindMemory(to: Int.self)
        words[Int(fd) / bits] |= 1 << (Int(fd) % bits)
    }
}

private func fdIsSet(_ fd: Int32, _ set: inout fd_set) -> Bool {
    let bits = MemoryLayout<Int>.size * 8
    guard fd >= 0, Int(fd) < MemoryLayout<fd_set>.size * 8 else { return false }
    return withUnsafeMutableBytes(of: &set) { raw in
        raw.bindMemory(to: Int.self)[Int(fd) / bits] & (1 << (Int(fd) % bits)) != 0
    }
}

/// History kept across sessions in `$LOSS_HISTORY` (default `~/.loss_history`; set it to an empty
/// string for no history file). Each line is appended to the file as it is entered.
final class History {
    static let limit: Int32 = 10_000
    let path: String?
    private var added = 0

    init(environment: [String: String]) {
        if let p = environment["LOSS_HISTORY"] {
            path = p.isEmpty ? nil : History.expand(p, environment: environment)
        } else if let home = environment["HOME"], !home.isEmpty {
            path = home + "/.loss_history"
        } else if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir {
            path = String(cString: dir) + "/.loss_history"
        } else {
            path = nil
        }
    }

    static func expand(_ p: String, environment: [String: String]) -> String {
        if p == "~" || p.hasPrefix("~/"), let home = environment["HOME"] { return home + p.dropFirst() }
        return p
    }

    /// Reads the file (creating it if missing) and trims it to `limit` entries.
    func load() {
        stifle_history(History.limit)
        guard let path else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if fd >= 0 { close(fd) }
        _ = read_history(path)
        _ = history_truncate_file(path, History.limit)
    }

    /// Records an entered line: not empty, not the same as the previous entry.
    func add(_ line: String) {
        guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { return }
        if history_length > 0, let last = history_get(history_base + history_length - 1), let text = last.pointee.line,
           String(cString: text) == line { return }
        add_history(line)
        guard let path else { return }
        _ = append_history(1, path)
        added += 1
        if added % 1000 == 0 { _ = history_truncate_file(path, History.limit) }
    }
}
