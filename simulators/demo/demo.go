package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/acquirer/pos"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/simulators/load"
	"github.com/hulian/hulian/switch/config"
)

// demoFlags are the settings of "paysim demo".
type demoFlags struct {
	switchd      string
	config       string
	logPath      string
	count        int
	inflight     int
	timeout      time.Duration
	serve        bool
	accounts     string // comma-separated issuer accounts files
	card         string // simulated card profile
	capk         string // test CA public keys
	reader       string // readerAuto, readerPCSC or readerInProcess
	suite        string // certification suite directory
	reportDir    string
	loadMix      string
	loadRate     float64
	loadDuration time.Duration
}

// demo is one run: the configuration, the plan and what was started.
type demo struct {
	f        demoFlags
	cfg      *config.Config
	plan     *plan
	acq      *acquirerSide
	hosts    []*issuerHost
	sw       *child
	keys     *demoKeys
	accounts *demoAccounts
	card     *demoCard
	pins     *load.ModulePIN // acquirer PIN pad; nil without a PIN format
	out      io.Writer
	sum      summary
}

// Run is `paysim demo`: it starts the issuer simulators of a switchd configuration, the
// switchd binary on it, and an acquirer; sends a mix of transactions whose
// response codes are known in advance, a chip purchase with a simulated
// card, the card certification suite and a load burst; prints a report;
// and stops everything. It fails when anything differs from what is
// expected or switchd does not stop cleanly.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseDemoFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := config.Load(f.config)
	if err != nil {
		return err
	}
	p, err := buildPlan(cfg, f.count)
	if err != nil {
		return err
	}
	ds := newDialects(cfg)
	acq, err := findAcquirer(cfg, ds)
	if err != nil {
		return err
	}
	d := &demo{f: f, cfg: cfg, plan: p, acq: acq, out: stdout}
	acq.stan = firstClientSTAN(f)
	if d.accounts, err = buildAccounts(f.accounts, p); err != nil {
		return err
	}
	printHeader(stdout, cfg, f.config)
	if d.keys, err = setupKeys(ctx, cfg); err != nil {
		return err
	}
	defer d.keys.close()
	d.keys.print(stdout)
	if err := d.setupAcquirerKeys(ctx); err != nil {
		return err
	}
	defer d.closePINs()
	if d.card, err = newDemoCard(ctx, f.card, f.capk, f.reader); err != nil {
		return err
	}
	defer d.card.slot.unplug()
	fmt.Fprintf(stdout, "card     %s (%s) %s\n", d.card.profile.Name, f.card, d.card.slot.describe())
	sec := issuerSecrets{keys: d.keys, accounts: d.accounts, cards: cardIssuers(cfg)}
	if d.hosts, err = startIssuers(ctx, cfg, ds, sec, stdout); err != nil {
		return err
	}
	defer closeIssuers(d.hosts)
	return d.withSwitchd(ctx)
}

// ErrUsage: a flag error, already reported on stderr.
var ErrUsage = errors.New("demo: bad usage")

// parseDemoFlags reads the flags of paysim demo.
func parseDemoFlags(args []string, stderr io.Writer) (demoFlags, error) {
	fs := flag.NewFlagSet("paysim demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f demoFlags
	fs.StringVar(&f.switchd, "switchd", "bin/switchd", "switchd binary to run")
	fs.StringVar(&f.config, "config", "testdata/switchd.yaml", "switchd configuration")
	fs.StringVar(&f.logPath, "log", "bin/demo-switchd.log", "file for switchd's log")
	fs.IntVar(&f.count, "count", 300, "number of transactions of the mix")
	fs.IntVar(&f.inflight, "inflight", 16, "transactions of the mix kept in flight")
	fs.DurationVar(&f.timeout, "timeout", 15*time.Second, "per-transaction timeout")
	fs.BoolVar(&f.serve, "serve", false, "after the report, keep switchd, the simulators and the card running until SIGINT/SIGTERM")
	fs.StringVar(&f.accounts, "accounts", "testdata/issuer/accounts.yaml", "issuer accounts files (comma-separated) the card issuers authorize from")
	fs.StringVar(&f.card, "card", "testdata/cards/pboc-sm.yaml", "simulated PBOC card profile (its account must be in --accounts)")
	fs.StringVar(&f.capk, "capk", "testdata/emv/capk-test.txt", "test CA public keys (offline data authentication)")
	fs.StringVar(&f.reader, "reader", readerAuto, "where the card goes: auto (a free vpcd reader of pcscd, else in process), pcsc (or fail), inprocess")
	fs.StringVar(&f.suite, "suite", "certification/suites/pboc", "card certification suite")
	fs.StringVar(&f.reportDir, "report-dir", "bin/demo-report", "directory of the certification report (report.html, report.json)")
	fs.StringVar(&f.loadMix, "load-mix", "testdata/demo/load-mix.yaml", "transaction mix of the load burst")
	fs.Float64Var(&f.loadRate, "load-rate", 200, "load burst: requests per second (open loop)")
	fs.DurationVar(&f.loadDuration, "load-duration", 3*time.Second, "load burst: how long (0: no burst)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, err
		}
		return f, ErrUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		return f, ErrUsage
	}
	switch {
	case f.count < 1 || f.inflight < 1:
		return f, errors.New("--count and --inflight must be at least 1")
	case f.reader != readerAuto && f.reader != readerPCSC && f.reader != readerInProcess:
		return f, fmt.Errorf("--reader must be %s, %s or %s", readerAuto, readerPCSC, readerInProcess)
	case f.loadDuration > 0 && f.loadRate <= 0:
		return f, errors.New("--load-rate must be above 0")
	case loadSTANs(f) > maxLoadSTANs:
		return f, fmt.Errorf("--load-rate x --load-duration must stay under %d requests", maxLoadSTANs)
	}
	return f, nil
}

