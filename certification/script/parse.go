package script

import (
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bounds on what Parse accepts.
const (
	MaxFileSize = 1 << 20 // bytes in one script file
	maxDepth    = 16      // nesting of loops
	maxCases    = 1000    // cases in one file
	maxSteps    = 500     // steps in one case or loop
)

// ParseFile reads and parses the script file at path.
func ParseFile(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > MaxFileSize {
		return nil, Problems{{File: path, Line: 1, Msg: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses one script file's contents; name is used in problems. The
// error, when not nil, is Problems with every problem found.
func Parse(name string, data []byte) (*File, error) {
	p := &parser{problems: problems{file: name}}
	if len(data) > MaxFileSize {
		p.add(1, "file is larger than %d bytes", MaxFileSize)
		return nil, p.err()
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.add(yamlErrorLine(err), "not valid YAML: %s", yamlErrorText(err))
		return nil, p.err()
	}
	f := &File{Path: name, Vars: map[string]string{}}
	if len(doc.Content) == 0 {
		p.add(1, "empty file: a script file holds a mapping with cases")
		return nil, p.err()
	}
	p.file(doc.Content[0], f)
	if err := p.err(); err != nil {
		return f, err
	}
	return f, nil
}

// parser walks one file's YAML nodes.
type parser struct {
	problems
	defined map[string]bool // variables defined so far in the current case
}

// file reads the top-level mapping.
func (p *parser) file(n *yaml.Node, f *File) {
	if !p.isMap(n, "the file") {
		return
	}
	var cases *yaml.Node
	p.each(n, func(key string, k, v *yaml.Node) {
		switch key {
		case "suite":
			f.Suite = p.str(v, key)
		case "vars":
			if p.isMap(v, "vars") {
				p.each(v, func(name string, k, val *yaml.Node) {
					if !validVarName(name) {
						p.add(k.Line, "vars: bad variable name %q", name)
					}
					f.Vars[name] = p.str(val, "vars."+name)
				})
			}
		case "cases":
			cases = v
		default:
			p.add(k.Line, "unknown key %q (suite, vars, cases)", key)
		}
	})
	if cases == nil {
		p.add(n.Line, "cases: required")
		return
	}
	if cases.Kind != yaml.SequenceNode {
		p.add(cases.Line, "cases: must be a list")
		return
	}
	if len(cases.Content) > maxCases {
		p.add(cases.Line, "cases: more than %d in one file", maxCases)
		return
	}
	for _, c := range cases.Content {
		p.defined = map[string]bool{}
		for _, b := range BuiltinVars() {
			p.defined[b] = true
		}
		for name := range f.Vars {
			p.defined[name] = true
		}
		f.Cases = append(f.Cases, p.testCase(c, f.Path))
	}
}

// testCase reads one case.
func (p *parser) testCase(n *yaml.Node, file string) Case {
	c := Case{File: file, Line: n.Line, Severity: SeverityFail}
	if !p.isMap(n, "a case") {
		return c
	}
	var steps, cleanup *yaml.Node
	p.each(n, func(key string, k, v *yaml.Node) {
		switch key {
		case "id":
			c.ID = p.str(v, key)
		case "clause":
			c.Clause = p.str(v, key)
		case "title":
			c.Title = p.str(v, key)
		case "category":
			c.Category = p.str(v, key)
		case "severity":
			c.Severity = Severity(p.str(v, key))
			switch c.Severity {
			case SeverityFail, SeverityWarn, SeverityInfo:
			default:
				p.add(v.Line, "severity: %q is not fail, warn or info", v.Value)
			}
		case "tags":
			c.Tags = p.strList(v, key)
		case "destructive":
			c.Destructive = p.boolean(v, key)
		case "when":
			c.When = p.conditionList(v, "when")
		case "steps":
			steps = v
		case "cleanup":
			cleanup = v
		default:
			p.add(k.Line, "unknown key %q in a case (id, clause, title, category, severity, tags, destructive, when, steps, cleanup)", key)
		}
	})
	for _, req := range []struct{ name, v string }{{"id", c.ID}, {"clause", c.Clause}, {"title", c.Title}} {
		if strings.TrimSpace(req.v) == "" {
			p.add(n.Line, "case %s: %s required", c.ID, req.name)
		}
	}
	if steps == nil {
		p.add(n.Line, "case %s: steps required", c.ID)
		return c
	}
	c.Steps = p.stepList(steps, 0)
	if len(c.Steps) == 0 {
		p.add(steps.Line, "case %s: no steps", c.ID)
	}
	if cleanup != nil {
		// Parsed after the steps: it may use every variable they capture.
		c.Cleanup = p.stepList(cleanup, 0)
		if len(c.Cleanup) == 0 {
			p.add(cleanup.Line, "case %s: cleanup has no steps", c.ID)
		}
	}
	return c
}
