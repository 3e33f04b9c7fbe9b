import LossLang

/// Installs the plot renderers into the language: braille charts for text display and
/// SVG for `savefig`. The CLI calls this once at start-up; `color` (ANSI colours per
/// series) should be true only on a terminal.
public func install(color: Bool = false) {
    Display.plotRenderer = { BrailleChart.render($0, color: color) }
    PlotHooks.svg = { SVGRenderer.render($0) }
}
