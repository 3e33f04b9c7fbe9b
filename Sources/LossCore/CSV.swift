import Foundation

/// Comma-separated numbers.
///
/// Reading: one row per line (`\n` or `\r\n`), cells separated by commas, spaces around
/// cells ignored, blank lines skipped. The first line is a header and is skipped when none of
/// its cells is a number and it has letters (`x,y,label`). Cells are decimal numbers (`3`, `-0.25`, `1e-3`) or
/// `nan`, `inf`, `-inf` (any case, also `infinity`), optionally in double quotes. A single
/// column gives a vector, more columns a matrix [rows, columns]; no data rows give the empty
/// vector. Ragged rows, empty and non-numeric cells are errors that name the line.
///
/// Writing: a number or vector is one value per line; a matrix is one row per line; values
/// as `%.17g` (exact round trip; `nan`, `inf`, `-inf`). Higher ranks are an error.
public enum CSV {
    public static func read(path: String) throws -> Tensor {
        let bytes = try FileIO.readBytes(path)
        return try decode(bytes, name: "\"\(path)\"")
    }

    public static func decode(_ bytes: [UInt8], name: String = "the file") throws -> Tensor {
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw CoreError("\(name) is not a text file (it is not valid UTF-8)")
        }
        return try parse(text, name: name)
    }

    /// Parses CSV text; `name` is how messages refer to the file.
    public static func parse(_ text: String, name: String = "the file") throws -> Tensor {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }  // byte-order mark
        // split on "\n" by unicode scalars ("\r\n" is one Character, so split scalars)
        let lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        var columns: Int? = nil
        var firstContentLine = true
        var data: [Double] = []
        var rows = 0
        for (lineIndex, rawLine) in lines.enumerated() {
            let lineNo = lineIndex + 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            let values = cells.map { number(in: $0) }
            if firstContentLine {
                firstContentLine = false
                if values.allSatisfy({ $0 == nil }) && line.contains(where: { $0.isLetter }) {
                    continue  // header of names
                }
            }
            if let c = columns {
                guard cells.count == c else {
                    throw CoreError("\(name), line \(lineNo): expected \(c) value\(c == 1 ? "" : "s") like the rows before it, got \(cells.count)")
                }
            } else {
                columns = cells.count
            }
            for (j, v) in values.enumerated() {
                guard let x = v else {
                    let cell = trim(cells[j])
                    if cell.isEmpty {
                        throw CoreError("\(name), line \(lineNo), column \(j + 1): empty cell; expected a number")
                    }
                    let shown = cell.count > 40 ? String(cell.prefix(40)) + "…" : String(cell)
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
        guard let c = columns else { return Tensor([]) }
        if c == 1 { return Tensor(data) }
        return Tensor(shape: [rows, c], data: data)
    }

    static func trim(_ s: Substring) -> Substring {
        var t = s
        while let f = t.first, f == " " || f == "\t" { t = t.dropFirst() }
        while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
        return t
    }

    /// A cell as a number, or nil. Decimal notation only (no hex, no thousands separators).
    static func number(in raw: Substring) -> Double? {
        var s = trim(raw)
        if s.count >= 2, s.first == "\"", s.last == "\"" { s = trim(s.dropFirst().dropLast()) }
        if s.isEmpty { return nil }
        var body = s
        var negative = false
        if let f = body.first, f == "+" || f == "-" { negative = f == "-"; body = body.dropFirst() }
        switch body.lowercased() {
        case "nan": return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: break
        }
        var sawDigit = false
        for c in body {
            if c.isASCII, c.isNumber { sawDigit = true; continue }
            if c == "." || c == "e" || c == "E" || c == "+" || c == "-" { continue }
            return nil
        }
        guard sawDigit else { return nil }
        return Double(String(s))
    }

    /// The text of `t` as CSV (see the type's notes).
    public static func encode(_ t: Tensor) throws -> String {
        func fmt(_ x: Double) -> String {
            if x.isNaN { return "nan" }
            if x.isInfinite { return x < 0 ? "-inf" : "inf" }
            return String(format: "%.17g", x)
        }
        switch t.rank {
        case 0, 1:
            return t.data.map { fmt($0) + "\n" }.joined()
        case 2:
            let cols = t.shape[1]
            if cols == 0 { return "" }
            var out = ""
            for r in 0..<t.shape[0] {
                out += t.data[(r * cols)..<((r + 1) * cols)].map(fmt).joined(separator: ",")
                out += "\n"
            }
            return out
        default:
            throw CoreError(".csv holds a vector or a matrix, got a tensor of shape \(formatShape(t.shape))",
                            hint: "save it as .npy, or reshape it to a matrix first")
        }
    }

    public static func write(_ t: Tensor, path: String) throws {
        try FileIO.writeBytes(Array(try encode(t).utf8), path)
    }
}
