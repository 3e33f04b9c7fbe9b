import Foundation

/// The kernel spec (`kernels/NAME/kernel.json` and its logos) and where Jupyter looks for it.
public enum KernelSpec {
    /// Where to install: the user's Jupyter data directory, the active Python environment's,
    /// or `PREFIX/share/jupyter`.
    public enum Location: Equatable {
        case user
        case sysPrefix
        case prefix(String)
    }

    /// Kernel names Jupyter accepts: letters, digits, `.`, `_`, `-`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// The user's Jupyter data directory, as jupyter_core computes it: `$JUPYTER_DATA_DIR`, else
    /// `~/Library/Jupyter` on macOS, else `$XDG_DATA_HOME/jupyter` (default `~/.local/share/jupyter`).
    public static func userDataDir(environment env: [String: String]) -> String {
        if let d = env["JUPYTER_DATA_DIR"], !d.isEmpty { return d }
        let home = env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        #if os(macOS)
        return home + "/Library/Jupyter"
        #else
        if let x = env["XDG_DATA_HOME"], !x.isEmpty { return x + "/jupyter" }
        return home + "/.local/share/jupyter"
        #endif
    }

    /// The data directory of the Python environment Jupyter runs in (`sys.prefix/share/jupyter`):
    /// the active virtual environment, else the active conda environment, else the prefix of
    /// the `jupyter` command on the PATH.
    public static func sysPrefixDataDir(environment env: [String: String]) throws -> String {
        for key in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
            if let p = env[key], !p.isEmpty { return p + "/share/jupyter" }
        }
        for dir in (env["PATH"] ?? "").split(separator: ":") {
            let candidate = String(dir) + "/jupyter"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return (String(dir) as NSString).deletingLastPathComponent + "/share/jupyter"
            }
        }
        throw KernelError("--sys-prefix: no active Python environment (VIRTUAL_ENV, CONDA_PREFIX) and no jupyter on the PATH")
    }

    public static func dataDir(_ location: Location, environment env: [String: String]) throws -> String {
        switch location {
        case .user: return userDataDir(environment: env)
        case .sysPrefix: return try sysPrefixDataDir(environment: env)
        case .prefix(let p): return p + "/share/jupyter"
        }
    }

    /// The kernel.json text.
    public static func json(executable: String, displayName: String) -> String {
        let spec: JSON = [
            "argv": [.string(executable), "kernel", "-f", "{connection_file}"],
            "display_name": .string(displayName),
            "language": "loss",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        return spec.serialized + "\n"
    }

    /// Writes `DATA/kernels/NAME/` (kernel.json, logo-32x32.png, logo-64x64.png); returns its path.
    @discardableResult
    public static func install(name: String, displayName: String, dataDir: String, executable: String) throws -> String {
        guard isValidName(name) else { throw KernelError("'\(name)' is not a kernel name (letters, digits, '.', '_', '-')") }
        let dir = dataDir + "/kernels/" + name
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(json(executable: executable, displayName: displayName).utf8).write(to: URL(fileURLWithPath: dir + "/kernel.json"))
            try Data(KernelLogo.png32).write(to: URL(fileURLWithPath: dir + "/logo-32x32.png"))
            try Data(KernelLogo.png64).write(to: URL(fileURLWithPath: dir + "/logo-64x64.png"))
        } catch {
            throw KernelError("cannot write the kernel spec in \(dir): \((error as NSError).localizedDescription)")
        }
        return dir
    }

    /// The absolute path of the running executable (`/proc/self/exe` on Linux, else argv[0]
    /// resolved against the working directory or the PATH).
    public static func currentExecutable() -> String {
        #if os(Linux)
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), p.hasPrefix("/") { return p }
        #endif
        let arg0 = CommandLine.arguments.first ?? "loss"
        if arg0.hasPrefix("/") { return (arg0 as NSString).standardizingPath }
        if arg0.contains("/") {
            return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(arg0) as NSString).standardizingPath
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = String(dir) + "/" + arg0
            if FileManager.default.isExecutableFile(atPath: candidate) { return (candidate as NSString).standardizingPath }
        }
        return arg0
    }
}
