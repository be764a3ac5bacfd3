package clearing

import (
	"sync/atomic"
	"time"
)

// DayMemo gives the business date of a moment like BusinessDate, remembering
// the last second it answered for. The switch asks for every transaction it
// journals, tens of thousands of times a second, almost always within the
// same second; BusinessDate converts the zone and formats the date each time.
// The business date cannot change within one Unix second: zone offsets and
// the cut-off are whole seconds. Safe for concurrent use.
type DayMemo struct {
	cut  Cutoff
	last atomic.Pointer[memoDay]
}

type memoDay struct {
	sec  int64
	date string
}

// NewDayMemo returns a memo for the cut-off c.
func NewDayMemo(c Cutoff) *DayMemo { return &DayMemo{cut: c} }

// Date returns BusinessDate(t, c) for the memo's cut-off c.
func (m *DayMemo) Date(t time.Time) string {
	sec := t.Unix()
	if d := m.last.Load(); d != nil && d.sec == sec {
		return d.date
	}
	d := &memoDay{sec: sec, date: BusinessDate(t, m.cut)}
	m.last.Store(d)
	return d.date
}
