import Foundation
#if os(Linux)
import Synchronization
#endif

// Limits (docs/reference.md §9): the bytes held by tensors are counted against a limit, so that
// an allocation that would pass it is an error before it happens rather than a kill by the
// operating system; and long kernels stop between chunks when the user presses Ctrl-C.

/// A statement had to stop for a reason that is not a wrong argument: the memory limit or an
/// interrupt. Deliberately not a `CoreError`, so that no layer rewrites it into an argument error
/// ("exp: …"); the language layer turns it into its own error at the call.
public struct LimitError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable { case interrupted, memory }
    public var kind: Kind
    public var message: String
    public var hint: String?
    /// For `.memory`: the bytes asked for, the bytes held by tensors then, and the limit.
    public var asked = 0, held = 0, limit = 0
    public var description: String { message }

    public static let interrupted = LimitError(kind: .interrupted, message: "interrupted")
}

// MARK: - Interrupt

#if os(Linux)
/// An atomic (so that a kernel's loop re-reads it: a plain global may be hoisted out of the loop).
@usableFromInline let interruptFlag = Atomic<Bool>(false)
#else
@usableFromInline nonisolated(unsafe) var interruptFlagPlain = false
#endif

/// The Ctrl-C flag of the core. A front end's SIGINT handler sets it (through the language's
/// `Interrupt.requested`, which is this same flag); long kernels read it between chunks of
/// `Interruption.chunk` elements and stop with `LimitError.interrupted`. The core never clears
/// it: whoever reports the interrupt does.
public enum Interruption {
    /// Elements a kernel processes between two looks at the flag (~0.1–1 ms of work).
    public static let chunk = 1 << 16

    /// Async-signal-safe to set (a lock-free atomic store).
    public static var requested: Bool {
        @inlinable get {
            #if os(Linux)
            interruptFlag.load(ordering: .relaxed)
            #else
            interruptFlagPlain
            #endif
        }
        @inlinable set {
            #if os(Linux)
            interruptFlag.store(newValue, ordering: .relaxed)
            #else
            interruptFlagPlain = newValue
            #endif
        }
    }

    /// A mask m (2^k − 1) such that a loop doing `work` elements per step looks at the flag when
    /// `step & m == 0`, about once per `chunk` elements.
    @inlinable
    public static func mask(perStep work: Int) -> Int {
        let steps = chunk / Swift.max(work, 1)
        return steps <= 1 ? 0 : (1 << (Int.bitWidth - 1 - steps.leadingZeroBitCount)) - 1
    }

    /// Throws `LimitError.interrupted` when the flag is set.
    @inlinable
    public static func check() throws {
        if requested { throw LimitError.interrupted }
    }

    /// Runs `body` over `0..<n` in chunks of `chunk` elements, looking at the flag between them;
    /// throws when it was set (the work is then incomplete).
    @inlinable
    public static func chunked(_ n: Int, _ body: (Range<Int>) -> Void) throws {
        var lo = 0
        while lo < n {
            let hi = Swift.min(n, lo + chunk)
            body(lo..<hi)
            lo = hi
            if requested { throw LimitError.interrupted }
        }
    }
}

// MARK: - Memory

/// Counts the bytes of the large buffers that tensors (and kernels' temporaries) hold, against
/// `Memory.limit`.
///
/// A buffer is *tracked* when it is allocated through `Memory.doubles` or wrapped in a `Tensor`:
/// the registry keeps a weak reference to the array's storage and its size, so a tensor costs
/// nothing more to copy or to free, and a freed buffer is noticed at the next sweep (when a check
/// would fail, or when the registry has doubled). Buffers under `trackedElements` elements are not
/// counted (a scalar or a small tensor pays one comparison); neither is memory other than tensor
/// data (strings, lists of values, the interpreter).
public enum Memory {
    /// Buffers of at least this many doubles (32 KiB) are counted.
    public static let trackedElements = 1 << 12

    /// The limit in bytes (docs/reference.md §9): by default 80 % of the physical memory or of the
    /// cgroup's limit, whichever is smaller.
    public static var limit: Int {
        get { lock.lock(); defer { lock.unlock() }; return limitBytes }
        set { lock.lock(); limitBytes = Swift.max(0, newValue); lock.unlock() }
    }

