import LossCore

func installRegressionLosses(_ r: Registry) {
}
