import LossCore

// docs/reference.md §4.1: information measures (entropy, kl). Functions of distributions along an
// axis, one value per distribution, no `reduction`. Numerics: LossCore/Losses/Information.swift
// (gradients: InformationBackward.swift).

func installInformationLosses(_ r: Registry) {
    r.add(Builtin(
        "entropy", group: .information,
        params: [Param("p", "probabilities; the distributions lie along axis"),
                 Param("axis", default: .number(-1), "the axis of the distributions (negative counts from the end)")],
        summary: "Shannon entropy of each distribution, in nats.",
        formula: "H(p) = −Σᵢ pᵢ·log pᵢ,  0·log 0 = 0",
        reference: "Shannon 1948, A Mathematical Theory of Communication. torch `special.entr(p).sum(-1)`; "
            + "scipy `stats.entropy(p)` (which first rescales p to sum to 1; here p is used as given).",
        notes: "One value per distribution: the axis is removed (a vector gives a number). Values outside [0, 1] are "
            + "errors; p is not renormalised. Natural log: divide by log(2) for bits.",
        example: "entropy([0.5, 0.25, 0.25])", output: "1.03972",
        impl: { a in .from(try Losses.entropy(a.tensor("p"), axis: a.int("axis"))) }).withBackward { a, _, g in
            try Losses.entropyBackward(a.tensor("p"), axis: a.int("axis"), upstream: g, wrt: try trackedParams(a, "p"))
        })

    r.add(Builtin(
        "kl", group: .information,
        params: [Param("p", "the reference (data) distribution P, probabilities along axis"),
                 Param("q", "the model distribution Q (same shape, or one that broadcasts)"),
                 Param("axis", default: .number(-1), "the axis of the distributions (negative counts from the end)"),
                 Param("log", default: .bool(false), "p and q are given as log-probabilities (torch kl_div's log_target)")],
        summary: "Kullback–Leibler divergence D_KL(P‖Q) of each pair of distributions, in nats (math order: P first).",
        formula: "D_KL(P‖Q) = Σᵢ pᵢ·log(pᵢ / qᵢ),  0 where pᵢ = 0,  ∞ where qᵢ = 0 < pᵢ",
        reference: "Kullback & Leibler 1951, On Information and Sufficiency. scipy `special.rel_entr(p, q).sum(-1)` "
            + "(same order). torch `kl_div(input, target)` takes the reverse order and Q in log space: "
            + "kl(p, q) == kl_div(log(q), p, reduction=\"none\").sum(-1); Optax `kl_divergence(log_q, p)` likewise.",
        notes: "Math order: P is the reference (the data), Q the model being fitted. One value per distribution (the axis "
            + "is removed). Not symmetric. kl(p, q) == cross_entropy(q, p, reduction: \"none\") − entropy(p) (where "
            + "q > e^−100). Values outside [0, 1] are errors. log: true takes log p and log q (values ≤ 0): the same divergence, "
            + "torch `kl_div(log_q, log_p, log_target=True, reduction=\"none\").sum(-1)`, for distributions given by log_softmax "
            + "(no log of a rounded probability); 0 where log p = −inf (torch: nan).",
        example: "kl([0.5, 0.5], [0.9, 0.1])", output: "0.510826",
        impl: { a in
            try a.bool("log") ? .from(try Losses.klLog(a.tensor("p"), a.tensor("q"), axis: a.int("axis")))
                              : .from(try Losses.kl(a.tensor("p"), a.tensor("q"), axis: a.int("axis")))
        }).withBackward { a, _, g in
            try a.bool("log")
                ? try Losses.klLogBackward(a.tensor("p"), a.tensor("q"), axis: a.int("axis"), upstream: g, wrt: try trackedParams(a, "p", "q"))
                : try Losses.klBackward(a.tensor("p"), a.tensor("q"), axis: a.int("axis"), upstream: g, wrt: try trackedParams(a, "p", "q"))
        })
}
