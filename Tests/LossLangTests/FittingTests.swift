import Foundation
import XCTest
@testable import LossLang
import LossCore

/// `minimize` and `value_and_grad` through the language (docs/reference.md §7). The optimizers'
/// step-by-step agreement with torch.optim is tested in LossCoreTests/OptimTests; here the
/// language's own gradients drive them on the same torch fixtures (Rosenbrock from (−1.5, 2)).
final class FittingTests: XCTestCase {
    struct Case: Decodable {
        let kind: String
        let name: String?
        let objective: String?
        let method: String?
        let options: [String: OptionValue]?
        let steps: Int?
        let x0: [Double]?
        let history: [Double]?
        let loss: Double?
    }
    enum OptionValue: Decodable {
        case number(Double), bool(Bool), numbers([Double])
        init(from d: Decoder) throws {
            let c = try d.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let x = try? c.decode(Double.self) { self = .number(x) }
            else { self = .numbers(try c.decode([Double].self)) }
        }
        var source: String {
            switch self {
            case .number(let x): return "\(x)"
            case .bool(let b): return b ? "true" : "false"
            case .numbers(let xs): return "[" + xs.map { "\($0)" }.joined(separator: ", ") + "]"
            }
        }
    }

    func torchCases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("LossCoreTests/Fixtures/optim.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
            .filter { $0.kind == "case" && $0.objective == "rosenbrock" }
    }

