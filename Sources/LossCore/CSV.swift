import Foundation

/// Comma-separated numbers.
///
/// Reading: one row per line (`\n` or `\r\n`), cells separated by commas, spaces around
/// cells ignored, blank lines skipped. The first line is a header and is skipped when none of
/// its cells is a number and it has letters (`x,y,label`). Cells are decimal numbers (`3`, `-0.25`, `1e-3`) or
/// `nan`, `inf`, `-inf` (any case, also `infinity`), optionally in double quotes. A single
/// column gives a vector, more columns a matrix [rows, columns]; no data rows give the empty
/// vector. Ragged rows, empty and non-numeric cells are errors that name the line and column.
///
/// Writing: a number or vector is one value per line; a matrix is one row per line; values in
/// the shortest form that reads back as the same double (`0.1`, `3`, `1e-300`, `nan`, `-inf`;
/// exact like `%.17g`, but shorter). Higher ranks are an error.
public enum CSV {
    public static func read(path: String) throws -> Tensor {
        let bytes = try FileIO.readBytes(path)
        return try decode(bytes, name: "\"\(path)\"")
    }

    /// Parses CSV text; `name` is how messages refer to the file.
    public static func parse(_ text: String, name: String = "the file") throws -> Tensor {
        try decode(Array(text.utf8), name: name)
    }

    /// Parses the bytes of a CSV file (UTF-8 or any ASCII-compatible encoding).
    public static func decode(_ bytes: [UInt8], name: String = "the file") throws -> Tensor {
        try bytes.withUnsafeBufferPointer { try decode($0, name: name) }
    }

    static func decode(_ b: UnsafeBufferPointer<UInt8>, name: String) throws -> Tensor {
        let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var pos = 0
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { pos = 3 }  // byte-order mark
        if let base = b.baseAddress, memchr(base, 0, b.count) != nil {
            throw CoreError("\(name) is not a text file (it contains NUL bytes)")
        }
        var columns: Int? = nil
        var firstContentLine = true
        var data: [Double] = []
        var rows = 0
        var lineNo = 0
        var cells: [Range<Int>] = []
        var values: [Double?] = []
        while pos < b.count {
            lineNo += 1
            var end = pos
            while end < b.count, b[end] != newline { end += 1 }
            let next = end + 1
            if end > pos, b[end - 1] == cr { end -= 1 }
            defer { pos = next }
            // blank line?
            var k = pos
            while k < end, b[k] == 0x20 || b[k] == 0x09 { k += 1 }
            if k == end { continue }
            cells.removeAll(keepingCapacity: true)
            var c = pos
            for i in pos..<end where b[i] == comma {
                cells.append(c..<i)
                c = i + 1
            }
            cells.append(c..<end)
            values.removeAll(keepingCapacity: true)
            for r in cells { values.append(number(b, r)) }
            if firstContentLine {
                firstContentLine = false
                let hasLetters = (pos..<end).contains { let x = b[$0]; return x >= 0x80 || (x | 0x20 >= 0x61 && x | 0x20 <= 0x7A) }
                if hasLetters && values.allSatisfy({ $0 == nil })
                    && String(bytes: UnsafeBufferPointer(rebasing: b[pos..<end]), encoding: .utf8) != nil {
                    continue  // header of names
                }
            }
            if let n = columns {
                guard cells.count == n else {
                    throw CoreError("\(name), line \(lineNo): expected \(n) value\(n == 1 ? "" : "s") like the rows before it, got \(cells.count)")
                }
            } else {
                columns = cells.count
            }
            for (j, v) in values.enumerated() {
                guard let x = v else {
                    let r = trim(b, cells[j])
                    if r.isEmpty {
                        throw CoreError("\(name), line \(lineNo), column \(j + 1): empty cell; expected a number")
                    }
                    let cell = String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
                    let shown = cell.count > 40 ? String(cell.prefix(40)) + "…" : cell
                    let hint: String? = cell.contains(";") || cell.contains("\t")
                        ? "cells must be separated by commas" : nil
                    throw CoreError("\(name), line \(lineNo), column \(j + 1): expected a number, got \"\(shown)\"", hint: hint)
                }
                data.append(x)
            }
            rows += 1
            if data.count > maxTensorElements {
                throw CoreError("\(name) has more than \(maxTensorElements) values")
            }
        }
        guard let n = columns else { return Tensor([]) }
        if n == 1 { return Tensor(data) }
        return Tensor(shape: [rows, n], data: data)
    }

