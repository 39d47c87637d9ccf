package report

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// Timeline geometry, in SVG user units.
const (
	svgWidth    = 1100.0
	plotLeft    = 70.0
	plotRight   = svgWidth - 20.0
	labelRows   = 4
	labelRow    = 13.0
	plotTop     = labelRows*labelRow + 20.0 // the window labels sit above the charts
	chartHeight = 200.0
	chartGap    = 60.0
	latencyLo   = 100 * time.Microsecond // bottom of the latency chart's log scale
	latencyHi   = 10 * time.Second       // top of the latency chart's log scale
)

// kindColors shades each kind of fault window; other kinds are grey.
var kindColors = map[string]string{
	"kill": "#d32f2f", "pause": "#f9a825", "partition": "#1976d2", "bridge": "#0097a7",
	"oneway": "#7b1fa2", "latency": "#00897b", "loss": "#5d4037", "disk": "#c2185b", "replace": "#455a64",
}

// bucket is one second of the run: ops that completed in it by outcome, and
// the latencies of the OK ones.
type bucket struct {
	count   [3]int
	latency []time.Duration
}

// timeline is the data the timeline template draws.
type timeline struct {
	Title, Summary string
	Width, Height  float64
	Left, Right    float64
	BandTop        float64
	BandHeight     float64
	XTicks         []tick
	Charts         []chart
	Bands          []band
	Windows        []windowRow
}

type chart struct {
	Title   string
	Top     float64
	Bottom  float64
	YTicks  []tick
	Series  []series
	Caption string
}

type series struct {
	Name, Color, Path string
	LegendX           float64
}

type tick struct {
	At    float64
	Label string
}

type band struct {
	X, W, LabelY float64
	Name, Color  string
}

type windowRow struct {
	Name, Start, End, Majority string
}

// timeScale maps run time to x.
type timeScale struct{ span time.Duration }

func (s timeScale) x(t time.Duration) float64 {
	return round1(plotLeft + (plotRight-plotLeft)*t.Seconds()/s.span.Seconds())
}

// Timeline renders timeline.html for r: a self-contained page (inline SVG,
// no scripts) with throughput by outcome and p50/p99 latency of OK ops per
// one-second bucket, each fault window shaded and labelled.
func Timeline(r *Run) ([]byte, error) {
	s := timeScale{span: runSpan(r)}
	buckets := bucketize(r.Ops, s.span)
	top2 := plotTop + chartHeight + chartGap
	t := timeline{
		Title:   fmt.Sprintf("flotilla chaos run: seed %d, %d nodes, %v", r.Seed, r.Nodes, r.Duration),
		Summary: Summary(r),
		Width:   svgWidth, Height: top2 + chartHeight + 40,
		Left: plotLeft, Right: plotRight,
		BandTop: plotTop, BandHeight: top2 + chartHeight - plotTop,
		XTicks: timeTicks(s),
		Charts: []chart{throughputChart(buckets, s, plotTop), latencyChart(buckets, s, top2)},
		Bands:  windowBands(r.Windows, s),
	}
	for _, w := range r.Windows {
		t.Windows = append(t.Windows, windowRow{w.Name, w.Start.Round(time.Millisecond).String(), w.End.Round(time.Millisecond).String(), fmt.Sprint(w.Majority)})
	}
	var buf bytes.Buffer
	if err := timelineTemplate.Execute(&buf, t); err != nil {
		return nil, fmt.Errorf("report: render timeline: %w", err)
	}
	return buf.Bytes(), nil
}

// runSpan is how much time the timeline covers: the run's duration, or
// longer if ops or windows went on after it, rounded up to a whole second.
func runSpan(r *Run) time.Duration {
	span := r.Duration
	for _, op := range r.Ops {
		span = max(span, op.End)
	}
	for _, w := range r.Windows {
		span = max(span, w.End)
	}
	return max(time.Second, (span+time.Second-1)/time.Second*time.Second)
}

func bucketize(ops []history.Op, span time.Duration) []bucket {
	buckets := make([]bucket, int(span/time.Second))
	for _, op := range ops {
		i := min(max(int(op.End/time.Second), 0), len(buckets)-1)
		if op.Outcome < history.OK || op.Outcome > history.Unknown {
			continue
		}
		buckets[i].count[op.Outcome]++
		if op.Outcome == history.OK {
			buckets[i].latency = append(buckets[i].latency, op.End-op.Start)
		}
	}
	return buckets
}

