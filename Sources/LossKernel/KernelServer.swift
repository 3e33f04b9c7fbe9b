import CZMQ
import Foundation
import LossLang

/// One ZeroMQ socket. Sends are serialised by a lock (iopub is written from the shell thread,
/// the interpreter's thread and the control thread); each socket is read by one thread only.
final class ZSocket: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    let lock = NSLock()
    let name: String

    init(context: UnsafeMutableRawPointer, type: Int32, name: String) throws {
        guard let s = zmq_socket(context, type) else { throw KernelError("cannot create the \(name) socket: \(ZSocket.lastError())") }
        raw = s
        self.name = name
        var linger: Int32 = 1000   // at close, wait up to 1 s for unsent replies
        zmq_setsockopt(raw, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    static func lastError() -> String { String(cString: zmq_strerror(zmq_errno())) }

    func bind(_ endpoint: String) throws {
        guard zmq_bind(raw, endpoint) == 0 else { throw KernelError("cannot bind the \(name) socket to \(endpoint): \(ZSocket.lastError())") }
    }

    /// Sends a multipart message; false when ZeroMQ refused it (the context is closing).
    @discardableResult
    func send(_ frames: [[UInt8]]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        for (k, f) in frames.enumerated() {
            let flags = k < frames.count - 1 ? ZMQ_SNDMORE : 0
            let rc = f.withUnsafeBytes { zmq_send(raw, $0.baseAddress, f.count, flags) }
            if rc < 0 { return false }
        }
        return true
    }

    /// The frames of one message, or nil when nothing arrived within `timeout` milliseconds
    /// (-1: wait) or the context is closing.
    func receive(timeout: Int) -> [[UInt8]]? {
        var item = zmq_pollitem_t(socket: raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = zmq_poll(&item, 1, timeout)
        guard rc > 0, item.revents & Int16(ZMQ_POLLIN) != 0 else { return nil }
        var frames: [[UInt8]] = []
        while true {
            var msg = zmq_msg_t()
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            guard zmq_msg_recv(&msg, raw, 0) >= 0 else { return frames.isEmpty ? nil : frames }
            let size = zmq_msg_size(&msg)
            if let p = zmq_msg_data(&msg), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: p, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&msg) == 0 { break }
        }
        return frames
    }

    func close() { zmq_close(raw) }
}

/// A flag shared between threads.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

/// SIGINT stops the running cell, as Ctrl-C does in the REPL (for `interrupt_mode: signal` and
/// for a kernel started from a terminal).
private let kernelOnSigint: @convention(c) (Int32) -> Void = { _ in
    Interrupt.requested = true
}

/// The kernel process: binds the five sockets of a connection file and runs the heartbeat
/// (echo, its own thread), control (its own thread, so interrupt and shutdown work while a cell
/// runs) and shell (this thread) loops; iopub carries the broadcasts; stdin is bound but the
/// language has no input().
public final class KernelServer: MessageSink, @unchecked Sendable {
    let info: ConnectionInfo
    let codec: WireCodec
    let context: UnsafeMutableRawPointer
    var sockets: [Channel: ZSocket] = [:]
    let stopping = Flag()
    public private(set) var core: KernelCore!

    public init(connection: ConnectionInfo, session: Session, version: String) throws {
        info = connection
        codec = WireCodec(signer: HMACSigner(key: connection.key))
        guard let ctx = zmq_ctx_new() else { throw KernelError("cannot create a ZeroMQ context") }
        context = ctx
        let types: [(Channel, Int32)] = [(.shell, ZMQ_ROUTER), (.control, ZMQ_ROUTER), (.stdin, ZMQ_ROUTER),
                                         (.iopub, ZMQ_PUB), (.heartbeat, ZMQ_ROUTER)]
        for (channel, type) in types {
            let s = try ZSocket(context: ctx, type: type, name: channel.rawValue)
            try s.bind(connection.endpoint(channel))
            sockets[channel] = s
        }
        core = KernelCore(session: session, sink: self, version: version)
        core.onShutdown = { [unowned self] _ in self.beginShutdown() }
        core.takeQueuedRequests = { [unowned self] in
            var queued: [Message] = []
            while let frames = self.sockets[.shell]?.receive(timeout: 0) {
                if let m = self.decode(frames, on: .shell) { queued.append(m) }
            }
            return queued
        }
    }

    public func send(_ message: Message, on channel: Channel) {
        sockets[channel]?.send(codec.encode(message))
    }

    func log(_ s: String) {
        FileHandle.standardError.write(Data("loss kernel: \(s)\n".utf8))
    }

    /// Decodes frames; a message that is malformed or badly signed is logged and dropped.
    func decode(_ frames: [[UInt8]], on channel: Channel) -> Message? {
        switch codec.decode(frames) {
        case .success(let m): return m
        case .failure(let e):
            log("dropped a message on \(channel.rawValue): \(e)")
            return nil
        }
    }

    /// After the reply to `shutdown_request`: the loops end, and if the shell thread is stuck in
    /// something that does not poll for interrupts, the process exits after 3 s anyway.
    func beginShutdown() {
        stopping.set()
        let t = Thread {
            Thread.sleep(forTimeInterval: 3)
            FileHandle.standardError.write(Data("loss kernel: the running cell did not stop; exiting\n".utf8))
            _exit(0)
        }
        t.start()
    }

    /// Runs until `shutdown_request`; returns the exit status.
    public func run() -> Int32 {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = kernelOnSigint
        #else
        action.__sigaction_u.__sa_handler = kernelOnSigint
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)

        let hb = sockets[.heartbeat]!
        let hbDone = DispatchSemaphore(value: 0)
        let heartbeat = Thread {
            // ROUTER to itself: each ping goes back to its sender, as ipykernel's heartbeat does
            zmq_proxy(hb.raw, hb.raw, nil)
            hb.close()
            hbDone.signal()
        }
        heartbeat.name = "loss-kernel-heartbeat"
        heartbeat.start()

        let controlDone = DispatchSemaphore(value: 0)
        let control = Thread { [unowned self] in
            let socket = self.sockets[.control]!
            while !self.stopping.isSet {
                guard let frames = socket.receive(timeout: 100) else { continue }
                if let m = self.decode(frames, on: .control) { self.core.handle(m, on: .control) }
            }
            controlDone.signal()
        }
        control.name = "loss-kernel-control"
        control.start()

        core.announceStarting()
        let shell = sockets[.shell]!
        while !stopping.isSet {
            guard let frames = shell.receive(timeout: 100) else { continue }
            guard let m = decode(frames, on: .shell) else { continue }
            core.handle(m, on: .shell)
        }
        controlDone.wait()
        for c in [Channel.shell, .control, .stdin, .iopub] { sockets[c]?.close() }
        zmq_ctx_shutdown(context)   // ends the heartbeat proxy
        hbDone.wait()
        zmq_ctx_term(context)       // waits (up to the linger) for the last replies to go out
        return 0
    }
}
