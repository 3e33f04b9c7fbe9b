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
    public func row(_ r: Int, palette: [String]? = nil) -> String {
        var out = ""
        var current: Int = -1
        for c in 0..<width {
            let owner = bits[r * width + c] == 0 ? -1 : owners[r * width + c]
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

/// A UnicodePlots-style line chart of a plot value: title, a framed braille canvas with
/// min/max tick labels, a legend on the right, the x label under it.
public enum BrailleChart {
    /// ANSI colours of the series (blue, yellow, green, red, magenta, cyan), as the SVG palette.
    public static let ansiPalette = ["34", "33", "32", "31", "35", "36"]

    public static func render(_ p: Plot, width: Int = 60, height: Int = 15, color: Bool = false) -> String {
        var canvas = BrailleCanvas(width: width, height: height)
        let b = PlotGeometry.bounds(p)
        let (xmin, xmax) = (b.xmin, b.xmax)
        let (ymin, ymax) = PlotGeometry.narrowNice(b.ymin, b.ymax)
        let pw = canvas.pixelWidth, ph = canvas.pixelHeight
        func px(_ x: Double) -> Int { Int((PlotGeometry.fraction(x, xmin, xmax) * Double(pw - 1)).rounded()) }
        func py(_ y: Double) -> Int { Int(((1 - PlotGeometry.fraction(y, ymin, ymax)) * Double(ph - 1)).rounded()) }
        for (k, s) in p.series.enumerated() {
            let n = Swift.min(s.xs.count, s.ys.count)
            var last: (Int, Int)? = nil
            for i in 0..<n {
                let x = s.xs[i], y = s.ys[i]
                guard x.isFinite, y.isFinite else { last = nil; continue }
                let pt = (px(x), py(y))
                if let l = last { canvas.line(l.0, l.1, pt.0, pt.1, series: k) } else { canvas.set(pt.0, pt.1, series: k) }
                last = pt
            }
        }

        let label: (Double) -> String = { Display.number($0, precision: 4) }
        let ytop = label(ymax), ybottom = label(ymin)
        let tickWidth = Swift.max(PlotGeometry.width(ytop), PlotGeometry.width(ybottom))
        let ylabel = p.ylabel.flatMap { $0.isEmpty ? nil : $0 }
        let ylabelWidth = ylabel.map { PlotGeometry.width($0) + 1 } ?? 0
        let margin = ylabelWidth + tickWidth + 1   // columns before the left border
        let pad = { (n: Int) in String(repeating: " ", count: Swift.max(0, n)) }
        let palette = color ? ansiPalette : nil
        let legend: [String] = p.series.enumerated().compactMap { (k, s) in
            guard let l = s.label else { return nil }
            return color ? "\u{1B}[\(ansiPalette[k % ansiPalette.count])m\(l)\u{1B}[0m" : l
        }

        var lines: [String] = []
        if let t = p.title, !t.isEmpty {
            let w = PlotGeometry.width(t)
            lines.append(pad(margin + 1 + (width - w) / 2) + (color ? "\u{1B}[1m\(t)\u{1B}[0m" : t))
        }
        lines.append(pad(margin) + "┌" + String(repeating: "─", count: width) + "┐")
        let ylabelRow = height / 2
        for r in 0..<height {
            var left = ""
            if let yl = ylabel { left += r == ylabelRow ? yl + " " : pad(ylabelWidth) }
            let tick = r == 0 ? ytop : r == height - 1 ? ybottom : ""
            left += pad(tickWidth - PlotGeometry.width(tick)) + tick + " "
            var line = left + "│" + canvas.row(r, palette: palette) + "│"
            if r < legend.count { line += " " + legend[r] }
            lines.append(line)
        }
        lines.append(pad(margin) + "└" + String(repeating: "─", count: width) + "┘")
        let xl = label(xmin), xr = label(xmax)
        let gap = width - PlotGeometry.width(xl) - PlotGeometry.width(xr)
        lines.append(pad(margin + 1) + xl + pad(Swift.max(1, gap)) + xr)
        if let t = p.xlabel, !t.isEmpty {
            lines.append(pad(margin + 1 + (width - PlotGeometry.width(t)) / 2) + t)
        }
        return lines.joined(separator: "\n")
    }
}