// setupAcquirerKeys gives the acquirer its MAC key and PIN pad.
func (d *demo) setupAcquirerKeys(ctx context.Context) error {
	in := d.acq.inst
	mod := d.keys.module()
	if mod == nil {
		return nil
	}
	if hasMAC(in) {
		d.acq.mac = &acquirer.MAC{Module: mod, Key: macKey(in.ID), Field: in.MACField}
	}
	if in.PINFormat == "" {
		return nil
	}
	f, err := issuer.PINFormatFor(in.PINFormat, in.Dialect)
	if err != nil {
		return fmt.Errorf("acquirer %s: %w", in.ID, err)
	}
	d.pins, err = load.NewModulePIN(ctx, mod, pinKey(in.ID), f)
	return err
}

// closePINs deletes the PIN pad's terminal key.
func (d *demo) closePINs() {
	if d.pins != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = d.pins.Close(ctx)
	}
}

// withSwitchd runs switchd around the transactions and always stops it.
func (d *demo) withSwitchd(ctx context.Context) error {
	sw, err := startSwitchd(d.f.switchd, d.f.config, d.f.logPath)
	if err != nil {
		return err
	}
	d.sw = sw
	fmt.Fprintf(d.out, "switchd  pid %d, log %s\n", sw.cmd.Process.Pid, sw.logPath)
	runErr := d.exercise(ctx)
	if runErr == nil && d.f.serve {
		d.printServe()
		<-ctx.Done()
		fmt.Fprintln(d.out, "\nstopping")
	}
	start := time.Now()
	exitedEarly := !sw.running()
	stopErr := sw.stop()
	switch {
	case stopErr != nil && exitedEarly && runErr != nil:
		// runErr already tells why, with the log tail.
		fmt.Fprintf(d.out, "switchd had already exited: %s\n", exitDescription(stopErr))
		stopErr = nil
	case stopErr != nil:
		fmt.Fprintf(d.out, "switchd did not stop cleanly: %s\n", exitDescription(stopErr))
		stopErr = sw.failure(fmt.Errorf("switchd did not stop cleanly: %s", exitDescription(stopErr)))
	default:
		fmt.Fprintf(d.out, "switchd stopped cleanly (SIGTERM, %s, %s)\n", exitDescription(nil), time.Since(start).Round(time.Millisecond))
	}
	return errors.Join(runErr, stopErr)
}

// exercise waits for the switch, sends the plan, runs the card parts and
// the load burst, and prints the report and the summary.
func (d *demo) exercise(ctx context.Context) error {
	// The acquirer reverses whatever gets no answer, as the contract says.
	d.acq.rev = acquirer.NewReverser(acquirer.DefaultReversalInterval, nil)
	rctx, stopReversals := context.WithCancel(ctx)
	defer stopReversals()
	go d.acq.rev.Run(rctx)
	cl, err := d.ready(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "acquirer %-11s %-18s %-22s signed on at %s (listener %s)\n",
		d.acq.inst.ID, d.acq.inst.Name, d.acq.wire, d.acq.addr, d.acq.listener.Name)
	errs := []error{d.sendMix(ctx, cl)}
	if err := ctx.Err(); err != nil {
		cl.Close()
		return err
	}
	errs = append(errs, d.cardParts(ctx, cl), d.burst(ctx, cl), d.reversals(ctx))
	printMetrics(ctx, d.out, d.cfg.Admin.Address)
	d.signOff(ctx, cl)
	err = errors.Join(errs...)
	d.printSummary(err)
	return err
}

