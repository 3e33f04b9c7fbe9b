import Foundation
import XCTest
@testable import LossCore

/// Random numbers, .npy and .csv. Reference values come from NumPy and from an
/// independent Python implementation of xoshiro256** (Scripts/make_npy_fixtures.py),
/// collected in `IORef` at the end of this file.
final class RandomIOTests: XCTestCase {
    override func tearDown() {
        Random.seed(0)  // leave the global generator as other tests expect it
        super.tearDown()
    }

    // MARK: - generator

    func testSplitmix64MatchesReference() {
        var x: UInt64 = 1234567
        let got = (0..<5).map { _ in RandomGenerator.splitmix64(&x) }
        XCTAssertEqual(got, IORef.splitmixRef)
    }

    func testXoshiroMatchesPublishedVectors() {
        // Vigna's reference code from state {1, 2, 3, 4} (also rand_xoshiro's test vector)
        let g = RandomGenerator(state: (1, 2, 3, 4))
        let got = (0..<10).map { _ in g.next() }
        XCTAssertEqual(got, [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600,
                             16172922978634559625, 8476171486693032832, 10595114339597558777, 2904607092377533576])
    }

    func testSeededStreamsMatchPythonReference() {
        let g0 = RandomGenerator(seed: 0)
        XCTAssertEqual((0..<6).map { _ in g0.next() }, IORef.xoshiroSeed0)
        let g42 = RandomGenerator(seed: 42)
        XCTAssertEqual((0..<6).map { _ in g42.next() }, IORef.xoshiroSeed42)
    }

    func testRandMatchesReferenceAndReseeds() throws {
        Random.seed(0)
        let a = try Random.rand([5])
        XCTAssertEqual(a.shape, [5])
        XCTAssertEqual(a.data, IORef.rand0)
        Random.seed(0)
        XCTAssertEqual(try Random.rand([5]).data, IORef.rand0)
        // the stream continues: a second call differs
        let b = try Random.rand([5])
        XCTAssertNotEqual(b.data, IORef.rand0)
    }

    func testRandShapes() throws {
        Random.seed(3)
        let m = try Random.rand([3, 4])
        XCTAssertEqual(m.shape, [3, 4])
        XCTAssertEqual(m.count, 12)
        XCTAssertEqual(try Random.rand([]).shape, [])
        XCTAssertEqual(try Random.rand([0]).count, 0)
        XCTAssertThrowsError(try Random.rand([-1]))
        XCTAssertThrowsError(try Random.rand([1 << 40, 1 << 40]))
    }

    func testRandnMatchesReference() throws {
        Random.seed(0)
        let z = try Random.randn([5])
        for (x, r) in zip(z.data, IORef.randn0) { XCTAssertEqual(x, r, accuracy: 1e-14 * max(1, abs(r))) }
        // an odd count drops the last pair's second value: randn(5) then randn(1) starts a new pair
        Random.seed(0)
        let six = try Random.randn([6])
        XCTAssertEqual(Array(six.data.prefix(5)), z.data)
    }

    func testRandintMatchesReference() throws {
        Random.seed(0)
        XCTAssertEqual(try Random.randint(0, 10, [5]).data, IORef.randint0)
        Random.seed(7)
        XCTAssertEqual(try Random.randint(-3, 4, [8]).data, IORef.randintNeg7)
        // hi exclusive, one value possible
        XCTAssertEqual(try Random.randint(5, 6, [4]).data, [5, 5, 5, 5])
        XCTAssertThrowsError(try Random.randint(3, 3, [2])) { e in
            XCTAssertTrue((e as? CoreError)?.message.contains("hi must be greater than lo") ?? false, "\(e)")
        }
        XCTAssertThrowsError(try Random.randint(4, 1, [2]))
        // extreme but valid bounds: no overflow
        let big = try Random.randint(-9_007_199_254_740_992, 9_007_199_254_740_992, [100])
        XCTAssertTrue(big.data.allSatisfy { $0 >= -9_007_199_254_740_992 && $0 < 9_007_199_254_740_992 })
        XCTAssertThrowsError(try Random.randint(0, Int.max, [1]))
    }

