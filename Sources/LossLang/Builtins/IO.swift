import Dispatch
import Foundation
import LossCore

/// The file format chosen by a path's extension.
private enum FileFormat { case npy, csv }

private func format(of path: String, _ args: Args) throws -> FileFormat {
    switch (path as NSString).pathExtension.lowercased() {
    case "npy": return .npy
    case "csv": return .csv
    case "": throw args.fail("cannot tell the format of \"\(path)\": it has no extension; use .npy or .csv")
    case let ext: throw args.fail("cannot tell the format of \"\(path)\" from its extension .\(ext); use .npy or .csv",
                                  hint: ext == "npz" ? ".npz archives are not supported: save each array with np.save" : nil)
    }
}

/// Re-raises a core error with the built-in's name in front.
private func named<T>(_ args: Args, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as CoreError { throw args.fail(e.message, hint: e.hint) }
}

func installIOBuiltins(_ r: Registry) {
    r.add(Builtin(
        "load", group: .io,
        params: [Param("path", "a .npy or .csv file (the extension chooses the format); ~ is expanded")],
        summary: "Reads a tensor from a NumPy .npy file or a .csv file of numbers.",
        reference: "NumPy's .npy format (NEP 1), versions 1.0–3.0: np.save / np.load. CSV as np.loadtxt(path, delimiter=\",\") " +
            "with a header line skipped.",
        notes: ".npy: float64, float32, float16, int8–64, uint8–64 and bool, either byte order, C or Fortran order; every value " +
            "becomes a float64 and a 0-d array a number. .csv: comma-separated numbers (nan, inf allowed), one row per line; " +
            "a first line without any number is a header: then the file loads as a record of columns named by it " +
            "(d = load(\"iris.csv\"); d.sepal_length), numbers as vectors (empty cells nan) and other columns as lists of strings; " +
            "header names become field names (sepal length (cm) → sepal_length_cm). Without a header, one column gives a vector, more a matrix " +
            "(a single row of several values gives a 1×C matrix). Malformed files are errors that say where.",
        example: "save([[1, 2], [3, 4]], \"/tmp/loss_load_example.npy\"); load(\"/tmp/loss_load_example.npy\")",
        output: "2×2 tensor\n 1  2\n 3  4",
        impl: { args in
            let path = try args.string("path")
            let t: Tensor
            switch try format(of: path, args) {
            case .npy: t = try named(args) { try NPY.read(path: path) }
            case .csv:
                let bytes = try named(args) { try FileIO.readBytes(path) }
                if let table = try named(args, { try CSV.decodeTable(bytes, name: "\"\(path)\"") }) {
                    return .record(Record(names: table.map(\.name), values: table.map { c in
                        switch c.column {
                        case .numbers(let xs): return .tensor(Tensor(xs))
                        case .strings(let ss): return .list(ss.map { .string($0) })
                        }
                    }))
                }
                t = try named(args) { try CSV.decode(bytes, name: "\"\(path)\"") }
            }
            return Value.from(t)
        }))

    r.add(Builtin(
        "save", group: .io,
        params: [Param("x", "a tensor or number; or a record of columns (vectors or lists of strings), saved as .csv with a header"),
                 Param("path", "a .npy or .csv file (the extension chooses the format); it is overwritten")],
        summary: "Writes x to a NumPy .npy file (float64) or a .csv file; returns none.",
        reference: "NumPy's .npy format (NEP 1), version 1.0, dtype '<f8', C order: np.load reads it. " +
            "CSV like np.savetxt(path, x, delimiter=\",\"), but with the shortest exact form of each value.",
        notes: ".csv holds a number or a vector (one value per line) or a matrix (one row per line, comma-separated); " +
            "values are written in the shortest form that reads back as the same double (0.1, 3, 1e-300, nan, -inf), " +
            "so load gives back exactly what was saved. A record of equal-length columns is written with a header line " +
            "of its field names, and loads back as the same record. " +
            "Higher ranks need .npy.",
        example: "save([0.5, 0.25], \"/tmp/loss_save_example.csv\"); load(\"/tmp/loss_save_example.csv\")",
        output: "[0.5, 0.25]",
        impl: { args in
            let path = try args.string("path")
            if case .record(let rec) = args["x"] {
                guard try format(of: path, args) == .csv else {
                    throw args.fail("a record is saved as a .csv of named columns; use a path ending in .csv")
                }
                let columns: [(name: String, column: CSV.Column)] = try rec.fields.map { f in
                    switch f.value {
                    case .list(let items):
                        return (f.name, .strings(try items.map { v in
                            if case .string(let s) = v { return s }
                            throw args.fail("column \(f.name) must hold numbers or strings, got a \(v.typeName)")
                        }))
                    default:
                        guard let t = f.value.asTensor, t.rank <= 1 else {
                            throw args.fail("column \(f.name) must be a vector or a list of strings, got a \(f.value.typeName)")
                        }
                        return (f.name, .numbers(t.data))
                    }
                }
                try named(args) { try FileIO.writeBytes(try CSV.encodeTable(columns), path) }
                return .none
            }
            let x = try args.tensor("x")
            switch try format(of: path, args) {
            case .npy: try named(args) { try NPY.write(x, path: path) }
            case .csv: try named(args) { try CSV.write(x, path: path) }
            }
            return .none
        }))

    r.add(Builtin(
        "time", group: .io,
        params: [Param("f", "a function of no arguments, e.g. () -> focal(p, y)"),
                 Param("repeat", default: .number(5), "number of timed calls (after one untimed warm-up call)")],
        summary: "Median wall-clock time of calling f, in seconds.",
        formula: "median(t₁, …, t_repeat), after one warm-up call",
        reference: "IPython's %timeit (which reports the mean of the best runs); Python's timeit.repeat. " +
            "Uses a monotonic clock.",
        notes: "f is called repeat + 1 times; its results are discarded. For an even repeat the median is the mean of the two middle times.",
        example: "time(() -> 1, repeat: 3) < 1", output: "true",
        impl: { args in
            let f = try args.function("f")
            let n = try args.int("repeat")
            guard n >= 1 else { throw args.fail("repeat must be at least 1, got \(n)") }
            guard n <= 1_000_000 else { throw args.fail("repeat must be at most 1000000, got \(n)") }
            _ = try args.call(f, [])
            var times: [Double] = []
            times.reserveCapacity(n)
            for _ in 0..<n {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try args.call(f, [])
                let end = DispatchTime.now().uptimeNanoseconds
                times.append(Double(end &- start) * 1e-9)
            }
            times.sort()
            let mid = n / 2
            return .number(n % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2)
        }))
}
