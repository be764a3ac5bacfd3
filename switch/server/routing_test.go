package server

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
)

func TestRoutesByBINAndTranslatesDialects(t *testing.T) {
	n := startNetwork(t, 1, nil)
	a := n.acquirer(acqA) // hl87a with header
	b := n.acquirer(acqB) // hl87b

	// hl87a acquirer -> hl87a issuer (bank A) and hl87b issuer (bank B).
	code, resp := do(t, a, purchase(panBankA))
	assert.Equal(t, "00", code)
	assert.Equal(t, panBankA, string(resp.Field(2)))
	assert.Equal(t, acqA, string(resp.Field(32)))
	assert.False(t, resp.Has(33), "the acquirer sent no field 33 and gets none back")
	assert.Len(t, resp.Field(38), 6)

	code, resp = do(t, a, purchase(panBankB))
	assert.Equal(t, "00", code)
	assert.Equal(t, "000000010000", string(resp.Field(4)))

	// hl87b acquirer -> hl87a issuer.
	code, _ = do(t, b, purchase(panBankA))
	assert.Equal(t, "00", code)

	// Each issuer saw the switch as forwarding institution and the acquirer kept in 32.
	st := n.issuers[bankA][0].Stats()
	require.NotEmpty(t, st.Recent)
	for _, r := range st.Recent {
		assert.Equal(t, switchID, r.Forwarding)
	}
	assert.Equal(t, 1, n.issuers[bankB][0].Stats().Requests)
	assert.Equal(t, 2, st.Requests)

	// Issuer decline passes through unchanged.
	req := purchase(panBankB)
	req.SetString(4, "000000001251")
	code, _ = do(t, b, req)
	assert.Equal(t, "51", code)
}

func TestRoutesByReceivingInstitution(t *testing.T) {
	n := startNetwork(t, 1, nil)
	a := n.acquirer(acqA)
	req := purchase(panBankA)
	req.Unset(2)
	req.SetString(3, "400000")
	req.SetString(100, wallet)
	req.SetString(102, "wallet-user-1")
	req.SetString(103, "merchant-88")
	code, resp := do(t, a, req)
	assert.Equal(t, "00", code)
	assert.Equal(t, wallet, string(resp.Field(100)))
	assert.Equal(t, 1, n.issuers[wallet][0].Stats().Requests)
	assert.Equal(t, 0, n.issuers[bankA][0].Stats().Requests)

	// Processing code not allowed on the wallet route: 12.
	req.SetString(3, "310000")
	code, _ = do(t, a, req)
	assert.Equal(t, "12", code)
	// MTI not allowed on the wallet route: 12.
	req.SetString(3, "000000")
	_ = req.SetMTI([]byte("0100"))
	code, _ = do(t, a, req)
	assert.Equal(t, "12", code)
}

func TestSwitchResponseCodes(t *testing.T) {
	n := startNetwork(t, 1, nil)
	a := n.acquirer(acqA)
	cases := []struct {
		name string
		edit func(m *dialect.Message)
		code string
	}{
		{"no route for BIN", func(m *dialect.Message) { m.SetString(2, "4111111111111111") }, "15"},
		{"unknown receiving institution", func(m *dialect.Message) { m.Unset(2); m.SetString(100, "12345") }, "15"},
		{"PAN fails Luhn", func(m *dialect.Message) { m.SetString(2, "6222020000000000001") }, "14"},
		{"field 32 of another acquirer", func(m *dialect.Message) { m.SetString(32, acqB) }, "63"},
		{"field 33 of another institution", func(m *dialect.Message) { m.SetString(33, bankA) }, "63"},
		{"no PAN and no receiving institution", func(m *dialect.Message) { m.Unset(2) }, "30"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := purchase(panBankA)
			c.edit(req)
			code, _ := do(t, a, req)
			assert.Equal(t, c.code, code)
		})
	}
	assert.Equal(t, 0, n.issuers[bankA][0].Stats().Requests, "nothing refused reached the issuer")
}

