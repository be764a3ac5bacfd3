package issuer

import (
	"errors"
	"strconv"

	"gopkg.in/yaml.v3"
)

// accountSetter stores one scalar (or, for lists, sequence) field of an
// Account from a YAML node.
type accountSetter func(a *Account, n *yaml.Node) error

// accountFields maps the YAML keys of an account entry to their setters.
func accountFields() map[string]accountSetter {
	str := func(set func(a *Account, v string)) accountSetter {
		return func(a *Account, n *yaml.Node) error {
			if n.Kind != yaml.ScalarNode {
				return errNotScalar
			}
			set(a, n.Value)
			return nil
		}
	}
	num := func(set func(a *Account, v int64)) accountSetter {
		return func(a *Account, n *yaml.Node) error {
			if n.Kind != yaml.ScalarNode {
				return errNotScalar
			}
			v, err := strconv.ParseInt(n.Value, 10, 64)
			if err != nil {
				return errNotInteger
			}
			set(a, v)
			return nil
		}
	}
	list := func(set func(a *Account, v []string)) accountSetter {
		return func(a *Account, n *yaml.Node) error {
			if n.Kind != yaml.SequenceNode {
				return errNotList
			}
			var out []string
			for _, c := range n.Content {
				if c.Kind != yaml.ScalarNode {
					return errNotScalar
				}
				out = append(out, c.Value)
			}
			set(a, out)
			return nil
		}
	}
	return map[string]accountSetter{
		"pan":        str(func(a *Account, v string) { a.PAN = v }),
		"expiry":     str(func(a *Account, v string) { a.Expiry = v }),
		"psn":        str(func(a *Account, v string) { a.PSN = v }),
		"status":     str(func(a *Account, v string) { a.Status = v }),
		"balance":    num(func(a *Account, v int64) { a.Balance = v }),
		"limit":      num(func(a *Account, v int64) { a.Limit = v }),
		"pin":        str(func(a *Account, v string) { a.PIN = v }),
		"algorithm":  str(func(a *Account, v string) { a.Algorithm = v }),
		"imk":        str(func(a *Account, v string) { a.IMK = v }),
		"imk_mac":    str(func(a *Account, v string) { a.IMKMAC = v }),
		"account_id": str(func(a *Account, v string) { a.AccountID = v }),
		"permit":     list(func(a *Account, v []string) { a.Permit = v }),
		"ec_load":    num(func(a *Account, v int64) { a.ECLoad = v }),
		"scripts":    list(func(a *Account, v []string) { a.Scripts = v }),
		"note":       str(func(a *Account, v string) { a.Note = v }),
	}
}

// Shape errors of the YAML (wrapped in ErrField by ParseAccounts).
var (
	errNotScalar  = errors.New("want a single value")
	errNotInteger = errors.New("want an integer")
	errNotList    = errors.New("want a list")
	errNotMapping = errors.New("want a mapping")
	errUnknownKey = errors.New("unknown key")
	errNoAccounts = errors.New("want a top-level `accounts:` list")
)

// ParseAccounts parses the YAML text of an accounts file; name is used in
// errors only. It is what LoadAccounts calls after reading the file.
func ParseAccounts(name string, data []byte) (*Accounts, error) {
	if len(data) > MaxAccountsFile {
		return nil, &LoadError{File: name, Err: ErrTooLarge}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// yaml.v3 messages carry the line and a short excerpt of the
		// offending token, never a whole value: keep its text.
		return nil, &LoadError{File: name, Err: errors.Join(ErrAccountsFile, err)}
	}
	seq, err := accountsNode(name, &doc)
	if err != nil {
		return nil, err
	}
	if len(seq.Content) > MaxAccounts {
		return nil, &LoadError{File: name, Line: seq.Line, Field: "accounts", Err: ErrTooLarge}
	}
	a := &Accounts{byPAN: make(map[string]*account), byAccount: make(map[string]*account)}
	fields := accountFields()
	for _, item := range seq.Content {
		acc, err := parseAccount(name, item, fields)
		if err != nil {
			return nil, err
		}
		if field, err := a.add(acc); err != nil {
			return nil, &LoadError{File: name, Line: item.Line, Field: field, Err: err}
		}
	}
	return a, nil
}

// accountsNode returns the `accounts:` sequence of a parsed document.
func accountsNode(name string, doc *yaml.Node) (*yaml.Node, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &LoadError{File: name, Err: errors.Join(ErrAccountsFile, errNoAccounts)}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &LoadError{File: name, Line: root.Line, Err: errors.Join(ErrAccountsFile, errNoAccounts)}
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "accounts" {
			return nil, &LoadError{File: name, Line: k.Line, Field: k.Value, Err: errors.Join(ErrAccountsFile, errUnknownKey)}
		}
		seq = v
	}
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, &LoadError{File: name, Line: root.Line, Field: "accounts", Err: errors.Join(ErrAccountsFile, errNoAccounts)}
	}
	return seq, nil
}

// parseAccount reads and validates one entry of the accounts list.
func parseAccount(name string, item *yaml.Node, fields map[string]accountSetter) (Account, error) {
	var acc Account
	if item.Kind != yaml.MappingNode {
		return acc, &LoadError{File: name, Line: item.Line, Err: errors.Join(ErrField, errNotMapping)}
	}
	lines := make(map[string]int, len(item.Content)/2)
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		set, ok := fields[k.Value]
		if !ok {
			return acc, &LoadError{File: name, Line: k.Line, Field: k.Value, Err: errors.Join(ErrField, errUnknownKey)}
		}
		if _, dup := lines[k.Value]; dup {
			return acc, &LoadError{File: name, Line: k.Line, Field: k.Value, Err: ErrDuplicate}
		}
		lines[k.Value] = v.Line
		if err := set(&acc, v); err != nil {
			return acc, &LoadError{File: name, Line: v.Line, Field: k.Value, Err: errors.Join(ErrField, err)}
		}
	}
	applyDefaults(&acc)
	if field, err := validate(&acc); err != nil {
		line, ok := lines[field]
		if !ok {
			line = item.Line
		}
		return acc, &LoadError{File: name, Line: line, Field: field, Err: err}
	}
	return acc, nil
}

// applyDefaults fills the optional fields left out of an entry.
func applyDefaults(a *Account) {
	if a.Status == "" {
		a.Status = StatusActive
	}
	if a.Algorithm == "" {
		a.Algorithm = AlgTDES
	}
	if a.PSN == "" && a.PAN != "" {
		a.PSN = "00"
	}
}
