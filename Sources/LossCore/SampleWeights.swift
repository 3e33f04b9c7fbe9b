/// Per-sample weights, the `sample_weight:` of the losses (docs/reference.md §4.6), as Keras'
/// `Loss.__call__(y_true, y_pred, sample_weight)` with its default reduction
/// `"sum_over_batch_size"`: each per-sample loss is multiplied by its weight, "sum" adds them,
/// "mean" divides that sum by the number of per-sample losses (not by Σ weights), "none" returns
/// the weighted per-sample losses.
///
/// The weights are aligned from axis 0 (Keras semantics, not NumPy's right-aligned broadcasting):
/// a vector [N] weights the N rows of per-sample losses [N, d…] (one weight per sample), a tensor
/// of the per-sample losses' full shape weights each value, and any shape in between (a leading
/// part of it) weights the blocks it names; axes of size 1 broadcast, trailing axes of size 1
/// beyond the losses' rank are dropped (Keras squeezes them), and a number weights everything.
///
/// Forward and backward passes share it: `reduce` for the value, `upstream` for the gradient
/// (the per-sample upstream that the loss's own backward pass takes with reduction "none").
public struct SampleWeights {
    /// The weights broadcast to the per-sample losses' shape, flat.
    public let expanded: [Double]
    /// The per-sample losses' shape.
    public let shape: [Int]
    /// The divisor of "mean": the number of per-sample losses (or a count given by the loss,
    /// e.g. the samples not ignored).
    public let count: Int

    /// Checks `weights` against the per-sample losses' shape `perSample` and expands them;
    /// `count` overrides the divisor of "mean" (default: the number of per-sample losses).
    public init(_ weights: Tensor, perSample: [Int], count: Int? = nil, _ fn: String) throws {
        var wShape = weights.shape
        while wShape.count > perSample.count, wShape.last == 1 { wShape.removeLast() }
        let fits = wShape.count <= perSample.count
            && zip(wShape, perSample).allSatisfy { $0 == $1 || $0 == 1 }
        guard fits else {
            let n = perSample.first.map { "[\($0)]" } ?? "a number"
            throw CoreError("\(fn): sample_weight has shape \(formatShape(weights.shape)), expected one weight per sample "
                            + "along axis 0 (\(n)) or the shape of the per-sample losses \(formatShape(perSample)) "
                            + "(or a leading part of it)",
                            hint: "sample weights align with axis 0 (Keras), not from the right as NumPy broadcasting")
        }
        let padded = wShape + [Int](repeating: 1, count: perSample.count - wShape.count)
        let w = Tensor(shape: padded, data: weights.data)
        expanded = try w.broadcast(to: perSample).data
        shape = perSample
        self.count = count ?? Tensor.count(of: perSample)
    }

    /// The weighted per-sample losses `perSample` (of `shape`), reduced.
    public func reduce(_ perSample: Tensor, _ reduction: Reduction) -> Tensor {
        let weighted = zip(perSample.data, expanded).map { $0 * $1 }
        switch reduction {
        case .none: return Tensor(shape: shape, data: weighted)
        case .sum: return Tensor(scalar: Summation.sum(weighted))
        case .mean: return Tensor(scalar: Summation.sum(weighted) / Double(count))  // no samples: nan, as torch
        }
    }

    /// The gradient with respect to the per-sample losses, given `g`, the gradient with respect
    /// to the reduced (weighted) output: w·g ("sum"), w·g/count ("mean"), w⊙g ("none").
    public func upstream(_ g: Tensor, _ reduction: Reduction, _ fn: String) throws -> Tensor {
        switch reduction {
        case .none:
            guard g.count == expanded.count else {
                throw CoreError("\(fn): the gradient of its output has shape \(formatShape(g.shape)), expected \(formatShape(shape))")
            }
            return Tensor(shape: shape, data: zip(g.data, expanded).map { $0 * $1 })
        case .sum, .mean:
            guard g.count == 1 else {
                throw CoreError("\(fn): the gradient of its output has shape \(formatShape(g.shape)), expected a number")
            }
            let s = reduction == .mean ? g.data[0] / Double(count) : g.data[0]
            return Tensor(shape: shape, data: expanded.map { $0 * s })
        }
    }
}
