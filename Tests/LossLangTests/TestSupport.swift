import LossCore
@testable import LossLang

// Helpers shared by the LossLangTests files (one copy per test target: XCTest targets
// cannot share sources).

/// The caller given to built-ins called without an interpreter: calling back into a
/// function is an error.
final class NoCaller: FunctionCaller {
    func call(_ f: Function, _ args: [Value]) throws -> Value {
        throw CoreError("no interpreter in the tests to call \(f.name)")
    }
}