    func testShuffleMatchesReferenceAndKeepsRows() throws {
        Random.seed(0)
        let v = try Random.shuffle(Tensor([10, 11, 12, 13, 14]))
        XCTAssertEqual(v.data, IORef.shuffle0.map { Double(10 + $0) })
        Random.seed(0)
        let m = try Random.shuffle(Tensor(shape: [5, 2], data: (0..<10).map(Double.init)))
        XCTAssertEqual(m.shape, [5, 2])
        XCTAssertEqual(m.data, IORef.shuffle0.flatMap { [Double(2 * $0), Double(2 * $0 + 1)] })
        XCTAssertEqual(try Random.shuffle(Tensor([])).shape, [0])
        XCTAssertEqual(try Random.shuffle(Tensor([7])).data, [7])
        XCTAssertThrowsError(try Random.shuffle(Tensor(scalar: 3)))
    }

    func testShuffleIsAPermutationOfLargeInput() throws {
        Random.seed(11)
        let n = 10_000
        let s = try Random.shuffle(Tensor((0..<n).map(Double.init)))
        XCTAssertEqual(s.data.sorted(), (0..<n).map(Double.init))
        XCTAssertNotEqual(s.data, (0..<n).map(Double.init))
    }

    // MARK: - statistics (100k samples)

    func testUniformStatistics() throws {
        Random.seed(123)
        let n = 100_000
        let u = try Random.rand([n])
        XCTAssertTrue(u.data.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = Summation.sum(u.data) / Double(n)
        let v = Summation.sum(u.data.map { ($0 - mean) * ($0 - mean) }) / Double(n)
        // sd of the mean ≈ 0.29/√n ≈ 0.0009; of the variance ≈ 0.0002
        XCTAssertEqual(mean, 0.5, accuracy: 0.005)
        XCTAssertEqual(v, 1.0 / 12.0, accuracy: 0.002)
        // deciles each get ~10%
        var bins = [Int](repeating: 0, count: 10)
        for x in u.data { bins[Int(x * 10)] += 1 }
        for b in bins { XCTAssertEqual(Double(b) / Double(n), 0.1, accuracy: 0.005) }
    }

    func testNormalStatistics() throws {
        Random.seed(2024)
        let n = 100_000
        let z = try Random.randn([n])
        let mean = Summation.sum(z.data) / Double(n)
        let v = Summation.sum(z.data.map { ($0 - mean) * ($0 - mean) }) / Double(n)
        let skew = Summation.sum(z.data.map { pow($0 - mean, 3) }) / Double(n)
        let kurt = Summation.sum(z.data.map { pow($0 - mean, 4) }) / Double(n) / (v * v)
        XCTAssertEqual(mean, 0, accuracy: 0.015)
        XCTAssertEqual(v, 1, accuracy: 0.02)
        XCTAssertEqual(skew, 0, accuracy: 0.05)
        XCTAssertEqual(kurt, 3, accuracy: 0.1)
        // P(|z| < 1) = 0.682689 (erf(1/√2))
        let within = Double(z.data.filter { abs($0) < 1 }.count) / Double(n)
        XCTAssertEqual(within, 0.682689, accuracy: 0.006)
        XCTAssertTrue(z.data.allSatisfy { $0.isFinite })
    }

    func testRandintStatistics() throws {
        Random.seed(99)
        let n = 100_000
        let k = try Random.randint(-2, 5, [n])
        var counts = [Int](repeating: 0, count: 7)
        for x in k.data {
            XCTAssertEqual(x, x.rounded())
            counts[Int(x) + 2] += 1
        }
        // chi-square with 6 degrees of freedom: 99.9% quantile is 22.46
        let expected = Double(n) / 7
        let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        XCTAssertLessThan(chi2, 22.46)
        let mean = Summation.sum(k.data) / Double(n)
        XCTAssertEqual(mean, 1, accuracy: 0.03)
    }

    // MARK: - .npy reading (files written by NumPy)

    private func npy(_ b64: String) -> [UInt8] {
        guard let d = Data(base64Encoded: b64) else { XCTFail("bad base64"); return [] }
        return [UInt8](d)
    }

    private func assertReads(_ b64: String, _ shape: [Int], _ data: [Double], file: StaticString = #filePath, line: UInt = #line) {
        do {
            let t = try NPY.decode(npy(b64))
            XCTAssertEqual(t.shape, shape, file: file, line: line)
            XCTAssertEqual(t.data.count, data.count, file: file, line: line)
            for (a, b) in zip(t.data, data) {
                XCTAssertEqual(a.bitPattern, b.bitPattern, "\(a) vs \(b)", file: file, line: line)
            }
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testReadsEveryDtypeWrittenByNumPy() {
        assertReads(IORef.npy_f8le, IORef.npy_f8le_shape, IORef.npy_f8le_data)
        assertReads(IORef.npy_f8be, IORef.npy_f8be_shape, IORef.npy_f8be_data)
        assertReads(IORef.npy_f4le, IORef.npy_f4le_shape, IORef.npy_f4le_data)
        assertReads(IORef.npy_f4be, IORef.npy_f4be_shape, IORef.npy_f4be_data)
        assertReads(IORef.npy_f2, IORef.npy_f2_shape, IORef.npy_f2_data)
        assertReads(IORef.npy_i1, IORef.npy_i1_shape, IORef.npy_i1_data)
        assertReads(IORef.npy_i2be, IORef.npy_i2be_shape, IORef.npy_i2be_data)
        assertReads(IORef.npy_i4le, IORef.npy_i4le_shape, IORef.npy_i4le_data)
        assertReads(IORef.npy_i8le, IORef.npy_i8le_shape, IORef.npy_i8le_data)
        assertReads(IORef.npy_i8be, IORef.npy_i8be_shape, IORef.npy_i8be_data)
        assertReads(IORef.npy_u1, IORef.npy_u1_shape, IORef.npy_u1_data)
        assertReads(IORef.npy_u2be, IORef.npy_u2be_shape, IORef.npy_u2be_data)
        assertReads(IORef.npy_u4le, IORef.npy_u4le_shape, IORef.npy_u4le_data)
        assertReads(IORef.npy_u8le, IORef.npy_u8le_shape, IORef.npy_u8le_data)
        assertReads(IORef.npy_bool, IORef.npy_bool_shape, IORef.npy_bool_data)
        assertReads(IORef.npy_scalar, IORef.npy_scalar_shape, IORef.npy_scalar_data)
        assertReads(IORef.npy_empty, IORef.npy_empty_shape, IORef.npy_empty_data)
        assertReads(IORef.npy_empty2, IORef.npy_empty2_shape, IORef.npy_empty2_data)
    }

    func testReadsFortranOrder() {
        assertReads(IORef.npy_fortran23, [2, 3], IORef.npy_fortran23_data)
        assertReads(IORef.npy_fortran234, [2, 3, 4], IORef.npy_fortran234_data)
    }

    func testReadsFormatVersions2And3() {
        assertReads(IORef.npy_v2, [2, 2], [1, 2, 3, 4])
        assertReads(IORef.npy_v3, [2, 2], [1, 2, 3, 4])
    }

    /// A hand-made header as NumPy 1.x under Python 2 wrote it (16-byte alignment, `2L`).
    func testReadsOldStyleHeader() throws {
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }".utf8)
        while (10 + header.count + 1) % 16 != 0 { header.append(0x20) }
        header.append(0x0A)
        var b: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.count), 0] + header
        for x in [1.25, -8.0] { withUnsafeBytes(of: x.bitPattern.littleEndian) { b += $0 } }
        let t = try NPY.decode(b)
        XCTAssertEqual(t.shape, [2])
        XCTAssertEqual(t.data, [1.25, -8.0])
    }

