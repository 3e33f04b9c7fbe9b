import Foundation

// The namespace of the losses (docs/reference.md §4) and the convention every backward pass keeps.
//
// Each loss is a plain function over `Tensor` (`Losses.bce`, `Losses.mse`, …) with an analytic
// backward pass of the same name plus `Backward`, for `grad`. Every backward pass has the same
// shape:
//
//     xBackward(<the forward arguments>, upstream: Tensor, wrt: Set<String>) throws -> [String: Tensor]
//
// - `upstream` is the gradient of the final result with respect to the loss's output: a
//   number for "mean" and "sum", the per-sample shape for "none";
// - `wrt` names the arguments to differentiate, by their documented parameter names
//   ("p", "y", "pred", "anchor", "margin", …); only those are computed and returned, each in its
//   argument's shape. Its default is every argument that always has a gradient;
// - an argument that holds labels (class indices, ±1 or 0/1 labels) has no gradient: asking
//   for it throws (`Losses.noGradient`), it never gives a silent zero;
// - the arguments are checked by the same step as in the forward pass (one `…Inputs` value
//   per loss, or the shared engine of the family), so the errors are the same in both.

/// The losses of docs/reference.md §4 as plain functions over `Tensor`, with their analytic backward
/// passes; each family adds its own in an extension (Classification, Information,
/// Embedding, Segmentation, Regression).
public enum Losses {}

extension Losses {
    /// The error for a gradient asked of an argument holding labels.
    static func noGradient(_ fn: String, _ arg: String, holds what: String, hint: String) -> CoreError {
        CoreError("\(fn): \(arg) holds \(what), which have no gradient", hint: hint)
    }

    /// The error for a gradient asked of class indices.
    static func classIndexGradient(_ fn: String, _ arg: String) -> CoreError {
        noGradient(fn, arg, holds: "class indices",
                   hint: "differentiate with respect to the predictions; class labels are constants")
    }

    /// Throws when `wrt` asks for the gradient of `arg`, which holds labels.
    static func rejectLabels(_ fn: String, _ wrt: Set<String>, _ arg: String, holds what: String, hint: String) throws {
        if wrt.contains(arg) { throw noGradient(fn, arg, holds: what, hint: hint) }
    }

    /// The gradients among `all` that `wrt` asks for.
    static func picked(_ all: [String: Tensor], _ wrt: Set<String>) -> [String: Tensor] {
        all.filter { wrt.contains($0.key) }
    }
}
