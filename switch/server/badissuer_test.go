package server

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
)

// rawIssuer corrupts its answer to the first financial request (field 4
// not numeric) and answers the rest correctly.
func rawIssuer(t *testing.T) string {
	bad := &capturingIssuer{corrupt: func(n int, out []byte) {
		if n == 1 {
			out[bytes.Index(out, []byte("000000010000"))+5] = 'X'
		}
	}}
	return bad.start(t)
}

func TestMalformedIssuerResponseIsDroppedNotTheLink(t *testing.T) {
	text := configText([]string{rawIssuer(t)}, "127.0.0.1:1", "127.0.0.1:1", map[string]string{"timeout": "300ms"})
	cfg, err := config.Parse([]byte(text), t.TempDir(), "t.yaml")
	require.NoError(t, err)
	srv, err := New(cfg, Options{Logger: testLogger()})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Start(ctx))
	defer srv.Shutdown(context.Background())
	waitFor(t, "bank A signed on", func() bool { return srv.SignedOnLinks(bankA, link.Outbound) == 1 })
	n := &network{t: t, srv: srv}
	a := n.acquirer(acqA)

	code, _ := do(t, a, purchase(panBankA))
	assert.Equal(t, "91", code, "the malformed response counts as not received")
	bank := srv.snap.Load().insts[bankA]
	assert.Equal(t, 1.0, testutil.ToFloat64(bank.m.FormatErrors))
	assert.Equal(t, 1, srv.SignedOnLinks(bankA, link.Outbound), "the issuer link stays up")

	code, _ = do(t, a, purchase(panBankA))
	assert.Equal(t, "00", code)
}
