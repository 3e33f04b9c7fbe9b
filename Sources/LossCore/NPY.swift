import Foundation

/// NumPy's `.npy` format (format versions 1.0, 2.0 and 3.0).
///
/// Reading: float64/32/16, int8/16/32/64, uint8/16/32/64 and bool, in little ('<'),
/// big ('>'), native ('=') or not-applicable ('|') byte order, C or Fortran order (the
/// latter is transposed into row-major). Every value becomes a float64 (integers beyond
/// 2^53 round to the nearest double). Writing: float64 '<f8', C order, version 1.0 (2.0
/// only if the header would not fit), header padded to a multiple of 64 bytes as NumPy does.
///
/// Every malformed file is a `CoreError`: bad magic, bad or truncated header, unsupported
/// dtype (structured, complex, strings, objects…), negative or huge shapes, truncated data.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    // MARK: reading

    public static func read(path: String) throws -> Tensor {
        let bytes = try FileIO.readBytes(path)
        return try decode(bytes, name: "\"\(path)\"")
    }

    public static func decode(_ data: Data, name: String = "the file") throws -> Tensor {
        try decode([UInt8](data), name: name)
    }

    /// Parses the bytes of a `.npy` file. `name` is how messages refer to the file.
    public static func decode(_ b: [UInt8], name: String = "the file") throws -> Tensor {
        guard b.count >= 8, Array(b[0..<6]) == magic else {
            throw CoreError("\(name) is not a .npy file (it does not start with \\x93NUMPY)")
        }
        let major = b[6], minor = b[7]
        let headerLen: Int, headerStart: Int
        switch major {
        case 1:
            guard b.count >= 10 else { throw CoreError("\(name) is truncated inside the .npy header") }
            headerLen = Int(b[8]) | Int(b[9]) << 8
            headerStart = 10
        case 2, 3:
            guard b.count >= 12 else { throw CoreError("\(name) is truncated inside the .npy header") }
            headerLen = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            headerStart = 12
        default:
            throw CoreError("\(name) has .npy format version \(major).\(minor); versions 1.0, 2.0 and 3.0 are supported")
        }
        guard headerLen <= b.count - headerStart else {
            throw CoreError("\(name) is truncated: its .npy header declares \(headerLen) bytes but only \(b.count - headerStart) follow")
        }
        let headerBytes = Array(b[headerStart..<(headerStart + headerLen)])
        // 1.0 and 2.0 headers are latin-1, 3.0 UTF-8; the dict is ASCII either way.
        let headerText: String
        if major == 3 {
            guard let s = String(bytes: headerBytes, encoding: .utf8) else {
                throw CoreError("\(name) has a .npy header that is not valid UTF-8")
            }
            headerText = s
        } else {
            headerText = String(decoding: headerBytes.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
        }
        let header = try parseHeader(headerText, name: name)
        let dtype = try DType(header.descr, name: name)
        let count: Int
        do { count = try Tensor.checkedCount(header.shape) } catch let e as CoreError {
            throw CoreError("\(name) declares \(e.message)")
        }
        let dataStart = headerStart + headerLen
        let available = b.count - dataStart
        // count ≤ maxTensorElements (2^28) and itemSize ≤ 8: no overflow
        let needed = count * dtype.size
        guard needed <= available else {
            throw CoreError("\(name) is truncated: shape \(formatShape(header.shape)) of \(header.descr) needs \(needed) bytes of data, found \(available)")
        }
        var values = try Memory.doubles(count)
        b.withUnsafeBufferPointer { src in
            values.withUnsafeMutableBufferPointer { dst in
                dtype.convert(src, from: dataStart, into: dst)
            }
        }
        if header.fortranOrder && header.shape.count > 1 {
            values = try fortranToC(values, shape: header.shape)
        }
        return Tensor(shape: header.shape, data: values)
    }

    /// Column-major data of `shape` reordered into row-major.
    static func fortranToC(_ v: [Double], shape: [Int]) throws -> [Double] {
        // Fortran strides: axis j steps by the product of the dims before it.
        var fstrides = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for j in 0..<shape.count { fstrides[j] = acc; acc = acc &* shape[j] }
        var out = try Memory.doubles(v.count)
        v.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.walk(shape, fstrides) { i, off in dst[i] = src[off] }
            }
        }
        return out
    }

    struct Header {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
    }

    /// Parses the Python dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parseHeader(_ text: String, name: String) throws -> Header {
        var p = PyLiteralParser(Array(text.unicodeScalars), name: name)
        let value = try p.parseValue()
        p.skipSpace()
        guard p.atEnd else { throw CoreError("\(name) has a malformed .npy header (unexpected text after the dictionary)") }
        guard case .dict(let entries) = value else {
            throw CoreError("\(name) has a malformed .npy header (expected a dictionary)")
        }
        var descr: String?, fortran: Bool?, shape: [Int]?
        for (k, v) in entries {
            switch k {
            case "descr":
                guard case .string(let s) = v else {
                    throw CoreError("\(name) holds a structured dtype; only plain numeric dtypes (float, int, uint, bool) are supported")
                }
                descr = s
            case "fortran_order":
                guard case .bool(let f) = v else { throw CoreError("\(name) has a malformed .npy header ('fortran_order' must be True or False)") }
                fortran = f
            case "shape":
                guard case .tuple(let items) = v else { throw CoreError("\(name) has a malformed .npy header ('shape' must be a tuple)") }
                var dims: [Int] = []
                for item in items {
                    guard case .int(let d) = item else { throw CoreError("\(name) has a malformed .npy header ('shape' must hold integers)") }
                    guard d >= 0 else { throw CoreError("\(name) has a negative dimension in its shape") }
                    dims.append(d)
                }
                shape = dims
            default:
                continue  // NumPy rejects extra keys; tolerating them is harmless
            }
        }
        guard let d = descr, let f = fortran, let s = shape else {
            throw CoreError("\(name) has a malformed .npy header (it needs 'descr', 'fortran_order' and 'shape')")
        }
        return Header(descr: d, fortranOrder: f, shape: s)
    }

    /// A numeric dtype of the file.
    struct DType {
        enum Kind { case float, int, uint, bool }
        var kind: Kind
        var size: Int
        var bigEndian: Bool

        init(_ descr: String, name: String) throws {
            let unsupported = CoreError("\(name) holds dtype '\(descr)', which is not supported; use float64, float32, int or bool arrays",
                                        hint: "in NumPy, convert with x.astype(np.float64) before np.save")
            var s = Substring(descr)
            bigEndian = false
            if let c = s.first, "<>|=".contains(c) {
                bigEndian = c == ">"
                s = s.dropFirst()
            }
            guard let k = s.first else { throw unsupported }
            let digits = s.dropFirst()
            if k == "?" && digits.isEmpty { kind = .bool; size = 1; return }
            guard let n = Int(digits) else { throw unsupported }
            switch (k, n) {
            case ("f", 2), ("f", 4), ("f", 8): kind = .float
            case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .int
            case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .uint
            case ("b", 1): kind = .bool
            default: throw unsupported
            }
            size = n
        }

        /// Converts `dst.count` items starting at byte `start` of `src` into doubles.
        func convert(_ src: UnsafeBufferPointer<UInt8>, from start: Int, into dst: UnsafeMutableBufferPointer<Double>) {
            let size = self.size, big = bigEndian, kind = self.kind
            #if _endian(little)
            if kind == .float && size == 8 && !big {  // the common case: a plain copy
                UnsafeMutableRawBufferPointer(dst).copyMemory(
                    from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: src[start..<(start + 8 * dst.count)])))
                return
            }
            #endif
            @inline(__always) func word(_ at: Int) -> UInt64 {
                var w: UInt64 = 0
                if big {
                    for j in 0..<size { w = w << 8 | UInt64(src[at + j]) }
                } else {
                    for j in stride(from: size - 1, through: 0, by: -1) { w = w << 8 | UInt64(src[at + j]) }
                }
                return w
            }
            for i in 0..<dst.count {
                let w = word(start + i * size)
                let x: Double
                switch kind {
                case .bool: x = w != 0 ? 1 : 0
                case .uint: x = Double(w)
                case .int:
                    let shift = UInt64(64 - 8 * size)
                    x = Double(Int64(bitPattern: w << shift) >> Int64(shift))  // sign-extend
                case .float:
                    switch size {
                    case 8: x = Double(bitPattern: w)
                    case 4: x = Double(Float(bitPattern: UInt32(truncatingIfNeeded: w)))
                    default: x = NPY.halfToDouble(UInt16(truncatingIfNeeded: w))
                    }
                }
                dst[i] = x
            }
        }
    }

    /// IEEE 754 binary16 to double.
    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exp = Int((h >> 10) & 0x1F)
        let frac = Double(h & 0x3FF)
        switch exp {
        case 0: return sign * frac * 0x1p-24  // subnormal (and zero)
        case 31: return frac == 0 ? sign * .infinity : .nan
        default: return sign * (1 + frac / 1024) * Double(sign: .plus, exponent: exp - 15, significand: 1)
        }
    }

    // MARK: writing

    /// The bytes of a `.npy` file holding `t` as little-endian float64 in C order.
    public static func encode(_ t: Tensor) -> [UInt8] {
        let shapeText: String
        switch t.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(t.shape[0]),)"
        default: shapeText = "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = Array("{'descr': '<f8', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        // spare room for the first axis to grow in place, as recent NumPy writes it
        if let d0 = t.shape.first { dict += [UInt8](repeating: 0x20, count: Swift.max(0, 21 - String(d0).count)) }
        // magic(6) + version(2) + length(2 in 1.0, 4 in 2.0); data aligned to 64 bytes,
        // with NumPy's padding rule (1…64 spaces, then a newline)
        var prefix = 10
        var version: UInt8 = 1
        if dict.count + 1 + 64 > 65535 { prefix = 12; version = 2 }
        let pad = 64 - (prefix + dict.count + 1) % 64
        dict += [UInt8](repeating: 0x20, count: pad)
        dict.append(0x0A)
        var out: [UInt8] = []
        out.reserveCapacity(prefix + dict.count + 8 * t.count)
        out += magic
        out += [version, 0]
        let len = dict.count
        if version == 1 {
            out += [UInt8(len & 0xFF), UInt8(len >> 8 & 0xFF)]
        } else {
            out += [UInt8(len & 0xFF), UInt8(len >> 8 & 0xFF), UInt8(len >> 16 & 0xFF), UInt8(len >> 24 & 0xFF)]
        }
        out += dict
        let start = out.count
        out += [UInt8](repeating: 0, count: 8 * t.count)
        t.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count {
                    let w = src[i].bitPattern.littleEndian
                    withUnsafeBytes(of: w) { bytes in
                        for j in 0..<8 { dst[start + 8 * i + j] = bytes[j] }
                    }
                }
            }
        }
        return out
    }

    public static func write(_ t: Tensor, path: String) throws {
        try FileIO.writeBytes(encode(t), path)
    }
}