    func testEveryMethodMatchesTorchThroughTheLanguage() throws {
        let cases = try torchCases()
        XCTAssertEqual(Set(cases.compactMap(\.method)), Set(OptimMethod.allCases.map(\.rawValue)))
        for c in cases {
            guard let method = c.method, let x0 = c.x0, let steps = c.steps, let history = c.history, let loss = c.loss else { continue }
            let opts = (c.options ?? [:]).sorted { $0.key < $1.key }.map { ", \($0.key): \($0.value.source)" }.joined()
            let src = """
                r = minimize(x -> (1 - x[0])^2 + 100 * (x[1] - x[0]^2)^2, [\(x0.map { "\($0)" }.joined(separator: ", "))], method: "\(method)", steps: \(steps)\(opts))
                r.history
                r.loss
                """
            let out = runLoss(src, json: true)
            XCTAssertNil(out.error, "\(c.name ?? ""): \(out.error?.message ?? "")")
            let lines = out.out.split(separator: "\n")
            guard lines.count == 2, let h = try? JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any],
                  let data = h["data"] as? [Double], let l = Double(lines[1]) else { XCTFail("\(c.name ?? ""): \(out.out)"); continue }
            XCTAssertEqual(data.count, history.count, c.name ?? "")
            for (k, (a, b)) in zip(data, history).enumerated() where Swift.abs(a - b) > 1e-9 * Swift.max(Swift.abs(b), 1e-3) {
                XCTFail("\(c.name ?? ""): history[\(k)] \(a) vs torch \(b)")
                break
            }
            XCTAssertEqual(l, loss, accuracy: 1e-9 * Swift.max(Swift.abs(loss), 1e-3), c.name ?? "")
        }
    }

    func testResultRecordAndRecordParameters() {
        let r = runLoss("""
            r = minimize(p -> sum((p.w - [1, 2])^2) + (p.b + 1)^2, (w: zeros([2]), b: 0, name: "lin"), method: "lbfgs", steps: 50)
            r.x
            r.stopped
            fields(r)
            len(r.history) == r.steps
            """)
        XCTAssertNil(r.error)
        XCTAssertEqual(r.out, "(w: [1, 2], b: -1, name: \"lin\")\n\"tol\"\n[\"x\", \"loss\", \"history\", \"steps\", \"stopped\"]\ntrue".replacingOccurrences(of: "\"tol\"", with: "tol"))
    }

    func testGradientDescentStepsAreTheTextbookOnes() {
        // x ← x − lr·2(x − 1) from 5 with lr 0.1: x_k = 1 + 4·0.8^k
        let r = runLoss("minimize(x -> (x - 1)^2, 5, method: \"gd\", lr: 0.1, steps: 4, callback: (k, x, l) -> x).trace")
        XCTAssertEqual(r.out, "[5, 4.2, 3.56, 3.048]")
        let t = runLoss("r = minimize(x -> (x - 1)^2, 5, method: \"gd\", lr: 0.1, steps: 1000, tol: 1e-6)\nr.stopped\nr.steps < 100")
        XCTAssertEqual(t.out, "tol\ntrue")
        let every = runLoss("minimize(x -> x^2, 1, method: \"gd\", steps: 5, callback: (k, x, l) -> [k, l], every: 2).trace")
        // gd, lr 1e-3: x_k = 0.998^k, so f_k = 0.998^(2k)
        XCTAssertEqual(every.out, "3×2 tensor\n 0  1\n 2  0.992024\n 4  0.984112")
    }

    func testMiniBatches() {
        // y = 1 + x exactly: gd on mse over batches of 2 converges to (b, w) = (1, 1)
        let r = runLoss("""
            X = [1, 1; 1, 2; 1, 3; 1, 4]; y = [2, 3, 4, 5]
            seed(0)
            f = minimize((w, b) -> mse(b.X @ w, b.y), zeros([2]), method: "gd", lr: 0.05, data: (X: X, y: y), batch: 2, epochs: 300)
            f.steps
            abs(f.x - [1, 1]) < 1e-3
            f.loss == mse(X @ f.x, y)
            """)
        XCTAssertNil(r.error)
        XCTAssertEqual(r.out, "600\n[1, 1]\ntrue")
    }

    func testBadInputIsAnErrorThatNamesIt() {
        func err(_ s: String) -> String? { runLoss(s).error?.message }
        XCTAssertEqual(err("minimize(x -> x^2, 1, method: \"adam\", momentum: 0.9)"),
                       "minimize: method \"adam\" has no parameter 'momentum'; its parameters are lr, betas, eps, weight_decay")
        XCTAssertEqual(err("minimize(x -> x^2, 1, method: \"adamm\")"),
                       "minimize: unknown method \"adamm\"; the methods are \"gd\", \"momentum\", \"adam\", \"adamw\", \"rmsprop\", \"lbfgs\"")
        XCTAssertEqual(err("minimize(x -> [x, x], 1, method: \"gd\")"),
                       "minimize: at step 0: f must return a single number (a scalar), got a tensor of shape [2]")
        XCTAssertEqual(err("minimize(x -> log(x), 1, method: \"gd\", lr: 1, steps: 10)"), "minimize: the loss is -inf at step 1")
        XCTAssertEqual(err("minimize((w, b) -> 1, 0, data: (X: [1, 2], y: [1]))"),
                       "minimize: the fields of data must have the same number of rows: X has 2, y has 1")
        XCTAssertEqual(err("minimize((w, b) -> 1, 0, data: (X: [1, 2], y: [1, 2]), batch: 3)"), "minimize: batch (3) is larger than the data (2 rows)")
        XCTAssertEqual(err("minimize(x -> 1, \"a\")"), "minimize: x0 must be a number, tensor or record, got string")
        XCTAssertEqual(err("minimize(x -> x^2, 1, batch: 2)"), "minimize: batch: needs data: (the rows to batch)")
        XCTAssertEqual(err("minimize(x -> x^2, 1, method: \"lbfgs\", tol: 1e-3)"),
                       "minimize: tol applies to the first-order methods; lbfgs stops by its tolerance_change and tolerance_grad")
    }

    /// A session with `poke()`, which raises the interrupt flag as the SIGINT handler does.
    func sessionWithPoke() -> Session {
        let s = Session()
        let poke = Builtin("poke", group: .io, params: [], summary: "test", example: "", output: "") { _ in
            Interrupt.requested = true
            return .none
        }
        s.interp.globals[s.interp.globalSlot("poke")] = .function(Function(.builtin(poke)))
        return s
    }

    func testCtrlCDuringAFitEndsItAsInterrupted() {
        // raised inside f (the interpreter sees it at the next call): the fit ends at the last step done
        var r = runLoss("""
            fn f(x) { if x < 0.5 { poke() }; id(x)^2 }
            fn id(x) = x
            r = minimize(f, 1, method: "gd", lr: 0.1, steps: 100)
            r.stopped
            r.steps == len(r.history)
            r.x >= 0.5 && r.x < 0.7
            r.loss == r.x^2
            """, session: sessionWithPoke())
        XCTAssertNil(r.error, r.error?.message ?? "")
        XCTAssertEqual(r.out, "interrupted\ntrue\ntrue\ntrue")
        // raised in the callback, between steps: the same
        r = runLoss("""
            r = minimize(x -> x^2, 1, method: "adam", steps: 100, callback: (k, x, l) -> if k == 10 then poke() else 0)
            r.stopped
            r.steps
            """, session: sessionWithPoke())
        // Ctrl-C in step 10's callback: the fit ends at the next step, x_11
        XCTAssertEqual(r.out, "interrupted\n11")
        XCTAssertFalse(Interrupt.requested)
        // the statement goes on after the fit; a second Ctrl-C would stop it as usual
    }
}
