import XCTest
@testable import LossKernel

final class JSONTests: XCTestCase {
    func testRoundTrip() throws {
        let text = #"{"a":1,"b":[true,false,null],"c":"x\n\"y\"","d":2.5,"e":{}}"#
        let j = try JSON.parse(text)
        XCTAssertEqual(j.serialized, text)
        XCTAssertEqual(j["a"]?.int, 1)
        XCTAssertEqual(j["c"]?.string, "x\n\"y\"")
    }
}
