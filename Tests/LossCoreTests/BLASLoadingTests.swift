import XCTest
@testable import LossCore

/// OpenBLAS loaded at the first use (LossCore/BLAS.swift).
final class BLASLoadingTests: XCTestCase {
    func testProductLoadsOpenBLASWithTheChosenKernels() throws {
        let userChoice = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]
        let noTuning = ProcessInfo.processInfo.environment["LOSS_NO_BLAS_REEXEC"] != nil
        // NumPy: np.array([[1., 2.], [3., 4.]]) @ np.array([[5., 6.], [7., 8.]])
        let p = try Linalg.matmul(Tensor(shape: [2, 2], data: [1, 2, 3, 4]), Tensor(shape: [2, 2], data: [5, 6, 7, 8]))
        XCTAssertEqual(p.data, [19, 22, 43, 50])
        let core = try XCTUnwrap(BLAS.coreName(), "openblas_get_corename")
        XCTAssertFalse(core.isEmpty)
        if userChoice == nil, !noTuning, let preferred = BLAS.preferredCoreType() {
            XCTAssertEqual(core.lowercased(), preferred.lowercased(), "OPENBLAS_CORETYPE was set before OpenBLAS loaded")
        }
        XCTAssertNotEqual(core.lowercased(), BLAS.preferredCoreType() == nil ? "" : "prescott")
    }
}
