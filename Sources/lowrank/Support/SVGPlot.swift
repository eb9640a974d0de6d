import Foundation
import LowRankKernels
import LowRankIO

/// Minimal SVG line plots (no dependencies), for `--plot`: y on a logarithmic axis unless a panel asks for a linear
/// one, x linear or logarithmic. Every point is drawn at its own x, so series of different lengths share one axis.
struct SVGPlot {
    struct Series { let label: String; let x: [Double]; let y: [Double]; let color: String }
    struct Panel {
        let title: String; let xLabel: String; let yLabel: String; let logX: Bool; let series: [Series]
        /// Logarithmic y (the default; only positive values are drawn) or linear y (all finite values, from 0 when
        /// every value is ≥ 0).
        var logY = true
    }

    let panels: [Panel]
    let width = 520.0, height = 360.0

    func render() -> String {
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width) * panels.count)\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, p) in panels.enumerated() { s += panel(p, offset: Double(i) * width) }
        return s + "</svg>\n"
    }

    private func panel(_ p: Panel, offset: Double) -> String {
        let left = offset + 60, right = offset + width - 20, top = 30.0, bottom = height - 45
        func tx(_ v: Double) -> Double { p.logX ? log10(Swift.max(v, 1e-300)) : v }
        func ty(_ v: Double) -> Double { p.logY ? log10(v) : v }
        func drawn(_ point: (Double, Double)) -> Bool {
            point.1.isFinite && (!p.logY || point.1 > 0) && point.0.isFinite && (!p.logX || point.0 > 0)
        }
        let pts = p.series.flatMap { s in zip(s.x, s.y).filter(drawn) }
        guard let xMin = pts.map({ tx($0.0) }).min(), let xMax = pts.map({ tx($0.0) }).max(),
              let yMin = pts.map({ ty($0.1) }).min(), let yMax = pts.map({ ty($0.1) }).max() else { return "" }
        let x0 = xMin, x1 = Swift.max(xMax, x0 + 1e-9)
        let y0 = p.logY ? floor(yMin) : Swift.min(0, yMin)
        let y1 = p.logY ? Swift.max(ceil(yMax), y0 + 1) : Swift.max(yMax, y0 + 1e-9)
        func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (ty(y) - y0) / (y1 - y0) * (bottom - top) }
        var s = "<text x=\"\(left)\" y=\"18\" font-size=\"13\">\(p.title)</text>\n"
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(right - left)\" height=\"\(bottom - top)\" fill=\"none\" stroke=\"#888\"/>\n"
        // y ticks: decades on a log axis, five even steps on a linear one.
        let yTicks: [(value: Double, label: String)] = p.logY
            ? stride(from: Int(y0), through: Int(y1), by: Swift.max(1, Int((y1 - y0) / 8))).map { (Double($0), "1e\($0)") }
            : (0...5).map { i in let v = y0 + (y1 - y0) * Double(i) / 5; return (v, String(format: "%.3g", v)) }
        for (value, label) in yTicks {
            let y = bottom - (value - y0) / (y1 - y0) * (bottom - top)
            s += "<line x1=\"\(left)\" x2=\"\(right)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#eee\"/>"
            s += "<text x=\"\(left - 5)\" y=\"\(y + 4)\" text-anchor=\"end\">\(label)</text>\n"
        }
        // x ticks: decades on a log axis, five even steps on a linear one.
        var xt: [Double] = []
        if p.logX {
            let step: Double = Swift.max(1.0, ((x1 - x0) / 6.0).rounded(.down))
            var v: Double = x0.rounded(.up)
            while v <= x1 { xt.append(v); v += step }
        } else {
            for i in 0...5 { xt.append(x0 + (x1 - x0) * Double(i) / 5.0) }
        }
        for v in xt {
            let x = left + (v - x0) / (x1 - x0) * (right - left)
            let label = p.logX ? "1e\(Int(v))" : String(format: "%.0f", v)
            s += "<text x=\"\(x)\" y=\"\(bottom + 14)\" text-anchor=\"middle\">\(label)</text>\n"
        }
        s += "<text x=\"\((left + right) / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(p.xLabel)</text>\n"
        s += "<text x=\"\(offset + 14)\" y=\"\((top + bottom) / 2)\" transform=\"rotate(-90 \(offset + 14) \((top + bottom) / 2))\" text-anchor=\"middle\">\(p.yLabel)</text>\n"
        for (k, series) in p.series.enumerated() {
            let path = zip(series.x, series.y).filter(drawn)
                .map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            s += "<text x=\"\(right - 150)\" y=\"\(top + 15 + 14 * Double(k))\" fill=\"\(series.color)\">\(series.label)</text>\n"
        }
        return s
    }

    /// Writes the SVG atomically (temporary file, then rename; never over a folder or special file).
    func write(to path: String) throws {
        try AtomicFile.write(Array(render().utf8), to: path)
    }
}
