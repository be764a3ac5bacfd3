package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the largest configuration file Load and Parse accept.
const MaxFileSize = 4 << 20

// Load reads the file at path and parses it with Parse, resolving relative
// spec files against the file's directory.
func Load(path string) (*Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if st.Size() > MaxFileSize {
		return nil, Errors{{File: path, Problem: fmt.Sprintf("file larger than %d bytes", MaxFileSize)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, filepath.Dir(path), path)
}

// Parse decodes data (unknown keys are errors), makes relative spec_file
// paths relative to baseDir, applies defaults and validates. name is the
// file name used in error messages. On failure the error is Errors.
func Parse(data []byte, baseDir, name string) (*Config, error) {
	if len(data) > MaxFileSize {
		return nil, Errors{{File: name, Problem: fmt.Sprintf("file larger than %d bytes", MaxFileSize)}}
	}
	doc, err := decodeTree(data, name)
	if err != nil {
		return nil, err
	}
	c := &Config{source: name, doc: doc}
	decodeErrs := decodeStrict(data, c, doc, name)
	c.resolveSpecFiles(baseDir)
	c.SetDefaults()
	errs := append(decodeErrs, dropShadowed(c.validate(), decodeErrs)...)
	sortByLine(errs)
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// decodeTree parses data into a node tree, rejecting syntax errors and more
// than one YAML document. An empty input gives an empty document.
func decodeTree(data []byte, name string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc := &yaml.Node{}
	if err := dec.Decode(doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{}, nil
		}
		return nil, Errors{syntaxError(err, name)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		e := &Error{File: name, Line: extra.Line, Problem: "only one YAML document is allowed"}
		if err != nil {
			e = syntaxError(err, name)
		}
		return nil, Errors{e}
	}
	if r := root(doc); r != nil && r.Kind != yaml.MappingNode {
		return nil, Errors{{File: name, Line: r.Line, Problem: "the top level must be a mapping of keys"}}
	}
	return doc, nil
}

// decodeStrict decodes data into c with unknown keys rejected and turns the
// decoder's messages into errors with key paths.
func decodeStrict(data []byte, c *Config, doc *yaml.Node, name string) Errors {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(c)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return Errors{syntaxError(err, name)}
	}
	errs := make(Errors, 0, len(te.Errors))
	for _, msg := range te.Errors {
		errs = append(errs, decodeError(msg, doc, name))
	}
	return errs
}

// splitLine splits a decoder message "[yaml: ]line N: text" into N and text.
func splitLine(msg string) (line int, text string, ok bool) {
	rest := strings.TrimPrefix(msg, "yaml: ")
	rest, found := strings.CutPrefix(rest, "line ")
	if !found {
		return 0, msg, false
	}
	num, text, found := strings.Cut(rest, ": ")
	n, err := strconv.Atoi(num)
	if !found || err != nil || n < 0 {
		return 0, msg, false
	}
	return n, text, true
}

// unknownField returns the key named by a decoder message about an unknown
// key ("field x not found in type config.Switch").
func unknownField(text string) (string, bool) {
	rest, ok := strings.CutPrefix(text, "field ")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, " not found in type ")
	return name, ok
}

// decodeError converts one "line N: message" from the decoder.
func decodeError(msg string, doc *yaml.Node, name string) *Error {
	line, text, ok := splitLine(msg)
	if !ok {
		return &Error{File: name, Problem: msg}
	}
	field, unknown := unknownField(text)
	e := &Error{File: name, Line: line, Key: pathAtLine(doc, line, field), Problem: text}
	if unknown {
		e.Problem = "unknown key"
	}
	return e
}

// syntaxError converts a YAML syntax error.
func syntaxError(err error, name string) *Error {
	if line, text, ok := splitLine(err.Error()); ok {
		return &Error{File: name, Line: line, Problem: text}
	}
	return &Error{File: name, Problem: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// dropShadowed removes validation errors about keys (or keys below them)
// that already have a decoding error, to avoid reporting one mistake twice.
func dropShadowed(errs, decodeErrs Errors) Errors {
	if len(decodeErrs) == 0 {
		return errs
	}
	out := errs[:0]
	for _, e := range errs {
		shadowed := false
		for _, d := range decodeErrs {
			if d.Key != "" && (e.Key == d.Key || strings.HasPrefix(e.Key, d.Key+".") || strings.HasPrefix(e.Key, d.Key+"[")) {
				shadowed = true
				break
			}
		}
		if !shadowed {
			out = append(out, e)
		}
	}
	return out
}

// resolveSpecFiles makes relative file paths (spec files, the journal's
// SQLite file and hash key, the clearing directory) relative to baseDir.
func (c *Config) resolveSpecFiles(baseDir string) {
	if baseDir == "" {
		return
	}
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(baseDir, *p)
		}
	}
	for i := range c.Dialects {
		rel(&c.Dialects[i].SpecFile)
	}
	rel(&c.Journal.HashKeyFile)
	rel(&c.Admin.TokenFile)
	rel(&c.Security.KeyStore)
	rel(&c.Security.LMKFile)
	if p := c.Security.PKCS11; p != nil {
		rel(&p.PINFile)
	}
	tls := func(t *TLS) {
		if t != nil {
			rel(&t.CertFile)
			rel(&t.KeyFile)
			rel(&t.CAFile)
		}
	}
	for i := range c.Listeners {
		tls(c.Listeners[i].TLS)
	}
	for i := range c.Institutions {
		if o := c.Institutions[i].Outbound; o != nil {
			tls(o.TLS)
		}
	}
	rel(&c.Clearing.Dir)
	if path, ok := strings.CutPrefix(c.Journal.URL, "sqlite:"); ok && path != "" {
		rel(&path)
		c.Journal.URL = "sqlite:" + path
	}
}
