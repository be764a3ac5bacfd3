package server

import (
	"crypto/tls"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
)

// capturingIssuer is an issuer host written against the wire codec
// directly, so that tests can see what reached it and make it misbehave: it
// approves everything, keeps the last PIN block and field 53 it received,
// and lets corrupt (when set) change the packed answer to the n-th
// financial request.
type capturingIssuer struct {
	corrupt func(n int, frame []byte)
	dialect string // hl87a when empty

	mu       sync.Mutex
	f52, f53 []byte
	n        int
}

func (c *capturingIssuer) start(t *testing.T) string { return c.startTLS(t, nil) }

// startTLS serves TLS with tc when it is not nil.
func (c *capturingIssuer) startTLS(t *testing.T, tc *tls.Config) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if tc != nil {
		ln = tls.NewListener(ln, tc)
	}
	t.Cleanup(func() { ln.Close() })
	name := c.dialect
	if name == "" {
		name = "hl87a"
	}
	codec, err := wire.NewCodec(mustDialect(t, name), frame.ASCII4, true, bankA)
	require.NoError(t, err)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := frame.NewReader(conn, frame.ASCII4, 0)
		for {
			body, err := r.Next()
			if err != nil {
				return
			}
			var req, resp dialect.Message
			if _, err := codec.Decode(body, &req); err != nil {
				return
			}
			if req.MTI()[1] != '8' {
				c.mu.Lock()
				c.f52, c.f53 = append([]byte(nil), req.Field(52)...), append([]byte(nil), req.Field(53)...)
				c.n++
				c.mu.Unlock()
				wire.EchoFields(&resp, &req)
			} else {
				wire.EchoNetFields(&resp, &req)
			}
			mti := req.ResponseMTI()
			_ = resp.SetMTI(mti[:])
			resp.SetString(39, "00")
			out, err := codec.AppendFrame(nil, &resp, switchID)
			if err != nil {
				return
			}
			if c.corrupt != nil && req.MTI()[1] != '8' {
				c.mu.Lock()
				n := c.n
				c.mu.Unlock()
				c.corrupt(n, out)
			}
			if _, err := conn.Write(out); err != nil {
				return
			}
		}
	}()
	return ln.Addr().String()
}
