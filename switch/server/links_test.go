package server

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
)

func TestSignOnIsRequiredAndChecked(t *testing.T) {
	n := startNetwork(t, 1, nil)
	// Echo works before sign-on; financial traffic does not.
	c := n.dial(acqA)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.Echo(ctx))
	code, _ := do(t, c, purchase(panBankA))
	assert.Equal(t, "91", code)

	// An institution configured on another listener may not sign on here.
	wrongCfg := acquirer.Config{Addr: n.srv.ListenerAddr("b-in").String(), InstitutionID: acqA,
		Dialect: mustDialect(t, "hl87b"), Framing: frame.Binary2}
	wrong, err := acquirer.Dial(ctx, wrongCfg)
	require.NoError(t, err)
	defer wrong.Close()
	var re *acquirer.ResponseError
	require.ErrorAs(t, wrong.SignOn(ctx), &re)
	assert.Equal(t, "12", re.Code)

	// Unknown institution.
	unknown, err := acquirer.Dial(ctx, acquirer.Config{Addr: n.srv.ListenerAddr("a-in").String(), InstitutionID: "77770000",
		Dialect: mustDialect(t, "hl87a"), Framing: frame.ASCII4, Header: true})
	require.NoError(t, err)
	defer unknown.Close()
	require.ErrorAs(t, unknown.SignOn(ctx), &re)

	require.NoError(t, c.SignOn(ctx))
	code, _ = do(t, c, purchase(panBankA))
	assert.Equal(t, "00", code)
	require.NoError(t, c.SignOff(ctx))
	code, _ = do(t, c, purchase(panBankA))
	assert.Equal(t, "91", code, "signed off")
}

func TestConnectionsNotAllowedOrNotSignedOnAreClosed(t *testing.T) {
	text := configText([]string{"127.0.0.1:1"}, "127.0.0.1:1", "127.0.0.1:1", nil)
	cfg, err := config.Parse([]byte(text), t.TempDir(), "t.yaml")
	require.NoError(t, err)
	cfg.Institutions[0].Inbound.Allow = []string{"10.9.9.9"}
	srv, err := New(cfg, Options{SignOnWait: 200 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, srv.Start(context.Background()))
	defer srv.Shutdown(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: srv.ListenerAddr("a-in").String(), InstitutionID: acqA,
		Dialect: mustDialect(t, "hl87a"), Framing: frame.ASCII4, Header: true})
	require.NoError(t, err)
	defer c.Close()
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("connection from a refused address stayed open")
	}

	// A connection from an allowed address that never signs on is closed
	// after the sign-on wait.
	idle, err := acquirer.Dial(ctx, acquirer.Config{Addr: srv.ListenerAddr("b-in").String(), InstitutionID: acqB,
		Dialect: mustDialect(t, "hl87b"), Framing: frame.Binary2})
	require.NoError(t, err)
	defer idle.Close()
	require.NoError(t, idle.Echo(ctx), "echo is answered before sign-on")
	select {
	case <-idle.Done():
	case <-ctx.Done():
		t.Fatal("a connection that never signed on stayed open")
	}
}

func TestIssuerDownAndSignedOff(t *testing.T) {
	n := startNetwork(t, 1, nil)
	a := n.acquirer(acqA)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// The issuer signs off: the link stays, traffic to it gets 91.
	require.NoError(t, n.issuers[bankB][0].SignOff(ctx))
	waitFor(t, "bank B signed off", func() bool { return n.srv.SignedOnLinks(bankB, link.Outbound) == 0 })
	code, _ := do(t, a, purchase(panBankB))
	assert.Equal(t, "91", code)
	// Bank A is unaffected.
	code, _ = do(t, a, purchase(panBankA))
	assert.Equal(t, "00", code)
	// Bank A goes away altogether: 91 too.
	require.NoError(t, n.issuers[bankA][0].Close())
	waitFor(t, "bank A down", func() bool { return n.srv.SignedOnLinks(bankA, link.Outbound) == 0 })
	code, _ = do(t, a, purchase(panBankA))
	assert.Equal(t, "91", code)
}

func TestIssuerTimeoutAnswers91InTime(t *testing.T) {
	// Bank A answers after 500 ms; the route gives it 300 ms.
	n := startNetwork(t, 1, map[string]string{"timeout": "300ms", "delayA": "500ms"})
	a := n.acquirer(acqA)
	start := time.Now()
	code, _ := do(t, a, purchase(panBankA))
	took := time.Since(start)
	assert.Equal(t, "91", code)
	assert.GreaterOrEqual(t, took, 300*time.Millisecond)
	assert.Less(t, took, 300*time.Millisecond+250*time.Millisecond, "91 within the timeout plus a small margin")
	assert.Equal(t, 0, n.srv.inFlight())
	assert.Equal(t, 1.0, testutil.ToFloat64(n.srv.snap.Load().routeM[0].Timeouts))

	// The issuer's late approval matches nothing: counted, never delivered.
	bank := n.srv.snap.Load().insts[bankA]
	waitFor(t, "late response counted as unmatched", func() bool { return testutil.ToFloat64(bank.m.Unmatched) == 1 })
	select {
	case m := <-a.Unsolicited():
		t.Fatalf("late response delivered to the acquirer: %s %s", m.MTI(), m.Field(39))
	case <-time.After(100 * time.Millisecond):
	}

	// A silent issuer gets the same treatment.
	n.issuers[bankA][0].SetSilent(true)
	code, _ = do(t, a, purchase(panBankA))
	assert.Equal(t, "91", code)
}

