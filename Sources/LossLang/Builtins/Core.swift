import LossCore

/// Built-ins that need the interpreter itself: print, help, vars, losses…
/// (filled in with the interpreter).
func installCoreBuiltins(_ r: Registry) {
}
