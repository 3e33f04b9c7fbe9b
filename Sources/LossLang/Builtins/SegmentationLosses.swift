import LossCore

func installSegmentationLosses(_ r: Registry) {
}
