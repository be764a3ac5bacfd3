package server

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/frame"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/wire"
)

// rawIssuer is an issuer host written against the wire codec directly, so
// that it can misbehave: it corrupts its answer to the first financial
// request (field 4 not numeric) and answers the rest correctly.
func rawIssuer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	codec, err := wire.NewCodec(mustDialect(t, "hl87a"), frame.ASCII4, true, bankA)
	require.NoError(t, err)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := frame.NewReader(conn, frame.ASCII4, 0)
		financial := 0
		for {
			body, err := r.Next()
			if err != nil {
				return
			}
			var req, resp dialect.Message
			if _, err := codec.Decode(body, &req); err != nil {
				return
			}
			mti := req.ResponseMTI()
			_ = resp.SetMTI(mti[:])
			if req.MTI()[1] == '8' {
				wire.EchoNetFields(&resp, &req)
			} else {
				wire.EchoFields(&resp, &req)
				financial++
			}
			resp.SetString(39, "00")
			out, err := codec.AppendFrame(nil, &resp, switchID)
			if err != nil {
				return
			}
			if financial == 1 && req.MTI()[1] != '8' {
				i := bytes.Index(out, []byte("000000010000"))
				out[i+5] = 'X'
			}
			if _, err := conn.Write(out); err != nil {
				return
			}
		}
	}()
	return ln.Addr().String()
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
