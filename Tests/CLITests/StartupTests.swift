import Foundation
import XCTest

/// Start-up (issue 14): OpenBLAS is loaded at the first matrix product, not when `loss` starts,
/// and a missing OpenBLAS is an error of the matrix operation, not a crash.
extension CLITests {
    /// The shared objects the dynamic linker loaded while `loss` ran (LD_DEBUG=files on stderr).
    func loadedLibraries(_ args: [String]) throws -> (Run, String) {
        var env = ProcessInfo.processInfo.environment
        env["LD_DEBUG"] = "files"
        let r = try loss(args, environment: env)
        return (r, r.stderr)
    }

    func testOpenBLASLoadsAtTheFirstMatrixProductOnly() throws {
        let (plain, plainLog) = try loadedLibraries(["-e", "focal([0.9, 0.2], [1, 0], gamma: 2)"])
        assertExit(plain, 0, "focal")
        XCTAssertEqual(plain.stdout, "0.00498967\n")
        XCTAssertTrue(plainLog.contains("libc.so"), "LD_DEBUG=files should list the libraries: \(plainLog.prefix(500))")
        XCTAssertFalse(plainLog.contains("libopenblas"), "OpenBLAS was loaded by a program without a matrix product")
        let (product, productLog) = try loadedLibraries(["-e", "[[1, 2], [3, 4]] @ [[5], [6]]"])
        assertExit(product, 0, "@")
        XCTAssertTrue(product.stdout.contains("17") && product.stdout.contains("39"), product.stdout)
        XCTAssertTrue(productLog.contains("libopenblas"), "the product should have loaded OpenBLAS")
    }

    func testMissingOpenBLASIsAnErrorOfTheMatrixOperation() throws {
        var env = ProcessInfo.processInfo.environment
        env["LOSS_OPENBLAS_LIBRARY"] = "/nonexistent/libopenblas.so.0"
        let product = try loss(["-e", "x = 2\n[[1, 2]] @ [[3], [4]]"], environment: env)
        assertProgramError(product, "@ without OpenBLAS", contains: "@: OpenBLAS could not be loaded (/nonexistent/libopenblas.so.0")
        XCTAssertTrue(product.stderr.contains("apt-get install libopenblas0"), product.stderr)
        let det = try loss(["-e", "det([[1, 2], [3, 4]])"], environment: env)
        assertProgramError(det, "det without OpenBLAS", contains: "det: OpenBLAS could not be loaded")
        let solve = try loss(["-e", "solve([[2, 0], [0, 4]], [1, 1])"], environment: env)
        assertProgramError(solve, "solve without OpenBLAS", contains: "solve: OpenBLAS could not be loaded")
        // programs without linear algebra do not need it
        let plain = try loss(["-e", "focal([0.9, 0.2], [1, 0], gamma: 2)"], environment: env)
        assertExit(plain, 0, "focal without OpenBLAS")
        XCTAssertEqual(plain.stdout, "0.00498967\n")
    }

    /// The fast path for plain command lines and swift-argument-parser agree on the options.
    func testPlainCommandLinesAndParsedOnesAgree() throws {
        try write("p.loss", "print(args)\npi\n")
        let fast = try loss(["--precision", "3", "p.loss", "--lr", "0.1"])
        assertExit(fast, 0, "--precision 3 FILE ARGS")
        XCTAssertEqual(fast.stdout, "[\"--lr\", \"0.1\"]\n3.14\n")
        let parsed = try loss(["--precision=3", "p.loss", "--lr", "0.1"])   // `=`: through the parser
        assertExit(parsed, 0, "--precision=3 FILE ARGS")
        XCTAssertEqual(parsed.stdout, fast.stdout)
        let json = try loss(["--json", "-e", "1 + 1", "-e", "[1, 2]"])
        assertExit(json, 0, "--json -e -e")
        XCTAssertEqual(json.stdout, "2\n{\"shape\":[2],\"data\":[1,2]}\n")
        let bad = try loss(["--precision", "30", "-e", "1"])
        assertExit(bad, 2, "--precision 30")
        XCTAssertTrue(bad.stderr.contains("--precision needs a number of digits from 1 to 17, got 30"), bad.stderr)
        let twice = try loss(["p.loss", "-e"])   // -e after FILE is the script's
        assertExit(twice, 0, "FILE -e")
        XCTAssertEqual(twice.stdout, "[\"-e\"]\n3.14159\n")
    }
}
