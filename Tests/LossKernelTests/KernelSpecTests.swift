import XCTest
@testable import LossKernel

/// `loss kernel install`: where the spec goes and what it holds.
final class KernelSpecTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-kspec-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testKernelJSON() throws {
        let spec = try JSON.parse(KernelSpec.json(executable: "/opt/bin/loss", displayName: "loss"))
        XCTAssertEqual(spec["argv"], ["/opt/bin/loss", "kernel", "-f", "{connection_file}"])
        XCTAssertEqual(spec["display_name"]?.string, "loss")
        XCTAssertEqual(spec["language"]?.string, "loss")
        XCTAssertEqual(spec["interrupt_mode"]?.string, "message")
    }

    func testInstallWithPrefixThroughTheCLI() throws {
        let status = KernelCLI.main(["install", "--prefix", dir.path], version: "0.1.0", environment: [:])
        XCTAssertEqual(status, 0)
        let k = dir.appendingPathComponent("share/jupyter/kernels/loss")
        let spec = try JSON.parse(String(contentsOf: k.appendingPathComponent("kernel.json"), encoding: .utf8))
        let exe = try XCTUnwrap(spec["argv"]?.array?.first?.string)
        XCTAssertTrue(exe.hasPrefix("/"), exe)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: exe), exe)
        XCTAssertEqual(Array(spec["argv"]?.array?.dropFirst() ?? []), ["kernel", "-f", "{connection_file}"])
        for (size, bytes) in [(32, KernelLogo.png32), (64, KernelLogo.png64)] {
            let written = try Data(contentsOf: k.appendingPathComponent("logo-\(size)x\(size).png"))
            XCTAssertEqual(Array(written), bytes)
        }
    }

    func testLogosAreTheCommittedPNGs() throws {
        // KernelLogo.swift is generated from these files by Scripts/make_kernel_logo.py
        let logo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LossKernel/Logo")
        for (size, bytes) in [(32, KernelLogo.png32), (64, KernelLogo.png64)] {
            let file = try Data(contentsOf: logo.appendingPathComponent("logo-\(size)x\(size).png"))
            XCTAssertEqual(Array(file), bytes, "run python3 Scripts/make_kernel_logo.py")
            // a PNG of that size: signature, then IHDR's width and height (big-endian)
            XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual(Array(bytes[16..<24]), [0, 0, 0, UInt8(size), 0, 0, 0, UInt8(size)])
        }
    }

    func testUserDataDirFollowsJupyter() {
        XCTAssertEqual(KernelSpec.userDataDir(environment: ["JUPYTER_DATA_DIR": "/j", "HOME": "/h"]), "/j")
        #if os(Linux)
        XCTAssertEqual(KernelSpec.userDataDir(environment: ["HOME": "/h"]), "/h/.local/share/jupyter")
        XCTAssertEqual(KernelSpec.userDataDir(environment: ["HOME": "/h", "XDG_DATA_HOME": "/x"]), "/x/jupyter")
        #endif
        XCTAssertEqual(try KernelSpec.dataDir(.prefix("/p"), environment: [:]), "/p/share/jupyter")
        XCTAssertEqual(try KernelSpec.sysPrefixDataDir(environment: ["VIRTUAL_ENV": "/venv"]), "/venv/share/jupyter")
        XCTAssertEqual(try KernelSpec.sysPrefixDataDir(environment: ["CONDA_PREFIX": "/conda"]), "/conda/share/jupyter")
        XCTAssertThrowsError(try KernelSpec.sysPrefixDataDir(environment: ["PATH": dir.path]))
    }

    func testInstallUserHonoursJupyterDataDir() throws {
        let data = dir.appendingPathComponent("data").path
        XCTAssertEqual(KernelCLI.main(["install", "--user", "--name", "loss-dev", "--display-name", "loss (dev)"], version: "0.1.0",
                                      environment: ["JUPYTER_DATA_DIR": data]), 0)
        let spec = try JSON.parse(String(contentsOfFile: data + "/kernels/loss-dev/kernel.json", encoding: .utf8))
        XCTAssertEqual(spec["display_name"]?.string, "loss (dev)")
        // the default is --user
        XCTAssertEqual(KernelCLI.main(["install"], version: "0.1.0", environment: ["JUPYTER_DATA_DIR": data]), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: data + "/kernels/loss/kernel.json"))
    }

    func testUsageErrors() {
        let env = ["JUPYTER_DATA_DIR": dir.path]
        XCTAssertEqual(KernelCLI.main([], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["bogus"], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["-f"], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["install", "--user", "--prefix", "/x"], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["install", "--name", "no spaces"], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["install", "--name"], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["install", "--wat"], version: "0.1.0", environment: env), 2)
        XCTAssertEqual(KernelCLI.main(["-f", dir.appendingPathComponent("missing.json").path], version: "0.1.0", environment: env), 1)
        let bad = dir.appendingPathComponent("bad.json")
        FileManager.default.createFile(atPath: bad.path, contents: Data("{\"shell_port\": 1}".utf8))
        XCTAssertEqual(KernelCLI.main(["-f", bad.path], version: "0.1.0", environment: env), 1)
        XCTAssertFalse(KernelSpec.isValidName(""))
        XCTAssertTrue(KernelSpec.isValidName("loss-0.1_dev"))
    }
}
