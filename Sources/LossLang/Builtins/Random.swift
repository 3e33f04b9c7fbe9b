import LossCore

func installRandomBuiltins(_ r: Registry) {
}
