import LossCore

private let generatorReference =
    "xoshiro256** (Blackman & Vigna 2018, \"Scrambled linear pseudorandom number generators\") seeded by splitmix64 " +
    "(Steele, Lea & Flood 2014, \"Fast splittable pseudorandom number generators\"). The streams are loss's own: " +
    "seed(0) does not reproduce NumPy's (PCG64/MT19937) or torch's (Philox/MT19937) numbers."

private let reproducibility =
    "The generator is global and starts as if seed(0) had been called, so a script that never calls seed " +
    "gives the same numbers on every run; call seed(n) to restart the stream."

func installRandomBuiltins(_ r: Registry) {
    r.add(Builtin(
        "seed", group: .random,
        params: [Param("n", "an integer (negative values are taken by their 64-bit two's-complement bits)")],
        summary: "Restarts the random generator from seed n, so that what follows is reproducible.",
        formula: "state = splitmix64⁴(n)",
        reference: generatorReference + " Like torch.manual_seed / np.random.seed.",
        notes: reproducibility + " Returns none.",
        example: "seed(42); a = rand(2); seed(42); rand(2) == a", output: "[1, 1]",
        impl: { args in
            Random.seed(try args.int("n"))
            return .none
        }))

    r.add(Builtin(
        "rand", group: .random,
        params: [Param("shape", "a shape like [3, 4], or a number n for a vector of n values")],
        summary: "Uniform random numbers in [0, 1).",
        formula: "u = ⌊w / 2¹¹⌋ · 2⁻⁵³ ∈ [0, 1), w a 64-bit xoshiro256** output (53 random mantissa bits)",
        reference: generatorReference + " Counterparts: torch.rand(shape), np.random.rand(*shape).",
        notes: reproducibility + " rand([]) gives a single number.",
        example: "seed(0); rand(3)", output: "[0.601263, 0.747774, 0.10302]",
        impl: { args in
            let shape = try args.shape("shape")
            return Value.from(try Random.rand(shape))
        }))

    r.add(Builtin(
        "randn", group: .random,
        params: [Param("shape", "a shape like [3, 4], or a number n for a vector of n values")],
        summary: "Standard normal random numbers (mean 0, variance 1).",
        formula: "z₁, z₂ = √(−2 ln u₁) · (cos 2πu₂, sin 2πu₂), u₁ ∈ (0, 1], u₂ ∈ [0, 1)",
        reference: "Box & Muller 1958, \"A note on the generation of random normal deviates\"; " + generatorReference +
            " Counterparts: torch.randn(shape), np.random.randn(*shape).",
        notes: reproducibility + " Each pair of uniforms gives two normals, used in order.",
        example: "seed(0); randn(3)", output: "[-0.018965, -1.35593, -0.403721]",
        impl: { args in
            let shape = try args.shape("shape")
            return Value.from(try Random.randn(shape))
        }))

    r.add(Builtin(
        "randint", group: .random,
        params: [Param("lo", "smallest value (an integer)"),
                 Param("hi", "one more than the largest value (exclusive)"),
                 Param("shape", "a shape like [3, 4], or a number n for a vector of n values")],
        summary: "Uniform random integers in lo, lo+1, …, hi−1 (hi exclusive).",
        formula: "lo + (w mod (hi − lo)), w uniform 64-bit, values of w below 2⁶⁴ mod (hi − lo) rejected (unbiased)",
        reference: generatorReference + " Counterparts: np.random.randint(lo, hi, size), torch.randint(lo, hi, shape) (both hi-exclusive).",
        notes: reproducibility + " lo and hi must be integers with hi > lo.",
        example: "seed(0); randint(0, 10, 5)", output: "[0, 2, 8, 2, 7]",
        impl: { args in
            let lo = try args.int("lo"), hi = try args.int("hi")
            let shape = try args.shape("shape")
            return Value.from(try Random.randint(lo, hi, shape))
        }))

    r.add(Builtin(
        "shuffle", group: .random,
        params: [Param("x", "a tensor; its first axis is permuted (the rows of a matrix stay whole)")],
        summary: "A copy of x with its first axis in random order.",
        formula: "Fisher–Yates: for i = n−1 … 1, swap item i with item j, j uniform in 0…i",
        reference: "Fisher & Yates 1938; Durstenfeld 1964 (Algorithm 235). " + generatorReference +
            " Counterparts: np.random.permutation(x) (a copy, first axis), x[torch.randperm(len(x))].",
        notes: reproducibility + " x itself is not changed.",
        example: "seed(0); shuffle([1, 2, 3, 4, 5])", output: "[4, 5, 2, 3, 1]",
        impl: { args in
            let x = try args.tensor("x")
            return Value.from(try Random.shuffle(x))
        }))
}
