import XCTest
import LossCore
import LossLang
@testable import LossKernel

/// The text/html form of matrices and records in Jupyter.
final class ValueHTMLTests: XCTestCase {
    func testMatrixCellsUseTheDisplayNumbers() throws {
        let t = Tensor(shape: [2, 2], data: [1.0 / 3, .nan, -.infinity, 1e-12])
        let html = try XCTUnwrap(ValueHTML.html(.tensor(t), precision: 3))
        XCTAssertTrue(html.contains("<tr><td>0.333</td><td>nan</td></tr>\n<tr><td>-inf</td><td>1e-12</td></tr>"), html)
    }

    func testHigherRanksHaveOneTablePerMatrix() throws {
        let t = Tensor(shape: [2, 1, 2], data: [1, 2, 3, 4])
        let html = try XCTUnwrap(ValueHTML.html(.tensor(t), precision: 6))
        XCTAssertTrue(html.hasPrefix("<div class=\"loss-tensor\">\n<div>2×1×2 tensor</div>\n<table><caption>[0, :, :]</caption>"), html)
        XCTAssertTrue(html.contains("<table><caption>[1, :, :]</caption>\n<tbody>\n<tr><td>3</td><td>4</td></tr>"), html)
    }

    func testLargeMatricesElideTheirMiddle() throws {
        let t = Tensor(shape: [40, 40], data: (0..<1600).map(Double.init))
        let html = try XCTUnwrap(ValueHTML.html(.tensor(t), precision: 6))
        // 3 + 1 + 3 rows of 3 + 1 + 3 cells
        XCTAssertEqual(html.components(separatedBy: "<tr>").count - 1, 7)
        XCTAssertTrue(html.contains("<tr><td>0</td><td>1</td><td>2</td><td>…</td><td>37</td><td>38</td><td>39</td></tr>"), html)
        XCTAssertTrue(html.contains("<tr><td>⋮</td><td>⋮</td><td>⋮</td><td>⋱</td><td>⋮</td><td>⋮</td><td>⋮</td></tr>"), html)
        XCTAssertTrue(html.contains("<td>1599</td></tr>"))
    }

    func testEmptyAndNonTableValues() {
        XCTAssertEqual(ValueHTML.html(.tensor(Tensor(shape: [0, 3], data: [])), precision: 6),
                       "<div class=\"loss-tensor\">\n<div>0×3 tensor</div>\n</div>")
        XCTAssertNil(ValueHTML.html(.number(1), precision: 6))
        XCTAssertNil(ValueHTML.html(.tensor(Tensor([1, 2])), precision: 6))
        XCTAssertNil(ValueHTML.html(.string("<b>"), precision: 6))
    }

    func testRecordsNestTheirTables() throws {
        let m = Tensor(shape: [2, 2], data: [1, 0, 0, 1])
        let r = Record([("eye", .tensor(m)), ("inner", .record(Record([("k", .number(2))]))), ("s", .string("x & y"))])
        let html = try XCTUnwrap(ValueHTML.html(.record(r), precision: 6))
        XCTAssertTrue(html.hasPrefix("<table class=\"loss-record\">"))
        XCTAssertTrue(html.contains(">eye</th><td style=\"text-align:left\"><div class=\"loss-tensor\">"), html)
        XCTAssertTrue(html.contains(">inner</th><td style=\"text-align:left\"><table class=\"loss-record\">"), html)
        XCTAssertTrue(html.contains("<code>&quot;x &amp; y&quot;</code>"), html)
    }
}
