import LossLang

/// Renders a plot as a standalone SVG document: byte-stable (fixed number formatting,
/// no ids, no timestamps), with a 1-2-5 tick grid, one polyline per series, a legend,
/// title and axis labels.
public enum SVGRenderer {
    /// Series colours (matplotlib's tab10).
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


    /// Thins a long polyline without changing how it looks: consecutive points that fall in
    /// the same half-pixel column are reduced to the first, lowest, highest and last (M4).
    static func decimate(_ pts: [(Double, Double)]) -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        out.reserveCapacity(2048)
        var i = 0
        while i < pts.count {
            let column = (pts[i].0 * 2).rounded(.down)
            var j = i, lo = i, hi = i
            while j + 1 < pts.count, (pts[j + 1].0 * 2).rounded(.down) == column {
                j += 1
                if pts[j].1 < pts[lo].1 { lo = j }
                if pts[j].1 > pts[hi].1 { hi = j }
            }
            for k in Set([i, lo, hi, j]).sorted() { out.append(pts[k]) }
            i = j + 1
        }
        return out
    }

    public static func render(_ p: Plot, width: Int = 640, height: Int = 400) -> String {
        let W = Double(width), H = Double(height)
        let hasTitle = !(p.title ?? "").isEmpty, hasXlabel = !(p.xlabel ?? "").isEmpty, hasYlabel = !(p.ylabel ?? "").isEmpty
        let heat = p.heatmap.flatMap { $0.rows > 0 && $0.cols > 0 && $0.values.count == $0.rows * $0.cols ? $0 : nil }
        var left = hasYlabel ? 78.0 : 62.0
        var right = W - 20
        let top = hasTitle ? 40.0 : 20.0
        var bottom = H - (hasXlabel ? 54.0 : 34.0)
        let c = PlotGeometry.coord

        // ranges: x as the data (or xlim), y padded by 5% each side (not below the 0 of bars)
        let b = PlotGeometry.bounds(p)
        let (dx, dy) = PlotGeometry.dataRanges(p)
        var (xmin, xmax): (Double, Double) = p.xlim.map { ($0[0], $0[1]) }
            ?? (p.xlog ? PlotGeometry.logWiden(dx) : (b.xmin, b.xmax))
        if p.xlim == nil && heat == nil && p.series.contains(where: { $0.kind == .points }) {
            (xmin, xmax) = PlotGeometry.pad(xmin, xmax, log: p.xlog)   // markers clear of the frame
        }
        var (ymin, ymax) = (b.ymin, b.ymax)
        if let lim = p.ylim {
            (ymin, ymax) = (lim[0], lim[1])
        } else if heat != nil {
            (ymin, ymax) = (b.ymin, b.ymax)
        } else if p.ylog {
            let r = PlotGeometry.logWiden(dy)
            (ymin, ymax) = PlotGeometry.pad(r.0, r.1, log: true)
        } else {
            let barsFromZero = p.series.contains { $0.kind == .bars } && ymin == 0
            (ymin, ymax) = PlotGeometry.pad(ymin, ymax, log: false, below: !barsFromZero)
        }

        // a heatmap: square cells, room for its row names on the left and the colour bar on the right
        var rotateXNames = false
        if let h = heat {
            if let names = h.ylabels {
                let longest = Double(names.map(PlotGeometry.width).max() ?? 0)
                left = Swift.max(left, longest * 7 + 14 + (hasYlabel ? 24 : 0))
            }
            right = W - 90
            let cols = Swift.max(1e-9, xmax - xmin), rows = Swift.max(1e-9, ymax - ymin)
            var cell = Swift.min((right - left) / cols, (bottom - top) / rows)
            if let names = h.xlabels, let longest = names.map(PlotGeometry.width).max(), Double(longest) * 7 > cell - 4 {
                rotateXNames = true
                bottom -= Swift.min(110, Double(longest) * 5)
                cell = Swift.min((right - left) / cols, (bottom - top) / rows)
            }
            left += (right - left - cell * cols) / 2   // centred, with its colour bar
            right = left + cell * cols
            bottom = top + cell * rows
        }
        let xa = PlotGeometry.Axis(lo: xmin, hi: xmax, log: p.xlog)
        let ya = PlotGeometry.Axis(lo: ymin, hi: ymax, log: p.ylog, inverted: heat != nil)
        func px(_ u: Double) -> Double { left + u * (right - left) }
        func py(_ v: Double) -> Double { bottom - v * (bottom - top) }
        func sx(_ x: Double) -> Double { px(xa.unit(x) ?? 0) }
        func sy(_ y: Double) -> Double { py(ya.unit(y) ?? 0) }

        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        o += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"

        if let h = heat {
            o += heatmapCells(h, x: xa, y: ya, px: px, py: py)
            o += heatmapTicks(h, x: xa, y: ya, left: left, right: right, top: top, bottom: bottom, rotate: rotateXNames)
        } else {
            o += grid(p, x: xa, y: ya, left: left, right: right, top: top, bottom: bottom)
        }

        // series: lines as polylines (a dot for an isolated point), points as markers, bars as rects
        let colors = PlotGeometry.colors(p)
        for (k, s) in p.series.enumerated() {
            let color = palette[colors[k] % palette.count]
            switch s.kind {
            case .line:
                o += "<g fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.75\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n"
                for run in PlotGeometry.lineRuns(s, x: xa, y: ya) {
                    let pts = run.map { (px($0.x), py($0.y)) }
                    if pts.count == 1 {
                        o += "<circle cx=\"\(c(pts[0].0))\" cy=\"\(c(pts[0].1))\" r=\"1.5\" fill=\"\(color)\"/>\n"
                    } else {
                        let thin = pts.count > 2000 ? decimate(pts) : pts
                        o += "<polyline points=\"\(thin.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " "))\"/>\n"
                    }
                }
            case .points:
                o += "<g fill=\"\(color)\" fill-opacity=\"0.85\" stroke=\"#ffffff\" stroke-width=\"0.6\">\n"
                // a marker on the same pixel as an earlier one of its series adds nothing visible
                var drawn = Set<Int>()
                for q in PlotGeometry.points(s, x: xa, y: ya) {
                    let x = px(q.x), y = py(q.y)
                    guard drawn.insert(Int(x.rounded()) * 65536 + Int(y.rounded())).inserted else { continue }
                    o += "<circle cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"3.5\"/>\n"
                }
            case .bars:
                o += "<g fill=\"\(color)\" fill-opacity=\"0.8\" stroke=\"#ffffff\" stroke-width=\"0.5\">\n"
                for r in PlotGeometry.bars(s, x: xa, y: ya) {
                    let x0 = px(r.x0), x1 = px(r.x1), y0 = py(r.y1), y1 = py(r.y0)
                    o += "<rect x=\"\(c(x0))\" y=\"\(c(y0))\" width=\"\(c(x1 - x0))\" height=\"\(c(y1 - y0))\"/>\n"
                }
            }
            o += "</g>\n"
        }

        // legend (labelled series only) inside the frame, in the corner the data crosses least
        let entries = PlotGeometry.legend(p)
        if !entries.isEmpty {
            let longest = entries.map { PlotGeometry.width($0.label) }.max() ?? 0
            let boxW = Double(longest) * 7 + 40, boxH = Double(entries.count) * 18 + 8
            let samples = legendSamples(p, x: xa, y: ya, px: px, py: py)
            var best = (count: Int.max, x: right - boxW - 8, y: top + 8)
            for (cx, cy) in [(right - boxW - 8, top + 8), (left + 8, top + 8), (right - boxW - 8, bottom - boxH - 8), (left + 8, bottom - boxH - 8)] {
                var count = 0
                for (x, y) in samples where x >= cx - 4 && x <= cx + boxW + 4 && y >= cy - 4 && y <= cy + boxH + 4 { count += 1 }
                if count < best.count { best = (count, cx, cy) }
            }
            let bx = best.x, by = best.y
            o += "<g>\n<rect x=\"\(c(bx))\" y=\"\(c(by))\" width=\"\(c(boxW))\" height=\"\(c(boxH))\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n"
            for (row, e) in entries.enumerated() {
                let ly = by + 13 + Double(row) * 18
                let color = palette[e.color % palette.count]
                switch e.kind {
                case .line:
                    o += "<line x1=\"\(c(bx + 8))\" y1=\"\(c(ly))\" x2=\"\(c(bx + 28))\" y2=\"\(c(ly))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
                case .points:
                    o += "<circle cx=\"\(c(bx + 18))\" cy=\"\(c(ly))\" r=\"4\" fill=\"\(color)\"/>\n"
                case .bars:
                    o += "<rect x=\"\(c(bx + 11))\" y=\"\(c(ly - 5))\" width=\"14\" height=\"10\" fill=\"\(color)\" fill-opacity=\"0.8\"/>\n"
                }
                o += "<text x=\"\(c(bx + 34))\" y=\"\(c(ly + 4))\" fill=\"#333333\">\(HTMLRenderer.escape(e.label))</text>\n"
            }
            o += "</g>\n"
        }

        if let h = heat { o += colorBar(h, x: right + 16, top: top, bottom: bottom) }

        if hasTitle, let t = p.title {
            o += "<text x=\"\(c((left + right) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#222222\">\(HTMLRenderer.escape(t))</text>\n"
        }
        if hasXlabel, let t = p.xlabel {
            // under the column names of a heatmap (slanted ones reach about 5 px per character lower)
            let slant = Double(heat?.xlabels?.map(PlotGeometry.width).max() ?? 0) * 5 + 32
            let y = heat == nil ? H - 14 : Swift.min(H - 14, bottom + (rotateXNames ? slant : 40))
            o += "<text x=\"\(c((left + right) / 2))\" y=\"\(c(y))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222222\">\(HTMLRenderer.escape(t))</text>\n"
        }
        if hasYlabel, let t = p.ylabel {
            let cy = (top + bottom) / 2
            // beside the row names of a (centred) heatmap, else at the left edge
            let longest = Double(heat.map { h in h.ylabels?.map(PlotGeometry.width).max() ?? String(h.rows - 1).count } ?? 0)
            let x = heat == nil ? 18 : Swift.max(18, left - longest * 7 - 26)
            o += "<text x=\"\(c(x))\" y=\"\(c(cy))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222222\" transform=\"rotate(-90 \(c(x)) \(c(cy)))\">\(HTMLRenderer.escape(t))</text>\n"
        }
        o += "</svg>\n"
        return o
    }

    /// Grid lines, the frame and the tick labels of an x–y plot: 1-2-5 steps on a linear axis,
    /// powers of ten (with lighter lines at their multiples 2…9) on a log axis.
    static func grid(_ p: Plot, x xa: PlotGeometry.Axis, y ya: PlotGeometry.Axis,
                     left: Double, right: Double, top: Double, bottom: Double) -> String {
        let c = PlotGeometry.coord
        func sx(_ x: Double) -> Double { left + (xa.unit(x) ?? 0) * (right - left) }
        func sy(_ y: Double) -> Double { bottom - (ya.unit(y) ?? 0) * (bottom - top) }
        func ticks(_ a: PlotGeometry.Axis, target: Int) -> [PlotGeometry.Tick]? {
            if a.log { let t = PlotGeometry.logTicks(a.lo, a.hi); return t.isEmpty ? nil : t }
            guard let t = PlotGeometry.ticks(a.lo, a.hi, target: target) else { return nil }
            return t.values.map { PlotGeometry.Tick(value: $0, label: PlotGeometry.tickLabel($0, step: t.step), major: true) }
        }
        let xt = ticks(xa, target: 7), yt = ticks(ya, target: 6)
        var o = ""
        let minor = (xt ?? []).contains { !$0.major } || (yt ?? []).contains { !$0.major }
        if minor {
            o += "<g stroke=\"#f2f2f2\" stroke-width=\"1\">\n"
            for t in xt ?? [] where !t.major { o += "<line x1=\"\(c(sx(t.value)))\" y1=\"\(c(top))\" x2=\"\(c(sx(t.value)))\" y2=\"\(c(bottom))\"/>\n" }
            for t in yt ?? [] where !t.major { o += "<line x1=\"\(c(left))\" y1=\"\(c(sy(t.value)))\" x2=\"\(c(right))\" y2=\"\(c(sy(t.value)))\"/>\n" }
            o += "</g>\n"
        }
        o += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n"
        for t in xt ?? [] where t.major { o += "<line x1=\"\(c(sx(t.value)))\" y1=\"\(c(top))\" x2=\"\(c(sx(t.value)))\" y2=\"\(c(bottom))\"/>\n" }
        for t in yt ?? [] where t.major { o += "<line x1=\"\(c(left))\" y1=\"\(c(sy(t.value)))\" x2=\"\(c(right))\" y2=\"\(c(sy(t.value)))\"/>\n" }
        o += "</g>\n"
        o += "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        o += "<g fill=\"#333333\">\n"
        if let xt {
            for t in xt where !t.label.isEmpty {
                o += "<text x=\"\(c(sx(t.value)))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(t.label))</text>\n"
            }
        } else {
            o += "<text x=\"\(c(left))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(Display.number(xa.lo, precision: 4)))</text>\n"
            o += "<text x=\"\(c(right))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(Display.number(xa.hi, precision: 4)))</text>\n"
        }
        if let yt {
            for t in yt where !t.label.isEmpty {
                o += "<text x=\"\(c(left - 6))\" y=\"\(c(sy(t.value) + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(t.label))</text>\n"
            }
        } else {
            o += "<text x=\"\(c(left - 6))\" y=\"\(c(bottom + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(Display.number(ya.lo, precision: 4)))</text>\n"
            o += "<text x=\"\(c(left - 6))\" y=\"\(c(top + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(Display.number(ya.hi, precision: 4)))</text>\n"
        }
        o += "</g>\n"
        return o
    }

    /// Points along what the series draw (every ~4 px of a line, each marker, a grid over each
    /// bar), in pixels, to place the legend where it hides the least.
    static func legendSamples(_ p: Plot, x xa: PlotGeometry.Axis, y ya: PlotGeometry.Axis,
                              px: (Double) -> Double, py: (Double) -> Double) -> [(Double, Double)] {
        var samples: [(Double, Double)] = []
        for s in p.series {
            switch s.kind {
            case .line:
                for run in PlotGeometry.lineRuns(s, x: xa, y: ya) {
                    var prev: (Double, Double)? = nil
                    for q in run {
                        let pt = (px(q.x), py(q.y))
                        if let a = prev {
                            let length = Swift.abs(pt.0 - a.0) + Swift.abs(pt.1 - a.1)   // at most ~900 px
                            let steps = Swift.max(1, Swift.min(400, Int((length / 4).rounded(.up))))
                            for k in 1...steps {
                                let t = Double(k) / Double(steps)
                                samples.append((a.0 + (pt.0 - a.0) * t, a.1 + (pt.1 - a.1) * t))
                            }
                        } else {
                            samples.append(pt)
                        }
                        prev = pt
                    }
                }
            case .points:
                for q in PlotGeometry.points(s, x: xa, y: ya) { samples.append((px(q.x), py(q.y))) }
            case .bars:
                for r in PlotGeometry.bars(s, x: xa, y: ya) {
                    let x0 = px(r.x0), x1 = px(r.x1), y0 = py(r.y1), y1 = py(r.y0)
                    var x = x0
                    while x <= x1 {
                        var y = y0
                        while y <= y1 { samples.append((x, y)); y += 6 }
                        x += 6
                    }
                }
            }
        }
        return samples
    }

    /// The colour-bar band (0 ..< colorBarStops) of a colour fraction: cells take the colour of
    /// their band, so that they match the colour bar exactly.
    static func colorBand(_ t: Double) -> Int { Swift.max(0, Swift.min(colorBarStops - 1, Int(t * Double(colorBarStops)))) }

    static func bandColor(_ k: Int) -> String { PlotGeometry.hex(PlotGeometry.viridis((Double(k) + 0.5) / Double(colorBarStops))) }

    /// The cells of a heatmap: one path per colour band, made of rectangles (runs of cells of
    /// one band in a row merged); nan is left blank. Matrices whose cells would be smaller than
    /// 2 px are averaged over blocks of cells first.
    static func heatmapCells(_ h: PlotHeatmap, x xa: PlotGeometry.Axis, y ya: PlotGeometry.Axis,
                             px: (Double) -> Double, py: (Double) -> Double) -> String {
        let c = PlotGeometry.coord
        guard let range = PlotGeometry.valueRange(h) else { return "" }
        let cellW = Swift.abs(px(xa.unit(1) ?? 0) - px(xa.unit(0) ?? 0)), cellH = Swift.abs(py(ya.unit(1) ?? 0) - py(ya.unit(0) ?? 0))
        // (bounded by the matrix: a huge axis range makes cells vanishingly small)
        let fx = cellW >= 2 || !(cellW > 0) ? 1 : Int(Swift.min(Double(h.cols), (2 / cellW).rounded(.up)))
        let fy = cellH >= 2 || !(cellH > 0) ? 1 : Int(Swift.min(Double(h.rows), (2 / cellH).rounded(.up)))
        let g = PlotGeometry.downsample(h, fx: fx, fy: fy)
        var paths = [String](repeating: "", count: colorBarStops)
        for i in 0..<g.rows {
            var j = 0
            while j < g.cols {
                guard let t = PlotGeometry.colorFraction(g.values[i * g.cols + j], range) else { j += 1; continue }
                let band = colorBand(t)
                var k = j + 1
                while k < g.cols, let u = PlotGeometry.colorFraction(g.values[i * g.cols + k], range), colorBand(u) == band { k += 1 }
                let x0 = Double(j * fx) - 0.5, x1 = Double(Swift.min(h.cols, k * fx)) - 0.5
                let y0 = Double(i * fy) - 0.5, y1 = Double(Swift.min(h.rows, (i + 1) * fy)) - 0.5
                if let a = xa.unit(x0), let b = xa.unit(x1), let d = ya.unit(y0), let e = ya.unit(y1),
                   let r = PlotGeometry.clampRect(PlotGeometry.UnitRect(x0: Swift.min(a, b), y0: Swift.min(d, e), x1: Swift.max(a, b), y1: Swift.max(d, e))) {
                    paths[band] += "M\(c(px(r.x0))),\(c(py(r.y1)))H\(c(px(r.x1)))V\(c(py(r.y0)))H\(c(px(r.x0)))Z"
                }
                j = k
            }
        }
        var o = "<g shape-rendering=\"crispEdges\">\n"
        for (k, d) in paths.enumerated() where !d.isEmpty { o += "<path fill=\"\(bandColor(k))\" d=\"\(d)\"/>\n" }
        return o + "</g>\n"
    }

    /// The frame of a heatmap and its column and row names (or indices) at the cells' centres,
    /// thinned to every k-th when they would overlap; long column names are slanted.
    static func heatmapTicks(_ h: PlotHeatmap, x xa: PlotGeometry.Axis, y ya: PlotGeometry.Axis,
                             left: Double, right: Double, top: Double, bottom: Double, rotate: Bool) -> String {
        let c = PlotGeometry.coord
        func positions(_ a: PlotGeometry.Axis, count: Int, names: [String]?, pixels: Double, minSpacing: Double) -> [(Int, String)] {
            func index(_ v: Double) -> Int { Int(Swift.min(Double(count), Swift.max(-1, v.isNaN ? -1 : v))) }
            let first = Swift.max(0, index((Swift.min(a.lo, a.hi) + 0.5).rounded(.up)))
            let last = Swift.min(count - 1, index((Swift.max(a.lo, a.hi) - 0.5).rounded(.down)))
            guard first <= last else { return [] }
            let perCell = pixels / Swift.max(1e-9, Swift.abs(a.hi - a.lo))
            var step = 1
            for s in [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] {
                step = s
                if Double(s) * perCell >= minSpacing { break }
            }
            var out: [(Int, String)] = []
            var i = (first + step - 1) / step * step
            let names = names?.count == count ? names : nil
            while i <= last { out.append((i, names?[i] ?? String(i))); i += step }
            return out
        }
        let longestX = Double(h.xlabels?.map(PlotGeometry.width).max() ?? String(h.cols - 1).count)
        let xs = positions(xa, count: h.cols, names: h.xlabels, pixels: right - left, minSpacing: rotate ? 16 : longestX * 7 + 8)
        let ys = positions(ya, count: h.rows, names: h.ylabels, pixels: bottom - top, minSpacing: 20)
        var o = "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        o += "<g stroke=\"#333333\" stroke-width=\"1\">\n"
        for (i, _) in xs { let x = left + (xa.unit(Double(i)) ?? 0) * (right - left); o += "<line x1=\"\(c(x))\" y1=\"\(c(bottom))\" x2=\"\(c(x))\" y2=\"\(c(bottom + 4))\"/>\n" }
        for (i, _) in ys { let y = bottom - (ya.unit(Double(i)) ?? 0) * (bottom - top); o += "<line x1=\"\(c(left - 4))\" y1=\"\(c(y))\" x2=\"\(c(left))\" y2=\"\(c(y))\"/>\n" }
        o += "</g>\n<g fill=\"#333333\">\n"
        for (i, name) in xs {
            let x = left + (xa.unit(Double(i)) ?? 0) * (right - left)
            if rotate {
                o += "<text x=\"\(c(x + 4))\" y=\"\(c(bottom + 12))\" text-anchor=\"end\" transform=\"rotate(-45 \(c(x + 4)) \(c(bottom + 12)))\">\(HTMLRenderer.escape(name))</text>\n"
            } else {
                o += "<text x=\"\(c(x))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(name))</text>\n"
            }
        }
        for (i, name) in ys {
            let y = bottom - (ya.unit(Double(i)) ?? 0) * (bottom - top)
            o += "<text x=\"\(c(left - 7))\" y=\"\(c(y + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(name))</text>\n"
        }
        return o + "</g>\n"
    }

    /// Number of colour stops of the colour bar.
    static let colorBarStops = 64

    /// The colour bar of a heatmap: viridis in \(colorBarStops) bands from the smallest value (bottom)
    /// to the largest (top), framed, with 1-2-5 ticks on its right.
    static func colorBar(_ h: PlotHeatmap, x: Double, top: Double, bottom: Double) -> String {
        let c = PlotGeometry.coord
        guard let range = PlotGeometry.valueRange(h) else { return "" }
        let w = 14.0, n = colorBarStops, band = (bottom - top) / Double(n)
        var o = "<g shape-rendering=\"crispEdges\">\n"
        for i in 0..<n {
            let y0 = bottom - Double(i + 1) * band
            let color = bandColor(i)
            o += "<rect x=\"\(c(x))\" y=\"\(c(y0))\" width=\"\(c(w))\" height=\"\(c(band + 0.01))\" fill=\"\(color)\"/>\n"
        }
        o += "</g>\n"
        o += "<rect x=\"\(c(x))\" y=\"\(c(top))\" width=\"\(c(w))\" height=\"\(c(bottom - top))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        o += "<g fill=\"#333333\">\n"
        if range.1 > range.0, let t = PlotGeometry.ticks(range.0, range.1, target: 6) {
            for v in t.values {
                let y = bottom - PlotGeometry.fraction(v, range.0, range.1) * (bottom - top)
                o += "<line x1=\"\(c(x + w))\" y1=\"\(c(y))\" x2=\"\(c(x + w + 4))\" y2=\"\(c(y))\" stroke=\"#333333\"/>\n"
                o += "<text x=\"\(c(x + w + 7))\" y=\"\(c(y + 4))\">\(HTMLRenderer.escape(PlotGeometry.tickLabel(v, step: t.step)))</text>\n"
            }
        } else {
            o += "<text x=\"\(c(x + w + 7))\" y=\"\(c((top + bottom) / 2 + 4))\">\(HTMLRenderer.escape(Display.number(range.0, precision: 4)))</text>\n"
        }
        return o + "</g>\n"
    }
}
