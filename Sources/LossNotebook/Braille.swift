import Foundation
import LossLang

/// A canvas of braille characters, 2×4 dots per character cell (as UnicodePlots.jl's
/// BrailleCanvas). Dot (0, 0) is the top-left corner; x grows right, y grows down.
public struct BrailleCanvas {
    public let width: Int
    public let height: Int
    /// Dot bits per cell, row-major; a cell's character is U+2800 + bits.
    public private(set) var bits: [UInt8]
    /// Series index that last drew in each cell (-1 for none), for colours.
    public private(set) var owners: [Int]

    /// Bit of dot (column dx ∈ 0…1, row dy ∈ 0…3) inside a cell: ⠁⠂⠄⡀ / ⠈⠐⠠⢀.
    static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    public init(width: Int, height: Int) {
        self.width = Swift.max(1, width)
        self.height = Swift.max(1, height)
        bits = [UInt8](repeating: 0, count: self.width * self.height)
        owners = [Int](repeating: -1, count: self.width * self.height)
    }

    public var pixelWidth: Int { width * 2 }
    public var pixelHeight: Int { height * 4 }

    /// Sets one dot; dots outside the canvas are ignored.
    public mutating func set(_ x: Int, _ y: Int, series: Int = 0) {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return }
        let cell = (y / 4) * width + x / 2
        bits[cell] |= BrailleCanvas.dotBits[x % 2][y % 4]
        owners[cell] = series
    }

    public func isSet(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return false }
        return bits[(y / 4) * width + x / 2] & BrailleCanvas.dotBits[x % 2][y % 4] != 0
    }

    /// A straight line of dots (Bresenham) from (x0, y0) to (x1, y1), both ends included.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series: Int = 0) {
        var x = x0, y = y0
        let dx = Swift.abs(x1 - x0), dy = -Swift.abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, series: series)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    public func character(row: Int, col: Int) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(bits[row * width + col])) ?? " ")
    }

    /// One row of characters; with `palette`, cells drawn by series i get ANSI colour palette[i % count].
    /// `colorOf` maps a series index to its palette index (identity by default).
    public func row(_ r: Int, palette: [String]? = nil, colorOf: (Int) -> Int = { $0 }) -> String {
        var out = ""
        var current: Int = -1
        for c in 0..<width {
            let owner = bits[r * width + c] == 0 ? -1 : colorOf(owners[r * width + c])
            if let palette, !palette.isEmpty, owner != current {
                if current >= 0 { out += "\u{1B}[0m" }
                if owner >= 0 { out += "\u{1B}[\(palette[owner % palette.count])m" }
                current = owner
            }
            out.append(character(row: r, col: c))
        }
        if current >= 0 { out += "\u{1B}[0m" }
        return out
    }
}

/// A UnicodePlots-style chart of a plot value: title, a framed braille canvas with tick labels
/// (the ends of a linear axis, the powers of ten of a log axis), a legend on the right, the x
/// label under it. Lines are Bresenham runs of dots, points single dots (or, without colour and
/// with several groups, the markers • × + …), histogram bars filled columns of dots. A heatmap is
/// a grid of shaded blocks ░▒▓█ with a key (coloured blocks and a colour bar with colour).
public enum BrailleChart {
    /// ANSI colours of the series (blue, yellow, green, red, magenta, cyan), as the SVG palette.
    public static let ansiPalette = ["34", "33", "32", "31", "35", "36"]
    /// Markers of point series when colours are off and a plot has several point series.
    public static let markers: [Character] = ["•", "×", "+", "◦", "▪", "◆", "*", "▫"]
    /// Shades of a heatmap's four value bands, lowest first.
    public static let shades: [Character] = ["░", "▒", "▓", "█"]
    /// Heatmap colours as 24-bit RGB (terminals that announce COLORTERM=truecolor or 24bit),
    /// else the nearest of the xterm 256 colours.
    nonisolated(unsafe) public static var trueColor: Bool = {
        let c = ProcessInfo.processInfo.environment["COLORTERM"]?.lowercased()
        return c == "truecolor" || c == "24bit"
    }()

    /// The SGR parameters of a viridis colour at t, as foreground (or background).
    static func viridisCode(_ t: Double, background: Bool = false) -> String {
        let rgb = PlotGeometry.viridis(t)
        if trueColor { return "\(background ? 48 : 38);2;\(rgb.r);\(rgb.g);\(rgb.b)" }
        return "\(background ? 48 : 38);5;\(PlotGeometry.xterm256(rgb))"
    }

    /// Largest heatmap grid in characters; larger matrices are averaged down.
    static let heatmapMaxWidth = 60, heatmapMaxHeight = 30

