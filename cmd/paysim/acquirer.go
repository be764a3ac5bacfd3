package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
)

// clientFlags are the settings of subcommands that dial the switch.
type clientFlags struct {
	wireFlags
	addr     string
	switchID string
	timeout  time.Duration
	stan     uint
	macCfg   *acquirer.MAC // set by openMAC
	// reversalEvery repeats the reversal advices of requests that got no
	// answer (0 sends none); rev carries them out (startReversals).
	reversalEvery time.Duration
	rev           *acquirer.Reverser
}

// openMAC opens the security module the MAC flags name (if any) for the
// clients dialed afterwards; the caller closes what it returns.
func (c *clientFlags) openMAC() (io.Closer, error) {
	mac, closer, err := c.mac.open()
	if err != nil {
		return nil, err
	}
	c.macCfg = mac
	if closer == nil {
		closer = io.NopCloser(nil)
	}
	return closer, nil
}

func (c *clientFlags) register(fs *flag.FlagSet) {
	c.wireFlags.register(fs, "48020000")
	fs.StringVar(&c.addr, "switch", "127.0.0.1:5800", "switch (or issuer/proxy) address")
	fs.StringVar(&c.switchID, "switch-id", "", "header destination station id")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.UintVar(&c.stan, "stan", 0, "first STAN 1..999999 (default: random, so that runs in the same second do not send duplicates)")
	fs.DurationVar(&c.reversalEvery, "reversal-interval", acquirer.DefaultReversalInterval,
		"a request that gets no answer within --timeout is reversed (0420, repeated as 0421 this often until 0430); 0 sends no reversal")
}

// startReversals starts the acquirer's reversal duty for the clients
// dialed afterwards (unless --reversal-interval is 0). The function it
// returns waits, before the clients close, until every reversal is
// acknowledged or one interval plus --timeout has passed, and says so on
// stderr.
func (c *clientFlags) startReversals(ctx context.Context, stderr io.Writer) func() {
	if c.reversalEvery <= 0 {
		return func() {}
	}
	c.rev = acquirer.NewReverser(c.reversalEvery, c.logger(stderr))
	rctx, cancel := context.WithCancel(ctx)
	go c.rev.Run(rctx)
	return func() {
		cancel()
		if c.rev.Pending() == 0 && c.rev.Acknowledged() == 0 {
			return
		}
		dctx, dcancel := context.WithTimeout(context.WithoutCancel(ctx), c.reversalEvery+c.timeout)
		defer dcancel()
		if err := c.rev.Drain(dctx); err != nil {
			fmt.Fprintf(stderr, "reversals: %d acknowledged; %v\n", c.rev.Acknowledged(), err)
			return
		}
		fmt.Fprintf(stderr, "reversals: %d sent for requests without an answer, all acknowledged\n", c.rev.Acknowledged())
	}
}

// firstSTAN returns --stan, or a random STAN when it is not set.
func (c *clientFlags) firstSTAN() uint32 {
	if c.stan > 0 {
		return uint32(c.stan % 999999)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])%999999 + 1
}

