package server

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/link"
)

// keyGen is the key an institution uses now for one purpose and, for a
// while after an online key exchange, the one it used before.
type keyGen struct {
	cur, prev hsm.KeyID
	prevUntil time.Time
}

// keyRing is an institution's MAC and PIN keys.
type keyRing struct{ zak, zpk keyGen }

// candidates returns the keys to try, newest first.
func (g keyGen) candidates(now time.Time) []hsm.KeyID {
	if g.prev != "" && now.Before(g.prevUntil) {
		return []hsm.KeyID{g.cur, g.prev}
	}
	return []hsm.KeyID{g.cur}
}

// loadKeys finds each institution's newest MAC and PIN key generation in
// the security module ("<id>/zak", "<id>/zak:2", ...).
func (s *Server) loadKeys(ctx context.Context, insts map[string]*institution) error {
	if s.hsm == nil {
		return nil
	}
	keys, err := s.hsm.Keys(ctx)
	if err != nil {
		return err
	}
	for _, inst := range insts {
		if inst.keys.Load() != nil {
			continue
		}
		ring := &keyRing{}
		for base, g := range map[string]*keyGen{"/zak": &ring.zak, "/zpk": &ring.zpk} {
			id := hsm.KeyID(inst.id + base)
			g.cur = id
			if cur, ok := hsm.CurrentGeneration(keys, id); ok {
				g.cur = cur
			}
		}
		inst.keys.Store(ring)
	}
	return nil
}

// ring returns an institution's keys (generation 1 before loadKeys).
func (inst *institution) ring() keyRing {
	if r := inst.keys.Load(); r != nil {
		return *r
	}
	return keyRing{zak: keyGen{cur: hsm.KeyID(inst.id + "/zak")}, zpk: keyGen{cur: hsm.KeyID(inst.id + "/zpk")}}
}

// keyExchange takes a new MAC or PIN key from an institution (0800 with
// field 70 = 101). Field 48 carries the key type ("ZAK" or "ZPK"), the new
// key in hex encrypted under the institution's zone master key "<id>/zmk",
// and its 6-digit check value. The check value is verified; the new key
// becomes current at once and the previous one stays valid for
// security.key_overlap. A refused exchange is answered 63 and counted.
func (s *Server) keyExchange(l *link.Link, m *dialect.Message) {
	inst := ownerOf(l)
	if inst == nil || s.hsm == nil {
		s.respond(l, m, codeInvalidTxn, causeNone)
		return
	}
	typ, wrapped, kcv, ok := parseKeyExchange(m.Field(48))
	if !ok {
		inst.m.KeyExchangeFailures.Inc()
		s.respond(l, m, codeFormatError, causeNone)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), macTimeout)
	defer cancel()
	zmk := hsm.KeyID(inst.id + "/zmk")
	err := func() error {
		kek, err := s.hsm.Key(ctx, zmk)
		if err != nil {
			return err
		}
		keys, err := s.hsm.Keys(ctx)
		if err != nil {
			return err
		}
		suffix := "/" + strings.ToLower(typ.String())
		id := hsm.NextGeneration(keys, hsm.KeyID(inst.id+suffix))
		if _, err := s.hsm.ImportWrapped(ctx, id, typ, kek.Alg, zmk, wrapped, kcv); err != nil {
			return err
		}
		s.rotate(inst, typ, id)
		s.log.Info("key exchanged", "institution", inst.id, "key", string(id))
		return nil
	}()
	if err != nil {
		inst.m.KeyExchangeFailures.Inc()
		s.log.Warn("key exchange refused", "institution", inst.id, "err", err,
			"kcv_mismatch", errors.Is(err, hsm.ErrKCVMismatch))
		s.respond(l, m, codeSecurity, causeNone)
		return
	}
	s.respond(l, m, codeApproved, causeNone)
}

// rotate makes id the institution's current key of type typ.
func (s *Server) rotate(inst *institution, typ hsm.KeyType, id hsm.KeyID) {
	overlap := s.snap.Load().cfg.Security.KeyOverlap.D()
	for {
		old := inst.keys.Load()
		next := inst.ring()
		g := &next.zak
		if typ == hsm.ZPK {
			g = &next.zpk
		}
		g.prev, g.prevUntil, g.cur = g.cur, s.now().Add(overlap), id
		if inst.keys.CompareAndSwap(old, &next) {
			return
		}
	}
}

// parseKeyExchange reads field 48 of a key exchange.
func parseKeyExchange(f48 []byte) (hsm.KeyType, []byte, string, bool) {
	s := string(f48)
	if len(s) < 3+32+6 {
		return 0, nil, "", false
	}
	var typ hsm.KeyType
	switch s[:3] {
	case "ZAK":
		typ = hsm.ZAK
	case "ZPK":
		typ = hsm.ZPK
	default:
		return 0, nil, "", false
	}
	wrapped, err := hex.DecodeString(s[3 : len(s)-6])
	if err != nil {
		return 0, nil, "", false
	}
	return typ, wrapped, s[len(s)-6:], true
}
