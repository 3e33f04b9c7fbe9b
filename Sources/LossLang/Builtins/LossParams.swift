import LossCore

// The parameters the losses share (docs/reference.md §4), declared once for every family:
// `reduction:` and its parser, and `trackedParams`, the one way a loss's gradient rule tells
// its backward pass (LossCore/Losses/Losses.swift) which arguments to differentiate.

/// The `reduction:` parameter of a loss: "mean" or "sum" over `what`, or "none" (`none` says
/// what it returns).
func reductionParam(over what: String, none: String = "one value per sample") -> Param {
    Param("reduction", default: .string("mean"), "\"mean\" or \"sum\" over \(what), or \"none\" (\(none))")
}

/// The `reduction:` argument of a loss.
func lossReduction(_ a: Args) throws -> Reduction {
    Reduction(rawValue: try a.choice("reduction", Reduction.allCases.map(\.rawValue))) ?? .mean
}

/// The arguments a loss's gradient rule differentiates (its backward pass's `wrt`): those
/// among `differentiable` (the prediction first) and `labels` that the gradient tape tracks
/// in this call; outside `grad` (the rule called directly, nothing tracked), all of
/// `differentiable`.
///
/// `labels` are targets that may hold labels (class indices, ±1 or 0/1 labels): passed on only
/// when tracked, so that the backward pass says why labels have no gradient (and gives one for
/// soft targets). Any other tracked argument (weight, pos_weight, delta, smooth…) is a constant
/// of the loss: asking for its gradient is an error here, as a zero would be a wrong answer.
func trackedParams(_ a: Args, _ differentiable: String..., labels: String...) throws -> Set<String> {
    var tracked = Set<String>()
    for p in a.builtin.params where a[p.name].isTracked {
        guard differentiable.contains(p.name) || labels.contains(p.name) else {
            throw a.fail("\(p.name) is a constant of the loss and has no gradient",
                         hint: "differentiate with respect to the predictions \(differentiable.first ?? "")")
        }
        tracked.insert(p.name)
    }
    return tracked.isEmpty ? Set(differentiable) : tracked
}
