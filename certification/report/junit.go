package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// JUnit XML as CI systems read it (the de facto schema of Ant's JUnit
// task): testsuites / testsuite / testcase with failure, error and
// skipped children.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// seconds formats a duration as JUnit wants it.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// WriteJUnit writes the run as JUnit XML: one testsuite named after the
// suite and the reader, one testcase per case (classname: the category).
// A failing case of severity warn or info is reported as a failure too,
// with its severity as the failure type; not applicable cases are skipped.
func WriteJUnit(w io.Writer, r *Run) error {
	r = r.redacted()
	s := r.Summary()
	suite := junitSuite{
		Name:      strings.TrimSpace(suiteName(r) + " on " + r.Reader),
		Tests:     s.Total,
		Failures:  s.Failed,
		Errors:    s.Errors,
		Skipped:   s.Skipped + s.NotApplicable,
		Time:      seconds(r.End.Sub(r.Start)),
		Timestamp: r.Start.UTC().Format("2006-01-02T15:04:05"),
		Properties: []junitProperty{
			{"tool", strings.TrimSpace(r.Tool + " " + r.ToolVersion)},
			{"suite.dir", r.Suite.Dir},
			{"suite.sha256", r.Suite.Checksum},
			{"card.atr", r.Card.ATR},
			{"card.aid", r.Card.AID},
			{"card.pan", r.Card.PAN},
			{"card.label", r.Card.Label},
		},
	}
	for _, c := range r.Cases {
		suite.Cases = append(suite.Cases, junitCaseOf(c))
	}
	doc := junitSuites{Name: suiteName(r), Tests: suite.Tests, Failures: suite.Failures,
		Errors: suite.Errors, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitCaseOf maps one case.
func junitCaseOf(c Case) junitCase {
	jc := junitCase{Name: c.ID + ": " + c.Title, Classname: classname(c), Time: seconds(c.Duration)}
	detail := c.Clause + "\n" + c.Message
	switch c.Verdict {
	case Fail:
		jc.Failure = &junitProblem{Message: c.Message, Type: c.Severity, Text: detail}
	case Error:
		jc.Error = &junitProblem{Message: c.Message, Type: "error", Text: detail}
	case Skipped:
		jc.Skipped = &junitProblem{Message: c.Message}
	case NotApplicable:
		jc.Skipped = &junitProblem{Message: "not applicable: " + c.Message}
	}
	return jc
}

func classname(c Case) string {
	if c.Category != "" {
		return c.Category
	}
	return "cases"
}

func suiteName(r *Run) string {
	if r.Suite.Name != "" {
		return r.Suite.Name
	}
	return r.Suite.Dir
}
