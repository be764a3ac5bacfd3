package live

import (
	"fmt"
	"sort"
)

// alert appends the alerts of a new sample; s.mu is held.
func (s *Sampler) alert(cur, prev *reading, smp Sample) {
	raise := func(kind, inst, format string, args ...any) {
		s.alerts = append(s.alerts, Alert{T: smp.T, Kind: kind, Institution: inst, Text: fmt.Sprintf(format, args...)})
		if over := len(s.alerts) - s.o.MaxAlerts; over > 0 {
			s.alerts = append(s.alerts[:0], s.alerts[over:]...)
		}
	}
	for _, id := range sortedKeys(cur.signedOn) {
		was, known := prev.signedOn[id]
		switch up := cur.signedOn[id]; {
		case known && was && !up:
			raise("link_down", id, "institution %s has no signed-on link", id)
		case known && !was && up:
			raise("link_up", id, "institution %s signed on again", id)
		}
	}
	if n := cur.timeouts - prev.timeouts; n >= s.o.TimeoutBurst {
		raise("timeout_burst", "", "%.0f issuer timeouts in the last interval", n)
	}
	if cur.safDepth > prev.safDepth {
		s.lastSAF++
	} else if cur.safDepth < prev.safDepth {
		s.lastSAF = 0
	}
	if s.lastSAF == s.o.SAFGrowth {
		raise("saf_growing", "", "store-and-forward depth grew in %d intervals without shrinking, now %.0f", s.lastSAF, cur.safDepth)
	}
	if n := cur.commitFails - prev.commitFails; n > 0 {
		raise("journal_failure", "", "%.0f journal commits failed", n)
	}
	for _, id := range sortedKeys(cur.macFailures) {
		if n := cur.macFailures[id] - prev.macFailures[id]; n > 0 {
			raise("mac_failure", id, "%.0f messages from %s with a missing or wrong MAC", n, id)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