    private func assertRejects(_ bytes: [UInt8], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPY.decode(bytes, name: "\"x.npy\""), file: file, line: line) { e in
            guard let ce = e as? CoreError else { return XCTFail("not a CoreError: \(e)", file: file, line: line) }
            XCTAssertTrue(ce.message.contains(fragment), "message: \(ce.message)", file: file, line: line)
            XCTAssertTrue(ce.message.contains("\"x.npy\""), "message: \(ce.message)", file: file, line: line)
        }
    }

    /// A version-1.0 file with the given header text and data bytes.
    private func file(header text: String, data: [UInt8] = []) -> [UInt8] {
        var h = Array(text.utf8)
        while (10 + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0A)
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h + data
    }

    func testRejectsUnsupportedDtypes() {
        assertRejects(npy(IORef.npy_complex), "'<c16', which is not supported")
        assertRejects(npy(IORef.npy_unicode), "'<U2', which is not supported")
        assertRejects(npy(IORef.npy_structured), "structured dtype")
        assertRejects(npy(IORef.npy_datetime), "'<M8[D]', which is not supported")
        assertRejects(file(header: "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0, 0, 0, 0, 0]),
                      "'|O', which is not supported")
        assertRejects(file(header: "{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }"), "not supported")
        assertRejects(file(header: "{'descr': '', 'fortran_order': False, 'shape': (1,), }"), "not supported")
    }

    func testRejectsMalformedFiles() {
        let good = npy(IORef.npy_f8le)
        assertRejects([], "not a .npy file")
        assertRejects(Array("hello, world".utf8), "not a .npy file")
        assertRejects(Array(good.prefix(9)), "truncated")
        assertRejects(Array(good.prefix(60)), "truncated")
        assertRejects(Array(good.dropLast()), "truncated")           // one byte of data missing
        var v4 = good; v4[6] = 4
        assertRejects(v4, "version 4.0")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False}"), "needs 'descr', 'fortran_order' and 'shape'")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), "), "malformed")
        assertRejects(file(header: "{'descr': '<f8' 'fortran_order': False, 'shape': (2,), }"), "malformed")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }"), "fortran_order")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': [2], }"), "malformed")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }"), "negative")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': ('a',), }"), "integers")
        assertRejects(file(header: "[1, 2]"), "expected a dictionary")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } junk"), "unexpected text")
        assertRejects(file(header: String(repeating: "(", count: 100)), "nested too deeply")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': Flase, 'shape': (2,), }"), "unexpected 'Flase'")
    }

    func testRejectsHugeDeclaredShapes() {
        // declares 2^80 elements; must fail before allocating anything
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }"),
                      "too large")
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }"),
                      "too large")
        // a plausible size but the data is not there
        assertRejects(file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000,), }", data: [1, 2, 3]),
                      "needs 800000000 bytes of data, found 3")
        // a header longer than the file
        assertRejects([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0x20], "truncated")
    }

    func testRandomBytesNeverCrash() {
        let good = npy(IORef.npy_i4le)
        let g = RandomGenerator(seed: 5)
        for _ in 0..<2000 {
            var b = good
            let flips = 1 + Int(g.nextBelow(4))
            for _ in 0..<flips { b[Int(g.nextBelow(UInt64(b.count)))] = UInt8(truncatingIfNeeded: g.next()) }
            if g.nextBelow(3) == 0 { b = Array(b.prefix(Int(g.nextBelow(UInt64(b.count))))) }
            _ = try? NPY.decode(b)
        }
    }

    // MARK: - .npy writing

    func testWriterProducesNumPyBytes() {
        let cases: [(String, Tensor)] = [
            (IORef.npy_w_vec, Tensor([1, 2, 3])),
            (IORef.npy_w_mat, Tensor(shape: [3, 4], data: (0..<12).map { Double($0) / 7 })),
            (IORef.npy_w_scalar, Tensor(scalar: -0.5)),
            (IORef.npy_w_empty, Tensor([])),
            (IORef.npy_w_rank3, Tensor(shape: [2, 2, 2], data: (0..<8).map { Double($0) - 3.25 })),
        ]
        for (b64, t) in cases {
            XCTAssertEqual(NPY.encode(t), npy(b64), "shape \(t.shape)")
        }
    }

    func testNpyRoundTripThroughAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.npy").path
        let values: [Double] = [0.1, -0.0, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, 1.7976931348623157e308, 3, -1e-300, 42, 7, 8]
        for shape in [[12], [3, 4], [2, 3, 2], [1, 12, 1]] {
            let t = Tensor(shape: shape, data: values)
            try NPY.write(t, path: path)
            let r = try NPY.read(path: path)
            XCTAssertEqual(r.shape, shape)
            XCTAssertEqual(r.data.map(\.bitPattern), values.map(\.bitPattern))
        }
        try NPY.write(Tensor(scalar: 2.5), path: path)
        XCTAssertEqual(try NPY.read(path: path), Tensor(scalar: 2.5))
        XCTAssertThrowsError(try NPY.read(path: dir.appendingPathComponent("missing.npy").path)) { e in
            XCTAssertTrue("\(e)".contains("no such file"), "\(e)")
        }
        XCTAssertThrowsError(try NPY.read(path: dir.path)) { e in XCTAssertTrue("\(e)".contains("directory"), "\(e)") }
        XCTAssertThrowsError(try NPY.write(Tensor([1]), path: dir.appendingPathComponent("no/such/dir/x.npy").path)) { e in
            XCTAssertTrue("\(e)".contains("does not exist"), "\(e)")
        }
    }

    // MARK: - .csv

    func testCsvReadsMatrixVectorAndHeader() throws {
        let m = try CSV.parse("a,b\n1,2\n3,4.5\n")
        XCTAssertEqual(m, Tensor(shape: [2, 2], data: [1, 2, 3, 4.5]))
        let v = try CSV.parse("0.25\n-1e-3\r\n+7\n")
        XCTAssertEqual(v, Tensor([0.25, -0.001, 7]))
        let h = try CSV.parse("loss\n0.5\n0.25")  // no final newline
        XCTAssertEqual(h, Tensor([0.5, 0.25]))
        let row = try CSV.parse("1, 2 ,3\n")  // a single row of several values is a 1×3 matrix
        XCTAssertEqual(row, Tensor(shape: [1, 3], data: [1, 2, 3]))
        let special = try CSV.parse("\u{FEFF}x,y\nnan,inf\n-Inf,\"2.5\"\n\n")
        XCTAssertEqual(special.shape, [2, 2])
        XCTAssertTrue(special.data[0].isNaN)
        XCTAssertEqual(Array(special.data[1...]), [.infinity, -.infinity, 2.5])
        XCTAssertEqual(try CSV.parse(""), Tensor([]))
        XCTAssertEqual(try CSV.parse("a,b\n"), Tensor([]))
        XCTAssertEqual(try CSV.parse("\n\n1\n\n2\n"), Tensor([1, 2]))  // blank lines skipped
    }

    private func assertCsvRejects(_ text: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CSV.parse(text, name: "\"d.csv\""), file: file, line: line) { e in
            let m = (e as? CoreError)?.message ?? "\(e)"
            XCTAssertTrue(m.contains(fragment), "message: \(m)", file: file, line: line)
        }
    }

    func testCsvErrorsNameTheLine() {
        assertCsvRejects("1,2\n3\n", "\"d.csv\", line 2: expected 2 values like the rows before it, got 1")
        assertCsvRejects("x,y\n1,2\n3,4,5\n", "line 3: expected 2 values")
        assertCsvRejects("1,2\n3,abc\n", "line 2, column 2: expected a number, got \"abc\"")
        assertCsvRejects("1,2\n3,\n", "line 2, column 2: empty cell")
        assertCsvRejects("x,1\n", "line 1, column 1: expected a number, got \"x\"")  // mixed first line is data
        assertCsvRejects("1;2\n3;4\n", "line 1, column 1: expected a number, got \"1;2\"")
        XCTAssertThrowsError(try CSV.parse("x;y\n1;2\n")) { e in
            XCTAssertEqual((e as? CoreError)?.message, "the file, line 2, column 1: expected a number, got \"1;2\"")
            XCTAssertEqual((e as? CoreError)?.hint, "cells must be separated by commas")
        }
        assertCsvRejects("1\n0x10\n", "got \"0x10\"")
        assertCsvRejects("1\nnanx\n", "got \"nanx\"")
        assertCsvRejects("1\n1e\n", "got \"1e\"")
        assertCsvRejects("1\n1-2\n", "got \"1-2\"")
        assertCsvRejects("1\n1,000\n", "line 2: expected 1 value")
        assertCsvRejects("1\n.\n", "got \".\"")
        XCTAssertThrowsError(try CSV.decode([0x31, 0xFF, 0xFE, 0x0A]))  // not UTF-8: not a header
        XCTAssertThrowsError(try CSV.decode([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76, 0])) { e in  // a .npy file
            XCTAssertTrue("\(e)".contains("not a text file"), "\(e)")
        }
        // a UTF-8 header with non-ASCII names is skipped
        XCTAssertEqual(try CSV.parse("température,γ\n1,2\n"), Tensor(shape: [1, 2], data: [1, 2]))
    }

    func testCsvWriterUsesShortestRoundTripForms() throws {
        // expected: Python's repr (shortest round-trip) with the ".0" of integral values dropped;
        // np.loadtxt / float() read each back to the same double
        let values: [Double] = [0.1, 1.0 / 3, 2, -1e-300, 1e22, 1e-5, 123456789012, -0.0, .leastNonzeroMagnitude,
                                1.7976931348623157e308, 1e16, 9007199254740992, 0.000123, 1234.5678]
        XCTAssertEqual(try CSV.encode(Tensor(values)),
                       "0.1\n0.3333333333333333\n2\n-1e-300\n1e+22\n1e-05\n123456789012\n-0\n5e-324\n1.7976931348623157e+308\n1e+16\n9007199254740992\n0.000123\n1234.5678\n")
        XCTAssertEqual(try CSV.encode(Tensor(shape: [2, 2], data: [0.1, 1.0 / 3, 2, -1e-300])),
                       "0.1,0.3333333333333333\n2,-1e-300\n")
        XCTAssertEqual(try CSV.encode(Tensor([.nan, -.infinity, .infinity])), "nan\n-inf\ninf\n")
        XCTAssertEqual(try CSV.encode(Tensor(scalar: 3)), "3\n")
        XCTAssertEqual(try CSV.encode(Tensor([])), "")
        XCTAssertThrowsError(try CSV.encode(Tensor(shape: [2, 2, 2], data: [Double](repeating: 0, count: 8))))
    }

    func testCsvRoundTripIsExact() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loss-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv").path
        Random.seed(17)
        let m = try Random.randn([20, 3])
        try CSV.write(m, path: path)
        XCTAssertEqual(try CSV.read(path: path), m)
        let v = Tensor([0.1, .leastNonzeroMagnitude, -1.7976931348623157e308, .infinity])
        try CSV.write(v, path: path)
        XCTAssertEqual(try CSV.read(path: path), v)
        let row = Tensor(shape: [1, 2], data: [1, 2])
        try CSV.write(row, path: path)
        XCTAssertEqual(try CSV.read(path: path), row)
    }
}

