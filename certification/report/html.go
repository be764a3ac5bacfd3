package report

import (
	"html/template"
	"io"
	"time"
)

// htmlPage is the report page: one file, inline CSS, no script, no
// external resource, so a lab can archive it and sign it as it is.
const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Card certification report: {{.Run.Card.AID}} {{.Run.Card.PAN}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:72em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}code,pre,.hex{font-family:ui-monospace,monospace;font-size:.85em}
.hex{word-break:break-all}pre{background:#f8f8f8;padding:.4em;margin:.2em 0;white-space:pre-wrap}
.pass{color:#126b12}.fail{color:#b00020;font-weight:bold}.error{color:#b35c00;font-weight:bold}
.not_applicable,.skipped{color:#777}.case{border-top:1px solid #ddd;margin-top:1.5em}
.msg{background:#fff1f1;border-left:4px solid #b00020;padding:.3em .6em}
.ok{color:#126b12}.bad{color:#b00020}
</style>
</head>
<body>
<h1>Card certification report</h1>
<table>
<tr><th>Verdict</th><td>{{if .Run.Conforms}}<span class="pass">conforms: no case of severity fail failed</span>{{else}}<span class="fail">does not conform: a case of severity fail failed</span>{{end}}</td></tr>
<tr><th>Card ATR</th><td class="hex">{{.Run.Card.ATR}}</td></tr>
<tr><th>Application</th><td class="hex">{{.Run.Card.AID}} {{.Run.Card.Label}}</td></tr>
<tr><th>PAN (masked)</th><td class="hex">{{.Run.Card.PAN}}</td></tr>
<tr><th>Reader</th><td>{{.Run.Reader}}</td></tr>
<tr><th>Tool</th><td>{{.Run.Tool}} {{.Run.ToolVersion}}</td></tr>
<tr><th>Suite</th><td>{{.Run.Suite.Name}} ({{.Run.Suite.Dir}}, {{.Run.Suite.Files}} files)</td></tr>
<tr><th>Suite SHA-256</th><td class="hex">{{.Run.Suite.Checksum}}</td></tr>
<tr><th>Started</th><td>{{.Start}}</td></tr>
<tr><th>Ended</th><td>{{.End}}</td></tr>
{{if .Run.Stopped}}<tr><th>Stopped</th><td class="error">{{.Run.Stopped}}</td></tr>{{end}}{{range .Run.Notes}}<tr><th>Note</th><td>{{.}}</td></tr>{{end}}
</table>
<h2>Summary</h2>
<table>
<tr><th>Cases</th><th>Passed</th><th>Failed</th><th>Errors</th><th>Not applicable</th><th>Skipped</th></tr>
<tr><td>{{.Sum.Total}}</td><td class="pass">{{.Sum.Passed}}</td><td class="fail">{{.Sum.Failed}}</td><td class="error">{{.Sum.Errors}}</td><td>{{.Sum.NotApplicable}}</td><td>{{.Sum.Skipped}}</td></tr>
</table>
<table>
<tr><th>Case</th><th>Clause</th><th>Severity</th><th>Verdict</th><th>Title</th></tr>
{{range .Run.Cases}}<tr><td><a href="#case-{{.ID}}">{{.ID}}</a></td><td>{{.Clause}}</td><td>{{.Severity}}</td><td class="{{.Verdict}}">{{.Verdict}}</td><td>{{.Title}}</td></tr>
{{end}}</table>
<h2>Coverage by clause</h2>
<table>
<tr><th>Standard</th><th>Cases</th><th>Passed</th><th>Failed</th><th>Errors</th><th>Not applicable</th><th>Skipped</th><th>Case ids</th></tr>
{{range .Coverage}}<tr><td>{{.Standard}}</td><td>{{.Summary.Total}}</td><td class="pass">{{.Summary.Passed}}</td><td class="fail">{{.Summary.Failed}}</td><td class="error">{{.Summary.Errors}}</td><td>{{.Summary.NotApplicable}}</td><td>{{.Summary.Skipped}}</td><td>{{range $i, $id := .Cases}}{{if $i}}, {{end}}<a href="#case-{{$id}}">{{$id}}</a>{{end}}</td></tr>
{{end}}</table>
<h2>Cases</h2>
{{range .Run.Cases}}<div class="case" id="case-{{.ID}}">
<h3>{{.ID}}: {{.Title}}</h3>
<p>Clause <b>{{.Clause}}</b>{{if .Category}}, {{.Category}}{{end}}; severity {{.Severity}}; verdict <span class="{{.Verdict}}">{{.Verdict}}</span>; {{ms .Duration}}{{if .File}}; {{.File}}:{{.Line}}{{end}}</p>
{{if .Message}}<p class="msg">{{.Message}}</p>{{end}}
{{range .Steps}}<p><b>Step</b> (line {{.Line}}) {{.Name}}{{if .Skipped}} <i>(skipped: its conditions do not hold)</i>{{end}}{{if .Error}} <span class="error">{{.Error}}</span>{{end}}</p>
{{if .Exchanges}}<table>
<tr><th>Command</th><th>SW</th><th>Response</th><th>Time</th></tr>
{{range .Exchanges}}<tr><td class="hex">{{.Command}}</td><td class="hex">{{.SW}}</td><td class="hex">{{.Response}}{{if .Error}} <span class="error">{{.Error}}</span>{{end}}{{if .Decoded}}<pre>{{.Decoded}}</pre>{{end}}</td><td>{{ms .Duration}}</td></tr>
{{end}}</table>{{end}}
{{if .Assertions}}<ul>
{{range .Assertions}}<li>{{if .Passed}}<span class="ok">&#10003;</span>{{else}}<span class="bad">&#10007;</span>{{end}} {{.Text}} (line {{.Line}}){{if .Message}}: {{.Message}}{{end}}</li>
{{end}}</ul>{{end}}
{{end}}</div>
{{end}}
</body>
</html>
`

// WriteHTML writes the run as one self-contained HTML page: card identity,
// tool version and suite checksum, the summary counts, then every case
// with its clause, verdict, the failure in plain words and its APDU trace
// with the decoded TLV.
func WriteHTML(w io.Writer, r *Run) error {
	r = r.redacted()
	t, err := template.New("report").Funcs(template.FuncMap{"ms": ms}).Parse(htmlPage)
	if err != nil {
		return err
	}
	return t.Execute(w, struct {
		Run        *Run
		Sum        Summary
		Coverage   []Coverage
		Start, End string
	}{r, r.Summary(), r.CoverageByClause(), r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339)})
}

// ms shows a duration in milliseconds.
func ms(d time.Duration) string {
	return template.HTMLEscapeString(d.Round(10 * time.Microsecond).String())
}