// sendMix sends the transaction mix and checks every code and route.
func (d *demo) sendMix(ctx context.Context, cl *acquirer.Client) error {
	fmt.Fprintf(d.out, "\nsending %d transactions, %d in flight\n", len(d.plan.txns), d.f.inflight)
	start := time.Now()
	res := sendAll(ctx, cl, d.plan, d.acq.f32, d.f.inflight, d.f.timeout)
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return nil // the caller reports the cancellation
	}
	unexpected := printCategories(d.out, d.plan, res)
	printSamples(d.out, d.plan, res)
	printTotals(d.out, res, elapsed, unexpected)
	misrouted := printIssuerCheck(d.out, d.plan, d.hosts)
	d.sum.mix = fmt.Sprintf("%d transactions, %d as expected", len(res), len(res)-unexpected)
	var errs []error
	if unexpected > 0 {
		errs = append(errs, fmt.Errorf("%d of %d transactions got an unexpected response code", unexpected, len(res)))
	}
	if misrouted > 0 {
		errs = append(errs, fmt.Errorf("%d issuer institutions received a different number of requests than routed to them", misrouted))
	}
	return errors.Join(errs...)
}

// cardParts runs the chip purchase and the certification suite.
func (d *demo) cardParts(ctx context.Context, cl *acquirer.Client) error {
	var pins pos.PINBlocker
	if d.pins != nil {
		pins = d.pins
	}
	chip := d.card.chipTransaction(ctx, d.out, cl, pins)
	d.sum.chip = chip
	cert := d.card.certify(ctx, d.out, d.f.suite, d.f.reportDir)
	d.sum.cert = cert
	var errs []error
	if !chip.ok() {
		errs = append(errs, errors.Join(errors.New("the chip purchase was not approved end to end"), chip.err))
	}
	switch {
	case cert.err != nil:
		errs = append(errs, fmt.Errorf("certification run: %w", cert.err))
	case !cert.conforms:
		errs = append(errs, fmt.Errorf("certification: the card does not conform (%d failed, %d errors; see %s)", cert.summary.Failed, cert.summary.Errors, cert.path))
	}
	return errors.Join(errs...)
}

// burst runs the load burst (unless --load-duration 0).
func (d *demo) burst(ctx context.Context, cl *acquirer.Client) error {
	if d.f.loadDuration <= 0 {
		return nil
	}
	var pins load.PINSource
	if d.pins != nil {
		pins = d.pins
	}
	lr := loadBurst(ctx, d.out, cl, &d.f, d.accounts, pins, d.acq.f32)
	d.sum.load = &lr
	switch {
	case lr.err != nil:
		return fmt.Errorf("load burst: %w", lr.err)
	case len(lr.problems) > 0:
		return fmt.Errorf("load burst: %s", strings.Join(lr.problems, "; "))
	}
	return nil
}

// ready waits until switchd's issuer links are up and returns the
// signed-on acquirer. With an admin port it reads /status; without one it
// counts the sign-ons the issuer simulators received, then retries the
// acquirer sign-on until the listener accepts it.
func (d *demo) ready(ctx context.Context) (*acquirer.Client, error) {
	if d.cfg.Admin.Address == "" {
		n, err := waitSimSignOns(ctx, d.sw, d.hosts)
		if err != nil {
			return nil, err
		}
		cl, err := d.acq.connectRetry(ctx, d.sw, d.cfg.Switch.ID)
		if err == nil {
			fmt.Fprintf(d.out, "switchd  ready after %s: %d issuer links signed on (seen by the simulators: no admin port)\n",
				time.Since(d.sw.started).Round(time.Millisecond), n)
		}
		return cl, err
	}
	n, err := waitIssuersSignedOn(ctx, d.sw, d.cfg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(d.out, "switchd  ready after %s: %d issuer links signed on\n", time.Since(d.sw.started).Round(time.Millisecond), n)
	cl, err := d.acq.connect(ctx, d.cfg.Switch.ID, readyTimeout)
	if err != nil {
		return nil, d.sw.failure(fmt.Errorf("acquirer %s at %s: %w", d.acq.inst.ID, d.acq.addr, err))
	}
	return cl, nil
}

// reversals waits until the reversals of requests that got no answer (if
// any) are acknowledged.
func (d *demo) reversals(ctx context.Context) error {
	if d.acq.rev.Pending() == 0 {
		return nil
	}
	rctx, cancel := context.WithTimeout(ctx, 2*acquirer.DefaultReversalInterval)
	defer cancel()
	if err := d.acq.rev.Drain(rctx); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "reversals: %d requests got no answer and were reversed (0420, acknowledged)\n", d.acq.rev.Acknowledged())
	return nil
}

// signOff signs the acquirer off (best effort) and closes it.
func (d *demo) signOff(ctx context.Context, cl *acquirer.Client) {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := cl.SignOff(sctx); err != nil {
		fmt.Fprintf(d.out, "acquirer sign-off: %v\n", err)
	}
	cl.Close()
}