    public static func render(_ p: Plot, width: Int = 60, height: Int = 15, color: Bool = false) -> String {
        if let h = p.heatmap, h.rows > 0, h.cols > 0, h.values.count == h.rows * h.cols { return renderHeatmap(p, h, color: color) }
        let b = PlotGeometry.bounds(p)
        let (dx, dy) = PlotGeometry.dataRanges(p)
        let (xmin, xmax) = p.xlim.map { ($0[0], $0[1]) } ?? (p.xlog ? PlotGeometry.logWiden(dx) : (b.xmin, b.xmax))
        let (ymin, ymax) = p.ylim.map { ($0[0], $0[1]) } ?? (p.ylog ? PlotGeometry.decadeRange(dy) : PlotGeometry.narrowNice(b.ymin, b.ymax))
        let xa = PlotGeometry.Axis(lo: xmin, hi: xmax, log: p.xlog), ya = PlotGeometry.Axis(lo: ymin, hi: ymax, log: p.ylog)
        var canvas = BrailleCanvas(width: width, height: height)
        let markerMode = !color && p.series.filter { $0.kind == .points }.count > 1
        var markerCells: [Int: Character] = [:]
        let colors = PlotGeometry.colors(p)
        draw(p, on: &canvas, x: xa, y: ya, useMarkers: markerMode, markerCells: &markerCells)

        let label: (Double) -> String = { p.ylog ? PlotGeometry.logValueLabel($0) : Display.number($0, precision: 4) }
        // y tick labels: the two ends, and on a log axis the powers of ten between them
        var yticks: [Int: String] = [:]
        yticks[height - 1] = label(ymin)
        yticks[0] = label(ymax)
        if p.ylog {
            for t in PlotGeometry.logTicks(ymin, ymax, maxMajor: Swift.max(2, height)) where t.major && !t.label.isEmpty {
                guard let v = ya.unit(t.value) else { continue }
                let row = Int(((1 - v) * Double(canvas.pixelHeight - 1)).rounded()) / 4
                if row > 0, row < height - 1, yticks[row - 1] == nil || row - 1 == 0, yticks[row + 1] == nil || row + 1 == height - 1, yticks[row] == nil {
                    yticks[row] = t.label
                }
            }
        }
        let tickWidth = yticks.values.map(PlotGeometry.width).max() ?? 0
        let ylabel = p.ylabel.flatMap { $0.isEmpty ? nil : $0 }
        let ylabelWidth = ylabel.map { PlotGeometry.width($0) + 1 } ?? 0
        let margin = ylabelWidth + tickWidth + 1   // columns before the left border
        let palette = color ? ansiPalette : nil
        let legend: [String] = PlotGeometry.legend(p).map { e in
            let text = e.kind == .points && markerMode ? "\(markers[e.series % markers.count]) \(e.label)" : e.label
            return color ? "\u{1B}[\(ansiPalette[e.color % ansiPalette.count])m\(text)\u{1B}[0m" : text
        }

        var lines: [String] = []
        if let t = p.title, !t.isEmpty {
            let w = PlotGeometry.width(t)
            lines.append(pad(margin + 1 + (width - w) / 2) + (color ? "\u{1B}[1m\(t)\u{1B}[0m" : t))
        }
        lines.append(pad(margin) + "┌" + String(repeating: "─", count: width) + "┐")
        let firstRow = lines.count
        let ylabelRow = height / 2
        for r in 0..<height {
            var left = ""
            if let yl = ylabel { left += r == ylabelRow ? yl + " " : pad(ylabelWidth) }
            let tick = yticks[r] ?? ""
            left += pad(tickWidth - PlotGeometry.width(tick)) + tick + " "
            var row = canvas.row(r, palette: palette, colorOf: { colors.indices.contains($0) ? colors[$0] : $0 })
            if markerMode { row = overlayMarkers(row, r: r, width: width, markerCells) }
            lines.append(left + "│" + row + "│")
        }
        lines.append(pad(margin) + "└" + String(repeating: "─", count: width) + "┘")
        if p.xlog {
            lines.append(pad(margin + 1) + logAxisLine(xa, width: width, pixelWidth: canvas.pixelWidth))
        } else {
            let xl = Display.number(xmin, precision: 4), xr = Display.number(xmax, precision: 4)
            let gap = width - PlotGeometry.width(xl) - PlotGeometry.width(xr)
            lines.append(pad(margin + 1) + xl + pad(Swift.max(1, gap)) + xr)
        }
        if let t = p.xlabel, !t.isEmpty {
            lines.append(pad(margin + 1 + (width - PlotGeometry.width(t)) / 2) + t)
        }
        return attach(legend, to: lines, at: firstRow, bodyWidth: margin + width + 2).joined(separator: "\n")
    }