/// Generated by Scripts/make_npy_fixtures.py; do not edit by hand.
enum IORef {
    // MARK: random reference (independent Python implementation)
    static let splitmixRef: [UInt64] = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821]
    static let xoshiroSeed0: [UInt64] = [11091344671253066420, 13793997310169335082, 1900383378846508768, 7684712102626143532, 13521403990117723737, 18442103541295991498]
    static let xoshiroSeed42: [UInt64] = [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193, 18295552978065317476, 14199186830065750584]
    static let rand0: [Double] = [0.6012629994179048, 0.7477740925472398, 0.10301998939503632, 0.4165890778296456, 0.7329967790569901]
    static let randn0: [Double] = [-0.01896499060631051, -1.3559302271143727, -0.40372109705088766, 0.23335097938940202, 1.6251100012755157]
    static let randint0: [Double] = [0.0, 2.0, 8.0, 2.0, 7.0]
    static let randintNeg7: [Double] = [-3.0, 3.0, -2.0, -2.0, 3.0, 2.0, -2.0, -1.0]
    static let shuffle0: [Int] = [3, 4, 1, 2, 0]
    // MARK: .npy files written by NumPy 2.4.6
    static let npy_f8le = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqamZmZmZm5PwAAAAAAAATAnHUAiDzkN34AAAAAAADwfwAAAAAAAACA"
    static let npy_f8le_shape: [Int] = [5]
    static let npy_f8le_data: [Double] = [0.1, -2.5, 1e+300, Double.infinity, -0.0]
    static let npy_f8be = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/+AAAAAAAAMACAAAAAAAAAAA3OaJSsoFAEAAAAAAAAEAUAAAAAAAAQBiAAAAAAAA="
    static let npy_f8be_shape: [Int] = [2, 3]
    static let npy_f8be_data: [Double] = [1.5, -2.25, Double(bitPattern: 0x00003739a252b281), 4.0, 5.0, 6.125]
    static let npy_f4le = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArNzMw9AABgwMrySXE="
    static let npy_f4le_shape: [Int] = [3]
    static let npy_f4le_data: [Double] = [0.10000000149011612, -3.5, 1.0000000150474662e+30]
    static let npy_f4be = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo9zMzNQAAAAL8AAABA4AAA"
    static let npy_f4be_shape: [Int] = [2, 2]
    static let npy_f4be_data: [Double] = [0.10000000149011612, 2.0, -0.5, 7.0]
    static let npy_f2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApmLv/7AQAAPA=="
    static let npy_f2_shape: [Int] = [4]
    static let npy_f2_data: [Double] = [0.0999755859375, -65504.0, 5.960464477539063e-08, 1.0]
    static let npy_i1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGkxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAH8="
    static let npy_i1_shape: [Int] = [3]
    static let npy_i1_data: [Double] = [-128.0, 0.0, 127.0]
    static let npy_i2be = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAAAABf/8="
    static let npy_i2be_shape: [Int] = [3]
    static let npy_i2be_data: [Double] = [-32768.0, 1.0, 32767.0]
    static let npy_i4le = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAACABQAAAAcAAAD///9/"
    static let npy_i4le_shape: [Int] = [2, 2]
    static let npy_i4le_data: [Double] = [-2147483648.0, 5.0, 7.0, 2147483647.0]
    static let npy_i8le = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAgP//////////AQAAAAAAIAA="
    static let npy_i8le_shape: [Int] = [3]
    static let npy_i8le_data: [Double] = [-9.223372036854776e+18, -1.0, 9007199254740992.0]
    static let npy_i8be = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/////////+wAAABy+mRoU"
    static let npy_i8be_shape: [Int] = [2]
    static let npy_i8be_data: [Double] = [-5.0, 123456789012.0]
    static let npy_u1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAyP8="
    static let npy_u1_shape: [Int] = [3]
    static let npy_u1_data: [Double] = [0.0, 200.0, 255.0]
    static let npy_u2be = "k05VTVBZAQB2AHsnZGVzY3InOiAnPnUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//wAB"
    static let npy_u2be_shape: [Int] = [2]
    static let npy_u2be_data: [Double] = [65535.0, 1.0]
    static let npy_u4le = "k05VTVBZAQB2AHsnZGVzY3InOiAnPHU0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr/////AwAAAA=="
    static let npy_u4le_shape: [Int] = [2]
    static let npy_u4le_data: [Double] = [4294967295.0, 3.0]
    static let npy_u8le = "k05VTVBZAQB2AHsnZGVzY3InOiAnPHU4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////yoAAAAAAAAA"
    static let npy_u8le_shape: [Int] = [2]
    static let npy_u8le_data: [Double] = [1.8446744073709552e+19, 42.0]
    static let npy_bool = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE="
    static let npy_bool_shape: [Int] = [3]
    static let npy_bool_data: [Double] = [1.0, 0.0, 1.0]
    static let npy_scalar = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAEQA=="
    static let npy_scalar_shape: [Int] = []
    static let npy_scalar_data: [Double] = [2.5]
    static let npy_empty = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo="
    static let npy_empty_shape: [Int] = [0]
    static let npy_empty_data: [Double] = []
    static let npy_empty2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDApLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo="
    static let npy_empty2_shape: [Int] = [2, 0]
    static let npy_empty2_data: [Double] = []
    static let npy_fortran23 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAABJAAAAAAAAA+D8AAAAAAAAYQAAAAAAAAAhAAAAAAAAAHkA="
    static let npy_fortran23_data: [Double] = [0.0, 1.5, 3.0, 4.5, 6.0, 7.5]
    static let npy_fortran234 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr5////BQAAAP3///8JAAAAAQAAAA0AAAD6////BgAAAP7///8KAAAAAgAAAA4AAAD7////BwAAAP////8LAAAAAwAAAA8AAAD8////CAAAAAAAAAAMAAAABAAAABAAAAA="
    static let npy_fortran234_data: [Double] = [-7.0, -6.0, -5.0, -4.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]
    static let npy_v2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQA=="
    static let npy_v3 = "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAACEAAAAAAAAAQQA=="
    static let npy_complex = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGMxNicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA"
    static let npy_unicode = "k05VTVBZAQB2AHsnZGVzY3InOiAnPFUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAphAAAAYgAAAGMAAAAAAAAA"
    static let npy_structured = "k05VTVBZAQB2AHsnZGVzY3InOiBbKCdhJywgJzxmOCcpLCAoJ2InLCAnPGk0JyldLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    static let npy_datetime = "k05VTVBZAQB2AHsnZGVzY3InOiAnPE04W0RdJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApWRwAAAAAAAA=="
    // MARK: what np.save writes (our writer must produce the same bytes)
    static let npy_w_vec = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAAAACEA="
    static let npy_w_mat = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDQpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAJIkSZIkScI/kiRJkiRJ0j/btm3btm3bP5IkSZIkSeI/t23btm3b5j/btm3btm3rPwAAAAAAAPA/kiRJkiRJ8j8lSZIkSZL0P7dt27Zt2/Y/SZIkSZIk+T8="
    static let npy_w_scalar = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADgvw=="
    static let npy_w_empty = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo="
    static let npy_w_rank3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAKwAAAAAAAAALAAAAAAAAA9L8AAAAAAADQvwAAAAAAAOg/AAAAAAAA/D8AAAAAAAAGQAAAAAAAAA5A"
    static let npy_w_long = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEyMzQ1Njc4OTAxMiwgMCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo="
}
