import LossCore

func installReductionBuiltins(_ r: Registry) {
}
