package demo

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hulian/hulian/switch/config"
)

// summary collects the figures of the run for the closing lines.
type summary struct {
	mix  string
	chip chipResult
	cert certResult
	load *loadResult
}

// printSummary prints the closing lines: what ran, the figures, where to
// look, and whether everything behaved.
func (d *demo) printSummary(runErr error) {
	w := d.out
	fmt.Fprintln(w, "\nsummary:")
	fmt.Fprintf(w, "  mix            %s\n", d.sum.mix)
	fmt.Fprintf(w, "  chip purchase  %s\n", chipLine(d.sum.chip))
	c := d.sum.cert
	if c.err == nil {
		fmt.Fprintf(w, "  certification  %d passed, %d failed, %d errors, %d skipped on %q: %s\n",
			c.summary.Passed, c.summary.Failed, c.summary.Errors, c.summary.Skipped, c.reader, relPath(c.path))
	} else {
		fmt.Fprintf(w, "  certification  not run: %v\n", c.err)
	}
	if l := d.sum.load; l != nil && l.err == nil {
		r := l.res
		fmt.Fprintf(w, "  load burst     %d requests, %.0f/s achieved of %.0f/s, p50 %s p99 %s, %d without answer\n",
			r.Sent, r.AchievedRate, r.IntendedRate, roundLat(r.P50), roundLat(r.P99), r.Errors)
	}
	if a := d.cfg.Admin.Address; a != "" {
		fmt.Fprintf(w, "  dashboard      http://%s/dashboard   (metrics http://%s/metrics)\n", a, a)
	} else {
		fmt.Fprintln(w, "  dashboard      none: the configuration has no admin address")
	}
	if runErr == nil {
		fmt.Fprintln(w, "  result         everything as expected")
	} else {
		fmt.Fprintln(w, "  result         FAILED (reasons below)")
	}
}

// chipLine is the summary of the chip purchase.
func chipLine(r chipResult) string {
	rc := r.receipt
	switch {
	case rc == nil && r.err != nil:
		return "failed: " + r.err.Error()
	case rc == nil:
		return "not run"
	}
	s := fmt.Sprintf("card %s, response %s, ", rc.PAN, orDashS(rc.ResponseCode))
	if rc.Approved {
		s += "approved (TC)"
	} else {
		s += "declined"
	}
	if n := len(rc.Scripts); n > 0 {
		ok := 0
		for _, sc := range rc.Scripts {
			if sc.OK() {
				ok++
			}
		}
		s += fmt.Sprintf(", %d of %d issuer scripts performed", ok, n)
	}
	if rc.ECBalance >= 0 {
		s += ", EC balance " + formatAmount(fmt.Sprintf("%d", rc.ECBalance))
	}
	if !r.ok() {
		s += "   <- UNEXPECTED"
	}
	return s
}

func orDashS(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// relPath shortens an absolute path under the working directory.
func relPath(p string) string {
	if abs, err := filepath.Abs("."); err == nil {
		if r, err := filepath.Rel(abs, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}

// printServe tells a person what runs and what to try while --serve keeps
// everything up.
func (d *demo) printServe() {
	w := d.out
	fmt.Fprintln(w, "\nserving until SIGINT/SIGTERM (Ctrl-C); switchd, the issuers and the card stay up. Try:")
	if a := d.cfg.Admin.Address; a != "" {
		fmt.Fprintf(w, "  dashboard   http://%s/dashboard   (also /status, /metrics)\n", a)
	}
	keyFlags := d.keyFlags()
	for i := range d.cfg.Listeners {
		l := &d.cfg.Listeners[i]
		hdr := ""
		if l.Header {
			hdr = ", header"
		}
		fmt.Fprintf(w, "  listener    %-10s %s (%s/%s%s)\n", l.Name, dialAddr(l.Address), l.Dialect, l.Framing, hdr)
		for _, cmd := range tryCommands(d.cfg, l, keyFlags, d.tryData()) {
			fmt.Fprintf(w, "              %s\n", cmd)
		}
	}
	d.printCardTries()
}

// printCardTries suggests what to do with the card.
func (d *demo) printCardTries() {
	w := d.out
	dc := d.card
	suite := "--suite " + d.f.suite + " --profile " + d.f.card
	if dc.slot.inPCSC() {
		fmt.Fprintf(w, "  card        %s in reader %q\n", dc.profile.Name, dc.slot.reader)
		fmt.Fprintf(w, "              paysim pos --reader %q --amount 12.34 --pin PIN --switch %s --id %s%s\n", dc.slot.reader, d.acq.addr, d.acq.inst.ID, demoPOSFlags(d))
		fmt.Fprintf(w, "                (PIN: the card's TEST PIN, in %s)\n", d.f.card)
		fmt.Fprintf(w, "              cardcert run --reader %q %s --report-dir bin/cardcert\n", dc.slot.reader, suite)
		fmt.Fprintf(w, "              pcsc_scan; opensc-tool --reader %q --atr\n", dc.slot.reader)
		return
	}
	fmt.Fprintf(w, "  card        %s stays in process (%s): no reader to try; a copy of it:\n", dc.profile.Name, dc.slot.why)
	fmt.Fprintf(w, "              cardcert run --sim %s %s --report-dir bin/cardcert\n", d.f.card, "--suite "+d.f.suite)
}

// demoPOSFlags are the wire and key flags paysim pos needs for the acquirer.
func demoPOSFlags(d *demo) string {
	in := d.acq.inst
	s := " --dialect " + in.Dialect + " --framing " + in.Framing
	if in.Header {
		s += " --header --switch-id " + d.cfg.Switch.ID
	}
	return s + d.keyFlags()
}

// keyFlags are the security module flags of the acquirer ("" without keys).
func (d *demo) keyFlags() string {
	in := d.acq.inst
	if d.keys == nil || !hasMAC(in) {
		return ""
	}
	return fmt.Sprintf(" --key-store %s --lmk-file %s --mac-key %s",
		relPath(d.cfg.Security.KeyStore), relPath(d.cfg.Security.LMKFile), macKey(in.ID))
}

// tryData is what the suggested commands need to be answered as the demo
// is: the accounts file the acquirer takes a card from and the load draws
// from, the load burst's mix, and whether the acquirer has a PIN key. No
// PAN is printed: paysim acquirer picks the card from the file.
type tryData struct {
	mix, accounts string
	keysLoaded    bool
}

func (d *demo) tryData() tryData {
	first, _, _ := strings.Cut(d.f.accounts, ",") // paysim draws from one file
	return tryData{mix: d.f.loadMix, accounts: strings.TrimSpace(first), keysLoaded: d.keys != nil}
}

// tryCommands suggests paysim acquirer/load command lines for the
// acquirers of listener l (built-in dialects only); keyFlags are appended.
// Run as printed against the served demo, their requests are answered as
// the demo's own are (approvals, and the declines the accounts file makes).
func tryCommands(cfg *config.Config, l *config.Listener, keyFlags string, td tryData) []string {
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
		f := strings.Join(flags, " ") + keyFlags
		acq := "paysim acquirer " + f + " --count 10 --accounts " + td.accounts
		ld := "paysim load " + f + " --mix " + td.mix + " --accounts " + td.accounts
		if td.keysLoaded && in.PINFormat != "" {
			ld += " --pin-key " + string(pinKey(in.ID)) + " --pin-format " + in.PINFormat
		}
		out = append(out, acq, ld+" --rate 200 --duration 10s")
	}
	return out
}
