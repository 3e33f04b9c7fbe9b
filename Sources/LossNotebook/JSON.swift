/// A JSON value written the way nbformat writes notebooks (Python's
/// `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)`), so output is byte-stable.
indirect enum JSONValue: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    func serialized(indent: Int = 1) -> String {
        var out = ""
        write(into: &out, level: 0, indent: indent)
        return out
    }

    private func write(into out: inout String, level: Int, indent: Int) {
        switch self {
        case .string(let s): out += JSONValue.quote(s)
        case .int(let n): out += String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (k, item) in items.enumerated() {
                out += String(repeating: " ", count: (level + 1) * indent)
                item.write(into: &out, level: level + 1, indent: indent)
                out += k == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: level * indent) + "]"
        case .object(let dict):
            if dict.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = dict.keys.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
            for (k, key) in keys.enumerated() {
                out += String(repeating: " ", count: (level + 1) * indent) + JSONValue.quote(key) + ": "
                dict[key]?.write(into: &out, level: level + 1, indent: indent)
                out += k == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: level * indent) + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