    /// Bytes held now by tracked buffers (sweeps first, so freed buffers are not counted).
    public static var held: Int {
        lock.lock(); defer { lock.unlock() }
        sweepLocked()
        return heldBytes
    }

    /// Throws `LimitError` (kind `.memory`) when `bytes` more would pass the limit.
    /// `what` names the built-in or the operation in the message.
    public static func check(_ bytes: Int, what: String? = nil) throws {
        if bytes < trackedElements * 8 { return }
        lock.lock(); defer { lock.unlock() }
        if heldBytes <= limitBytes &- bytes { return }
        sweepLocked()
        if heldBytes <= limitBytes &- bytes { return }
        throw failure(bytes, what)
    }

    /// Throws unless `count` doubles more would stay within the limit (the count is not checked
    /// for overflow beyond `maxTensorElements`: such sizes fail).
    @inline(__always)
    public static func check(elements count: Int, what: String? = nil) throws {
        if count < trackedElements { return }
        try check(count > Int.max / 8 ? Int.max : count * 8, what: what)
    }

    /// A new array of `count` copies of `value`, counted until it is freed; throws when it would
    /// pass the limit. Kernels take their outputs and large temporaries from here.
    @inline(__always)
    public static func doubles(_ count: Int, repeating value: Double = 0, what: String? = nil) throws -> [Double] {
        if count < trackedElements { return [Double](repeating: value, count: Swift.max(count, 0)) }
        return try largeDoubles(count, value, what)
    }

    /// Filled in pieces of `Interruption.chunk` (a memset for zeros): Ctrl-C stops it too.
    @usableFromInline
    static func largeDoubles(_ count: Int, _ value: Double, _ what: String?) throws -> [Double] {
        try check(elements: count, what: what)
        let a = try [Double](unsafeUninitializedCapacity: count) { buf, initialized in
            initialized = count
            guard let p = buf.baseAddress else { return }
            let zero = value == 0 && value.sign == .plus
            var lo = 0
            while lo < count {
                let n = Swift.min(Interruption.chunk, count - lo)
                if zero { memset(p + lo, 0, n * 8) } else { (p + lo).initialize(repeating: value, count: n) }
                lo += n
                try Interruption.check()
            }
        }
        track(a)
        return a
    }

    /// A new array of `count` doubles written by `body` (which must initialise all of them),
    /// counted until it is freed; throws before allocating when it would pass the limit, or what
    /// `body` throws.
    @inline(__always)
    public static func uninitialized(_ count: Int, what: String? = nil,
                                     _ body: (UnsafeMutableBufferPointer<Double>) throws -> Void) throws -> [Double] {
        try check(elements: count, what: what)
        let a = try [Double](unsafeUninitializedCapacity: count) { buf, initialized in
            initialized = count
            try body(buf)
        }
        if count >= trackedElements { track(a) }
        return a
    }

    /// Counts `array`'s buffer (once, however many tensors share it) until it is freed.
    /// Called by `Tensor.init(shape:data:)`; cheap for small arrays.
    @inline(__always)
    public static func track(_ array: [Double]) {
        if array.count >= trackedElements { trackLarge(array) }
    }

    // MARK: registry

    private struct Entry {
        weak var object: AnyObject?
        let bytes: Int
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var entries: [ObjectIdentifier: Entry] = [:]
    /// Bytes of the entries, including buffers freed since the last sweep.
    nonisolated(unsafe) private static var heldBytes = 0
    nonisolated(unsafe) private static var entriesAfterSweep = 0
    nonisolated(unsafe) private static var limitBytes = Memory.defaultLimit()

    /// The storage object of an array, when the layout is the one this code knows (one reference,
    /// elements 32 bytes after the object on 64-bit); nil otherwise, and then nothing is tracked.
    @inline(__always)
    private static func storage(_ a: [Double]) -> AnyObject? {
        guard layoutKnown else { return nil }
        return unsafeBitCast(a, to: AnyObject.self)
    }