// dial connects one client and signs it on.
func (c *clientFlags) dial(ctx context.Context, stderr io.Writer) (*acquirer.Client, error) {
	d, k, err := c.resolve()
	if err != nil {
		return nil, err
	}
	dctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cl, err := acquirer.Dial(dctx, acquirer.Config{
		Addr: c.addr, InstitutionID: c.id, SwitchID: c.switchID,
		Dialect: d, Framing: k, Header: c.header, Logger: c.logger(stderr), MAC: c.macCfg,
		FirstSTAN: c.firstSTAN(), Reverser: c.rev,
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

func runAcquirer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("acquirer", stderr)
	var c clientFlags
	c.register(fs)
	count := fs.Int("count", 10, "number of transactions")
	cardPAN := fs.String("card", "", "card `PAN` to send (magnetic stripe, no field 55); default: the sample card")
	expiry := fs.String("expiry", "3012", "the --card's expiry date, `YYMM`")
	accounts := fs.String("accounts", "", "issuer accounts `file`: send its first card a purchase is approved on (instead of --card)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *accounts != "" && *cardPAN == "" {
		a, err := spendableCard(*accounts)
		if err != nil {
			return err
		}
		*cardPAN, *expiry = a.PAN, a.Expiry
	}
	if *cardPAN != "" && (pan.Valid([]byte(*cardPAN)) != nil || len(*expiry) != 4 || strings.Trim(*expiry, "0123456789") != "") {
		fmt.Fprintln(stderr, "paysim acquirer: --card must be a Luhn-valid PAN and --expiry YYMM")
		return errUsage
	}
	closer, err := c.openMAC()
	if err != nil {
		return err
	}
	defer closer.Close()
	finish := c.startReversals(ctx, stderr)
	cl, err := c.dial(ctx, stderr)
	if err != nil {
		finish()
		return err
	}
	defer cl.Close()
	defer finish()
	fmt.Fprintf(stdout, "acquirer %s signed on at %s\n", c.id, c.addr)
	var req, resp dialect.Message
	for i := range *count {
		sampleTxn(i, &req)
		if *cardPAN != "" {
			useCard(&req, *cardPAN, *expiry)
		}
		rctx, cancel := context.WithTimeout(ctx, c.timeout)
		start := time.Now()
		err := cl.Do(rctx, &req, &resp)
		cancel()
		if err != nil {
			return fmt.Errorf("transaction %d: %w", i+1, err)
		}
		printTxn(stdout, &req, &resp, time.Since(start))
	}
	if err := cl.SignOff(ctx); err != nil {
		return fmt.Errorf("sign-off: %w", err)
	}
	return nil
}

// sampleTxn fills transaction i of the demo mix: purchases, every fourth a
// balance inquiry, every fourth (offset 2) a declined amount (ends in 51).
func sampleTxn(i int, m *dialect.Message) {
	dialect.SampleFinancial(m, "000001")
	for _, n := range []int{7, 11, 32, 33} {
		m.Unset(n) // filled by the client
	}
	for _, n := range []int{52, 53} {
		m.Unset(n) // no PIN key with the switch: no PIN block
	}
	switch i % 4 {
	case 1:
		m.SetString(3, "310000")
		m.SetString(4, "000000000000")
	case 2:
		m.SetString(4, "000000008851")
	case 3:
		m.SetString(4, "000000250000")
	}
}

// spendableCard is the first card of the accounts file the sample
// transactions (up to 2,500.00) are approved on.
func spendableCard(path string) (issuer.Account, error) {
	set, err := issuer.LoadAccounts(path)
	if err != nil {
		return issuer.Account{}, err
	}
	a, ok := issuer.SpendableCard(set.All(), 1000000)
	if !ok {
		return a, fmt.Errorf("%s: no active card without limits holding 10,000.00", path)
	}
	return a, nil
}

// useCard makes the request a magnetic stripe transaction of card p.
func useCard(m *dialect.Message, p, expiry string) {
	m.SetString(2, p)
	m.SetString(14, expiry)
	m.SetString(35, p+"="+expiry+"101")
	m.SetString(22, "021")
	m.Unset(55)
}

// printTxn prints one line per transaction; the PAN only masked.
func printTxn(w io.Writer, req, resp *dialect.Message, took time.Duration) {
	p := req.Field(2)
	if p == nil {
		p, _ = pan.FromTrack2(req.Field(35))
	}
	fmt.Fprintf(w, "%s stan=%s pan=%s proc=%s amount=%s -> %s code=%s auth=%s %s\n",
		req.MTI(), req.Field(11), pan.Mask(p), req.Field(3), req.Field(4),
		resp.MTI(), orDash(resp.Field(39)), orDash(resp.Field(38)), took.Round(time.Microsecond))
}

func orDash(v []byte) string {
	if len(v) == 0 {
		return "-"
	}
	return string(v)
}
