import LossCore

func installClassificationLosses(_ r: Registry) {
}
