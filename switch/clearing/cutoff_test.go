package clearing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCutoff(t *testing.T) {
	tests := []struct {
		name, at, zone string
		want           time.Duration
		wantZone       string
		wantErr        string // a substring; the refused value is named
	}{
		{name: "defaults", want: 0, wantZone: "Asia/Shanghai"},
		{name: "23:00 Shanghai", at: "23:00", zone: "Asia/Shanghai", want: 23 * time.Hour, wantZone: "Asia/Shanghai"},
		{name: "seconds", at: "22:30:15", zone: "UTC", want: 22*time.Hour + 30*time.Minute + 15*time.Second, wantZone: "UTC"},
		{name: "zone only", zone: "Europe/Berlin", want: 0, wantZone: "Europe/Berlin"},
		{name: "time only", at: "01:05", want: time.Hour + 5*time.Minute, wantZone: "Asia/Shanghai"},
		{name: "24:00", at: "24:00", wantErr: `"24:00"`},
		{name: "minutes 60", at: "12:60", wantErr: `"12:60"`},
		{name: "one digit", at: "9:00", wantErr: `"9:00"`},
		{name: "no colon", at: "2300", wantErr: `"2300"`},
		{name: "sign", at: "-1:00", wantErr: `"-1:00"`},
		{name: "too many parts", at: "01:02:03:04", wantErr: `"01:02:03:04"`},
		{name: "unknown zone", at: "23:00", zone: "Mars/Olympus", wantErr: `"Mars/Olympus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCutoff(tt.at, tt.zone)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.At)
			assert.Equal(t, tt.wantZone, c.Loc.String())
		})
	}
}

func TestCutoffString(t *testing.T) {
	c, err := ParseCutoff("23:00", "")
	require.NoError(t, err)
	assert.Equal(t, "23:00 Asia/Shanghai", c.String())
	c, err = ParseCutoff("06:07:08", "UTC")
	require.NoError(t, err)
	assert.Equal(t, "06:07:08 UTC", c.String())
	assert.Equal(t, "00:00 UTC", Cutoff{}.String())
}

func TestBusinessDate(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai") // UTC+8 all year, no DST
	require.NoError(t, err)
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	c23 := Cutoff{At: 23 * time.Hour, Loc: sh}
	c0 := Cutoff{Loc: sh}
	tests := []struct {
		name string
		t    time.Time
		c    Cutoff
		want string
	}{
		{"before cut-off", time.Date(2024, 5, 1, 22, 59, 59, 999_999_000, sh), c23, "2024-05-01"},
		{"at cut-off", time.Date(2024, 5, 1, 23, 0, 0, 0, sh), c23, "2024-05-02"},
		{"after cut-off", time.Date(2024, 5, 1, 23, 30, 0, 0, sh), c23, "2024-05-02"},
		{"just before midnight", time.Date(2024, 5, 1, 23, 59, 59, 0, sh), c23, "2024-05-02"},
		{"midnight", time.Date(2024, 5, 2, 0, 0, 0, 0, sh), c23, "2024-05-02"},
		{"early morning", time.Date(2024, 5, 2, 0, 0, 1, 0, sh), c23, "2024-05-02"},
		{"UTC input before cut-off", time.Date(2024, 5, 1, 14, 59, 0, 0, time.UTC), c23, "2024-05-01"},
		{"UTC input at cut-off", time.Date(2024, 5, 1, 15, 0, 0, 0, time.UTC), c23, "2024-05-02"},
		{"UTC input previous UTC day", time.Date(2024, 4, 30, 16, 30, 0, 0, time.UTC), c0, "2024-05-01"},
		{"midnight cut-off is the calendar day", time.Date(2024, 5, 1, 0, 0, 0, 0, sh), c0, "2024-05-01"},
		{"midnight cut-off late evening", time.Date(2024, 5, 1, 23, 59, 59, 0, sh), c0, "2024-05-01"},
		{"month end rolls", time.Date(2024, 4, 30, 23, 0, 0, 0, sh), c23, "2024-05-01"},
		{"year end rolls", time.Date(2024, 12, 31, 23, 15, 0, 0, sh), c23, "2025-01-01"},
		{"leap day", time.Date(2024, 2, 28, 23, 0, 0, 0, sh), c23, "2024-02-29"},
		{"nil zone is UTC", time.Date(2024, 5, 1, 23, 0, 0, 0, time.UTC), Cutoff{At: 23 * time.Hour}, "2024-05-02"},
		{"DST zone uses the wall clock", time.Date(2024, 3, 31, 22, 59, 0, 0, berlin), Cutoff{At: 23 * time.Hour, Loc: berlin}, "2024-03-31"},
		{"DST zone after cut-off", time.Date(2024, 3, 31, 23, 0, 0, 0, berlin), Cutoff{At: 23 * time.Hour, Loc: berlin}, "2024-04-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, BusinessDate(tt.t, tt.c))
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, ok := range []string{"2024-05-01", "2024-02-29"} {
		_, err := ParseDate(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"", "2024-5-1", "2023-02-29", "2024-05-01T00:00:00Z", "20240501", "../../x"} {
		_, err := ParseDate(bad)
		assert.Error(t, err, bad)
	}
}

func FuzzParseCutoff(f *testing.F) {
	for _, s := range []string{"", "00:00", "23:00", "23:59:59", "24:00", "9:00", "12:60", "aa:bb", "01:02:03:04", ":", "-1:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, at string) {
		c, err := ParseCutoff(at, "UTC")
		if err != nil {
			return
		}
		if c.At < 0 || c.At >= 24*time.Hour || c.At%time.Second != 0 {
			t.Fatalf("cut-off %q parsed out of range: %v", at, c.At)
		}
		// Round trip: the rendering parses back to the same cut-off.
		clock := c.String()[:len(c.String())-len(" UTC")]
		again, err := ParseCutoff(clock, "UTC")
		if err != nil || again.At != c.At {
			t.Fatalf("cut-off %q does not round-trip through %q", at, clock)
		}
		// The business date is the calendar date or the next one.
		base := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(c.At)
		if got := BusinessDate(base, c); c.At > 0 && got != "2024-05-02" || c.At == 0 && got != "2024-05-01" {
			t.Fatalf("cut-off %q: instant at the cut-off has business date %s", at, got)
		}
	})
}
