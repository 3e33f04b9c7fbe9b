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
        let left = hasYlabel ? 78.0 : 62.0
        let right = W - 20
        let top = hasTitle ? 40.0 : 20.0
        let bottom = H - (hasXlabel ? 54.0 : 34.0)
        let c = PlotGeometry.coord

        let b = PlotGeometry.bounds(p)
        let (xmin, xmax) = (b.xmin, b.xmax)
        var (ymin, ymax) = (b.ymin, b.ymax)
        let padding = (ymax / 2 - ymin / 2) * 0.1   // 5% of the range on each side
        if padding.isFinite, (ymin - padding).isFinite, (ymax + padding).isFinite {
            (ymin, ymax) = (ymin - padding, ymax + padding)
        }
        func sx(_ x: Double) -> Double { left + PlotGeometry.fraction(x, xmin, xmax) * (right - left) }
        func sy(_ y: Double) -> Double { bottom - PlotGeometry.fraction(y, ymin, ymax) * (bottom - top) }

        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        o += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"

        // grid and tick labels
        o += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n"
        let xt = PlotGeometry.ticks(xmin, xmax, target: 7)
        let yt = PlotGeometry.ticks(ymin, ymax, target: 6)
        for v in xt?.values ?? [] { o += "<line x1=\"\(c(sx(v)))\" y1=\"\(c(top))\" x2=\"\(c(sx(v)))\" y2=\"\(c(bottom))\"/>\n" }
        for v in yt?.values ?? [] { o += "<line x1=\"\(c(left))\" y1=\"\(c(sy(v)))\" x2=\"\(c(right))\" y2=\"\(c(sy(v)))\"/>\n" }
        o += "</g>\n"
        o += "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(right - left))\" height=\"\(c(bottom - top))\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
        o += "<g fill=\"#333333\">\n"
        if let xt {
            for v in xt.values {
                o += "<text x=\"\(c(sx(v)))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(PlotGeometry.tickLabel(v, step: xt.step)))</text>\n"
            }
        } else {
            o += "<text x=\"\(c(left))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(Display.number(xmin, precision: 4)))</text>\n"
            o += "<text x=\"\(c(right))\" y=\"\(c(bottom + 17))\" text-anchor=\"middle\">\(HTMLRenderer.escape(Display.number(xmax, precision: 4)))</text>\n"
        }
        if let yt {
            for v in yt.values {
                o += "<text x=\"\(c(left - 6))\" y=\"\(c(sy(v) + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(PlotGeometry.tickLabel(v, step: yt.step)))</text>\n"
            }
        } else {
            o += "<text x=\"\(c(left - 6))\" y=\"\(c(bottom + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(Display.number(ymin, precision: 4)))</text>\n"
            o += "<text x=\"\(c(left - 6))\" y=\"\(c(top + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(Display.number(ymax, precision: 4)))</text>\n"
        }
        o += "</g>\n"

        // series: one polyline per run of finite points, a dot for an isolated point
        for (k, s) in p.series.enumerated() {
            let color = palette[k % palette.count]
            o += "<g fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.75\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n"
            var run: [(Double, Double)] = []
            func flush() {
                if run.count == 1 {
                    o += "<circle cx=\"\(c(run[0].0))\" cy=\"\(c(run[0].1))\" r=\"1.5\" fill=\"\(color)\"/>\n"
                } else if run.count > 1 {
                    let pts = run.count > 2000 ? decimate(run) : run
                    o += "<polyline points=\"\(pts.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " "))\"/>\n"
                }
                run.removeAll()
            }
            let n = Swift.min(s.xs.count, s.ys.count)
            for i in 0..<n {
                let x = s.xs[i], y = s.ys[i]
                guard x.isFinite, y.isFinite else { flush(); continue }
                run.append((sx(x), sy(y)))
            }
            flush()
            o += "</g>\n"
        }

        // legend (labelled series only), top right inside the frame
        let labelled = p.series.enumerated().compactMap { (k, s) in s.label.map { (k, $0) } }
        if !labelled.isEmpty {
            let longest = labelled.map { PlotGeometry.width($0.1) }.max() ?? 0
            let boxW = Double(longest) * 7 + 40, boxH = Double(labelled.count) * 18 + 8
            // the corner whose box the lines cross least (top right on ties), judged on points
            // sampled along every segment
            var samples: [(Double, Double)] = []
            for s in p.series {
                var prev: (Double, Double)? = nil
                for i in 0..<Swift.min(s.xs.count, s.ys.count) {
                    guard s.xs[i].isFinite, s.ys[i].isFinite else { prev = nil; continue }
                    let pt = (sx(s.xs[i]), sy(s.ys[i]))
                    if let q = prev {
                        let length = Swift.abs(pt.0 - q.0) + Swift.abs(pt.1 - q.1)   // at most ~900 px
                        let steps = Swift.max(1, Swift.min(400, Int((length / 4).rounded(.up))))
                        for k in 1...steps {
                            let t = Double(k) / Double(steps)
                            samples.append((q.0 + (pt.0 - q.0) * t, q.1 + (pt.1 - q.1) * t))
                        }
                    } else {
                        samples.append(pt)
                    }
                    prev = pt
                }
            }
            var best = (count: Int.max, x: right - boxW - 8, y: top + 8)
            for (cx, cy) in [(right - boxW - 8, top + 8), (left + 8, top + 8), (right - boxW - 8, bottom - boxH - 8), (left + 8, bottom - boxH - 8)] {
                var count = 0
                for (x, y) in samples where x >= cx - 4 && x <= cx + boxW + 4 && y >= cy - 4 && y <= cy + boxH + 4 { count += 1 }
                if count < best.count { best = (count, cx, cy) }
            }
            let bx = best.x, by = best.y
            o += "<g>\n<rect x=\"\(c(bx))\" y=\"\(c(by))\" width=\"\(c(boxW))\" height=\"\(c(boxH))\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>\n"
            for (row, (k, label)) in labelled.enumerated() {
                let ly = by + 13 + Double(row) * 18
                o += "<line x1=\"\(c(bx + 8))\" y1=\"\(c(ly))\" x2=\"\(c(bx + 28))\" y2=\"\(c(ly))\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"2\"/>\n"
                o += "<text x=\"\(c(bx + 34))\" y=\"\(c(ly + 4))\" fill=\"#333333\">\(HTMLRenderer.escape(label))</text>\n"
            }
            o += "</g>\n"
        }

        if hasTitle, let t = p.title {
            o += "<text x=\"\(c((left + right) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#222222\">\(HTMLRenderer.escape(t))</text>\n"
        }
        if hasXlabel, let t = p.xlabel {
            o += "<text x=\"\(c((left + right) / 2))\" y=\"\(c(H - 14))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222222\">\(HTMLRenderer.escape(t))</text>\n"
        }
        if hasYlabel, let t = p.ylabel {
            let cy = (top + bottom) / 2
            o += "<text x=\"18\" y=\"\(c(cy))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#222222\" transform=\"rotate(-90 18 \(c(cy)))\">\(HTMLRenderer.escape(t))</text>\n"
        }
        o += "</svg>\n"
        return o
    }
}
