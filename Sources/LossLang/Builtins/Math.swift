import LossCore

func installMathBuiltins(_ r: Registry) {
}