    /// Draws the series (lines, points, bars) in their order; `markerCells` collects the marker
    /// of each cell holding a point when points are drawn as markers.
    static func draw(_ p: Plot, on canvas: inout BrailleCanvas, x xa: PlotGeometry.Axis, y ya: PlotGeometry.Axis,
                     useMarkers: Bool, markerCells: inout [Int: Character]) {
        let pw = canvas.pixelWidth, ph = canvas.pixelHeight
        func px(_ u: Double) -> Int { Int((u * Double(pw - 1)).rounded()) }
        func py(_ v: Double) -> Int { Int(((1 - v) * Double(ph - 1)).rounded()) }
        for (k, s) in p.series.enumerated() {
            switch s.kind {
            case .line:
                for run in PlotGeometry.lineRuns(s, x: xa, y: ya) {
                    var last: (Int, Int)? = nil
                    for q in run {
                        let pt = (px(q.x), py(q.y))
                        if let l = last { canvas.line(l.0, l.1, pt.0, pt.1, series: k) } else { canvas.set(pt.0, pt.1, series: k) }
                        last = pt
                    }
                }
            case .points:
                for q in PlotGeometry.points(s, x: xa, y: ya) {
                    let (x, y) = (px(q.x), py(q.y))
                    canvas.set(x, y, series: k)
                    if useMarkers, x >= 0, y >= 0, x < pw, y < ph { markerCells[(y / 4) * canvas.width + x / 2] = markers[k % markers.count] }
                }
            case .bars:
                for r in PlotGeometry.bars(s, x: xa, y: ya) {
                    let x0 = px(r.x0), x1 = px(r.x1)
                    let right = x1 - x0 >= 3 ? x1 - 2 : Swift.max(x0, x1 - 1)   // a one-dot gap between wide bars
                    for x in x0...right { canvas.line(x, py(r.y1), x, py(r.y0), series: k) }
                }
            }
        }
    }

    /// A canvas row with the cells that hold points replaced by their markers.
    static func overlayMarkers(_ row: String, r: Int, width: Int, _ cells: [Int: Character]) -> String {
        var chars = Array(row)
        guard chars.count == width else { return row }
        for c in 0..<width { if let m = cells[r * width + c] { chars[c] = m } }
        return String(chars)
    }

    /// The x tick labels of a log axis: the powers of ten at their columns, the ends aligned to
    /// the frame, labels that would touch a neighbour left out.
    static func logAxisLine(_ xa: PlotGeometry.Axis, width: Int, pixelWidth: Int) -> String {
        var slots: [(col: Int, text: String)] = [(0, PlotGeometry.logValueLabel(xa.lo))]
        for t in PlotGeometry.logTicks(xa.lo, xa.hi) where t.major && !t.label.isEmpty {
            guard let u = xa.unit(t.value) else { continue }
            let col = Int((u * Double(pixelWidth - 1)).rounded()) / 2
            if col > 0 && col < width - 1 { slots.append((col, t.label)) }
        }
        let last = PlotGeometry.logValueLabel(xa.hi)
        var line: [Character] = []
        var end = -1   // last column written
        for (i, s) in slots.enumerated() {
            let w = PlotGeometry.width(s.text)
            let start = i == 0 ? 0 : s.col - w / 2
            guard i == 0 || (start > end + 1 && start + w < width - PlotGeometry.width(last) - 1) else { continue }
            while line.count < start { line.append(" ") }
            line += Array(s.text)
            end = start + w - 1
        }
        let start = Swift.max(end + 2, width - PlotGeometry.width(last))
        while line.count < start { line.append(" ") }
        line += Array(last)
        return String(line)
    }

    /// The band 0…3 of a colour fraction: [0, ¼), [¼, ½), [½, ¾), [¾, 1] (a value that prints as a
    /// band's edge in the key falls in the band above it).
    static func band(_ t: Double) -> Int { Swift.max(0, Swift.min(3, Int(t * 4 + 1e-9))) }

    static func pad(_ n: Int) -> String { String(repeating: " ", count: Swift.max(0, n)) }

    /// `column` set to the right of `lines` from line `at` on (lines padded to `bodyWidth`, more
    /// lines added when the column is longer), as a legend or a key.
    static func attach(_ column: [String], to lines: [String], at: Int, bodyWidth: Int) -> [String] {
        guard !column.isEmpty else { return lines }
        var out = lines
        for (i, entry) in column.enumerated() {
            let li = at + i
            while out.count <= li { out.append("") }
            if entry.isEmpty { continue }   // a gap in the column
            let visible = visibleWidth(out[li])
            out[li] += pad(bodyWidth - visible) + " " + entry
        }
        return out
    }

