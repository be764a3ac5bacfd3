package config

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// pathStep is one step of a key path: a mapping key or a sequence index.
type pathStep struct {
	key   string
	index int // used when key == ""
}

// splitPath turns "a.b[2].c" into steps. Malformed indexes end the path.
func splitPath(path string) []pathStep {
	var steps []pathStep
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			steps = append(steps, pathStep{key: name})
		}
		for rest != "" {
			num, after, ok := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if !ok || err != nil {
				return steps
			}
			steps = append(steps, pathStep{index: i})
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return steps
}

// lineOf returns the line of the node at path in doc, or of its deepest
// existing ancestor when the path does not exist (a missing required key is
// reported at its parent). For a mapping key it is the key's line. It
// returns 0 when doc is nil.
func lineOf(doc *yaml.Node, path string) int {
	n := root(doc)
	if n == nil {
		return 0
	}
	line := n.Line
	for _, s := range splitPath(path) {
		n = deref(n)
		if s.key != "" {
			k, v := lookupKey(n, s.key)
			if v == nil {
				return line
			}
			line, n = k.Line, v
			continue
		}
		if n.Kind != yaml.SequenceNode || s.index < 0 || s.index >= len(n.Content) {
			return line
		}
		n = n.Content[s.index]
		line = n.Line
	}
	return line
}

// root returns the top node of a document, or nil.
func root(doc *yaml.Node) *yaml.Node {
	if doc == nil {
		return nil
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil
		}
		return doc.Content[0]
	}
	return doc
}

// deref follows an alias.
func deref(n *yaml.Node) *yaml.Node {
	for depth := 0; n.Kind == yaml.AliasNode && n.Alias != nil && depth < 16; depth++ {
		n = n.Alias
	}
	return n
}

// lookupKey returns the key and value nodes of key in mapping n.
func lookupKey(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// pathAtLine maps a decoder message, which only knows the line, back to a
// key path. Among the keys on that line it prefers one spelled name (the
// unknown key of "field name not found"), then the shallowest key; failing
// that, the shallowest sequence item on the line. It returns "" if nothing
// starts on line.
func pathAtLine(doc *yaml.Node, line int, name string) string {
	var named, key, item string
	keyDepth, itemDepth := -1, -1
	var walk func(n *yaml.Node, path string, depth int)
	walk = func(n *yaml.Node, path string, depth int) {
		if n == nil || depth > 64 {
			return
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				p := join(path, k.Value)
				if k.Line == line {
					if name != "" && k.Value == name {
						named = p
					}
					if keyDepth < 0 || depth < keyDepth {
						key, keyDepth = p, depth
					}
				}
				walk(n.Content[i+1], p, depth+1)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := path + "[" + strconv.Itoa(i) + "]"
				if c.Line == line && (itemDepth < 0 || depth < itemDepth) {
					item, itemDepth = p, depth
				}
				walk(c, p, depth+1)
			}
		}
	}
	walk(root(doc), "", 0)
	switch {
	case named != "":
		return named
	case key != "":
		return key
	}
	return item
}

// join appends a mapping key to a path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
