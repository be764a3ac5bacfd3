package script

import (
	"errors"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// isMap reports whether n is a mapping, adding a problem when not.
func (p *parser) isMap(n *yaml.Node, what string) bool {
	if n.Kind == yaml.AliasNode {
		p.add(n.Line, "%s: YAML aliases are not allowed in scripts", what)
		return false
	}
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, "%s must be a mapping", what)
		return false
	}
	return true
}

// each calls fn for every key of mapping n, in order; duplicate keys and
// non-scalar keys are problems.
func (p *parser) each(n *yaml.Node, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.add(k.Line, "keys must be plain text")
			continue
		}
		if seen[k.Value] {
			p.add(k.Line, "key %q given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		if v.Kind == yaml.AliasNode {
			p.add(v.Line, "%s: YAML aliases are not allowed in scripts", k.Value)
			continue
		}
		fn(k.Value, k, v)
	}
}

// str reads a scalar.
func (p *parser) str(n *yaml.Node, key string) string {
	if n.Kind != yaml.ScalarNode {
		p.add(n.Line, "%s: expected a single value", key)
		return ""
	}
	return n.Value
}

// strList reads a list of scalars (or one scalar as a list of one).
func (p *parser) strList(n *yaml.Node, key string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.add(n.Line, "%s: expected a list", key)
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, p.str(c, key))
	}
	return out
}

// boolean reads true or false.
func (p *parser) boolean(n *yaml.Node, key string) bool {
	v := p.str(n, key)
	if v != "true" && v != "false" {
		p.add(n.Line, "%s: %q is not true or false", key, v)
	}
	return v == "true"
}

// yamlLine finds "line N" in a yaml.v3 error.
func yamlErrorLine(err error) int {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 1
}

// yamlErrorText strips yaml.v3's prefix and line from its message.
func yamlErrorText(err error) string {
	return regexp.MustCompile(`^yaml: (line \d+: )?`).ReplaceAllString(err.Error(), "")
}
