import LossCore

func installIOBuiltins(_ r: Registry) {
}
