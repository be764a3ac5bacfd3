package issuer

import (
	"sync"

	"github.com/hulian/hulian/iso8583/dialect"
)

// RecentSize is how many recent requests Stats keeps.
const RecentSize = 64

// Stats is a snapshot of what an Issuer has seen.
type Stats struct {
	Connections int            // connections accepted since New
	SignOns     int            // 0800 with 70 = 001 received
	SignOffs    int            // 0800 with 70 = 002 received
	Echoes      int            // 0800 with 70 = 301 received
	Requests    int            // financial requests, advices and reversals received
	Responses   int            // answers sent to those (network answers not counted)
	MACFailures int            // requests answered 63 for a missing or wrong MAC (Config.MAC)
	Faults      FaultStats     // faults injected (Config.Faults)
	ByMTI       map[string]int // every message received, by MTI
	Recent      []Request      // the last RecentSize requests counted in Requests, oldest first
}

// FaultStats counts the faults an Issuer injected.
type FaultStats struct {
	Delayed      int // answers delayed
	Dropped      int // requests left unanswered
	BadMACs      int // answers sent with a corrupted MAC
	Garbage      int // random frames sent instead of answers
	Disconnected int // connections closed after Faults.DisconnectAfter answers
}

// faultKind indexes the fault counters.
type faultKind uint8

const (
	faultDelay faultKind = iota
	faultDrop
	faultBadMAC
	faultGarbage
	faultDisconnect
	faultKinds
)

// Request identifies one received request for assertions in tests. It holds
// no card data.
type Request struct {
	MTI        string
	Acquirer   string // field 32
	STAN       string // field 11
	Forwarding string // field 33
	Receiving  string // field 100
}

// recent is the allocation-free form of a Request kept in the ring.
type recent struct {
	mti  [4]byte
	acq  idField
	stan idField
	fwd  idField
	rcv  idField
}

// idField holds a field value of up to 11 bytes (longer values are cut).
type idField struct {
	n int8
	b [11]byte
}

func (f *idField) set(v []byte) { f.n = int8(copy(f.b[:], v)) }

func (f *idField) String() string { return string(f.b[:f.n]) }

// stats accumulates counts under one mutex; the critical sections are a few
// stores, cheap next to a syscall.
type stats struct {
	mu          sync.Mutex
	connections int
	signOns     int
	signOffs    int
	echoes      int
	requests    int
	responses   int
	macFailures int
	faults      [faultKinds]int
	byMTI       map[[4]byte]int
	reversals   map[string]ReversalCount // by original (field 90's first 31 digits)
	ring        [RecentSize]recent
	next        int // ring index of the next write
}

func (s *stats) connected() {
	s.mu.Lock()
	s.connections++
	s.mu.Unlock()
}

func (s *stats) received(mti []byte) {
	var k [4]byte
	copy(k[:], mti)
	s.mu.Lock()
	if s.byMTI == nil {
		s.byMTI = make(map[[4]byte]int)
	}
	s.byMTI[k]++
	s.mu.Unlock()
}

func (s *stats) network(code []byte) {
	s.mu.Lock()
	switch string(code) {
	case "001":
		s.signOns++
	case "002":
		s.signOffs++
	case "301":
		s.echoes++
	}
	s.mu.Unlock()
}

func (s *stats) request(m *dialect.Message) {
	s.mu.Lock()
	s.requests++
	r := &s.ring[s.next%RecentSize]
	s.next++
	copy(r.mti[:], m.MTI())
	r.acq.set(m.Field(32))
	r.stan.set(m.Field(11))
	r.fwd.set(m.Field(33))
	r.rcv.set(m.Field(100))
	if mti := m.MTI(); len(mti) == 4 && mti[1] == '4' {
		if f90 := m.Field(90); len(f90) >= 31 {
			if s.reversals == nil {
				s.reversals = make(map[string]ReversalCount)
			}
			c := s.reversals[string(f90[:31])]
			if mti[3] == '0' {
				c.First++
			} else {
				c.Repeats++
			}
			s.reversals[string(f90[:31])] = c
		}
	}
	s.mu.Unlock()
}

// ReversalCount counts the reversals of one original an Issuer received:
// first transmissions (0400, 0420) and repeats (0401, 0421).
type ReversalCount struct{ First, Repeats int }

// Reversals counts the reversals received by the original they name: the
// first 31 digits of field 90 (MTI, STAN, transmission date and time,
// acquiring institution padded to 11 digits). A reversal sent once and
// repeated until acknowledged has at most one first transmission (none
// when the first was lost, e.g. with a switch killed while sending it).
func (s *Issuer) Reversals() map[string]ReversalCount {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := make(map[string]ReversalCount, len(s.stats.reversals))
	for k, v := range s.stats.reversals {
		out[k] = v
	}
	return out
}

func (s *stats) macFailed() {
	s.mu.Lock()
	s.macFailures++
	s.mu.Unlock()
}

func (s *stats) fault(k faultKind) {
	s.mu.Lock()
	s.faults[k]++
	s.mu.Unlock()
}

func (s *stats) responded(financial bool, n int) {
	if !financial {
		return
	}
	s.mu.Lock()
	s.responses += n
	s.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (s *Issuer) Stats() Stats { return s.stats.snapshot() }

func (s *stats) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{
		Connections: s.connections,
		SignOns:     s.signOns,
		SignOffs:    s.signOffs,
		Echoes:      s.echoes,
		Requests:    s.requests,
		Responses:   s.responses,
		MACFailures: s.macFailures,
		Faults: FaultStats{
			Delayed: s.faults[faultDelay], Dropped: s.faults[faultDrop], BadMACs: s.faults[faultBadMAC],
			Garbage: s.faults[faultGarbage], Disconnected: s.faults[faultDisconnect],
		},
		ByMTI: make(map[string]int, len(s.byMTI)),
	}
	for k, v := range s.byMTI {
		out.ByMTI[string(k[:])] = v
	}
	n := min(s.next, RecentSize)
	out.Recent = make([]Request, 0, n)
	for i := s.next - n; i < s.next; i++ {
		r := &s.ring[i%RecentSize]
		out.Recent = append(out.Recent, Request{
			MTI:        string(r.mti[:]),
			Acquirer:   r.acq.String(),
			STAN:       r.stan.String(),
			Forwarding: r.fwd.String(),
			Receiving:  r.rcv.String(),
		})
	}
	return out
}
