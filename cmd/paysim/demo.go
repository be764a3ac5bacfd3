package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/switch/config"
)

// demoFlags are the settings of "paysim demo".
type demoFlags struct {
	switchd  string
	config   string
	logPath  string
	count    int
	inflight int
	timeout  time.Duration
	serve    bool
}

// demo is one run: the configuration, the plan and what was started.
type demo struct {
	f     demoFlags
	cfg   *config.Config
	plan  *plan
	acq   *acquirerSide
	hosts []*issuerHost
	sw    *child
	out   io.Writer
}

// runDemo starts the issuer simulators of a switchd configuration, the
// switchd binary on it, and an acquirer; sends a mix of transactions whose
// response codes are known in advance; prints a report; and stops
// everything. It fails when a code differs or switchd does not stop cleanly.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", stderr)
	var f demoFlags
	fs.StringVar(&f.switchd, "switchd", "bin/switchd", "switchd binary to run")
	fs.StringVar(&f.config, "config", "testdata/switchd.yaml", "switchd configuration")
	fs.StringVar(&f.logPath, "log", "bin/demo-switchd.log", "file for switchd's log")
	fs.IntVar(&f.count, "count", 300, "number of transactions")
	fs.IntVar(&f.inflight, "inflight", 16, "transactions kept in flight")
	fs.DurationVar(&f.timeout, "timeout", 15*time.Second, "per-transaction timeout")
	fs.BoolVar(&f.serve, "serve", false, "after the report, keep switchd and the simulators running until SIGINT/SIGTERM")
	if err := parse(fs, args); err != nil {
		return err
	}
	if f.count < 1 || f.inflight < 1 {
		return errors.New("--count and --inflight must be at least 1")
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
	printHeader(stdout, cfg, f.config)
	if d.hosts, err = startIssuers(ctx, cfg, ds, stdout); err != nil {
		return err
	}
	defer closeIssuers(d.hosts)
	return d.withSwitchd(ctx)
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

// exercise waits for the switch, sends the plan and prints the report.
func (d *demo) exercise(ctx context.Context) error {
	cl, err := d.ready(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "acquirer %-11s %-18s %-22s signed on at %s (listener %s)\n",
		d.acq.inst.ID, d.acq.inst.Name, d.acq.wire, d.acq.addr, d.acq.listener.Name)
	fmt.Fprintf(d.out, "\nsending %d transactions, %d in flight\n", len(d.plan.txns), d.f.inflight)
	start := time.Now()
	res := sendAll(ctx, cl, d.plan, d.acq.f32, d.f.inflight, d.f.timeout)
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		cl.Close()
		return err
	}
	unexpected := printCategories(d.out, d.plan, res)
	printSamples(d.out, d.plan, res)
	printTotals(d.out, res, elapsed, unexpected)
	misrouted := printIssuerCheck(d.out, d.plan, d.hosts)
	printMetrics(ctx, d.out, d.cfg.Admin.Address)
	d.signOff(ctx, cl)
	var errs []error
	if unexpected > 0 {
		errs = append(errs, fmt.Errorf("%d of %d transactions got an unexpected response code", unexpected, len(res)))
	}
	if misrouted > 0 {
		errs = append(errs, fmt.Errorf("%d issuer institutions received a different number of requests than routed to them", misrouted))
	}
	return errors.Join(errs...)
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

// signOff signs the acquirer off (best effort) and closes it.
func (d *demo) signOff(ctx context.Context, cl *acquirer.Client) {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := cl.SignOff(sctx); err != nil {
		fmt.Fprintf(d.out, "acquirer sign-off: %v\n", err)
	}
	cl.Close()
}

// printServe tells a person where to look while --serve keeps running.
func (d *demo) printServe() {
	fmt.Fprintln(d.out, "\nserving until SIGINT/SIGTERM (Ctrl-C):")
	if a := d.cfg.Admin.Address; a != "" {
		fmt.Fprintf(d.out, "  admin     http://%s/status  http://%s/metrics\n", a, a)
	}
	for i := range d.cfg.Listeners {
		l := &d.cfg.Listeners[i]
		hdr := ""
		if l.Header {
			hdr = ", header"
		}
		fmt.Fprintf(d.out, "  listener  %-10s %s (%s/%s%s)\n", l.Name, dialAddr(l.Address), l.Dialect, l.Framing, hdr)
		for _, cmd := range tryCommands(d.cfg, l) {
			fmt.Fprintf(d.out, "            %s\n", cmd)
		}
	}
}

// tryCommands suggests paysim acquirer/load command lines for the
// acquirers of listener l (built-in dialects only).
func tryCommands(cfg *config.Config, l *config.Listener) []string {
	var out []string
	for i := range cfg.Institutions {
		in := &cfg.Institutions[i]
		if !isAcquirer(in) || in.Inbound.Listener != l.Name || !config.BuiltinDialect(in.Dialect) {
			continue
		}
		flags := []string{"--switch", dialAddr(l.Address), "--id", in.ID, "--dialect", in.Dialect, "--framing", in.Framing}
		if in.Header {
			flags = append(flags, "--header", "--switch-id", cfg.Switch.ID)
		}
		f := strings.Join(flags, " ")
		out = append(out, "paysim acquirer "+f+" --count 10", "paysim load "+f+" --duration 10s")
	}
	return out
}
