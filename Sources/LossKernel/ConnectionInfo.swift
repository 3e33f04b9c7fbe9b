import Foundation

/// A Jupyter connection file: where to bind the five sockets and the signing key.
public struct ConnectionInfo: Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var controlPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var hbPort: Int
    public var key: String
    public var signatureScheme: String

    /// Parses the file's JSON; missing ports or an unknown signature scheme are errors.
    public init(json text: String) throws {
        let j: JSON
        do { j = try JSON.parse(text) } catch { throw KernelError("the connection file is not JSON: \(error)") }
        func port(_ name: String) throws -> Int {
            guard let p = j[name]?.int, p >= 0, p <= 65535 else { throw KernelError("the connection file has no valid \(name)") }
            return p
        }
        transport = j["transport"]?.string ?? "tcp"
        guard transport == "tcp" || transport == "ipc" else { throw KernelError("unknown transport '\(transport)' (tcp or ipc)") }
        ip = j["ip"]?.string ?? "127.0.0.1"
        shellPort = try port("shell_port")
        controlPort = try port("control_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        hbPort = try port("hb_port")
        key = j["key"]?.string ?? ""
        signatureScheme = j["signature_scheme"]?.string ?? "hmac-sha256"
        guard signatureScheme == "hmac-sha256" else {
            throw KernelError("signature scheme '\(signatureScheme)' is not supported (hmac-sha256 is)")
        }
    }

    public func port(_ channel: Channel) -> Int {
        switch channel {
        case .shell: return shellPort
        case .control: return controlPort
        case .iopub: return iopubPort
        case .stdin: return stdinPort
        case .heartbeat: return hbPort
        }
    }

    /// The ZeroMQ endpoint of a channel: `tcp://127.0.0.1:5555` or `ipc://NAME-5555`.
    public func endpoint(_ channel: Channel) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port(channel))" : "tcp://\(ip):\(port(channel))"
    }
}

/// A problem that stops `loss kernel` (bad connection file, a socket that cannot be bound).
public struct KernelError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
