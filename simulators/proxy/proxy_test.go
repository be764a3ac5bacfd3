package proxy_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/simulators/proxy"
)

func start(t *testing.T, target string) *proxy.Proxy {
	t.Helper()
	p, err := proxy.New("127.0.0.1:0", target)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background()))
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestAcquirerThroughProxy(t *testing.T) {
	for _, s := range []simtest.Setup{{}, {Dialect: "hl87b", Framing: frame.Binary2, Header: true}} {
		t.Run(s.Name(), func(t *testing.T) {
			is := simtest.StartIssuer(t, s)
			p := start(t, is.Addr())
			c := simtest.Dial(t, p.Addr(), s)
			require.NoError(t, c.SignOn(simtest.Context(t)))
			res, err := load.Run(simtest.Context(t), load.Options{Clients: []*acquirer.Client{c}, InFlight: 32, Count: 1000})
			require.NoError(t, err)
			assert.Equal(t, 1000, res.Completed)
			assert.Equal(t, 0, res.Errors)
			assert.Equal(t, 1000, res.ByCode["00"])
			assert.Equal(t, 1, is.Stats().SignOns)
		})
	}
}

func TestBytesForwardedUnchanged(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		b, _ := io.ReadAll(c) // until the proxy closes after the client's EOF
		_, _ = c.Write([]byte("reply"))
		c.Close()
		got <- b
	}()
	p := start(t, ln.Addr().String())
	c, err := net.Dial("tcp", p.Addr())
	require.NoError(t, err)
	defer c.Close()
	payload := []byte("0004\x00\x01\xfe\xff arbitrary bytes")
	_, err = c.Write(payload)
	require.NoError(t, err)
	require.NoError(t, c.(*net.TCPConn).CloseWrite())
	select {
	case b := <-got:
		assert.Equal(t, payload, b)
	case <-time.After(simtest.Wait):
		t.Fatal("nothing forwarded")
	}
	_ = c.SetReadDeadline(time.Now().Add(simtest.Wait))
	rest, _ := io.ReadAll(c)
	assert.Empty(t, rest, "the pair is closed once one side ends")
}

func TestTargetDownClosesClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := ln.Addr().String()
	require.NoError(t, ln.Close())
	p := start(t, dead)
	c, err := net.Dial("tcp", p.Addr())
	require.NoError(t, err)
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(simtest.Wait))
	_, err = c.Read(make([]byte, 1))
	require.ErrorIs(t, err, io.EOF)
}

func TestLifecycle(t *testing.T) {
	_, err := proxy.New("127.0.0.1:0", "")
	require.ErrorIs(t, err, proxy.ErrNoTarget)
	p, err := proxy.New("127.0.0.1:0", "127.0.0.1:1")
	require.NoError(t, err)
	assert.Empty(t, p.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, p.Start(ctx))
	require.ErrorIs(t, p.Start(ctx), proxy.ErrStarted)
	addr := p.Addr()
	cancel()
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, simtest.Wait, 5*time.Millisecond, "ctx end closes the listener")
	require.NoError(t, p.Close())
	require.ErrorIs(t, p.Start(context.Background()), proxy.ErrClosed)
}
