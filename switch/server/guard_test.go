package server

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/config"
)

// metricValue sums the samples of a metric whose labels include every
// pair in labels.
func metricValue(t *testing.T, s *Server, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := s.Gatherer().Gather()
	require.NoError(t, err)
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	sample:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue sample
				}
			}
			total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return total
}

// awaitAnswer reads the next message the switch sent a that the client
// matched to no request.
func awaitAnswer(t *testing.T, a *acquirer.Client) *dialect.Message {
	t.Helper()
	select {
	case m := <-a.Unsolicited():
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no answer")
		return nil
	}
}

// Every answer the switch makes itself is counted with its reason, a
// format error also as a format error.
func TestOwnAnswersAreCountedWithTheirReason(t *testing.T) {
	n := startNetwork(t, 1, nil)
	d := mustDialect(t, "hl87a")

	// A request before sign-on: 91, logged and counted for "unknown".
	early := n.dial(acqA)
	code, _ := do(t, early, purchase(panBankA))
	assert.Equal(t, "91", code)
	assert.Equal(t, 1.0, metricValue(t, n.srv, "hulian_switch_own_answers_total",
		map[string]string{"institution": "unknown", "code": "91", "reason": "not_signed_on"}))

	// Signed on: a request without field 7 gets 30 and counts as a format
	// error of the acquirer.
	a := n.acquirer(acqA)
	req := purchase(panBankA)
	req.SetString(11, "000777")
	req.SetString(32, acqA)
	require.NoError(t, a.WriteRaw(packWithHeader(t, d, req)))
	m := awaitAnswer(t, a)
	assert.Equal(t, "30", string(m.Field(39)))
	assert.Equal(t, 1.0, metricValue(t, n.srv, "hulian_switch_format_errors_total", map[string]string{"institution": acqA}))
	assert.Equal(t, 1.0, metricValue(t, n.srv, "hulian_switch_own_answers_total",
		map[string]string{"institution": acqA, "code": "30", "reason": "format_error"}))

	// No route, and a bad card number.
	code, _ = do(t, a, purchase("6299990000000000004"))
	assert.Equal(t, "15", code)
	code, _ = do(t, a, purchase("6222020000000000001"))
	assert.Equal(t, "14", code)
	assert.Equal(t, 1.0, metricValue(t, n.srv, "hulian_switch_own_answers_total",
		map[string]string{"institution": acqA, "code": "15", "reason": "no_route"}))
	assert.Equal(t, 1.0, metricValue(t, n.srv, "hulian_switch_own_answers_total",
		map[string]string{"institution": acqA, "code": "14", "reason": "invalid_card"}))

	// An issuer's own answer is not counted as the switch's.
	code, _ = do(t, a, purchase(panBankA))
	assert.Equal(t, "00", code)
	assert.Zero(t, metricValue(t, n.srv, "hulian_switch_own_answers_total", map[string]string{"code": "00"}))
}

// A PIN block from an acquirer that has no PIN key with the switch never
// crosses to the issuer untranslated: 30, and the issuer sees nothing.
func TestPINBlockFromAcquirerWithoutPINFormatIsRefused(t *testing.T) {
	n := startNetwork(t, 1, nil)
	a := n.acquirer(acqA)
	before := n.issuers[bankA][0].Stats().Requests
	req := purchase(panBankA)
	req.Set(52, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	code, _ := do(t, a, req)
	assert.Equal(t, "30", code)
	assert.Equal(t, before, n.issuers[bankA][0].Stats().Requests, "nothing reached the issuer")
	assert.Equal(t, 1.0, metricValue(t, n.srv, "hulian_switch_own_answers_total",
		map[string]string{"institution": acqA, "code": "30", "reason": "pin_block"}))
}

// Connections that never sign on are bounded per listener and per source
// address, refused ones are counted, and a connection that signs on frees
// its place.
func TestUnsignedConnectionsAreBounded(t *testing.T) {
	text := configText([]string{"127.0.0.1:1"}, "127.0.0.1:1", "127.0.0.1:1", nil)
	cfg, err := config.Parse([]byte(text), t.TempDir(), "t.yaml")
	require.NoError(t, err)
	for i := range cfg.Listeners {
		cfg.Listeners[i].MaxUnsigned, cfg.Listeners[i].MaxUnsignedPerAddress = 3, 2
		cfg.Listeners[i].SignOnWait = config.Duration(time.Second)
	}
	srv, err := New(cfg, Options{})
	require.NoError(t, err)
	require.NoError(t, srv.Start(context.Background()))
	defer srv.Shutdown(context.Background())
	addr := srv.ListenerAddr("b-in").String()

	// closed reports whether the switch closed c within d.
	closed := func(c net.Conn, d time.Duration) bool {
		_ = c.SetReadDeadline(time.Now().Add(d))
		var b [1]byte
		_, err := c.Read(b[:])
		var ne net.Error
		return !(err != nil && errors.As(err, &ne) && ne.Timeout())
	}
	var idle []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		idle = append(idle, c)
	}
	for _, c := range idle {
		assert.False(t, closed(c, 100*time.Millisecond), "within the per-address bound")
	}
	extra, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer extra.Close()
	assert.True(t, closed(extra, 2*time.Second), "a third one from the same address is closed at once")
	assert.Equal(t, 1.0, metricValue(t, srv, "hulian_switch_disconnects_total",
		map[string]string{"institution": "unknown", "reason": "unsigned_limit_address"}))

	// A client that signs on leaves the gate: one more may connect.
	_ = idle[0].Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var c *acquirer.Client
	require.Eventually(t, func() bool {
		var err error
		c, err = acquirer.Dial(ctx, acquirer.Config{Addr: addr, InstitutionID: acqB,
			Dialect: mustDialect(t, "hl87b"), Framing: frame.Binary2})
		if err != nil {
			return false
		}
		if c.SignOn(ctx) != nil {
			c.Close()
			return false
		}
		return true
	}, 5*time.Second, 20*time.Millisecond, "a place is free once an idle connection closed")
	defer c.Close()
	another, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer another.Close()
	assert.False(t, closed(another, 100*time.Millisecond), "the signed-on client holds no place")

	// The idle ones are closed after sign_on_wait; the signed-on one stays.
	assert.True(t, closed(idle[1], 3*time.Second))
	assert.True(t, closed(another, 3*time.Second))
	require.NoError(t, c.Echo(ctx))
}
