import LossCore

func installEmbeddingLosses(_ r: Registry) {
}