// timeTicks labels the x axis every 1, 2, 5, 10, ... seconds, at most ~12 times.
func timeTicks(s timeScale) []tick {
	steps := []time.Duration{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600}
	step := steps[len(steps)-1] * time.Second
	for _, st := range steps {
		if s.span/(st*time.Second) <= 12 {
			step = st * time.Second
			break
		}
	}
	var ticks []tick
	for t := time.Duration(0); t <= s.span; t += step {
		ticks = append(ticks, tick{At: s.x(t), Label: t.String()})
	}
	return ticks
}

func throughputChart(buckets []bucket, s timeScale, top float64) chart {
	peak := 1
	for _, b := range buckets {
		peak = max(peak, b.count[history.OK], b.count[history.Fail], b.count[history.Unknown])
	}
	yMax := niceCeil(float64(peak))
	y := func(v float64) float64 { return round1(top + chartHeight - chartHeight*v/yMax) }
	c := chart{Title: "throughput (ops completed per second)", Top: top, Bottom: top + chartHeight}
	for _, v := range []float64{0, yMax / 2, yMax} {
		c.YTicks = append(c.YTicks, tick{At: y(v), Label: fmt.Sprint(v)})
	}
	names := []string{"ok", "fail", "unknown"}
	colors := []string{"#2e7d32", "#ef6c00", "#c62828"}
	for o := range 3 {
		vals := make([]float64, len(buckets))
		for i, b := range buckets {
			vals[i] = float64(b.count[o])
		}
		c.Series = append(c.Series, series{Name: names[o], Color: colors[o], Path: path(vals, s, y)})
	}
	return legend(c)
}

func latencyChart(buckets []bucket, s timeScale, top float64) chart {
	decades := math.Log10(float64(latencyHi) / float64(latencyLo))
	y := func(v float64) float64 {
		v = min(max(v, float64(latencyLo)), float64(latencyHi))
		return round1(top + chartHeight - chartHeight*math.Log10(v/float64(latencyLo))/decades)
	}
	c := chart{Title: "latency of OK ops (log scale)", Top: top, Bottom: top + chartHeight,
		Caption: fmt.Sprintf("clamped to [%v, %v]", latencyLo, latencyHi)}
	for d := latencyLo; d <= latencyHi; d *= 10 {
		c.YTicks = append(c.YTicks, tick{At: y(float64(d)), Label: d.String()})
	}
	for _, q := range []struct {
		name  string
		p     int
		color string
	}{{"p50", 50, "#1565c0"}, {"p99", 99, "#6a1b9a"}} {
		vals := make([]float64, len(buckets))
		for i, b := range buckets {
			vals[i] = percentile(b.latency, q.p)
		}
		c.Series = append(c.Series, series{Name: q.name, Color: q.color, Path: path(vals, s, y)})
	}
	return legend(c)
}

func legend(c chart) chart {
	for i := range c.Series {
		c.Series[i].LegendX = plotRight - 90*float64(len(c.Series)-i)
	}
	return c
}

// percentile returns the p-th percentile of ds in nanoseconds, NaN when ds
// is empty.
func percentile(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return math.NaN()
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return float64(sorted[(len(sorted)-1)*p/100])
}

// path draws one value per bucket at the bucket's middle, leaving a gap
// where a value is NaN.
func path(vals []float64, s timeScale, y func(float64) float64) string {
	var b strings.Builder
	move := true
	for i, v := range vals {
		if math.IsNaN(v) {
			move = true
			continue
		}
		cmd := "L"
		if move {
			cmd, move = "M", false
		}
		x := s.x(time.Duration(i)*time.Second + time.Second/2)
		fmt.Fprintf(&b, "%s%g %g ", cmd, x, y(v))
	}
	return strings.TrimSpace(b.String())
}

func windowBands(windows []history.Window, s timeScale) []band {
	bands := make([]band, 0, len(windows))
	for i, w := range windows {
		x := s.x(w.Start)
		bands = append(bands, band{
			X: x, W: max(1, round1(s.x(w.End)-x)),
			LabelY: labelRow * float64(i%labelRows+1),
			Name:   w.Name, Color: kindColor(faultKind(w.Name)),
		})
	}
	return bands
}

func kindColor(kind string) string {
	if c, ok := kindColors[kind]; ok {
		return c
	}
	return "#757575"
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
