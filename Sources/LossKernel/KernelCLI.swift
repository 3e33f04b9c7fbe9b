import Foundation
import LossLang
import LossNotebook

/// `loss kernel install …` and `loss kernel -f CONNECTION_FILE` (docs/reference.md §8). `args`
/// is what follows `kernel`; the result is the exit status (0 ok, 1 failure, 2 usage error).
public enum KernelCLI {
    static let usage = """
    usage: loss kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]
           loss kernel -f CONNECTION_FILE
      install        writes the Jupyter kernel spec NAME (default loss): kernel.json, whose argv
                     runs this `loss` executable, and its logos, in kernels/NAME under
                     --user        your Jupyter data directory ($JUPYTER_DATA_DIR, default
                                   ~/.local/share/jupyter; ~/Library/Jupyter on macOS) — the default
                     --sys-prefix  the active Python environment's share/jupyter
                     --prefix DIR  DIR/share/jupyter
      -f FILE        runs the kernel with the connection file Jupyter wrote (Jupyter does this)
    """

    static func stderr(_ s: String) {
        FileHandle.standardError.write(Data((s.hasSuffix("\n") ? s : s + "\n").utf8))
    }

    public static func main(_ args: [String], version: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        guard let first = args.first else { stderr("loss kernel: missing install or -f CONNECTION_FILE\n" + usage); return 2 }
        switch first {
        case "-h", "--help":
            print(usage)
            return 0
        case "install":
            return install(Array(args.dropFirst()), environment: environment)
        default:
            var file: String? = nil
            var i = 0
            while i < args.count {
                let a = args[i]
                if a == "-f" || a == "--connection-file" {
                    guard i + 1 < args.count else { stderr("loss kernel: \(a) needs the connection file\n" + usage); return 2 }
                    file = args[i + 1]; i += 2; continue
                }
                if a.hasPrefix("--connection-file=") { file = String(a.dropFirst(18)); i += 1; continue }
                stderr("loss kernel: unknown argument '\(a)'\n" + usage)
                return 2
            }
            guard let file else { stderr("loss kernel: missing -f CONNECTION_FILE\n" + usage); return 2 }
            return run(connectionFile: file, version: version)
        }
    }

    static func install(_ args: [String], environment: [String: String]) -> Int32 {
        var location = KernelSpec.Location.user
        var name = "loss"
        var displayName: String? = nil
        var chosen: String? = nil
        var i = 0
        func choose(_ flag: String, _ l: KernelSpec.Location) -> Bool {
            if let c = chosen, c != flag { stderr("loss kernel install: \(c) and \(flag) exclude each other\n" + usage); return false }
            chosen = flag
            location = l
            return true
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "-h", "--help": print(usage); return 0
            case "--user": guard choose(a, .user) else { return 2 }
            case "--sys-prefix": guard choose(a, .sysPrefix) else { return 2 }
            case "--prefix", "--name", "--display-name":
                guard i + 1 < args.count, !args[i + 1].isEmpty else { stderr("loss kernel install: \(a) needs a value\n" + usage); return 2 }
                let v = args[i + 1]
                i += 1
                if a == "--prefix" {
                    let abs = v.hasPrefix("/") ? v : FileManager.default.currentDirectoryPath + "/" + v
                    guard choose(a, .prefix((abs as NSString).standardizingPath)) else { return 2 }
                } else if a == "--name" { name = v } else { displayName = v }
            default:
                stderr("loss kernel install: unknown argument '\(a)'\n" + usage)
                return 2
            }
            i += 1
        }
        guard KernelSpec.isValidName(name) else { stderr("loss kernel install: '\(name)' is not a kernel name (letters, digits, '.', '_', '-')"); return 2 }
        do {
            let data = try KernelSpec.dataDir(location, environment: environment)
            let dir = try KernelSpec.install(name: name, displayName: displayName ?? (name == "loss" ? "loss" : "loss (\(name))"),
                                             dataDir: data, executable: KernelSpec.currentExecutable())
            print("installed the Jupyter kernel spec '\(name)' in \(dir)")
            return 0
        } catch {
            stderr("loss kernel install: \(error)")
            return 1
        }
    }

    static func run(connectionFile: String, version: String) -> Int32 {
        guard let data = FileManager.default.contents(atPath: connectionFile) else {
            stderr("loss kernel: cannot read the connection file \(connectionFile)")
            return 1
        }
        do {
            let info = try ConnectionInfo(json: String(decoding: data, as: UTF8.self))
            LossNotebook.install(color: false)
            let server = try KernelServer(connection: info, session: Session(), version: version)
            return server.run()
        } catch {
            stderr("loss kernel: \(error)")
            return 1
        }
    }
}
