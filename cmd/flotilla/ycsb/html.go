package ycsb

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"
)

// The plot's geometry, in SVG user units.
const (
	plotW, plotH     = 900, 320
	marginL, marginR = 70, 170
	marginT, marginB = 20, 40
)

var opColors = [numOps]string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"}

// WriteHTML writes a self-contained page (inline SVG, no scripts) plotting
// each operation kind's p50 and p99 latency and its throughput per second.
func (r *Report) WriteHTML(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>flotilla bench</title>\n")
	b.WriteString("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}" +
		"td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #ddd}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>flotilla bench</h1>\n<p>%s; %d operations in %.2fs, %.1f ops/s, %d errors.</p>\n",
		html.EscapeString(r.Describe()), r.Count(), r.Elapsed.Seconds(), r.Throughput(), r.Errors())
	r.summaryTable(&b)
	b.WriteString("<h2>Latency per second (solid: p99, dashed: p50)</h2>\n")
	r.plot(&b, "ms", func(s Sample) []float64 { return []float64{ms(s.P99), ms(s.P50)} })
	b.WriteString("<h2>Operations per second</h2>\n")
	r.plot(&b, "ops/s", func(s Sample) []float64 { return []float64{float64(s.Count)} })
	b.WriteString("</body></html>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (r *Report) summaryTable(b *strings.Builder) {
	b.WriteString("<table><tr><th>op</th><th>count</th><th>errors</th><th>p50</th><th>p95</th><th>p99</th><th>p99.9</th></tr>\n")
	for _, o := range r.Ops {
		h := &o.Hist
		fmt.Fprintf(b, "<tr><td>%s</td><td>%d</td><td>%d</td><td>%v</td><td>%v</td><td>%v</td><td>%v</td></tr>\n",
			o.Op, h.Count(), o.Errors, h.Quantile(0.5).Round(time.Microsecond), h.Quantile(0.95).Round(time.Microsecond),
			h.Quantile(0.99).Round(time.Microsecond), h.Quantile(0.999).Round(time.Microsecond))
	}
	b.WriteString("</table>\n")
}

// plot draws one chart: for each operation kind, one line per value that
// values returns for a sample (the first solid, the others dashed).
func (r *Report) plot(b *strings.Builder, unit string, values func(Sample) []float64) {
	maxX, maxY := 1, 0.0
	for _, s := range r.Series {
		maxX = max(maxX, s.Second)
		for _, v := range values(s) {
			maxY = max(maxY, v)
		}
	}
	maxY = niceCeil(maxY)
	x := func(sec int) float64 { return marginL + float64(sec)/float64(maxX)*(plotW-marginL-marginR) }
	y := func(v float64) float64 { return plotH - marginB - v/maxY*(plotH-marginT-marginB) }
	fmt.Fprintf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\">\n", plotW, plotH)
	axes(b, x, y, maxX, maxY, unit)
	legend := 0
	for _, op := range r.Workload.Ops() {
		var lines [][]string
		for _, s := range r.Series {
			if s.Op != op {
				continue
			}
			for i, v := range values(s) {
				if len(lines) <= i {
					lines = append(lines, nil)
				}
				lines[i] = append(lines[i], fmt.Sprintf("%.1f,%.1f", x(s.Second), y(v)))
			}
		}
		for i, pts := range lines {
			dash := ""
			if i > 0 {
				dash = ` stroke-dasharray="4 3"`
			}
			fmt.Fprintf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"%s\"/>\n",
				opColors[op], dash, strings.Join(pts, " "))
		}
		if len(lines) > 0 {
			ly := marginT + 10 + 18*legend
			fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
				plotW-marginR+15, ly-4, opColors[op], plotW-marginR+32, ly, op)
			legend++
		}
	}
	b.WriteString("</svg>\n")
}

// axes draws the frame and up to five ticks on each axis with their
// labels.
func axes(b *strings.Builder, x func(int) float64, y func(float64) float64, maxX int, maxY float64, unit string) {
	fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
		marginL, marginT, plotW-marginL-marginR, plotH-marginT-marginB)
	for i := 0; i <= 5; i++ {
		v := maxY * float64(i) / 5
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", marginL-6, y(v)+4, trimFloat(v))
	}
	ticks := min(5, maxX) // no repeated labels on a short run
	for i := 0; i <= ticks; i++ {
		sec := int(math.Round(float64(maxX) * float64(i) / float64(ticks)))
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>\n", x(sec), plotH-marginB+16, sec)
	}
	fmt.Fprintf(b, "<text x=\"12\" y=\"%d\">%s</text>\n", marginT+4, html.EscapeString(unit))
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
