package clearing

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestDayMemoAgrees compares the memo with BusinessDate on moments around
// cut-offs and daylight-saving shifts, in order and out of order, and from
// several goroutines at once.
func TestDayMemoAgrees(t *testing.T) {
	for _, tc := range []struct{ at, zone string }{
		{"00:00", "Asia/Shanghai"}, {"23:00", "Asia/Shanghai"},
		{"02:30", "America/New_York"}, {"01:59:59", "Europe/London"},
	} {
		c, err := ParseCutoff(tc.at, tc.zone)
		require.NoError(t, err)
		m := NewDayMemo(c)
		var moments []time.Time
		// Two days around a spring-forward and a fall-back shift (the zones
		// without shifts just cross cut-offs), every 7.3 s, and every quarter
		// second within five minutes of each cut-off.
		for _, day := range []string{"2026-03-07", "2026-10-31", "2026-12-31"} {
			start, err := time.ParseInLocation(DateLayout, day, c.Loc)
			require.NoError(t, err)
			for d := time.Duration(0); d < 48*time.Hour; d += 7300 * time.Millisecond {
				moments = append(moments, start.Add(d))
			}
			for _, midnight := range []time.Time{start, start.AddDate(0, 0, 1)} {
				cut := midnight.Add(c.At)
				for d := -5 * time.Minute; d < 5*time.Minute; d += 250 * time.Millisecond {
					moments = append(moments, cut.Add(d))
				}
			}
		}
		for _, at := range moments {
			require.Equal(t, BusinessDate(at, c), m.Date(at), "%s %s at %s", tc.at, tc.zone, at)
		}
		r := rand.New(rand.NewPCG(1, 2))
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func(seed uint64) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(seed, 3))
				for i := 0; i < 2000; i++ {
					at := moments[r.IntN(len(moments))]
					if got, want := m.Date(at), BusinessDate(at, c); got != want {
						t.Errorf("%s %s at %s: memo %s, want %s", tc.at, tc.zone, at, got, want)
						return
					}
				}
			}(r.Uint64())
		}
		wg.Wait()
	}
}

// BenchmarkBusinessDate compares formatting each time with the memo, for
// moments a few microseconds apart as the switch asks.
func BenchmarkBusinessDate(b *testing.B) {
	c, err := ParseCutoff("", "")
	require.NoError(b, err)
	base := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	b.Run("format", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = BusinessDate(base.Add(time.Duration(i)*20*time.Microsecond), c)
		}
	})
	b.Run("memo", func(b *testing.B) {
		m := NewDayMemo(c)
		for i := 0; b.Loop(); i++ {
			_ = m.Date(base.Add(time.Duration(i) * 20 * time.Microsecond))
		}
	})
}
