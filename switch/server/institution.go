package server

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/match"
	"github.com/hulian/hulian/switch/metrics"
)

// settings are the parts of an institution's configuration that a reload
// may change in place.
type settings struct {
	cfg         config.Institution
	acquirerIDs map[string]bool
	allow       []netip.Prefix
	outbound    bool // the institution has outbound addresses
	// Typed once from the configuration, never compared as strings per
	// request.
	acquirer, issuer bool
	macOn            bool
	pin              hsm.PINFormat // valid when hasPIN
	hasPIN           bool
}

// institution is the runtime state of one institution; it survives reloads.
type institution struct {
	id      string
	idBytes []byte
	set     atomic.Pointer[settings]
	codec   *wire.Codec // framing, header and dialect; fixed for the institution's life
	pending *match.Table[*txn]
	m       *metrics.Institution
	keys    atomic.Pointer[keyRing] // MAC and PIN key generations

	mu       sync.Mutex
	inbound  atomic.Pointer[[]*link.Link] // copy on write
	outbound atomic.Pointer[[]*link.Link] // signed-on or not; in dial order

	stop context.CancelFunc // ends the outbound dialers
	wg   sync.WaitGroup
}

func newSettings(c config.Institution) (*settings, error) {
	s := &settings{cfg: c, acquirerIDs: make(map[string]bool)}
	ids := c.AcquirerIDs
	if len(ids) == 0 {
		ids = []string{c.ID}
	}
	for _, id := range ids {
		s.acquirerIDs[id] = true
	}
	if c.Inbound != nil {
		for _, a := range c.Inbound.Allow {
			p, err := parsePrefix(a)
			if err != nil {
				return nil, err
			}
			s.allow = append(s.allow, p)
		}
	}
	s.outbound = c.Outbound != nil && len(c.Outbound.Addresses) > 0
	s.acquirer = c.Role == config.RoleAcquirer || c.Role == config.RoleBoth
	s.issuer = c.Role == config.RoleIssuer || c.Role == config.RoleBoth
	s.macOn = c.MAC != "" && c.MAC != "none"
	if c.PINFormat != "" {
		f, ok := hsm.ParsePINFormat(c.PINFormat)
		if !ok {
			return nil, fmt.Errorf("institutions %s: pin_format: %q is not a PIN block format", c.ID, c.PINFormat)
		}
		s.pin, s.hasPIN = f, true
	}
	return s, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

func (s *settings) allows(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.allow {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (s *settings) maxInFlight() int64 { return int64(s.cfg.MaxInFlight) }

// mac reports whether the institution authenticates its messages.
func (s *settings) mac() bool { return s.macOn }

// macField is the field its MAC travels in.
func (s *settings) macField() int {
	if s.cfg.MACField == 0 {
		return 128
	}
	return s.cfg.MACField
}

func (s *settings) isAcquirer() bool { return s.acquirer }

func (s *settings) isIssuer() bool { return s.issuer }

func (inst *institution) settings() *settings { return inst.set.Load() }

// addLink records a link of the institution.
func (inst *institution) addLink(l *link.Link) {
	inst.mu.Lock()
	defer inst.mu.Unlock()
	list := inst.listFor(l.Direction())
	cur := list.Load()
	var next []*link.Link
	if cur != nil {
		next = slices.Clone(*cur)
	}
	next = append(next, l)
	slices.SortStableFunc(next, func(a, b *link.Link) int { return a.Rank() - b.Rank() })
	list.Store(&next)
}

// removeLink forgets a link of the institution.
func (inst *institution) removeLink(l *link.Link) {
	inst.mu.Lock()
	defer inst.mu.Unlock()
	list := inst.listFor(l.Direction())
	cur := list.Load()
	if cur == nil {
		return
	}
	next := slices.DeleteFunc(slices.Clone(*cur), func(x *link.Link) bool { return x == l })
	list.Store(&next)
}

func (inst *institution) listFor(d link.Direction) *atomic.Pointer[[]*link.Link] {
	if d == link.Outbound {
		return &inst.outbound
	}
	return &inst.inbound
}

func (inst *institution) links(d link.Direction) []*link.Link {
	p := inst.listFor(d).Load()
	if p == nil {
		return nil
	}
	return *p
}

// pickIssuerLink chooses the outbound link for a request by the
// institution's strategy. It returns nil, false when no link is signed on,
// and nil, true when every signed-on link is at its in-flight limit.
func (inst *institution) pickIssuerLink() (l *link.Link, full bool) {
	set := inst.settings()
	limit := set.maxInFlight()
	leastInFlight := set.cfg.Outbound != nil && set.cfg.Outbound.Strategy == "least-in-flight"
	var best *link.Link
	var bestN int64
	for _, c := range inst.links(link.Outbound) {
		if c.State() != link.SignedOn {
			continue
		}
		n := c.InFlight().Load()
		if n >= limit {
			full = true
			continue
		}
		if !leastInFlight {
			return c, false
		}
		if best == nil || n < bestN {
			best, bestN = c, n
		}
	}
	if best != nil {
		return best, false
	}
	return nil, full
}

// deliveryLink returns the link a response for the acquirer should go to:
// the one the request came on when it is still up, else any signed-on
// inbound link of the institution.
func (inst *institution) deliveryLink(from *link.Link) *link.Link {
	if from != nil && from.State() == link.SignedOn {
		return from
	}
	for _, l := range inst.links(link.Inbound) {
		if l.State() == link.SignedOn {
			return l
		}
	}
	for _, l := range inst.links(link.Outbound) {
		if l.State() == link.SignedOn {
			return l
		}
	}
	return nil
}

// countLinks reports the number of links by direction and state, for
// metrics and status.
func (inst *institution) countLinks(d link.Direction) map[link.State]int {
	out := map[link.State]int{link.Connected: 0, link.SignedOn: 0, link.SignedOff: 0}
	for _, l := range inst.links(d) {
		out[l.State()]++
	}
	return out
}