    private static let layoutKnown: Bool = {
        guard MemoryLayout<[Double]>.size == MemoryLayout<AnyObject>.size else { return false }
        let a = [Double](repeating: 0, count: 16)
        let object = unsafeBitCast(a, to: AnyObject.self)
        let at = UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque())
        let base = a.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        return base > at && base - at <= 64
    }()

    @usableFromInline
    static func trackLarge(_ a: [Double]) {
        guard let object = storage(a) else { return }
        let id = ObjectIdentifier(object)
        let bytes = a.count * 8   // what was asked for (malloc's rounding is not the user's)
        lock.lock(); defer { lock.unlock() }
        if let e = entries[id] {
            if e.object === object { return }
            heldBytes -= e.bytes   // a freed buffer whose address was reused
        }
        entries[id] = Entry(object: object, bytes: bytes)
        heldBytes += bytes
        if entries.count > 2 * entriesAfterSweep + 64 { sweepLocked() }
    }

    private static func sweepLocked() {
        var total = 0
        entries = entries.filter { _, e in
            guard e.object != nil else { return false }
            total += e.bytes
            return true
        }
        heldBytes = total
        entriesAfterSweep = entries.count
    }

    private static func failure(_ bytes: Int, _ what: String?) -> LimitError {
        let who = what ?? "this"
        return LimitError(kind: .memory,
                          message: "out of memory: \(who) needs \(format(bytes)), and tensors already hold \(format(heldBytes)) of the \(format(limitBytes)) limit",
                          hint: "`x = none` frees a binding; `--max-memory SIZE` (or LOSS_MAX_MEMORY=SIZE) sets the limit",
                          asked: bytes, held: heldBytes, limit: limitBytes)
    }

    // MARK: sizes

    /// `1 GiB`, `512 MiB`, `1.5 KiB`, `100 B` (binary units, 3 significant digits).
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(bytes), u = 0
        while Swift.abs(v) >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return "\(formatNumber(v, precision: 3)) \(units[u])"
    }

    /// A size as the user writes it: `2G`, `512M`, `64m`, `1.5GiB`, `100000` (bytes), `2 GB`.
    /// Units are binary (K = 1024); nil when malformed, not positive or too large.
    public static func parseSize(_ text: String) -> Int? {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let scales: [(String, Double)] = [("kib", 0x1p10), ("mib", 0x1p20), ("gib", 0x1p30), ("tib", 0x1p40),
                                          ("kb", 0x1p10), ("mb", 0x1p20), ("gb", 0x1p30), ("tb", 0x1p40),
                                          ("k", 0x1p10), ("m", 0x1p20), ("g", 0x1p30), ("t", 0x1p40), ("b", 1)]
        var scale = 1.0
        for (suffix, f) in scales where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            scale = f
            break
        }
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let v = Double(s), v.isFinite, v > 0 else { return nil }
        let bytes = v * scale
        guard bytes >= 1, bytes < 0x1p62 else { return nil }
        return Int(bytes)
    }

    /// 80 % of the physical memory or of the cgroup's memory limit, whichever is smaller.
    public static func defaultLimit() -> Int {
        var total = Double(ProcessInfo.processInfo.physicalMemory)
        if let c = cgroupLimit() { total = Swift.min(total, Double(c)) }
        if total <= 0 { total = 0x1p33 }
        return Int(total * 0.8)
    }

    /// The memory limit of this process's cgroup (v2 `memory.max`, or v1), when one is set.
    static func cgroupLimit() -> Int? {
        var paths = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        // the process's own group: `0::/PATH` (v2) or `N:memory:/PATH` (v1) in /proc/self/cgroup
        if let own = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) {
            for line in own.split(separator: "\n") {
                let f = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                guard f.count == 3, f[2] != "/" else { continue }
                if f[0] == "0" && f[1].isEmpty { paths.append("/sys/fs/cgroup\(f[2])/memory.max") }
                if f[1].split(separator: ",").contains("memory") { paths.append("/sys/fs/cgroup/memory\(f[2])/memory.limit_in_bytes") }
            }
        }
        var best: Int? = nil
        for p in paths {
            guard let text = try? String(contentsOfFile: p, encoding: .utf8),
                  let v = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), v > 0, v < 1 << 60 else { continue }
            best = Swift.min(best ?? v, v)
        }
        return best
    }
}
