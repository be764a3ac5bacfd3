package report

import (
	"regexp"
	"sort"
	"strings"
)

// Coverage is one row of the coverage table: a standard (the document
// and part a clause names: "JR/T 0025.5", "EMV 4.4 Book 3", "ISO/IEC
// 7812-1") and the cases that check something of it, by verdict.
type Coverage struct {
	Standard string
	Cases    []string // case ids
	Summary  Summary
}

// standardRE finds the documents a clause names.
func standardRE() *regexp.Regexp {
	return regexp.MustCompile(`JR/T \d{4}(\.\d+)?|EMV [0-9.]+ Book [0-9A-D]+|ISO/IEC \d+(-\d+)?|ISO \d+(-\d+)?|GB/T \d+(\.\d+)?|GM/T \d+|issuer personalization template`)
}

// CoverageByClause groups the run's cases by the standards their clauses
// name, in the standards' order; a case whose clause names none is under
// its clause as written. A case naming several standards counts under
// each.
func (r *Run) CoverageByClause() []Coverage {
	re := standardRE()
	rows := map[string]*Coverage{}
	for _, c := range r.Cases {
		found := map[string]bool{}
		for _, m := range re.FindAllString(c.Clause, -1) {
			found[m] = true
		}
		if len(found) == 0 {
			found[strings.TrimSpace(c.Clause)] = true
		}
		for std := range found {
			row := rows[std]
			if row == nil {
				row = &Coverage{Standard: std}
				rows[std] = row
			}
			row.Cases = append(row.Cases, c.ID)
			row.Summary.add(c.Verdict)
		}
	}
	out := make([]Coverage, 0, len(rows))
	for _, row := range rows {
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Standard < out[j].Standard })
	return out
}
