import LossLang
