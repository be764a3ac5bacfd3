package server

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
)

// An issuer speaking a dialect described by a moov-io JSON spec file (EBCDIC
// partner87) is reached by an hl87a acquirer through the switch.
func TestIssuerOnSpecFileDialect(t *testing.T) {
	spec, err := filepath.Abs("../../testdata/dialects/partner87.json")
	require.NoError(t, err)
	partner, err := dialect.LoadSpecFile("partner87", spec)
	require.NoError(t, err)
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: bankB, Dialect: partner, Framing: frame.Binary2})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, is.Start(ctx))
	defer is.Close()

	text := fmt.Sprintf(`
switch: {id: "%s"}
listeners:
  - {name: a-in, address: "127.0.0.1:0", dialect: hl87a}
dialects:
  - {name: partner87, spec_file: %q}
institutions:
  - {id: "%s", role: acquirer, dialect: hl87a, inbound: {listener: a-in, allow: ["127.0.0.1"]}}
  - {id: "%s", role: issuer, dialect: partner87, framing: binary2, outbound: {addresses: ["%s"], connections: 1}}
routes:
  - {name: partner, issuer: "%s", bins: ["622848"]}
`, switchID, spec, acqA, bankB, is.Addr(), bankB)
	cfg, err := config.Parse([]byte(text), t.TempDir(), "partner.yaml")
	require.NoError(t, err)
	srv, err := New(cfg, Options{Logger: testLogger()})
	require.NoError(t, err)
	require.NoError(t, srv.Start(ctx))
	defer srv.Shutdown(context.Background())
	waitFor(t, "partner link signed on", func() bool { return srv.SignedOnLinks(bankB, link.Outbound) == 1 })

	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: srv.ListenerAddr("a-in").String(), InstitutionID: acqA,
		Dialect: mustDialect(t, "hl87a"), Framing: frame.ASCII4})
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SignOn(ctx))
	code, resp := do(t, c, purchase(panBankB))
	assert.Equal(t, "00", code)
	assert.Equal(t, panBankB, string(resp.Field(2)))
	assert.Equal(t, 1, is.Stats().Requests)
	assert.Equal(t, switchID, is.Stats().Recent[0].Forwarding)
}
