package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/config"
)

// track2Tail is what follows the PAN in the demo's track 2 data:
// separator, expiry 2912, service code 101, discretionary data.
const track2Tail = "=2912101123456"

// acquirerSide is the demo acquirer: its institution, listener and wire.
type acquirerSide struct {
	inst     *config.Institution
	listener *config.Listener
	addr     string // where to dial
	wire     wireOf
	f32      string             // field 32 it sends
	mac      *acquirer.MAC      // nil: no MAC
	stan     uint32             // first STAN of the client (0: 1)
	rev      *acquirer.Reverser // the acquirer's reversal duty (nil: none)
}

// findAcquirer picks the first acquiring institution of cfg.
func findAcquirer(cfg *config.Config, ds *dialects) (*acquirerSide, error) {
	for i := range cfg.Institutions {
		in := &cfg.Institutions[i]
		if !isAcquirer(in) {
			continue
		}
		l := cfg.Listener(in.Inbound.Listener)
		if l == nil {
			return nil, fmt.Errorf("acquirer %s: listener %q not found", in.ID, in.Inbound.Listener)
		}
		w, err := ds.wire(in)
		if err != nil {
			return nil, err
		}
		f32 := in.ID
		if len(in.AcquirerIDs) > 0 {
			f32 = in.AcquirerIDs[0]
		}
		return &acquirerSide{inst: in, listener: l, addr: dialAddr(l.Address), wire: w, f32: f32}, nil
	}
	return nil, errors.New("demo: the configuration has no institution with role acquirer or both")
}

// dialAddr turns a listen address into one to dial: an unspecified host
// (":5800", "0.0.0.0:5800") becomes loopback.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// connect dials the switch and signs on once.
func (a *acquirerSide) connect(ctx context.Context, switchID string, timeout time.Duration) (*acquirer.Client, error) {
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cl, err := acquirer.Dial(dctx, acquirer.Config{
		Addr: a.addr, InstitutionID: a.inst.ID, SwitchID: switchID,
		Dialect: a.wire.dialect, Framing: a.wire.framing, Header: a.wire.header, MAC: a.mac,
		FirstSTAN: a.stan, Reverser: a.rev,
	})
	if err != nil {
		return nil, err
	}
	if err := cl.SignOn(dctx); err != nil {
		cl.Close()
		return nil, fmt.Errorf("sign-on: %w", err)
	}
	return cl, nil
}

// connectRetry retries connect until it succeeds, the process exits, or
// readyTimeout passes: the readiness check when there is no admin port.
func (a *acquirerSide) connectRetry(ctx context.Context, c *child, switchID string) (*acquirer.Client, error) {
	deadline := time.Now().Add(readyTimeout)
	for {
		cl, err := a.connect(ctx, switchID, time.Second)
		if err == nil {
			return cl, nil
		}
		if !c.running() {
			return nil, c.failure(fmt.Errorf("switchd exited: %v", c.waitErr))
		}
		if time.Now().After(deadline) {
			return nil, c.failure(fmt.Errorf("acquirer %s could not sign on at %s within %s: %w", a.inst.ID, a.addr, readyTimeout, err))
		}
		if err := sleepCtx(ctx, pollEvery); err != nil {
			return nil, err
		}
	}
}

// result is the outcome of one transaction.
type result struct {
	code    string // field 39, or "ERR" when no response came
	err     error
	latency time.Duration
}

// sendAll runs the plan over cl with inflight requests outstanding and
// returns one result per transaction, in plan order.
func sendAll(ctx context.Context, cl *acquirer.Client, p *plan, f32 string, inflight int, timeout time.Duration) []result {
	results := make([]result, len(p.txns))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(inflight, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var req, resp dialect.Message
			for i := range jobs {
				fillRequest(&req, &p.cats[p.txns[i].cat], &p.txns[i], f32)
				results[i] = doOne(ctx, cl, &req, &resp, timeout)
			}
		}()
	}
	for i := range p.txns {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

func doOne(ctx context.Context, cl *acquirer.Client, req, resp *dialect.Message, timeout time.Duration) result {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	err := cl.Do(rctx, req, resp)
	took := time.Since(start)
	if err != nil {
		return result{code: "ERR", err: err, latency: took}
	}
	code := string(resp.Field(39))
	if code == "" {
		code = "--"
	}
	return result{code: code, latency: took}
}

// fillRequest builds the request of transaction t of category c from the
// sample financial message. Fields 7 and 11 are left to the client.
func fillRequest(m *dialect.Message, c *category, t *txnSpec, f32 string) {
	dialect.SampleFinancial(m, "000001")
	m.Unset(7)
	m.Unset(11)
	m.Unset(33)
	_ = m.SetMTI([]byte(c.mti)) // 4 digits by construction
	m.SetString(3, c.proc)
	m.SetString(4, t.amount)
	m.SetString(32, f32)
	// No PIN block or chip data in the mix: the chip transaction and the
	// load burst carry those.
	for _, n := range []int{52, 53, 55} {
		m.Unset(n)
	}
	if t.pan != "" {
		m.SetString(2, t.pan)
		m.SetString(35, t.pan+track2Tail)
		return
	}
	// Account-based payment: no card data, accounts in 102/103.
	for _, n := range []int{2, 14, 23, 35} {
		m.Unset(n)
	}
	m.SetString(100, c.receiving)
	m.SetString(102, "W"+t.amount)
	m.SetString(103, "MERCHANT0001")
}