/// A tiny parser for the Python literals of a `.npy` header: dicts, tuples, lists,
/// strings, integers, True/False/None.
struct PyLiteralParser {
    enum Value {
        case dict([(String, Value)])
        case tuple([Value])
        case string(String)
        case int(Int)
        case bool(Bool)
        case other
    }

    let s: [Unicode.Scalar]
    var i = 0
    let name: String
    var depth = 0

    init(_ s: [Unicode.Scalar], name: String) { self.s = s; self.name = name }

    var atEnd: Bool { i >= s.count }

    func bad(_ what: String) -> CoreError {
        CoreError("\(name) has a malformed .npy header (\(what))")
    }

    mutating func skipSpace() {
        while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\t" || s[i] == "\r" || s[i] == "\0" { i += 1 }
    }

    mutating func parseValue() throws -> Value {
        skipSpace()
        guard i < s.count else { throw bad("unexpected end") }
        depth += 1
        defer { depth -= 1 }
        if depth > 32 { throw bad("nested too deeply") }
        let c = s[i]
        switch c {
        case "{":
            i += 1
            var entries: [(String, Value)] = []
            while true {
                skipSpace()
                guard i < s.count else { throw bad("unterminated dictionary") }
                if s[i] == "}" { i += 1; return .dict(entries) }
                guard case .string(let key) = try parseValue() else { throw bad("dictionary keys must be strings") }
                skipSpace()
                guard i < s.count, s[i] == ":" else { throw bad("expected ':' after '\(key)'") }
                i += 1
                let v = try parseValue()
                entries.append((key, v))
                skipSpace()
                guard i < s.count else { throw bad("unterminated dictionary") }
                if s[i] == "," { i += 1 } else if s[i] != "}" { throw bad("expected ',' or '}'") }
            }
        case "(", "[":
            let close: Unicode.Scalar = c == "(" ? ")" : "]"
            i += 1
            var items: [Value] = []
            while true {
                skipSpace()
                guard i < s.count else { throw bad("unterminated tuple") }
                if s[i] == close { i += 1; return c == "(" ? .tuple(items) : .other }
                items.append(try parseValue())
                skipSpace()
                guard i < s.count else { throw bad("unterminated tuple") }
                if s[i] == "," { i += 1 } else if s[i] != close { throw bad("expected ',' in a tuple") }
            }
        case "'", "\"":
            i += 1
            var out = String.UnicodeScalarView()
            while i < s.count, s[i] != c {
                if s[i] == "\\" { i += 1; guard i < s.count else { break } }
                out.append(s[i])
                i += 1
            }
            guard i < s.count else { throw bad("unterminated string") }
            i += 1
            return .string(String(out))
        case "0"..."9", "-", "+":
            var digits = ""
            if c == "-" || c == "+" { digits.unicodeScalars.append(c); i += 1 }
            while i < s.count, ("0"..."9").contains(s[i]) { digits.unicodeScalars.append(s[i]); i += 1 }
            if i < s.count, s[i] == "L" || s[i] == "l" { i += 1 }  // Python 2 long
            guard let n = Int(digits) else {
                throw bad(digits.count > 18 ? "a shape dimension is too large: \(digits.prefix(30))" : "bad number '\(digits)'")
            }
            return .int(n)
        default:
            var word = ""
            while i < s.count, s[i].properties.isAlphabetic || s[i] == "_" { word.unicodeScalars.append(s[i]); i += 1 }
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .other
            default: throw bad("unexpected '\(word.isEmpty ? String(c) : word)'")
            }
        }
    }
}

/// Reading and writing whole files, with errors in the user's terms.
public enum FileIO {
    /// Expands a leading `~`.
    public static func expand(_ path: String) -> String {
        (path as NSString).expandingTildeInPath
    }

    public static func readBytes(_ path: String) throws -> [UInt8] {
        let full = expand(path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir) else {
            throw CoreError("cannot read \"\(path)\": no such file")
        }
        if isDir.boolValue { throw CoreError("cannot read \"\(path)\": it is a directory") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: full)))
        } catch {
            throw CoreError("cannot read \"\(path)\": \(error.localizedDescription)")
        }
    }

    public static func writeBytes(_ bytes: [UInt8], _ path: String) throws {
        let full = expand(path)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), isDir.boolValue {
            throw CoreError("cannot write \"\(path)\": it is a directory")
        }
        let dir = (full as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw CoreError("cannot write \"\(path)\": folder \"\(dir)\" does not exist")
            }
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: full), options: .atomic)
        } catch {
            throw CoreError("cannot write \"\(path)\": \(error.localizedDescription)")
        }
    }
}
