import XCTest
@testable import LossCore

/// CSV files with a header row as named columns (docs/reference.md §3 I/O).
final class CSVTableTests: XCTestCase {
    func testHeaderGivesNamedColumns() throws {
        let text = "\u{FEFF}sepal length (cm),sepal_width,species\r\n5.1,3.5,setosa\n\n4.9, 3.0 ,\"setosa\"\n7.0,,versicolor\n"
        let t = try XCTUnwrap(try CSV.decodeTable(Array(text.utf8)))
        XCTAssertEqual(t.map(\.name), ["sepal_length_cm", "sepal_width", "species"])
        XCTAssertEqual(t[0].column, .numbers([5.1, 4.9, 7.0]))
        guard case .numbers(let w) = t[1].column else { return XCTFail("not numbers") }
        XCTAssertEqual(Array(w[0..<2]), [3.5, 3.0])
        XCTAssertTrue(w[2].isNaN)
        XCTAssertEqual(t[2].column, .strings(["setosa", "setosa", "versicolor"]))
    }

    func testNoHeaderIsNotATable() throws {
        XCTAssertNil(try CSV.decodeTable(Array("1,2\n3,4\n".utf8)))
        XCTAssertNil(try CSV.decodeTable(Array("".utf8)))
        XCTAssertNil(try CSV.decodeTable(Array("x1,2\n".utf8)))   // a cell is a number: data, not a header
    }

    func testFieldNames() throws {
        XCTAssertEqual(CSV.fieldName("sepal length (cm)", index: 0), "sepal_length_cm")
        XCTAssertEqual(CSV.fieldName("2nd", index: 0), "_2nd")
        XCTAssertEqual(CSV.fieldName("  ", index: 2), "column_3")
        XCTAssertEqual(CSV.fieldName("γ", index: 0), "γ")
        let dup = try XCTUnwrap(try CSV.decodeTable(Array("a,a,a b\n1,2,3\n".utf8)))
        XCTAssertEqual(dup.map(\.name), ["a", "a_2", "a_b"])
    }

    func testRaggedRowsAreErrorsThatNameTheLine() {
        XCTAssertThrowsError(try CSV.decodeTable(Array("a,b\n1,2\n3\n".utf8), name: "f.csv")) { e in
            XCTAssertEqual((e as? CoreError)?.message, "f.csv, line 3: expected 2 values like the header, got 1")
        }
    }

    func testEncodeTableRoundTrips() throws {
        let cols: [(name: String, column: CSV.Column)] = [("x", .numbers([0.1, 3, -.infinity])), ("label", .strings(["a", "b", "c"]))]
        let bytes = try CSV.encodeTable(cols)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x,label\n0.1,a\n3,b\n-inf,c\n")
        let back = try XCTUnwrap(try CSV.decodeTable(bytes))
        XCTAssertEqual(back.map(\.name), ["x", "label"])
        XCTAssertEqual(back[0].column, .numbers([0.1, 3, -.infinity]))
        XCTAssertThrowsError(try CSV.encodeTable([("a", .numbers([1])), ("b", .numbers([]))]))
        XCTAssertThrowsError(try CSV.encodeTable([("a", .strings(["x,y"]))]))
    }
}
