package report

import "html/template"

// timelineTemplate renders a timeline. The page is XHTML-compatible
// (every element closed) so that it is well-formed XML as well as HTML.
var timelineTemplate = template.Must(template.New("timeline").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<title>{{.Title}}</title>
<style>
body { font-family: sans-serif; margin: 1em 2em; color: #222; }
pre { background: #f5f5f5; padding: 0.8em; overflow-x: auto; }
table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
svg text { font-size: 11px; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}">
<rect x="0" y="0" width="{{.Width}}" height="{{.Height}}" fill="#ffffff"/>
{{- range .Bands}}
<rect x="{{.X}}" y="{{$.BandTop}}" width="{{.W}}" height="{{$.BandHeight}}" fill="{{.Color}}" fill-opacity="0.15"/>
<line x1="{{.X}}" y1="{{.LabelY}}" x2="{{.X}}" y2="{{$.BandTop}}" stroke="{{.Color}}" stroke-opacity="0.6"/>
<text x="{{.X}}" y="{{.LabelY}}" dx="2" fill="{{.Color}}">{{.Name}}</text>
{{- end}}
{{- range .Charts}}
{{- $c := .}}
<text x="{{$.Left}}" y="{{.Top}}" dy="-4" font-weight="bold">{{.Title}}</text>
{{- if .Caption}}<text x="{{$.Left}}" y="{{.Bottom}}" dy="30">{{.Caption}}</text>{{end}}
<line x1="{{$.Left}}" y1="{{.Bottom}}" x2="{{$.Right}}" y2="{{.Bottom}}" stroke="#444"/>
<line x1="{{$.Left}}" y1="{{.Top}}" x2="{{$.Left}}" y2="{{.Bottom}}" stroke="#444"/>
{{- range .YTicks}}
<line x1="{{$.Left}}" y1="{{.At}}" x2="{{$.Right}}" y2="{{.At}}" stroke="#ddd"/>
<text x="{{$.Left}}" y="{{.At}}" dx="-4" dy="4" text-anchor="end">{{.Label}}</text>
{{- end}}
{{- range $.XTicks}}
<text x="{{.At}}" y="{{$c.Bottom}}" dy="14" text-anchor="middle">{{.Label}}</text>
{{- end}}
{{- range .Series}}
<path d="{{.Path}}" fill="none" stroke="{{.Color}}" stroke-width="1.5"/>
<rect x="{{.LegendX}}" y="{{$c.Top}}" width="10" height="10" fill="{{.Color}}" transform="translate(0,-14)"/>
<text x="{{.LegendX}}" y="{{$c.Top}}" dx="14" dy="-5">{{.Name}}</text>
{{- end}}
{{- end}}
</svg>
<h2>Fault windows</h2>
{{- if .Windows}}
<table>
<tr><th>fault</th><th>start</th><th>end</th><th>majority connected</th></tr>
{{- range .Windows}}
<tr><td>{{.Name}}</td><td>{{.Start}}</td><td>{{.End}}</td><td>{{.Majority}}</td></tr>
{{- end}}
</table>
{{- else}}
<p>No faults were injected.</p>
{{- end}}
<h2>Summary</h2>
<pre>{{.Summary}}</pre>
</body>
</html>
`))
