import LossLang

/// Renders a notebook as Jupyter nbformat 4.5 (cell ids, `image/svg+xml` plot outputs,
/// `text/plain` results, `stream` prints, `error` outputs), written as nbformat writes it.
public enum IpynbRenderer {
    /// nbformat's multiline string: a list of lines, each but the last ending in "\n".
    static func multiline(_ s: String) -> JSONValue {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if var last = lines.popLast() {
            last.removeLast()
            if !last.isEmpty { lines.append(last) }
        }
        return .array(lines.map(JSONValue.string))
    }

    public static func render(_ doc: NotebookDocument) -> String {
        var cells: [JSONValue] = []
        for (k, cell) in doc.cells.enumerated() {
            var metadata: [String: JSONValue] = [:]
            if let t = cell.title { metadata["title"] = .string(t) }
            let id = JSONValue.string("cell-\(k + 1)")
            switch cell.kind {
            case .markdown(let md):
                cells.append(.object(["cell_type": .string("markdown"), "id": id, "metadata": .object(metadata), "source": multiline(md)]))
            case .code(let source, let outs, let n):
                cells.append(.object(["cell_type": .string("code"), "id": id, "metadata": .object(metadata),
                                      "execution_count": .int(n), "outputs": .array(outputs(outs, executionCount: n)),
                                      "source": multiline(source)]))
            }
        }
        let nb: JSONValue = .object([
            "cells": .array(cells),
            "metadata": .object([
                "kernelspec": .object(["display_name": .string("loss"), "language": .string("loss"), "name": .string("loss")]),
                "language_info": .object(["name": .string("loss"), "file_extension": .string(".loss"),
                                          "mimetype": .string("text/x-loss")]),
            ]),
            "nbformat": .int(4),
            "nbformat_minor": .int(5),
        ])
        return nb.serialized(indent: 1) + "\n"
    }

    static func outputs(_ outs: [CellOutput], executionCount: Int) -> [JSONValue] {
        var result: [JSONValue] = []
        var stream: (name: String, text: String)? = nil
        func flush() {
            if let s = stream {
                result.append(.object(["output_type": .string("stream"), "name": .string(s.name), "text": multiline(s.text)]))
                stream = nil
            }
        }
        func append(_ name: String, _ text: String) {
            if let s = stream, s.name == name { stream = (name, s.text + text + "\n") }
            else { flush(); stream = (name, text + "\n") }
        }
        for o in outs {
            switch o {
            case .stream(let s): append("stdout", s)
            case .warning(let s): append("stderr", "warning: \(s)")
            case .text(let s):
                flush()
                result.append(.object(["output_type": .string("execute_result"), "execution_count": .int(executionCount),
                                       "data": .object(["text/plain": multiline(s)]), "metadata": .object([:])]))
            case .plot(let p):
                flush()
                let plain = "<plot" + (p.title.map { " " + Display.quote($0) } ?? "") + ">"
                result.append(.object(["output_type": .string("display_data"),
                                       "data": .object(["image/svg+xml": multiline(SVGRenderer.render(p)),
                                                        "text/plain": multiline(plain)]),
                                       "metadata": .object([:])]))
            case .error(let message, let rendered):
                flush()
                result.append(.object(["output_type": .string("error"), "ename": .string("error"), "evalue": .string(message),
                                       "traceback": .array(rendered.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) })]))
            }
        }
        flush()
        return result
    }
}
