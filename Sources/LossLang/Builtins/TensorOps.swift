import LossCore

func installTensorBuiltins(_ r: Registry) {
}
