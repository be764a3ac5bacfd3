package script

import (
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// stepList reads a list of steps at nesting depth.
func (p *parser) stepList(n *yaml.Node, depth int) []Step {
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, "steps: must be a list")
		return nil
	}
	if len(n.Content) > maxSteps {
		p.add(n.Line, "steps: more than %d", maxSteps)
		return nil
	}
	if depth > maxDepth {
		p.add(n.Line, "steps nested deeper than %d", maxDepth)
		return nil
	}
	var out []Step
	for _, s := range n.Content {
		out = append(out, p.step(s, depth))
	}
	return out
}

// step reads one step: exactly one action, or a loop (for_each or repeat)
// with nested steps.
func (p *parser) step(n *yaml.Node, depth int) Step {
	s := Step{Line: n.Line}
	if !p.isMap(n, "a step") {
		return s
	}
	acts := actions()
	var nested, capture, assert *yaml.Node
	p.each(n, func(key string, k, v *yaml.Node) {
		if spec, ok := acts[ActionKind(key)]; ok {
			if s.Action.Kind != "" {
				p.add(k.Line, "a step has one action: %s and %s", s.Action.Kind, key)
				return
			}
			s.Action = Action{Kind: ActionKind(key), Args: p.args(v, key, spec)}
			return
		}
		switch key {
		case "name":
			s.Name = p.str(v, key)
		case "expect":
			pat, err := ParseSWPattern(p.str(v, key))
			if err != nil {
				p.add(v.Line, "expect: %v", err)
			}
			s.Expect = pat
		case "if":
			s.If = p.conditionList(v, "if")
		case "for_each":
			s.ForEach = p.str(v, key)
			if s.ForEach != "afl_record" {
				p.add(v.Line, "for_each: %q is not afl_record", s.ForEach)
			}
		case "repeat":
			s.Repeat = p.integer(v, key)
			if s.Repeat < 1 || s.Repeat > 100 {
				p.add(v.Line, "repeat: %d is not in 1..100", s.Repeat)
			}
		case "steps":
			nested = v
		case "capture":
			capture = v
		case "assert":
			assert = v
		default:
			p.add(k.Line, "unknown key %q in a step (an action, name, expect, capture, assert, if, for_each, repeat, steps)", key)
		}
	})
	loop := s.ForEach != "" || s.Repeat > 0
	switch {
	case loop && s.Action.Kind != "":
		p.add(n.Line, "a loop step (for_each, repeat) has no action of its own: put %s in its steps", s.Action.Kind)
	case loop && nested == nil:
		p.add(n.Line, "a loop step needs steps")
	case !loop && nested != nil:
		p.add(nested.Line, "steps: only loop steps (for_each, repeat) have nested steps")
	case !loop && s.Action.Kind == "":
		p.add(n.Line, "a step needs an action (%s)", actionNames())
	}
	if s.Expect.IsZero() && s.Action.Kind != "" {
		s.Expect, _ = ParseSWPattern("9000")
	}
	if loop && nested != nil {
		if s.ForEach == "afl_record" {
			p.defined["sfi"], p.defined["record"] = true, true
		}
		s.Steps = p.stepList(nested, depth+1)
	}
	if assert != nil {
		s.Assert = p.assertionList(assert)
	}
	if capture != nil {
		s.Capture = p.captures(capture)
	}
	return s
}

// captures reads "capture: {var: path}"; the variables are defined from
// the next step on.
func (p *parser) captures(n *yaml.Node) []Capture {
	if !p.isMap(n, "capture") {
		return nil
	}
	var out []Capture
	p.each(n, func(name string, k, v *yaml.Node) {
		if !validVarName(name) {
			p.add(k.Line, "capture: bad variable name %q", name)
			return
		}
		c := Capture{Line: k.Line, Var: name}
		switch val := p.str(v, "capture."+name); val {
		case "sw", "data", "atr":
			c.Path = Path{Scope: val}
		default:
			path, err := ParsePath(val)
			if err != nil {
				p.add(v.Line, "capture.%s: %v", name, err)
			}
			c.Path = path
		}
		out = append(out, c)
		p.defined[name] = true
	})
	return out
}

// assertionList reads "assert:" items, each a one-key mapping.
func (p *parser) assertionList(n *yaml.Node) []Assertion {
	var out []Assertion
	kinds := assertions()
	p.verbList(n, "assert", kinds, func(kind string, line int, args map[string]string, list []string) {
		a := Assertion{Line: line, Kind: kind, Args: args, List: list}
		if raw, ok := args["path"]; ok {
			a.Path, _ = ParsePath(raw) // checked by args
			delete(args, "path")
		}
		out = append(out, a)
	})
	return out
}

// conditionList reads "when:" or "if:" items.
func (p *parser) conditionList(n *yaml.Node, what string) []Condition {
	var out []Condition
	p.verbList(n, what, conditions(), func(kind string, line int, args map[string]string, _ []string) {
		out = append(out, Condition{Line: line, Kind: kind, Value: args["value"]})
	})
	return out
}

// verbList reads a list of one-key mappings whose key is a verb of kinds.
func (p *parser) verbList(n *yaml.Node, what string, kinds map[string]verb, add func(kind string, line int, args map[string]string, list []string)) {
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, "%s: must be a list", what)
		return
	}
	if len(n.Content) > maxSteps {
		p.add(n.Line, "%s: more than %d items", what, maxSteps)
		return
	}
	for _, item := range n.Content {
		if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
			p.add(item.Line, "%s: each item is one %s (%s)", what, singular(what), names(kinds))
			continue
		}
		k, v := item.Content[0], item.Content[1]
		spec, ok := kinds[k.Value]
		if !ok {
			p.add(k.Line, "%s: unknown %s %q (%s)", what, singular(what), k.Value, names(kinds))
			continue
		}
		args := p.args(v, k.Value, spec)
		add(k.Value, k.Line, args, splitList(args))
	}
}

// singular names one item of a list key.
func singular(what string) string {
	if what == "assert" {
		return "assertion"
	}
	return "condition"
}

// splitList moves the list parameter ("tags", written comma-joined by
// args) out of args.
func splitList(args map[string]string) []string {
	raw, ok := args["tags"]
	if !ok {
		return nil
	}
	delete(args, "tags")
	return strings.Split(raw, ",")
}

// names lists the keys of kinds, sorted.
func names[K ~string](kinds map[K]verb) string {
	list := make([]string, 0, len(kinds))
	for k := range kinds {
		list = append(list, string(k))
	}
	sort.Strings(list)
	out := ""
	for i, k := range list {
		if i > 0 {
			out += ", "
		}
		out += k
	}
	return out
}

// actionNames lists the actions.
func actionNames() string { return names(actions()) }

// integer reads an int scalar.
func (p *parser) integer(n *yaml.Node, key string) int {
	v, err := strconv.Atoi(p.str(n, key))
	if err != nil {
		p.add(n.Line, "%s: %q is not a whole number", key, n.Value)
	}
	return v
}
