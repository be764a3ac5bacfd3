package dialect

import (
	"fmt"
	"os"

	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/specs"
)

// Dialect is a compiled codec for one ISO 8583 dialect. It is immutable and
// safe for concurrent use by any number of goroutines.
type Dialect struct {
	name    string
	spec    *iso8583.MessageSpec
	framing string
	mti     codec
	bitmap  bitmapCodec
	fields  [129]codec
}

// HL87A compiles the contract's hl87a dialect.
func HL87A() (*Dialect, error) { return Compile("hl87a", HL87ASpec()) }

// HL87B compiles the contract's hl87b dialect.
func HL87B() (*Dialect, error) { return Compile("hl87b", HL87BSpec()) }

// Builtin returns the built-in dialect called name: "hl87a" or "hl87b" (the
// contract's), or "hl87a-sm" or "hl87b-sm" (the same with a 16-byte field
// 52, for SM4 PIN blocks).
func Builtin(name string) (*Dialect, error) {
	switch name {
	case "hl87a":
		return HL87A()
	case "hl87b":
		return HL87B()
	case "hl87a-sm":
		return Compile(name, HL87ASMSpec())
	case "hl87b-sm":
		return Compile(name, HL87BSMSpec())
	}
	return nil, fmt.Errorf("dialect %q: not a built-in dialect (hl87a, hl87b, hl87a-sm, hl87b-sm)", name)
}

// LoadSpecFile reads a moov-io JSON spec (the format of specs.ImportJSON)
// from path and compiles it as dialect name.
func LoadSpecFile(name, path string) (*Dialect, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dialect %q: %w", name, err)
	}
	spec, err := specs.ImportJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("dialect %q: %s: %w", name, path, err)
	}
	return Compile(name, spec)
}

// Name returns the name the dialect was compiled under.
func (d *Dialect) Name() string { return d.name }

// Spec returns the moov-io spec the dialect was compiled from. It is shared:
// do not modify it.
func (d *Dialect) Spec() *iso8583.MessageSpec { return d.spec }

// DefaultFraming returns the framing a link uses unless configured otherwise:
// "ascii4" when the MTI is ASCII text (hl87a and other all-text dialects),
// "binary2" when it is packed (BCD as in hl87b, EBCDIC, or anything else).
func (d *Dialect) DefaultFraming() string { return d.framing }
