"""Jupyter's conformance suite (jupyter_kernel_test) against `loss kernel`, every sample filled in."""
import unittest

import jupyter_kernel_test as jkt


class LossKernelConformance(jkt.KernelTests):
    kernel_name = "loss"
    language_name = "loss"
    file_extension = ".loss"

    code_hello_world = 'print("hello, world")'
    # shadowing a built-in warns on stderr
    code_stderr = "mse = 1"

    completion_samples = [
        {"text": "focal(p, y, ga", "matches": {"gamma:"}},
        {"text": "cross_entropy(p, y, lab", "matches": {"label_smoothing:"}},
        {"text": "softm", "matches": {"softmax"}},
    ]

    complete_code_samples = ["1 + 1", "x = [1, 2; 3, 4]", "fn f(x) {\n    x + 1\n}", "?focal", "# a comment"]
    incomplete_code_samples = ["fn f(x) {", "focal([0.9, 0.2],", "x = 1 +", "[1, 2"]
    invalid_code_samples = ["x = )", "1 +* 2", "}"]

    code_page_something = "?focal"

    code_generate_error = "oops(1)"

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "focal([0.9, 0.2], [1, 0], gamma: 2)", "result": "0.00498967"},
        {"code": "softmax([2, 1, 0.1])", "result": "[0.659001, 0.242433, 0.0985659]"},
        {"code": "[1, 2; 3, 4]", "mime": "text/html"},
        {"code": "(w: [0.5, -1], b: 0.25)", "result": "(w: [0.5, -1], b: 0.25)"},
    ]

    code_display_data = [
        {"code": 'plot(x -> x^2, 0, 1, title: "square")', "mime": "image/svg+xml"},
        {"code": "plot([x -> x, x -> 1 - x], 0, 1)", "mime": "text/plain"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "focal"


if __name__ == "__main__":
    unittest.main()
