import LossCore

func installHigherOrderBuiltins(_ r: Registry) {
}
