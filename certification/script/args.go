package script

import (
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxRegex bounds a regular expression's length.
const maxRegex = 512

// args reads the parameters of verb name from n: a scalar (the verb's
// scalar parameter), a mapping of parameters, or null for a verb without
// any. Each value is checked by its kind; ${} references must be defined.
func (p *parser) args(n *yaml.Node, name string, spec verb) map[string]string {
	args := map[string]string{}
	switch {
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null":
		// "verb:" alone: no parameters (required ones are reported below).
	case n.Kind == yaml.ScalarNode:
		if spec.scalar == "" {
			p.add(n.Line, "%s: takes no value (write %s: {})", name, name)
			return args
		}
		a, _ := spec.arg(spec.scalar)
		p.arg(n, name, a, args)
	case n.Kind == yaml.MappingNode:
		p.each(n, func(key string, k, v *yaml.Node) {
			a, ok := spec.arg(key)
			if !ok {
				p.add(k.Line, "%s: unknown parameter %q", name, key)
				return
			}
			p.arg(v, name, a, args)
		})
	default:
		p.add(n.Line, "%s: expected a value or a mapping of parameters", name)
		return args
	}
	for _, a := range spec.args {
		if _, ok := args[a.name]; a.required && !ok && !hasPrefixKey(args, a.name+".") {
			p.add(n.Line, "%s: %s required", name, a.name)
		}
	}
	if len(spec.oneOf) > 0 {
		given := 0
		for _, k := range spec.oneOf {
			if _, ok := args[k]; ok {
				given++
			}
		}
		if given != 1 {
			p.add(n.Line, "%s: give exactly one of %s", name, strings.Join(spec.oneOf, ", "))
		}
	}
	return args
}

// hasPrefixKey reports whether a flattened map parameter was given.
func hasPrefixKey(args map[string]string, prefix string) bool {
	for k := range args {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// arg checks one parameter value and stores it in args.
func (p *parser) arg(n *yaml.Node, verbName string, a argSpec, args map[string]string) {
	key := verbName + "." + a.name
	switch a.kind {
	case argTags:
		tags := p.strList(n, key)
		for _, t := range tags {
			if _, err := parseTagText(t); err != nil {
				p.add(n.Line, "%s: %v", key, err)
			}
		}
		args[a.name] = strings.Join(tags, ",")
		return
	case argTagMap:
		if !p.isMap(n, key) {
			return
		}
		p.each(n, func(tag string, k, v *yaml.Node) {
			if _, err := parseTagText(tag); err != nil {
				p.add(k.Line, "%s: %v", key, err)
			}
			val := p.str(v, key+"."+tag)
			p.hexValue(v.Line, key+"."+tag, val)
			args[a.name+"."+strings.ToUpper(tag)] = val
		})
		return
	}
	val := p.str(n, key)
	args[a.name] = val
	switch a.kind {
	case argHex:
		p.hexValue(n.Line, key, val)
	case argText:
		p.vars(n.Line, key, val)
	case argInt:
		if names, err := Vars(val); err == nil && len(names) == 1 && val == "${"+names[0]+"}" {
			p.vars(n.Line, key, val)
		} else if _, err := strconv.Atoi(val); err != nil {
			p.add(n.Line, "%s: %q is not a whole number", key, val)
		}
	case argBool:
		if val != "true" && val != "false" {
			p.add(n.Line, "%s: %q is not true or false", key, val)
		}
	case argPath:
		if _, err := ParsePath(val); err != nil {
			p.add(n.Line, "%s: %v", key, err)
		}
	case argEnum:
		if !contains(a.enum, val) {
			p.add(n.Line, "%s: %q is not one of %s", key, val, strings.Join(a.enum, ", "))
		}
	case argSW:
		if _, err := ParseSWPattern(val); err != nil {
			p.add(n.Line, "%s: %v", key, err)
		}
	case argRegex:
		if len(val) > maxRegex {
			p.add(n.Line, "%s: longer than %d characters", key, maxRegex)
		} else if _, err := regexp.Compile(val); err != nil {
			p.add(n.Line, "%s: %v", key, err)
		}
	}
}

// hexValue checks a hex parameter and its variables.
func (p *parser) hexValue(line int, key, val string) {
	if err := checkHexTemplate(val); err != nil {
		p.add(line, "%s: %v", key, err)
		return
	}
	p.vars(line, key, val)
}

// vars checks that every ${} reference in val is defined at this point.
func (p *parser) vars(line int, key, val string) {
	names, err := Vars(val)
	if err != nil {
		p.add(line, "%s: %v", key, err)
		return
	}
	for _, n := range names {
		if !p.defined[n] {
			p.add(line, "%s: variable ${%s} is used before it is captured or defined", key, n)
		}
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
