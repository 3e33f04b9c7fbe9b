import XCTest
@testable import LossNotebook
import LossLang

final class ScratchTests: XCTestCase {
    func testScratch() throws {
        LossNotebook.install()
        _ = NotebookCLI.notebook(["/tmp/t1.loss", "-o", "/tmp/t1.md"])
        _ = NotebookCLI.notebook(["/tmp/t1.loss", "-o", "/tmp/t1.html"])
        _ = NotebookCLI.notebook(["/tmp/t1.loss", "-o", "/tmp/t1.ipynb"])
        _ = NotebookCLI.test(["/tmp/t1.loss"])
    }
}
