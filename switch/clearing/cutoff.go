package clearing

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai must load on hosts without a zoneinfo database
)

// Defaults of ParseCutoff.
const (
	DefaultCutoffAt   = "00:00"
	DefaultCutoffZone = "Asia/Shanghai"
	// DateLayout is the layout of a business date.
	DateLayout = "2006-01-02"
)

// Cutoff is the end of a business day: the wall-clock time At (since local
// midnight, 0 <= At < 24h) in the zone Loc. A nil Loc means UTC.
type Cutoff struct {
	At  time.Duration
	Loc *time.Location
}

// ParseCutoff parses a cut-off time "HH:MM" (or "HH:MM:SS") and an IANA
// zone name. Empty values take the defaults 00:00 and Asia/Shanghai. The
// errors name the value that was refused.
func ParseCutoff(at, zone string) (Cutoff, error) {
	if at == "" {
		at = DefaultCutoffAt
	}
	if zone == "" {
		zone = DefaultCutoffZone
	}
	d, err := parseClock(at)
	if err != nil {
		return Cutoff{}, err
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Cutoff{}, fmt.Errorf("clearing: cut-off zone %q: unknown time zone", zone)
	}
	return Cutoff{At: d, Loc: loc}, nil
}

// parseClock reads "HH:MM" or "HH:MM:SS" (00:00:00 to 23:59:59).
func parseClock(s string) (time.Duration, error) {
	bad := fmt.Errorf("clearing: cut-off time %q is not HH:MM between 00:00 and 23:59", s)
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad
	}
	limits := []int{23, 59, 59}
	units := []time.Duration{time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, p := range parts {
		if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
			return 0, bad
		}
		n, _ := strconv.Atoi(p) // two ASCII digits: cannot fail
		if n > limits[i] {
			return 0, bad
		}
		d += time.Duration(n) * units[i]
	}
	return d, nil
}

// String renders the cut-off as "HH:MM[:SS] Zone".
func (c Cutoff) String() string {
	s := int(c.At / time.Second)
	clock := fmt.Sprintf("%02d:%02d", s/3600, s/60%60)
	if s%60 != 0 {
		clock += fmt.Sprintf(":%02d", s%60)
	}
	return clock + " " + c.location().String()
}

func (c Cutoff) location() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// BusinessDate returns the business date ("YYYY-MM-DD") of the instant t:
// the local calendar date of t in c.Loc, plus one day when the local wall
// clock is at or after c.At (and c.At is not 00:00). The comparison uses the
// wall clock, so it holds on days when a zone with daylight saving time
// shifts its clocks.
func BusinessDate(t time.Time, c Cutoff) string {
	local := t.In(c.location())
	y, m, d := local.Date()
	if c.At > 0 {
		hh, mm, ss := local.Clock()
		wall := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute +
			time.Duration(ss)*time.Second + time.Duration(local.Nanosecond())
		if wall >= c.At {
			d++ // time.Date normalises the 32nd of a month and the like
		}
	}
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Format(DateLayout)
}

// ParseDate checks that s is a valid business date "YYYY-MM-DD".
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil || t.Format(DateLayout) != s {
		return time.Time{}, fmt.Errorf("clearing: date %q is not a YYYY-MM-DD date", s)
	}
	return t, nil
}