    /// Width of a line without its ANSI escapes.
    static func visibleWidth(_ s: String) -> Int {
        var n = 0, inEscape = false
        for c in s {
            if inEscape { if c.isLetter { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }

    // MARK: heatmap

    /// A heatmap as a grid of characters, two per cell when it fits (one, or averaged blocks
    /// of cells, when the matrix is large), wider cells when the column names fit; the rows
    /// named (or numbered) on the left, the columns under the frame, the key on the right.
    /// Series of the plot are drawn over the cells as braille dots (or markers).
    static func renderHeatmap(_ p: Plot, _ h: PlotHeatmap, color: Bool) -> String {
        // the cells shown: those that meet xlim/ylim (limits snap outward to whole cells)
        func visible(_ lim: [Double]?, _ n: Int) -> (Int, Int) {
            guard let lim else { return (0, n - 1) }
            let a = Swift.max(0, Int(Swift.min(Double(n), Swift.max(-1, (lim[0] + 0.5).rounded(.down)))))
            let b = Swift.min(n - 1, Int(Swift.max(-1, Swift.min(Double(n), (lim[1] - 0.5).rounded(.up)))))
            return a <= b ? (a, b) : (Swift.min(a, n - 1), Swift.min(a, n - 1))
        }
        let (c0, c1) = visible(p.xlim, h.cols), (r0, r1) = visible(p.ylim, h.rows)
        var sub = PlotHeatmap(rows: r1 - r0 + 1, cols: c1 - c0 + 1, values: [])
        sub.values.reserveCapacity(sub.rows * sub.cols)
        for i in r0...r1 { sub.values += h.values[(i * h.cols + c0)...(i * h.cols + c1)] }
        let fx = (sub.cols + heatmapMaxWidth - 1) / heatmapMaxWidth, fy = (sub.rows + heatmapMaxHeight - 1) / heatmapMaxHeight
        let grid = PlotGeometry.downsample(sub, fx: fx, fy: fy)
        let xnames = h.xlabels.flatMap { $0.count == h.cols ? Array($0[c0...c1]) : nil }
        let ynames = h.ylabels.flatMap { $0.count == h.rows ? Array($0[r0...r1]) : nil }
        var cw = grid.cols * 2 <= heatmapMaxWidth ? 2 : 1
        if fx == 1, let xn = xnames {
            let need = (xn.map(PlotGeometry.width).max() ?? 0) + 1
            if need > cw && need * grid.cols <= heatmapMaxWidth { cw = need }
        }
        let width = grid.cols * cw, height = grid.rows
        let range = PlotGeometry.valueRange(h)

        // series over the cells, in the heatmap's coordinates (x = column, y = row downwards)
        let xa = PlotGeometry.Axis(lo: Double(c0) - 0.5, hi: Double(c0 + grid.cols * fx) - 0.5)
        let ya = PlotGeometry.Axis(lo: Double(r0) - 0.5, hi: Double(r0 + grid.rows * fy) - 0.5, inverted: true)
        var canvas = BrailleCanvas(width: width, height: height)
        let markerMode = !p.series.filter({ $0.kind == .points }).isEmpty   // dots would vanish in the cells
        var markerCells: [Int: Character] = [:]
        let colors = PlotGeometry.colors(p)
        draw(p, on: &canvas, x: xa, y: ya, useMarkers: markerMode, markerCells: &markerCells)

        func cell(_ i: Int, _ j: Int) -> (shade: Character, t: Double?) {
            guard let r = range, let t = PlotGeometry.colorFraction(grid.values[i * grid.cols + j], r) else { return (" ", nil) }
            return (shades[band(t)], t)
        }

        // row names: every row when each row is one matrix row, else the first and the last
        var rowNames: [Int: String] = [:]
        for i in 0..<grid.rows where fy == 1 || i == 0 || i == grid.rows - 1 {
            if fy == 1 && ynames == nil && grid.rows > 10 && i != 0 && i != grid.rows - 1 { continue }
            let row = r0 + i * fy
            rowNames[i] = ynames.map { $0[i * fy] } ?? String(row)
        }
        let tickWidth = rowNames.values.map(PlotGeometry.width).max() ?? 0
        let ylabel = p.ylabel.flatMap { $0.isEmpty ? nil : $0 }
        let ylabelWidth = ylabel.map { PlotGeometry.width($0) + 1 } ?? 0
        let margin = ylabelWidth + tickWidth + 1

        var lines: [String] = []
        if let t = p.title, !t.isEmpty {
            lines.append(pad(margin + 1 + (width - PlotGeometry.width(t)) / 2) + (color ? "\u{1B}[1m\(t)\u{1B}[0m" : t))
        }
        lines.append(pad(margin) + "┌" + String(repeating: "─", count: width) + "┐")
        let firstRow = lines.count
        for i in 0..<height {
            var line = ""
            if let yl = ylabel { line += i == height / 2 ? yl + " " : pad(ylabelWidth) }
            let name = rowNames[i] ?? ""
            line += pad(tickWidth - PlotGeometry.width(name)) + name + " │"
            var current = ""
            for c in 0..<width {
                let (shade, t) = cell(i, c / cw)
                let dots = canvas.bits[i * width + c]
                var ch = shade
                var code = ""
                if let m = markerCells[i * width + c] { ch = m }
                else if dots != 0 { ch = canvas.character(row: i, col: c) }
                if color {
                    if dots != 0 {
                        // drawn over a cell: black on light cells, white on dark ones
                        let fg = (t ?? 0) >= 0.5 ? "30" : "97"
                        code = "1;\(fg)" + (t.map { ";" + viridisCode($0, background: true) } ?? "")
                    } else if let t {
                        ch = "█"; code = viridisCode(t)
                    }
                    if code != current {
                        if !current.isEmpty { line += "\u{1B}[0m" }
                        if !code.isEmpty { line += "\u{1B}[\(code)m" }
                        current = code
                    }
                }
                line.append(ch)
            }
            if !current.isEmpty { line += "\u{1B}[0m" }
            lines.append(line + "│")
        }
        lines.append(pad(margin) + "└" + String(repeating: "─", count: width) + "┘")
        // column names under their cells when each fits in its cell, else the first and last index
        if fx == 1, let xn = xnames, xn.allSatisfy({ PlotGeometry.width($0) < cw || (cw == 2 && PlotGeometry.width($0) <= 2 && grid.cols == 1) }) {
            var line = ""
            for (j, name) in xn.enumerated() {
                let w = PlotGeometry.width(name)
                let start = j * cw + (cw - w) / 2
                line += pad(start - PlotGeometry.width(line)) + name
            }
            lines.append(pad(margin + 1) + line)
        } else {
            let left = xnames?.first ?? String(c0), right = xnames.map { $0[$0.count - 1] } ?? String(c1)
            if grid.cols * fx == 1 || left == right {
                lines.append(pad(margin + 1) + left)
            } else {
                let gap = width - PlotGeometry.width(left) - PlotGeometry.width(right)
                lines.append(pad(margin + 1) + left + pad(Swift.max(1, gap)) + right)
            }
        }
        if let t = p.xlabel, !t.isEmpty {
            lines.append(pad(margin + 1 + (width - PlotGeometry.width(t)) / 2) + t)
        }

        // the key: four bands without colour, a colour bar with colour; then the series' legend
        var key: [String] = []
        if let r = range {
            let num: (Double) -> String = { Display.number($0, precision: 3) }
            if color {
                let n = Swift.max(3, Swift.min(height, 8))
                for i in 0..<n {
                    let t = 1 - Double(i) / Double(n - 1)
                    let swatch = "\u{1B}[\(viridisCode(t))m██\u{1B}[0m"
                    let v = i == 0 ? r.1 : i == n - 1 ? r.0 : i == n / 2 && n % 2 == 1 ? r.0 + (r.1 - r.0) / 2 : nil
                    key.append(swatch + (v.map { " " + num($0) } ?? ""))
                }
            } else if r.1 > r.0 {
                for k in stride(from: 3, through: 0, by: -1) {
                    let lo = r.0 + (r.1 - r.0) * Double(k) / 4, hi = k == 3 ? r.1 : r.0 + (r.1 - r.0) * Double(k + 1) / 4
                    key.append("\(shades[k]) \(num(lo)) – \(num(hi))")
                }
            } else {
                key.append("\(shades[2]) \(num(r.0))")
            }
        }
        let legend = PlotGeometry.legend(p).map { e -> String in
            let text = e.kind == .points && markerMode ? "\(markers[e.series % markers.count]) \(e.label)" : e.label
            return color ? "\u{1B}[\(ansiPalette[e.color % ansiPalette.count])m\(text)\u{1B}[0m" : text
        }
        let column = key + (legend.isEmpty || key.isEmpty ? legend : [""] + legend)
        return attach(column, to: lines, at: firstRow, bodyWidth: margin + width + 2).joined(separator: "\n")
    }
}
