package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/frame"
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

// startIssuers starts a simulator on every outbound address of every
// issuing institution. On error the ones already started are closed.
func startIssuers(ctx context.Context, cfg *config.Config, ds *dialects, stdout io.Writer) ([]*issuerHost, error) {
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
			h, err := startIssuer(ctx, in, w, addr, cfg.Switch.MaxFrame)
			if err != nil {
				closeIssuers(hosts)
				return nil, fmt.Errorf("issuer %s on %s: %w", in.ID, addr, err)
			}
			hosts = append(hosts, h)
		}
		fmt.Fprintf(stdout, "issuer   %-11s %-18s %-22s on %s\n", in.ID, in.Name, w, strings.Join(in.Outbound.Addresses, ", "))
	}
	return hosts, nil
}

func startIssuer(ctx context.Context, in *config.Institution, w wireOf, addr string, maxFrame int) (*issuerHost, error) {
	sim, err := issuer.New(issuer.Config{
		Addr: addr, InstitutionID: in.ID, Dialect: w.dialect, Framing: w.framing,
		Header: w.header, MaxFrame: maxFrame,
	})
	if err != nil {
		return nil, err
	}
	if err := sim.Start(ctx); err != nil {
		return nil, err
	}
	return &issuerHost{inst: in, addr: addr, sim: sim}, nil
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
