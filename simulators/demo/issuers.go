package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
)

// wireOf is how one institution's links speak, resolved from the config.
type wireOf struct {
	dialect *dialect.Dialect
	framing frame.Kind
	header  bool
}

func (w wireOf) String() string {
	s := w.dialect.Name() + "/" + w.framing.String()
	if w.header {
		s += ", header"
	}
	return s
}

// dialects compiles each dialect a configuration names at most once.
type dialects struct {
	cfg   *config.Config
	cache map[string]*dialect.Dialect
}

func newDialects(cfg *config.Config) *dialects {
	return &dialects{cfg: cfg, cache: make(map[string]*dialect.Dialect)}
}

// get returns the built-in dialect name or the one of its dialects[] entry.
func (ds *dialects) get(name string) (*dialect.Dialect, error) {
	if d := ds.cache[name]; d != nil {
		return d, nil
	}
	var d *dialect.Dialect
	var err error
	switch {
	case config.BuiltinDialect(name):
		d, err = dialect.Builtin(name)
	default:
		err = fmt.Errorf("dialect %q: not in the configuration's dialects", name)
		for _, df := range ds.cfg.Dialects {
			if df.Name == name {
				d, err = dialect.LoadSpecFile(df.Name, df.SpecFile)
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	ds.cache[name] = d
	return d, nil
}

// wire resolves an institution's dialect, framing and header.
func (ds *dialects) wire(in *config.Institution) (wireOf, error) {
	d, err := ds.get(in.Dialect)
	if err != nil {
		return wireOf{}, err
	}
	k, err := frame.ParseKind(in.Framing)
	if err != nil {
		return wireOf{}, fmt.Errorf("institution %s: %w", in.ID, err)
	}
	return wireOf{dialect: d, framing: k, header: in.Header}, nil
}

// issuerHost is one running issuer simulator.
type issuerHost struct {
	inst *config.Institution
	addr string
	sim  *issuer.Issuer
}

// isIssuer reports whether the switch dials the institution.
func isIssuer(in *config.Institution) bool {
	return (in.Role == config.RoleIssuer || in.Role == config.RoleBoth) && in.Outbound != nil
}

// isAcquirer reports whether the institution connects to a listener.
func isAcquirer(in *config.Institution) bool {
	return (in.Role == config.RoleAcquirer || in.Role == config.RoleBoth) && in.Inbound != nil
}

// issuerSecrets is what the issuer simulators share: the security module
// (MAC and PIN keys; nil without) and the accounts of the card issuers (nil:
// deterministic rules for every issuer).
type issuerSecrets struct {
	keys     *demoKeys
	accounts *demoAccounts
	cards    map[string]bool // institutions that authorize from accounts
}

// startIssuers starts a simulator on every outbound address of every
// issuing institution. On error the ones already started are closed.
func startIssuers(ctx context.Context, cfg *config.Config, ds *dialects, sec issuerSecrets, stdout io.Writer) ([]*issuerHost, error) {
	var hosts []*issuerHost
	for i := range cfg.Institutions {
		in := &cfg.Institutions[i]
		if !isIssuer(in) {
			continue
		}
		w, err := ds.wire(in)
		if err != nil {
			closeIssuers(hosts)
			return nil, err
		}
		for _, addr := range in.Outbound.Addresses {
			h, err := startIssuer(ctx, in, w, addr, cfg.Switch.MaxFrame, sec)
			if err != nil {
				closeIssuers(hosts)
				return nil, fmt.Errorf("issuer %s on %s: %w", in.ID, addr, err)
			}
			hosts = append(hosts, h)
		}
		fmt.Fprintf(stdout, "issuer   %-11s %-18s %-22s on %s%s\n", in.ID, in.Name, w, strings.Join(in.Outbound.Addresses, ", "), sec.describe(in))
	}
	return hosts, nil
}

func startIssuer(ctx context.Context, in *config.Institution, w wireOf, addr string, maxFrame int, sec issuerSecrets) (*issuerHost, error) {
	ic := issuer.Config{
		Addr: addr, InstitutionID: in.ID, Dialect: w.dialect, Framing: w.framing,
		Header: w.header, MaxFrame: maxFrame,
	}
	if err := sec.apply(&ic, in); err != nil {
		return nil, err
	}
	sim, err := issuer.New(ic)
	if err != nil {
		return nil, err
	}
	if err := sim.Start(ctx); err != nil {
		return nil, err
	}
	return &issuerHost{inst: in, addr: addr, sim: sim}, nil
}

// apply sets the MAC, PIN and accounts of institution in.
func (sec issuerSecrets) apply(ic *issuer.Config, in *config.Institution) error {
	if mod := sec.keys.module(); mod != nil && hasMAC(in) {
		ic.MAC = &issuer.MAC{Module: mod, Key: macKey(in.ID), Field: in.MACField}
	}
	if sec.accounts == nil || !sec.cards[in.ID] {
		return nil
	}
	ic.Accounts = sec.accounts.set
	if mod := sec.keys.module(); mod != nil && in.PINFormat != "" {
		f, err := issuer.PINFormatFor(in.PINFormat, in.Dialect)
		if err != nil {
			return fmt.Errorf("institution %s: %w", in.ID, err)
		}
		ic.PIN = &issuer.PIN{Module: mod, ZPK: pinKey(in.ID), Format: f}
	}
	return nil
}

// describe says what an issuer checks: "; MAC x919, PIN iso0, accounts".
func (sec issuerSecrets) describe(in *config.Institution) string {
	var parts []string
	if sec.keys != nil && hasMAC(in) {
		parts = append(parts, "MAC "+in.MAC)
	}
	if sec.keys != nil && in.PINFormat != "" && sec.accounts != nil && sec.cards[in.ID] {
		parts = append(parts, "PIN "+in.PINFormat)
	}
	if sec.accounts != nil && sec.cards[in.ID] {
		parts = append(parts, "cards and ARQCs from the accounts")
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, ", ")
}

func closeIssuers(hosts []*issuerHost) {
	for _, h := range hosts {
		_ = h.sim.Close()
	}
}

// issuerRequests sums the requests received by each institution's hosts.
func issuerRequests(hosts []*issuerHost) map[string]int {
	out := make(map[string]int)
	for _, h := range hosts {
		out[h.inst.ID] += h.sim.Stats().Requests
	}
	return out
}

// waitSimSignOns waits until switchd has signed on every connection it
// should open to the issuer simulators (addresses x connections): the
// readiness check when there is no admin port.
func waitSimSignOns(ctx context.Context, c *child, hosts []*issuerHost) (int, error) {
	deadline := time.Now().Add(readyTimeout)
	for {
		total, short := 0, ""
		for _, h := range hosts {
			want, got := h.inst.Outbound.Connections, h.sim.Stats().SignOns
			total += want
			if got < want && short == "" {
				short = fmt.Sprintf("issuer %s host %s: %d of %d connections signed on", h.inst.ID, h.addr, got, want)
			}
		}
		switch {
		case short == "":
			return total, nil
		case !c.running():
			return 0, c.failure(fmt.Errorf("switchd exited before its issuer links were up: %v", c.waitErr))
		case time.Now().After(deadline):
			return 0, c.failure(fmt.Errorf("issuer links not signed on within %s: %s", readyTimeout, short))
		}
		if err := sleepCtx(ctx, pollEvery); err != nil {
			return 0, err
		}
	}
}