    /// The range without surrounding spaces and tabs.
    @inline(__always)
    static func trim(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, b[lo] == 0x20 || b[lo] == 0x09 { lo += 1 }
        while hi > lo, b[hi - 1] == 0x20 || b[hi - 1] == 0x09 { hi -= 1 }
        return lo..<hi
    }

    /// A cell as a number, or nil. Decimal notation only (no hex, no thousands separators),
    /// or nan / inf / infinity in any case; optionally in double quotes.
    static func number(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var r = trim(b, range)
        if r.count >= 2, b[r.lowerBound] == 0x22, b[r.upperBound - 1] == 0x22 {
            r = trim(b, (r.lowerBound + 1)..<(r.upperBound - 1))
        }
        guard !r.isEmpty, r.count < 400 else { return nil }
        var lo = r.lowerBound
        var negative = false
        if b[lo] == UInt8(ascii: "-") || b[lo] == UInt8(ascii: "+") { negative = b[lo] == UInt8(ascii: "-"); lo += 1 }
        var sawDigit = false, sawOther = false
        for i in lo..<r.upperBound {
            let x = b[i]
            if x >= 0x30 && x <= 0x39 { sawDigit = true; continue }
            if x == UInt8(ascii: ".") || x == UInt8(ascii: "e") || x == UInt8(ascii: "E")
                || x == UInt8(ascii: "+") || x == UInt8(ascii: "-") { continue }
            sawOther = true
            break
        }
        if sawOther || !sawDigit {
            // nan, inf, infinity (any case)
            let n = r.upperBound - lo
            guard n == 3 || n == 8 else { return nil }
            var word = ""
            for i in lo..<r.upperBound { word.unicodeScalars.append(Unicode.Scalar(b[i] | 0x20)) }
            switch word {
            case "nan": return .nan
            case "inf", "infinity": return negative ? -.infinity : .infinity
            default: return nil
            }
        }
        // strtod on a NUL-terminated copy; the whole cell must be consumed
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: r.count + 1) { buf -> Double? in
            guard let base = buf.baseAddress else { return nil }
            for (k, i) in r.enumerated() { base[k] = CChar(bitPattern: b[i]) }
            base[r.count] = 0
            var endp: UnsafeMutablePointer<CChar>? = nil
            let x = strtod(base, &endp)
            guard let e = endp, e - base == r.count else { return nil }
            return x
        }
    }

    // MARK: tables with a header

    /// A column of a CSV file with a header: numbers, or text when a cell is not a number.
    public enum Column: Equatable {
        case numbers([Double])
        case strings([String])
    }

    /// A CSV file whose first line is a header, as named columns; nil when the file has no
    /// header (then `decode` reads it as a vector or matrix). Column names are the header's
    /// cells made into names (`sepal length (cm)` → `sepal_length_cm`, see `fieldName`).
    /// A column whose cells are all numbers (empty cells are nan) is `.numbers`; any other
    /// column is `.strings`. Ragged rows are errors that name the line.
    public static func decodeTable(_ bytes: [UInt8], name: String = "the file") throws -> [(name: String, column: Column)]? {
        var text = bytes
        if text.count >= 3, text[0] == 0xEF, text[1] == 0xBB, text[2] == 0xBF { text.removeFirst(3) }
        if text.contains(0) { throw CoreError("\(name) is not a text file (it contains NUL bytes)") }
        var lines: [(no: Int, cells: [String])] = []
        var lineNo = 0
        for raw in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNo += 1
            var line = String(decoding: raw, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((lineNo, line.split(separator: ",", omittingEmptySubsequences: false).map { unquote(String($0)) }))
        }
        guard let header = lines.first else { return nil }
        // the same rule as `decode`: no cell is a number, and there are letters
        let isHeader = header.cells.allSatisfy { cell in Array(cell.utf8).withUnsafeBufferPointer { number($0, 0..<$0.count) == nil } }
            && header.cells.contains { $0.unicodeScalars.contains { $0.properties.isAlphabetic } }
        guard isHeader else { return nil }
        let n = header.cells.count
        var cols = [[String]](repeating: [], count: n)
        for (no, cells) in lines.dropFirst() {
            guard cells.count == n else {
                throw CoreError("\(name), line \(no): expected \(n) value\(n == 1 ? "" : "s") like the header, got \(cells.count)")
            }
            for j in 0..<n { cols[j].append(cells[j]) }
            if cols[0].count * n > maxTensorElements { throw CoreError("\(name) has more than \(maxTensorElements) values") }
        }
        var names: [String] = []
        for (j, h) in header.cells.enumerated() {
            var f = fieldName(h, index: j)
            var k = 2
            while names.contains(f) { f = fieldName(h, index: j) + "_\(k)"; k += 1 }
            names.append(f)
        }
        return zip(names, cols).map { name, cells in
            var xs: [Double] = []
            xs.reserveCapacity(cells.count)
            for c in cells {
                if c.isEmpty { xs.append(.nan); continue }
                let x = Array(c.utf8).withUnsafeBufferPointer { number($0, 0..<$0.count) }
                guard let v = x else { return (name, Column.strings(cells)) }
                xs.append(v)
            }
            return (name, Column.numbers(xs))
        }
    }

    /// A header cell as a name the language can read with `r.name`: runs of characters that
    /// are not letters, digits or `_` become one `_`, trimmed; a leading digit gets a `_`;
    /// an empty name is `column_K` (1-based).
    public static func fieldName(_ header: String, index: Int) -> String {
        var out = ""
        for u in header.unicodeScalars {
            if u == "_" || u.properties.isAlphabetic || ("0"..."9").contains(u) { out.unicodeScalars.append(u) }
            else if !out.isEmpty && !out.hasSuffix("_") { out += "_" }
        }
        while out.hasSuffix("_") { out.removeLast() }
        if out.isEmpty { return "column_\(index + 1)" }
        if let f = out.unicodeScalars.first, ("0"..."9").contains(f) { out = "_" + out }
        return out
    }

    static func unquote(_ cell: String) -> String {
        let t = cell.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { return String(t.dropFirst().dropLast()) }
        return t
    }

    /// Named columns as CSV with a header line (`save(record, "out.csv")`). Every column has
    /// the same length; text cells may not hold commas, quotes or line breaks.
    public static func encodeTable(_ columns: [(name: String, column: Column)]) throws -> [UInt8] {
        func count(_ c: Column) -> Int {
            switch c { case .numbers(let xs): return xs.count; case .strings(let ss): return ss.count }
        }
        let rows = columns.first.map { count($0.column) } ?? 0
        for c in columns where count(c.column) != rows {
            throw CoreError("every column of a .csv needs the same length: \(columns[0].name) has \(rows) values, \(c.name) has \(count(c.column))")
        }
        func check(_ s: String, _ what: String) throws {
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                throw CoreError("\(what) \"\(s)\" holds a comma, quote or line break, which a .csv cell cannot")
            }
        }
        var out = ""
        for (k, c) in columns.enumerated() {
            try check(c.name, "the column name")
            out += (k == 0 ? "" : ",") + c.name
        }
        out += "\n"
        for i in 0..<rows {
            for (k, c) in columns.enumerated() {
                if k > 0 { out += "," }
                switch c.column {
                case .numbers(let xs): out += shortest(xs[i])
                case .strings(let ss): try check(ss[i], "the cell"); out += ss[i]
                }
            }
            out += "\n"
        }
        return Array(out.utf8)
    }

    /// The shortest text that reads back as the same double (`0.1`, `3`, `1e-300`, `nan`, `-inf`).
    static func shortest(_ x: Double) -> String {
        var t = x.description
        if t.hasSuffix(".0") { t.removeLast(2) }
        return t
    }

    /// The text of `t` as CSV (see the type's notes).
    public static func encode(_ t: Tensor) throws -> String {
        String(decoding: try encodeBytes(t), as: UTF8.self)
    }

    /// The bytes of `t` as CSV.
    public static func encodeBytes(_ t: Tensor) throws -> [UInt8] {
        let cols: Int
        switch t.rank {
        case 0, 1: cols = 1
        case 2: cols = t.shape[1]
        default:
            throw CoreError(".csv holds a vector or a matrix, got a tensor of shape \(formatShape(t.shape))",
                            hint: "save it as .npy, or reshape it to a matrix first")
        }
        if cols == 0 { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(t.count * 20)
        t.data.withUnsafeBufferPointer { src in
            for i in 0..<src.count {
                // Swift's shortest round-trip form ("0.1", "1e-300", "nan", "-inf"), without
                // the ".0" of integral values: exact like %.17g, shorter, and 7× faster than printf
                out.append(contentsOf: shortest(src[i]).utf8)
                out.append(i % cols == cols - 1 ? 0x0A : 0x2C)
            }
        }
        return out
    }

    public static func write(_ t: Tensor, path: String) throws {
        try FileIO.writeBytes(try encodeBytes(t), path)
    }
}
