package simtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
)

// Institution ids used by the tests.
const (
	IssuerID   = "01020000"
	AcquirerID = "48020000"
	SwitchID   = "99990000"
)

// Wait is how long tests wait for a condition or a response.
const Wait = 5 * time.Second

// Dialect returns a built-in dialect ("hl87a" or "hl87b").
func Dialect(t testing.TB, name string) *dialect.Dialect {
	t.Helper()
	d, err := dialect.Builtin(name)
	require.NoError(t, err)
	return d
}

// Setup names the wire settings shared by both ends.
type Setup struct {
	Dialect string        // "hl87a" (default) or "hl87b"
	Framing frame.Kind    // default ascii4
	Header  bool          // 46-byte header
	Delay   time.Duration // issuer answer delay
}

func (s Setup) kind() frame.Kind {
	if s.Framing == 0 {
		return frame.ASCII4
	}
	return s.Framing
}

func (s Setup) dialect(t testing.TB) *dialect.Dialect {
	if s.Dialect == "" {
		return Dialect(t, "hl87a")
	}
	return Dialect(t, s.Dialect)
}

// StartIssuer starts an issuer on 127.0.0.1:0 with s.
func StartIssuer(t testing.TB, s Setup) *issuer.Issuer {
	t.Helper()
	is, err := issuer.New(issuer.Config{
		Addr:          "127.0.0.1:0",
		InstitutionID: IssuerID,
		Dialect:       s.dialect(t),
		Framing:       s.kind(),
		Header:        s.Header,
		Delay:         s.Delay,
	})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })
	return is
}

// Dial connects an acquirer client with s to addr.
func Dial(t testing.TB, addr string, s Setup) *acquirer.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	c, err := acquirer.Dial(ctx, acquirer.Config{
		Addr:          addr,
		InstitutionID: AcquirerID,
		SwitchID:      SwitchID,
		Dialect:       s.dialect(t),
		Framing:       s.kind(),
		Header:        s.Header,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Context returns a context that ends after Wait (or at test end).
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	t.Cleanup(cancel)
	return ctx
}

// Name describes s for subtest names.
func (s Setup) Name() string {
	name := "hl87a"
	if s.Dialect != "" {
		name = s.Dialect
	}
	name += "/" + s.kind().String()
	if s.Header {
		name += "/header"
	}
	return name
}
