import LossCore

func installPlotBuiltins(_ r: Registry) {
}
