import LossLang

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
        case .string(let s): out += Display.jsonString(s)
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
                out += String(repeating: " ", count: (level + 1) * indent) + Display.jsonString(key) + ": "
                dict[key]?.write(into: &out, level: level + 1, indent: indent)
                out += k == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: level * indent) + "}"
        }
    }
}
