import LossCore

func installActivationBuiltins(_ r: Registry) {
}
