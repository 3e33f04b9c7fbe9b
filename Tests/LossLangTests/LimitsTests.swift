import XCTest
@testable import LossLang
import LossCore

/// docs/reference.md §9: the memory limit and Ctrl-C inside a call leave the session and its
/// bindings as they were before the statement.
final class LimitsTests: XCTestCase {

    func testHeldBytesFollowTensorsAndCountSharedBuffersOnce() throws {
        let before = Memory.held
        // the bytes malloc gives (the array's capacity): 8 MiB and at most a page more
        let size = 8 << 20, slack = 4096
        var t: Tensor? = try Tensor.zeros([1 << 20])
        XCTAssertEqual(Double(Memory.held - before), Double(size), accuracy: Double(slack))
        // a reshape shares the buffer: counted once
        var r: Tensor? = try t!.reshaped([1024, 1024])
        XCTAssertEqual(Double(Memory.held - before), Double(size), accuracy: Double(slack))
        t = nil
        XCTAssertEqual(Double(Memory.held - before), Double(size), accuracy: Double(slack), "still held by the reshape")
        // writing into a shared copy makes a new buffer, counted when it becomes a tensor
        r = nil
        XCTAssertEqual(Memory.held, before)
        // small tensors are not counted
        let small = Tensor([1, 2, 3])
        XCTAssertEqual(Memory.held, before)
        XCTAssertEqual(small.count, 3)
    }

    func testOutOfMemoryKeepsEveryBinding() {
        let saved = Memory.limit
        // tensors that earlier tests left alive (sessions kept by their onOutput closures) count too
        let base = Memory.held
        Memory.limit = base + (60 << 20)
        defer { Memory.limit = saved }
        let full = "of the \(Memory.format(base + (60 << 20))) limit (a: 16 MiB, b: 16 MiB)"
        let s = Session()
        XCTAssertNil(s.run("a = ones([2^21]); b = a * 2", file: "t.loss"))
        // a and b hold 32 MiB, the temporary ones(…) 16 MiB: the sum's 16 MiB pass the limit
        let e = s.run("c = ones([2^21]) + b", file: "t.loss")
        XCTAssertEqual(e?.message, "out of memory: this needs 16 MiB, and tensors already hold \(Memory.format(base + (48 << 20))) \(full)")
        XCTAssertEqual(e?.hint, "`x = none` frees a binding; `--max-memory SIZE` (or LOSS_MAX_MEMORY=SIZE) sets the limit")
        XCTAssertEqual(e?.span.col, 5)
        // the temporaries are gone, the bindings are intact, c was never bound
        XCTAssertEqual(runLoss("sum(a) + sum(b)", session: s).out, "6.29146e+06")
        XCTAssertEqual(runLoss("c", session: s).error?.message, "unknown name 'c'")
        // inside a user function the error carries the call chain; the session still works
        let f = s.run("fn grow(n) = ones([n]) + ones([n]) + ones([n])\ngrow(2^21)", file: "t.loss")
        XCTAssertEqual(f?.message, "out of memory: this needs 16 MiB, and tensors already hold \(Memory.format(base + (48 << 20))) \(full)")
        XCTAssertEqual(f?.callChain.count, 1)
        XCTAssertNil(s.run("b = none; c = ones([2^21])", file: "t.loss"))
        XCTAssertEqual(runLoss("sum(c)", session: s).out, "2.09715e+06")
    }

    func testInterruptInsideOneCallIsPromptAndBindsNothing() {
        let s = Session()
        XCTAssertNil(s.run("x = 7", file: "t.loss"))
        for call in ["randn([2^25])", "exp(ones([2^25]))", "sum(rand([2^25]) * 2, axis: 0)", "mse(zeros([2^25]), ones([2^25]))"] {
            // Ctrl-C 100 ms into the call, from another thread as the signal handler would
            let pressed = Box()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { pressed.at = Date(); Interrupt.requested = true }
            let e = s.run("y = \(call)", file: "t.loss")
            let took = Date().timeIntervalSince(pressed.at ?? Date())
            XCTAssertEqual(e?.kind, .interrupt, "\(call): \(e?.message ?? "no error")")
            XCTAssertEqual(e?.message, "interrupted")
            // the contract is 0.2 s (a release build takes a few ms); the margin is for a debug
            // build on a loaded machine, where freeing the abandoned buffers takes time too
            XCTAssertLessThan(took, 1.5, "\(call) took \(took) s to stop")
            XCTAssertFalse(Interrupt.requested, "the flag is cleared with the error")
            XCTAssertEqual(runLoss("y", session: s).error?.message, "unknown name 'y'", call)
        }
        XCTAssertEqual(runLoss("x", session: s).out, "7")
    }

    func testSizesAsUsersWriteThem() {
        XCTAssertEqual(Memory.parseSize("2G"), 2 << 30)
        XCTAssertEqual(Memory.parseSize("512M"), 512 << 20)
        XCTAssertEqual(Memory.parseSize("64m"), 64 << 20)
        XCTAssertEqual(Memory.parseSize("1.5GiB"), 3 << 29)
        XCTAssertEqual(Memory.parseSize("2 GB"), 2 << 30)
        XCTAssertEqual(Memory.parseSize("100000"), 100000)
        XCTAssertEqual(Memory.parseSize("8k"), 8192)
        for bad in ["", "G", "-1G", "0", "1e3G", "2X", "nan", "inf", "1..5G", "99999999T"] {
            XCTAssertNil(Memory.parseSize(bad), bad)
        }
        XCTAssertEqual(Memory.format(1 << 30), "1 GiB")
        XCTAssertEqual(Memory.format(3 << 29), "1.5 GiB")
        XCTAssertEqual(Memory.format(100), "100 B")
        XCTAssertEqual(Memory.format(20_615_843_020), "19.2 GiB")
        // the default is 80 % of the machine's memory at most
        XCTAssertLessThanOrEqual(Memory.defaultLimit(), Int(Double(ProcessInfo.processInfo.physicalMemory) * 0.8) + 1)
        XCTAssertGreaterThan(Memory.defaultLimit(), 0)
    }
}

private final class Box: @unchecked Sendable {
    var at: Date?
}
