package server

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/match"
	"github.com/hulian/hulian/switch/route"
)

// buildSnapshot turns a configuration into routing state. Institutions of
// prev whose wire settings did not change are reused as they are, with
// their links and requests in flight; only their settings are replaced.
func (s *Server) buildSnapshot(cfg *config.Config, prev *snapshot) (*snapshot, error) {
	snap := &snapshot{cfg: cfg, insts: make(map[string]*institution), listeners: make(map[string]config.Listener)}
	for _, lc := range cfg.Listeners {
		snap.listeners[lc.Name] = lc
	}
	for i := range cfg.Institutions {
		ic := cfg.Institutions[i]
		set, err := newSettings(ic)
		if err != nil {
			return nil, fmt.Errorf("server: institutions[%d]: %w", i, err)
		}
		if prev != nil {
			if old := prev.insts[ic.ID]; old != nil && sameWire(old.settings().cfg, ic) {
				snap.insts[ic.ID] = old
				continue
			}
		}
		inst, err := s.newInstitution(cfg, ic)
		if err != nil {
			return nil, fmt.Errorf("server: institutions[%d] (%s): %w", i, ic.ID, err)
		}
		inst.set.Store(set)
		snap.insts[ic.ID] = inst
	}
	specs, err := route.FromConfig(cfg)
	if err != nil {
		return nil, err
	}
	table, err := route.New(specs)
	if err != nil {
		return nil, err
	}
	snap.routes = table
	for _, r := range table.Routes() {
		issuer := snap.insts[r.Issuer]
		if issuer == nil {
			return nil, fmt.Errorf("server: route %s: issuer %s is not an institution", r.Name, r.Issuer)
		}
		snap.issuerOf = append(snap.issuerOf, issuer)
		snap.routeM = append(snap.routeM, s.metrics.Route(r.Name))
	}
	return snap, nil
}

func (s *Server) newInstitution(cfg *config.Config, ic config.Institution) (*institution, error) {
	d, err := s.dialects(ic.Dialect)
	if err != nil {
		return nil, fmt.Errorf("dialect %q: %w", ic.Dialect, err)
	}
	kind, err := frame.ParseKind(ic.Framing)
	if err != nil {
		return nil, err
	}
	codec, err := wire.NewCodec(d, kind, ic.Header, cfg.Switch.ID)
	if err != nil {
		return nil, err
	}
	return &institution{
		id:      ic.ID,
		idBytes: []byte(ic.ID),
		codec:   codec,
		pending: match.NewTable[*txn](time.Now(), 0),
		m:       s.metrics.Institution(ic.ID),
	}, nil
}

// sameWire reports whether two configurations of an institution talk the
// same way on the same connections, so that its links can be kept.
func sameWire(a, b config.Institution) bool {
	if a.Dialect != b.Dialect || a.Framing != b.Framing || a.Header != b.Header || a.Role != b.Role ||
		a.MAC != b.MAC || a.MACField != b.MACField {
		return false
	}
	if (a.Outbound == nil) != (b.Outbound == nil) {
		return false
	}
	if a.Outbound != nil && (!slices.Equal(a.Outbound.Addresses, b.Outbound.Addresses) ||
		a.Outbound.Connections != b.Outbound.Connections || !reflect.DeepEqual(a.Outbound.TLS, b.Outbound.TLS)) {
		return false
	}
	return true
}

// Reload applies a new configuration without dropping a connection or a
// transaction in flight: the routing table is swapped at once, institutions
// keep their links and pending requests and take their new limits and
// timeouts. An institution whose dialect, framing, header, role or outbound
// addresses changed is restarted; one that disappeared is disconnected and
// its requests in flight are answered 91. Listener changes need a restart.
func (s *Server) Reload(cfg *config.Config) error {
	s.reloadM.Lock()
	defer s.reloadM.Unlock()
	old := s.snap.Load()
	if string(s.switchID) != cfg.Switch.ID {
		return fmt.Errorf("server: reload: switch.id cannot change without a restart")
	}
	if !reflect.DeepEqual(old.cfg.Listeners, cfg.Listeners) {
		s.log.Warn("reload: listener changes take effect after a restart")
	}
	snap, err := s.buildSnapshot(cfg, old)
	if err != nil {
		return err
	}
	if err := s.loadKeys(context.Background(), snap.insts); err != nil {
		return fmt.Errorf("server: reload: security module keys: %w", err)
	}
	for id, inst := range snap.insts {
		if prev := old.insts[id]; prev == inst {
			set, _ := newSettings(*cfg.Institution(id))
			inst.set.Store(set)
		}
	}
	s.snap.Store(snap)
	for id, inst := range old.insts {
		if snap.insts[id] != inst {
			s.retire(inst)
		}
	}
	if s.ctx != nil {
		for id, inst := range snap.insts {
			if old.insts[id] != inst {
				s.startOutbound(inst)
			}
		}
	}
	s.log.Info("configuration reloaded", "routes", len(snap.routes.Routes()), "institutions", len(snap.insts))
	return nil
}

// retire disconnects an institution that a reload removed or replaced.
func (s *Server) retire(inst *institution) {
	if inst.stop != nil {
		inst.stop()
	}
	for _, l := range inst.links(link.Inbound) {
		l.Close()
	}
	for _, l := range inst.links(link.Outbound) {
		l.Close()
	}
	for _, tx := range inst.pending.RemoveIf(func(*txn) bool { return true }, nil) {
		s.timedOut(tx)
	}
}
