import XCTest
@testable import LossKernel

final class JSONTests: XCTestCase {
    func testRoundTripKeepsKeyOrder() throws {
        let text = #"{"b":1,"a":[true,false,null],"c":"x\n\"y\"","d":2.5,"e":{},"f":[]}"#
        let j = try JSON.parse(text)
        XCTAssertEqual(j.serialized, text)
        XCTAssertEqual(j["b"]?.int, 1)
        XCTAssertEqual(j["a"]?.array?.count, 3)
        XCTAssertEqual(j["c"]?.string, "x\n\"y\"")
        XCTAssertEqual(j["d"], .double(2.5))
        XCTAssertNil(j["zz"])
    }

    func testStringsAndEscapes() throws {
        // \u escapes, a surrogate pair (U+1F600), \/ and raw UTF-8
        let j = try JSON.parse(#"["\u00e9\u03b3", "\ud83d\ude00", "a\/b", "γ→", "\t\b\f\r"]"#)
        XCTAssertEqual(j.array?.compactMap(\.string), ["éγ", "😀", "a/b", "γ→", "\t\u{08}\u{0C}\r"])
        // written back as Python's json.dumps(ensure_ascii=False)
        XCTAssertEqual(JSON.string("é\u{01}\n").serialized, "\"é\\u0001\\n\"")
    }

    func testNumbers() throws {
        XCTAssertEqual(try JSON.parse("-12"), .int(-12))
        XCTAssertEqual(try JSON.parse("1e3").int, 1000)
        XCTAssertEqual(try JSON.parse("0.125"), .double(0.125))
        XCTAssertEqual(JSON.double(3).serialized, "3")
        XCTAssertEqual(JSON.double(.nan).serialized, "null")
    }

    func testObjectsCompareWithoutOrder() throws {
        XCTAssertEqual(try JSON.parse(#"{"a":1,"b":2}"#), try JSON.parse(#"{"b":2,"a":1}"#))
        XCTAssertNotEqual(try JSON.parse(#"{"a":1,"b":2}"#), try JSON.parse(#"{"a":1,"b":3}"#))
        var o: JSON = ["a": 1]
        o.set("b", "x")
        o.set("a", 2)
        XCTAssertEqual(o.serialized, #"{"a":2,"b":"x"}"#)
    }

    func testMalformedIsAnErrorNotACrash() {
        for bad in ["", "{", "[1,", #"{"a" 1}"#, #""abc"#, "tru", "1 2", "-", #""\u12""#, "{\"a\":}",
                    String(repeating: "[", count: 100_000)] {
            XCTAssertThrowsError(try JSON.parse(bad), bad.prefix(20).description)
        }
    }
}
