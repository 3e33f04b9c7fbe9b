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

/// The `sample_weight:` parameter of a loss (docs/reference.md §4.6). A loss that lists it
/// gets its meaning from `Builtin.withSampleWeight()`.
let sampleWeightParam = Param(
    "sample_weight", default: .none,
    "one weight per sample, multiplied into its loss before the reduction; \"mean\" then divides by the number of samples "
        + "(Keras' sum_over_batch_size), not by Σ weights. Aligned from axis 0 as in Keras, not NumPy's right-aligned "
        + "broadcasting: [N] weights the rows of an [N, …] input, the shape of the per-sample losses (reduction: \"none\") "
        + "weights each of them, a leading part of that shape weights blocks, a number weights all. With weight: both "
        + "multiply (weight inside the per-sample loss, then sample_weight). Equals Keras' loss(y_true, y_pred, "
        + "sample_weight=w) where Keras has the loss; where it has none, the same definition")

extension Args {
    /// These arguments with `param` set to `value` (as if the caller had given it).
    func replacing(_ param: String, with value: Value) -> Args {
        // a copy: `caller` is unowned and may be gone (a rule run after its call), so it is not read
        var copy = self
        let i = index(param)
        copy.values[i] = value
        copy.given[i] = true
        return copy
    }
}

extension Builtin {
    /// Gives a loss its `sample_weight:` (listed in its params as `sampleWeightParam`): with
    /// weights, the loss runs with reduction "none" and LossCore's `SampleWeights` multiplies the
    /// per-sample losses and reduces them; its backward pass gets the weighted per-sample
    /// upstream gradient, again with reduction "none". Without weights nothing changes.
    /// `count` gives the divisor of "mean" when it is not the number of per-sample losses
    /// (cross_entropy and nll leave ignored samples out, as Keras' ignore_class). Call it after
    /// `withBackward`.
    @discardableResult
    func withSampleWeight(count: ((Args) throws -> Int?)? = nil) -> Builtin {
        precondition(params.contains { $0.name == "sample_weight" } && params.contains { $0.name == "reduction" },
                     "\(name): withSampleWeight needs the sample_weight and reduction parameters")
        let inner = impl
        let name = self.name
        /// The weights and the unweighted per-sample losses, or nil without weights.
        func perSample(_ a: Args) throws -> (SampleWeights, Args, Tensor)? {
            guard let w = try a.optionalTensor("sample_weight") else { return nil }
            _ = try lossReduction(a)
            let none = a.replacing("reduction", with: .string("none"))
            guard var losses = try inner(none).asTensor else { throw a.fail("sample_weight: the loss gave no tensor") }
            losses.node = -1
            return (try SampleWeights(w, perSample: losses.shape, count: count?(a), name), none, losses)
        }
        impl = { a in
            guard let (w, _, losses) = try perSample(a) else { return try inner(a) }
            return .from(w.reduce(losses, try lossReduction(a)))
        }
        if let rule = backward {
            withBackward { a, out, g in
                guard let (w, none, losses) = try perSample(a) else { return try rule(a, out, g) }
                return try rule(none, losses, w.upstream(g, try lossReduction(a), name))
            }
        }
        return self
    }
}
