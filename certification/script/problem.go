package script

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a script, at a line of a file.
type Problem struct {
	File string
	Line int
	Msg  string
}

// Error returns "file:line: problem".
func (p *Problem) Error() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems is every problem found, in file and line order; it is the error
// Parse and Lint return.
type Problems []*Problem

// Error returns one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// maxProblems bounds what one file reports.
const maxProblems = 200

// problems collects the problems of one file.
type problems struct {
	file string
	list Problems
}

func (p *problems) add(line int, format string, args ...any) {
	if len(p.list) < maxProblems {
		p.list = append(p.list, &Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
}

// err returns the problems as an error, or nil.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return p.list
}
