import LossCore

func installInformationLosses(_ r: Registry) {
}
