package config

import (
	"strconv"
	"strings"
)

// Error is one problem in a configuration.
type Error struct {
	// File is the configuration file name, when known.
	File string
	// Line is the 1-based line in File, 0 when unknown.
	Line int
	// Key is the key path, e.g. institutions[1].outbound.addresses[0].
	Key string
	// Problem says what is wrong.
	Problem string
}

// Error formats as "file:line: key: problem", leaving out unknown parts.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// Errors is every problem found in a configuration, in file order.
type Errors []*Error

// Error joins the problems, one a line.
func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap exposes each *Error to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Keys returns the key path of each problem, convenient in tests and tools.
func (es Errors) Keys() []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key
	}
	return out
}
