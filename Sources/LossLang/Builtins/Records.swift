import LossCore

/// Records (docs/reference.md §2.8): `fields(r)`, `with(r, c: 1)`.
func installRecordBuiltins(_ r: Registry) {
    r.add(Builtin("fields", group: .records, params: [Param("r", "a record")],
                  summary: "The names of a record's fields, in order.",
                  notes: "A record is written (w: zeros([2]), b: 0); r.w reads a field, r.w = v and r.w[0] = v assign into the variable's copy.\n+ - * / apply field by field with a record of the same fields or with a number, so p - lr * grad(f, p) is a gradient step.",
                  example: "fields((w: [1, 2], b: 0))", output: "[\"w\", \"b\"]") { args in
        guard case .record(let rec) = args["r"] else { throw args.fail("r must be a record, got \(args["r"].typeName)") }
        return .list(rec.names.map { .string($0) })
    })
    r.add(Builtin("with", group: .records, params: [Param("r", "a record")],
                  summary: "A copy of a record with fields replaced or added: with(r, b: 1, c: 2).",
                  notes: "Fields named like existing ones replace them in place; new fields are added at the end, in the order given.\nThe record itself is not changed (records are values).",
                  example: "with((w: [1, 2], b: 0), b: 3, c: \"new\")", output: "(w: [1, 2], b: 3, c: \"new\")") { args in
        guard case .record(var rec) = args["r"] else { throw args.fail("r must be a record, got \(args["r"].typeName)") }
        for kw in args.extra { rec.set(kw.name, kw.value) }
        return .record(rec)
    }.withExtraKeywords())
}