func TestSameSTANFromTwoAcquirers(t *testing.T) {
	n := startNetwork(t, 1, map[string]string{"timeout": "3s", "delayA": "50ms"})
	a := n.acquirer(acqA)
	b := n.acquirer(acqB)
	// Both acquirers send the same STAN and transmission time at the same
	// moment to the same issuer, with different amounts.
	var wg sync.WaitGroup
	results := make([]*dialect.Message, 2)
	for i, c := range []*struct {
		amount string
		cl     interface {
			Do(context.Context, *dialect.Message, *dialect.Message) error
		}
	}{{"000000000111", a}, {"000000000222", b}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := purchase(panBankA)
			req.SetString(11, "424242")
			req.SetString(7, "1126120000")
			req.SetString(4, c.amount)
			var resp dialect.Message
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if assert.NoError(t, c.cl.Do(ctx, req, &resp)) {
				results[i] = &resp
			}
		}()
	}
	wg.Wait()
	require.NotNil(t, results[0])
	require.NotNil(t, results[1])
	assert.Equal(t, "000000000111", string(results[0].Field(4)))
	assert.Equal(t, acqA, string(results[0].Field(32)))
	assert.Equal(t, "000000000222", string(results[1].Field(4)))
	assert.Equal(t, acqB, string(results[1].Field(32)))
	assert.Equal(t, 2, n.issuers[bankA][0].Stats().Requests)
}

func TestDuplicateInFlightGets94(t *testing.T) {
	n := startNetwork(t, 1, map[string]string{"delayA": "300ms"})
	a := n.acquirer(acqA)
	first := make(chan string, 1)
	go func() {
		req := purchase(panBankA)
		req.SetString(11, "000777")
		req.SetString(7, "1126120000")
		code, _ := do(t, a, req)
		first <- code
	}()
	waitFor(t, "first request at the issuer", func() bool { return n.srv.inFlight() == 1 })
	// The acquirer client refuses to track two identical keys, so send the
	// retransmission through a second connection of the same acquirer.
	a2 := n.acquirer(acqA)
	req := purchase(panBankA)
	req.SetString(11, "000777")
	req.SetString(7, "1126120000")
	code, _ := do(t, a2, req)
	assert.Equal(t, "94", code)
	assert.Equal(t, "00", <-first)
	assert.Equal(t, 1, n.issuers[bankA][0].Stats().Requests)
}

func TestManyConcurrentTransactionsMatchTheirRequests(t *testing.T) {
	n := startNetwork(t, 2, nil)
	a := n.acquirer(acqA)
	b := n.acquirer(acqB)
	var wg sync.WaitGroup
	errs := make(chan error, 2000)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				c, p := a, panBankA
				if (g+i)%2 == 0 {
					c, p = b, panBankB
				}
				req := purchase(p)
				amount := fmt.Sprintf("%012d", 1000+g*100+i)
				req.SetString(4, amount)
				var resp dialect.Message
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := c.Do(ctx, req, &resp)
				cancel()
				if err == nil && (string(resp.Field(4)) != amount || string(resp.Field(39)) != "00") {
					err = fmt.Errorf("response for %s carries amount %s code %s", amount, resp.Field(4), resp.Field(39))
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, 0, n.srv.inFlight())

	// Bank B's two links share the load (least-in-flight); bank A's
	// primary-secondary keeps everything on the first address.
	for _, inst := range n.srv.Status().Institutions {
		switch inst.ID {
		case bankB:
			require.Len(t, inst.Links, 2)
			for _, l := range inst.Links {
				assert.Positive(t, l.Forwarded, "least-in-flight uses link %s", l.Name)
			}
		case bankA:
			require.Len(t, inst.Links, 2)
			assert.Equal(t, uint64(480), inst.Links[0].Forwarded+inst.Links[1].Forwarded)
			assert.Zero(t, inst.Links[1].Forwarded, "primary-secondary keeps to the primary")
		}
	}
}
