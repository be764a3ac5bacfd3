package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/pan"
)

// writeReports writes report.xml, report.json and report.html of each run
// into its own subdirectory of dir (named after the reader), prints one
// summary line per card and returns errNotConforming when a card failed.
func writeReports(dir string, runs []*report.Run, stdout io.Writer) error {
	conforming := true
	for _, r := range runs {
		sub := reportDir(dir, r)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		for _, w := range []struct {
			name  string
			write func(io.Writer, *report.Run) error
		}{{"report.xml", report.WriteJUnit}, {"report.json", report.WriteJSON}, {"report.html", report.WriteHTML}} {
			if err := writeFile(filepath.Join(sub, w.name), r, w.write); err != nil {
				return err
			}
		}
		s := r.Summary()
		verdict := "conforms"
		if !r.Conforms() {
			verdict, conforming = "DOES NOT CONFORM", false
		}
		fmt.Fprintf(stdout, "%s %s%s: %s: %d passed, %d failed, %d errors, %d not applicable, %d skipped; reports in %s\n",
			r.Reader, r.Card.AID, labelText(r.Card.Label), verdict, s.Passed, s.Failed, s.Errors, s.NotApplicable, s.Skipped, sub)
		for _, n := range r.Notes {
			fmt.Fprintf(stdout, "  note: %s\n", pan.MaskRuns(n))
		}
	}
	if !conforming {
		return errNotConforming
	}
	return nil
}

// labelText is the application label in parentheses, "" when none.
func labelText(l string) string {
	if l == "" {
		return ""
	}
	return " (" + l + ")"
}

// reportDir is where a run's reports go: a directory per reader, and in it
// one per application tested (its AID), "no-application" when none was
// found.
func reportDir(dir string, r *report.Run) string {
	app := r.Card.AID
	if app == "" {
		app = "no-application"
	}
	return filepath.Join(dir, slug(r.Reader), slug(app))
}

// writeFile writes one rendering.
func writeFile(path string, r *report.Run, write func(io.Writer, *report.Run) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f, r); err != nil {
		_ = f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// slug makes a reader name a directory name.
func slug(name string) string {
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "card"
	}
	return b.String()
}