func TestLinkFailoverToSecondary(t *testing.T) {
	n := startNetwork(t, 2, nil)
	a := n.acquirer(acqA)
	code, _ := do(t, a, purchase(panBankA))
	require.Equal(t, "00", code)
	primary, secondary := n.issuers[bankA][0], n.issuers[bankA][1]
	assert.Equal(t, 1, primary.Stats().Requests, "primary-secondary uses the first address")
	assert.Equal(t, 0, secondary.Stats().Requests)

	require.NoError(t, primary.Close())
	waitFor(t, "primary down", func() bool { return n.srv.SignedOnLinks(bankA, link.Outbound) == 1 })
	for i := 0; i < 5; i++ {
		code, _ = do(t, a, purchase(panBankA))
		assert.Equal(t, "00", code)
	}
	assert.Equal(t, 5, secondary.Stats().Requests)
}

func TestEchoFailureTakesLinkDown(t *testing.T) {
	n := startNetwork(t, 1, map[string]string{"echo": "100ms"})
	n.issuers[bankA][0].SetSilentAll(true)
	waitFor(t, "link declared down after failed echoes", func() bool { return n.srv.SignedOnLinks(bankA, link.Outbound) == 0 })
	n.issuers[bankA][0].SetSilentAll(false)
	waitFor(t, "link back after reconnect and sign-on", func() bool { return n.srv.SignedOnLinks(bankA, link.Outbound) == 1 })
	assert.GreaterOrEqual(t, n.issuers[bankA][0].Stats().SignOns, 2)
}

func TestBackpressureAnswers91AtOnce(t *testing.T) {
	n := startNetwork(t, 1, map[string]string{"bankAMax": "4", "timeout": "5s", "delayA": "400ms"})
	a := n.acquirer(acqA)
	var wg sync.WaitGroup
	codes := make(chan string, 12)
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := do(t, a, purchase(panBankA))
			codes <- code
		}()
	}
	wg.Wait()
	close(codes)
	count := map[string]int{}
	for c := range codes {
		count[c]++
	}
	assert.Equal(t, 4, count["00"], "the in-flight limit lets 4 through")
	assert.Equal(t, 8, count["91"], "the rest are refused at once")
	assert.Equal(t, 4, n.issuers[bankA][0].Stats().Requests)
}

func TestMalformedInput(t *testing.T) {
	n := startNetwork(t, 1, nil)
	a := n.acquirer(acqA)
	d := mustDialect(t, "hl87a")

	// A request whose MTI and key fields are readable but with a field
	// that violates its format (amount before the key fields, currency
	// after them) gets 30 and the connection stays up.
	for _, corrupt := range []struct {
		find string
		at   int
	}{{"000000010000", 3}, {"HANGHAI      CN156", 16}} {
		req := purchase(panBankA)
		req.SetString(11, "000321")
		req.SetString(7, "1126120000")
		req.SetString(32, acqA)
		raw := packWithHeader(t, d, req)
		i := indexOf(raw, []byte(corrupt.find))
		require.Positive(t, i)
		raw[i+corrupt.at] = 'X'
		require.NoError(t, a.WriteRaw(raw))
		select {
		case m := <-a.Unsolicited():
			assert.Equal(t, "0210", string(m.MTI()))
			assert.Equal(t, "30", string(m.Field(39)))
			assert.Equal(t, "000321", string(m.Field(11)))
		case <-time.After(5 * time.Second):
			t.Fatal("no format-error response")
		}
	}
	code, _ := do(t, a, purchase(panBankA))
	assert.Equal(t, "00", code, "the link survives a format error")

	// Other institutions are not disturbed by a peer sending garbage.
	b := n.acquirer(acqB)
	bad := n.dial(acqA)
	require.NoError(t, bad.WriteRaw([]byte("0004ABCD")))
	<-bad.Done()
	over := n.dial(acqA)
	require.NoError(t, over.WriteRaw([]byte("9999")))
	<-over.Done()
	code, _ = do(t, b, purchase(panBankB))
	assert.Equal(t, "00", code)
}

func packWithHeader(t *testing.T, d *dialect.Dialect, m *dialect.Message) []byte {
	c, err := wire.NewCodec(d, frame.ASCII4, true, acqA)
	require.NoError(t, err)
	out, err := c.AppendFrame(nil, m, switchID)
	require.NoError(t, err)
	return out
}

func indexOf(b, sub []byte) int {
	for i := 0; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == string(sub) {
			return i
		}
	}
	return -1
}

func TestGracefulShutdownAnswersInFlight(t *testing.T) {
	n := startNetwork(t, 1, map[string]string{"grace": "3s", "timeout": "5s", "delayA": "300ms"})
	a := n.acquirer(acqA)
	var wg sync.WaitGroup
	codes := make(chan string, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := do(t, a, purchase(panBankA))
			codes <- code
		}()
	}
	waitFor(t, "requests in flight", func() bool { return n.srv.inFlight() == 20 })
	addr := n.srv.ListenerAddr("a-in").String()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, n.srv.Shutdown(ctx))
	wg.Wait()
	close(codes)
	for c := range codes {
		assert.Equal(t, "00", c, "in-flight transactions finish during the drain")
	}
	// New connections are refused.
	_, err := acquirer.Dial(ctx, acquirer.Config{Addr: addr, InstitutionID: acqA,
		Dialect: mustDialect(t, "hl87a"), Framing: frame.ASCII4, Header: true})
	assert.Error(t, err)
	assert.True(t, errors.Is(n.srv.Shutdown(ctx), ErrServerClosed))
}
