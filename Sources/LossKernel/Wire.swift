import Crypto
import Foundation

/// The five sockets of a Jupyter kernel (messaging protocol 5.3).
public enum Channel: String, CaseIterable, Sendable {
    case shell, control, iopub, stdin, heartbeat = "hb"
}

/// One Jupyter message: the routing identities it came with (or goes to) and its four JSON
/// parts, plus binary buffers.
public struct Message {
    public var identities: [[UInt8]]
    public var header: JSON
    public var parentHeader: JSON
    public var metadata: JSON
    public var content: JSON
    public var buffers: [[UInt8]]

    public init(identities: [[UInt8]] = [], header: JSON, parentHeader: JSON = [:], metadata: JSON = [:],
                content: JSON = [:], buffers: [[UInt8]] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    public var type: String { header["msg_type"]?.string ?? "" }
    public var id: String { header["msg_id"]?.string ?? "" }
}

/// Signs the four JSON parts of a message (header, parent header, metadata, content).
public protocol Signer: Sendable {
    /// The signature to send: lowercase hex, or "" when signing is off.
    func signature(of parts: [[UInt8]]) -> String
    /// Whether `signature` is right for `parts`, compared in constant time.
    func verify(_ signature: [UInt8], of parts: [[UInt8]]) -> Bool
}

/// HMAC-SHA256 with the connection file's key, as `signature_scheme: "hmac-sha256"` says.
/// An empty key turns signing off (signatures are "" and every message is accepted), as in
/// jupyter_client.
public struct HMACSigner: Signer {
    let key: [UInt8]

    public init(key: String) {
        self.key = Array(key.utf8)
    }

    func mac(_ parts: [[UInt8]]) -> [UInt8]? {
        guard !key.isEmpty else { return nil }
        var h = HMAC<SHA256>(key: SymmetricKey(data: key))
        for p in parts { h.update(data: p) }
        return Array(h.finalize())
    }

    public func signature(of parts: [[UInt8]]) -> String {
        guard let m = mac(parts) else { return "" }
        return HMACSigner.hex(m)
    }

    public func verify(_ signature: [UInt8], of parts: [[UInt8]]) -> Bool {
        guard let m = mac(parts) else { return true }
        return HMACSigner.constantTimeEqual(signature, Array(HMACSigner.hex(m).utf8))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Compares without an early exit, so that the time taken does not tell how many leading
    /// bytes of a forged signature were right. A length mismatch is checked first (the length
    /// of a hex SHA-256 is public).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// Why frames received on a socket are not a message the kernel may act on.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// No `<IDS|MSG>` delimiter, or fewer than the four JSON parts and the signature after it.
    case malformed(String)
    /// The HMAC does not match: the message is dropped unread.
    case badSignature
    /// A part is not valid JSON (only checked after the signature).
    case badJSON(String)

    public var description: String {
        switch self {
        case .malformed(let s): return "malformed message: \(s)"
        case .badSignature: return "bad signature"
        case .badJSON(let s): return "a message part is not JSON: \(s)"
        }
    }
}

/// Encodes and decodes messages as ZeroMQ multipart frames:
/// `identities… <IDS|MSG> signature header parent_header metadata content buffers…`.
public struct WireCodec: Sendable {
    public static let delimiter = Array("<IDS|MSG>".utf8)
    public let signer: Signer

    public init(signer: Signer) { self.signer = signer }

    public func encode(_ m: Message) -> [[UInt8]] {
        let parts = [m.header, m.parentHeader, m.metadata, m.content].map { Array($0.serialized.utf8) }
        return m.identities + [WireCodec.delimiter, Array(signer.signature(of: parts).utf8)] + parts + m.buffers
    }

    /// The message in `frames`, its signature checked before any JSON is parsed.
    public func decode(_ frames: [[UInt8]]) -> Result<Message, WireError> {
        guard let d = frames.firstIndex(of: WireCodec.delimiter) else { return .failure(.malformed("no <IDS|MSG> delimiter")) }
        guard frames.count >= d + 6 else { return .failure(.malformed("\(frames.count - d - 1) frames after the delimiter, expected at least 5")) }
        let parts = Array(frames[(d + 2)..<(d + 6)])
        guard signer.verify(frames[d + 1], of: parts) else { return .failure(.badSignature) }
        var json: [JSON] = []
        for (k, p) in parts.enumerated() {
            do { json.append(try JSON.parse(p)) } catch {
                return .failure(.badJSON("\(["header", "parent_header", "metadata", "content"][k]): \(error)"))
            }
        }
        guard json[0].isObject, json[0]["msg_type"]?.string != nil else { return .failure(.malformed("the header has no msg_type")) }
        return .success(Message(identities: Array(frames[..<d]), header: json[0],
                                parentHeader: json[1].isObject ? json[1] : [:], metadata: json[2].isObject ? json[2] : [:],
                                content: json[3].isObject ? json[3] : [:], buffers: Array(frames[(d + 6)...])))
    }
}
