/// How a loss reduces its per-sample values (docs/reference.md §4): "mean" (default), "sum" or "none".
public enum Reduction: String, CaseIterable, Sendable {
    case mean, sum, none

    /// Reduces per-sample losses. "none" returns them as they are.
    public func apply(_ perSample: Tensor) -> Tensor {
        switch self {
        case .none: return perSample
        case .sum: return Tensor(scalar: Summation.sum(perSample.data))
        case .mean:
            // torch: mean of an empty tensor is nan
            return Tensor(scalar: perSample.count == 0 ? .nan : Summation.sum(perSample.data) / Double(perSample.count))
        }
    }
}
