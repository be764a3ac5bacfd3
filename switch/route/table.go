package route

import (
	"errors"
	"fmt"

	"github.com/hulian/hulian/switch/config"
)

// MaxBINLen and MaxReceivingLen bound the digit strings a Table accepts.
const (
	MaxBINLen       = 11
	MaxReceivingLen = 11
)

// Error is a problem with one Spec given to New.
type Error struct {
	Index   int    // position of the spec
	Name    string // its name
	Problem string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("route %d (%q): %s", e.Index, e.Name, e.Problem)
}

// node is a trie node: next[d] is the index of the child for digit d (0 =
// none: the root, index 0, is nobody's child); route is 1 + the index of the
// route whose BIN ends here, 0 for none.
type node struct {
	next  [10]int32
	route int32
}

// Table is an immutable routing table, safe for concurrent use.
type Table struct {
	nodes  []node
	recv   map[string]*Route
	routes []*Route
}

// New builds a Table. It returns every problem found, joined; each is an
// *Error: a missing name or issuer, a duplicate name, a non-positive
// timeout, a route with neither BINs nor receiving ids, a BIN or receiving
// id that is not 1..11 digits or that two routes (or one route twice)
// claim, a malformed MTI or processing code.
func New(specs []Spec) (*Table, error) {
	b := &builder{
		t:     &Table{nodes: make([]node, 1), recv: map[string]*Route{}},
		names: map[string]int{},
	}
	defaults := config.DefaultMTIs()
	for i, s := range specs {
		r, problems := newRoute(s, i, defaults)
		for _, p := range problems {
			b.fail(i, s.Name, p)
		}
		b.t.routes = append(b.t.routes, r)
		b.check(i, s)
		for _, bin := range s.BINs {
			b.addBIN(i, s.Name, bin)
		}
		for _, id := range s.Receiving {
			b.addReceiving(i, s.Name, id)
		}
	}
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return b.t, nil
}

// builder accumulates a Table and the problems found while building it.
type builder struct {
	t     *Table
	names map[string]int
	errs  []error
}

func (b *builder) fail(i int, name, problem string) {
	b.errs = append(b.errs, &Error{Index: i, Name: name, Problem: problem})
}

// check validates the scalar fields of a spec.
func (b *builder) check(i int, s Spec) {
	if s.Name == "" {
		b.fail(i, s.Name, "name is required")
	} else if j, dup := b.names[s.Name]; dup {
		b.fail(i, s.Name, fmt.Sprintf("name already used by route %d", j))
	} else {
		b.names[s.Name] = i
	}
	if s.Issuer == "" {
		b.fail(i, s.Name, "issuer is required")
	}
	if s.Timeout <= 0 {
		b.fail(i, s.Name, "timeout must be positive")
	}
	if len(s.BINs) == 0 && len(s.Receiving) == 0 {
		b.fail(i, s.Name, "needs BINs or receiving ids")
	}
}

// addBIN inserts a BIN into the trie.
func (b *builder) addBIN(i int, name, bin string) {
	if !digitString(bin, MaxBINLen) {
		b.fail(i, name, fmt.Sprintf("BIN %q is not 1..%d digits", bin, MaxBINLen))
		return
	}
	n := int32(0)
	for j := 0; j < len(bin); j++ {
		d := bin[j] - '0'
		next := b.t.nodes[n].next[d]
		if next == 0 {
			b.t.nodes = append(b.t.nodes, node{})
			next = int32(len(b.t.nodes) - 1)
			b.t.nodes[n].next[d] = next
		}
		n = next
	}
	if owner := b.t.nodes[n].route; owner != 0 {
		b.fail(i, name, fmt.Sprintf("BIN %q is also claimed by route %q", bin, b.t.routes[owner-1].Name))
		return
	}
	b.t.nodes[n].route = int32(i + 1)
}

// addReceiving adds an exact receiving institution id.
func (b *builder) addReceiving(i int, name, id string) {
	if !digitString(id, MaxReceivingLen) {
		b.fail(i, name, fmt.Sprintf("receiving id %q is not 1..%d digits", id, MaxReceivingLen))
		return
	}
	if owner, dup := b.t.recv[id]; dup {
		b.fail(i, name, fmt.Sprintf("receiving id %q is also claimed by route %q", id, owner.Name))
		return
	}
	b.t.recv[id] = b.t.routes[i]
}

// digitString reports whether s is 1..max ASCII digits.
func digitString(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ByPAN returns the route with the longest BIN that prefixes pan, or nil
// when none does, when pan is empty or when it holds a byte that is not an
// ASCII digit. It does not allocate.
func (t *Table) ByPAN(pan []byte) *Route {
	if t == nil || len(pan) == 0 {
		return nil
	}
	for _, c := range pan {
		if c < '0' || c > '9' {
			return nil
		}
	}
	var best *Route
	n := int32(0)
	for _, c := range pan {
		n = t.nodes[n].next[c-'0']
		if n == 0 {
			break
		}
		if r := t.nodes[n].route; r != 0 {
			best = t.routes[r-1]
		}
	}
	return best
}

// ByReceiving returns the route for an exact receiving institution id
// (field 100), or nil. It does not allocate.
func (t *Table) ByReceiving(id []byte) *Route {
	if t == nil {
		return nil
	}
	return t.recv[string(id)]
}

// Routes returns the routes in Index order. The slice is a copy; the
// Routes are shared and must not be modified.
func (t *Table) Routes() []*Route {
	if t == nil {
		return nil
	}
	out := make([]*Route, len(t.routes))
	copy(out, t.routes)
	return out
}
