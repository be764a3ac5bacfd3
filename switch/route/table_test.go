package route

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// demoSpecs mirror testdata/switchd.yaml: Bank B owns 62220288 inside Bank
// A's 622202, so the longest prefix decides.
func demoSpecs() []Spec {
	return []Spec{
		{Name: "bank-a-cards", Issuer: "01020000", BINs: []string{"622202", "621700"}, Timeout: 10 * time.Second},
		{Name: "bank-b-cards", Issuer: "03080000", BINs: []string{"622848", "62220288"}, Timeout: 8 * time.Second},
		{Name: "wallet", Issuer: "09990000", Receiving: []string{"09990000"}, MTIs: []string{"0200"},
			ProcessingCodes: []string{"00", "40"}, Timeout: 10 * time.Second},
		{Name: "short", Issuer: "05000000", BINs: []string{"4"}, Receiving: []string{"05000000"}, Timeout: time.Second},
	}
}

func demoTable(t testing.TB) *Table {
	t.Helper()
	tab, err := New(demoSpecs())
	require.NoError(t, err)
	return tab
}

func TestByPAN(t *testing.T) {
	tab := demoTable(t)
	tests := []struct {
		name string
		pan  string
		want string // route name, "" = nil
	}{
		{"bank A", "6222021234567894", "bank-a-cards"},
		{"bank A second BIN", "6217000000001236", "bank-a-cards"},
		{"longest prefix wins", "6222028812345678", "bank-b-cards"},
		{"just outside longer BIN", "6222028912345678", "bank-a-cards"},
		{"bank B", "6228480123456789", "bank-b-cards"},
		{"one-digit BIN", "4111111111111111", "short"},
		{"PAN equal to BIN", "622202", "bank-a-cards"},
		{"PAN shorter than BIN", "62220", ""},
		{"no match", "5555555555554444", ""},
		{"empty", "", ""},
		{"non-digit after BIN", "622202123456789X", ""},
		{"non-digit inside BIN", "62220A1234567894", ""},
		{"track 2 is not a PAN", "6222021234567894=2512", ""},
		{"space", " 6222021234567894", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tab.ByPAN([]byte(tt.pan))
			if tt.want == "" {
				assert.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			assert.Equal(t, tt.want, r.Name)
		})
	}
}

func TestByReceiving(t *testing.T) {
	tab := demoTable(t)
	tests := []struct {
		id   string
		want string
	}{
		{"09990000", "wallet"},
		{"05000000", "short"},
		{"0999000", ""},
		{"099900001", ""},
		{"", ""},
		{"01020000", ""}, // an issuer without a receiving entry
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := tab.ByReceiving([]byte(tt.id))
			if tt.want == "" {
				assert.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			assert.Equal(t, tt.want, r.Name)
		})
	}
}

func TestRoutesAndIndex(t *testing.T) {
	tab := demoTable(t)
	rs := tab.Routes()
	require.Len(t, rs, 4)
	for i, r := range rs {
		assert.Equal(t, i, r.Index)
		assert.Equal(t, demoSpecs()[i].Name, r.Name)
		assert.Equal(t, demoSpecs()[i].Issuer, r.Issuer)
		assert.Equal(t, demoSpecs()[i].Timeout, r.Timeout)
	}
	rs[0] = nil
	assert.NotNil(t, tab.Routes()[0], "Routes returns a copy")
	assert.Same(t, tab.ByPAN([]byte("6222021234567894")), tab.Routes()[0])
}

func TestNilTable(t *testing.T) {
	var tab *Table
	assert.Nil(t, tab.ByPAN([]byte("6222021234567894")))
	assert.Nil(t, tab.ByReceiving([]byte("1")))
	assert.Nil(t, tab.Routes())
}

func TestEmptyTable(t *testing.T) {
	tab, err := New(nil)
	require.NoError(t, err)
	assert.Nil(t, tab.ByPAN([]byte("6222021234567894")))
	assert.Empty(t, tab.Routes())
}

func TestNewErrors(t *testing.T) {
	ok := func() Spec {
		return Spec{Name: "x", Issuer: "1", BINs: []string{"9"}, Timeout: time.Second}
	}
	tests := []struct {
		name    string
		mutate  func(*Spec)
		problem string
	}{
		{"name missing", func(s *Spec) { s.Name = "" }, "name is required"},
		{"name duplicate", func(s *Spec) { s.Name = "a"; s.BINs = []string{"8"} }, "name already used by route 0"},
		{"issuer missing", func(s *Spec) { s.Issuer = "" }, "issuer is required"},
		{"timeout zero", func(s *Spec) { s.Timeout = 0 }, "timeout must be positive"},
		{"no BINs or receiving", func(s *Spec) { s.BINs = nil }, "needs BINs or receiving ids"},
		{"BIN empty", func(s *Spec) { s.BINs = []string{""} }, `BIN "" is not 1..11 digits`},
		{"BIN too long", func(s *Spec) { s.BINs = []string{"123456789012"} }, "is not 1..11 digits"},
		{"BIN not digits", func(s *Spec) { s.BINs = []string{"62x"} }, `BIN "62x" is not`},
		{"BIN claimed twice", func(s *Spec) { s.BINs = []string{"622202"} }, `BIN "622202" is also claimed by route "a"`},
		{"BIN twice in route", func(s *Spec) { s.BINs = []string{"7", "7"} }, `BIN "7" is also claimed by route "x"`},
		{"receiving claimed twice", func(s *Spec) { s.Receiving = []string{"123"} }, `receiving id "123" is also claimed by route "a"`},
		{"receiving bad", func(s *Spec) { s.Receiving = []string{"abc"} }, `receiving id "abc" is not 1..11 digits`},
		{"MTI bad", func(s *Spec) { s.MTIs = []string{"200"} }, `MTI "200" is not 4 digits`},
		{"processing code bad", func(s *Spec) { s.ProcessingCodes = []string{"0x"} }, `processing code "0x" is not 2 digits`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := Spec{Name: "a", Issuer: "1", BINs: []string{"622202"}, Receiving: []string{"123"}, Timeout: time.Second}
			s := ok()
			tt.mutate(&s)
			tab, err := New([]Spec{first, s})
			require.Error(t, err)
			assert.Nil(t, tab)
			assert.Contains(t, err.Error(), tt.problem)
			var re *Error
			require.True(t, errors.As(err, &re))
			assert.Equal(t, 1, re.Index)
			assert.Equal(t, s.Name, re.Name)
		})
	}
}

func TestNewReportsAllProblems(t *testing.T) {
	_, err := New([]Spec{{Name: "a"}, {Name: "a", BINs: []string{"x"}}})
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{"issuer is required", "timeout must be positive", "needs BINs", "name already used", `BIN "x"`} {
		assert.Contains(t, msg, want)
	}
}

// randomBINs returns n distinct digit strings of 1..11 digits, biased to
// the 6..8 digits real BINs have, many sharing prefixes.
func randomBINs(rng *rand.Rand, n int) []string {
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		l := 6 + rng.IntN(3)
		if rng.IntN(10) == 0 {
			l = 1 + rng.IntN(MaxBINLen)
		}
		var b strings.Builder
		b.WriteString("62")
		for b.Len() < l {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		s := b.String()[:l]
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// bruteForce returns the name of the route with the longest BIN prefixing pan.
func bruteForce(specs []Spec, pan string) string {
	best, bestLen := "", 0
	for _, s := range specs {
		for _, bin := range s.BINs {
			if len(bin) > bestLen && strings.HasPrefix(pan, bin) {
				best, bestLen = s.Name, len(bin)
			}
		}
	}
	return best
}

func randomTable(t testing.TB, seed uint64, nBINs int) ([]Spec, *Table, *rand.Rand) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	bins := randomBINs(rng, nBINs)
	specs := make([]Spec, 100)
	for i := range specs {
		specs[i] = Spec{Name: fmt.Sprintf("r%d", i), Issuer: fmt.Sprint(i + 1), Timeout: time.Second}
	}
	for _, b := range bins {
		i := rng.IntN(len(specs))
		specs[i].BINs = append(specs[i].BINs, b)
	}
	for i := range specs {
		if len(specs[i].BINs) == 0 {
			specs[i].Receiving = []string{fmt.Sprint(i + 1)}
		}
	}
	tab, err := New(specs)
	require.NoError(t, err)
	return specs, tab, rng
}

func TestRandomBINsAgainstBruteForce(t *testing.T) {
	specs, tab, rng := randomTable(t, 42, 10000)
	var all []string
	for _, s := range specs {
		all = append(all, s.BINs...)
	}
	hits, misses := 0, 0
	for i := 0; i < 4000; i++ {
		var pan string
		if i%2 == 0 {
			// A PAN extending a configured BIN, so that most lookups match.
			pan = all[rng.IntN(len(all))]
		} else {
			pan = string(rune('0' + rng.IntN(10)))
		}
		for len(pan) < 16 {
			pan += string(rune('0' + rng.IntN(10)))
		}
		want := bruteForce(specs, pan)
		got := tab.ByPAN([]byte(pan))
		if want == "" {
			misses++
			require.Nil(t, got, "pan %s", pan)
			continue
		}
		hits++
		require.NotNil(t, got, "pan %s", pan)
		require.Equal(t, want, got.Name, "pan %s", pan)
	}
	assert.Greater(t, hits, 1000)
	assert.Greater(t, misses, 100)
}

func TestConcurrentReaders(t *testing.T) {
	tab := demoTable(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				r := tab.ByPAN([]byte("6222028812345678"))
				if r == nil || r.Name != "bank-b-cards" || !r.AllowsMTI([]byte("0200")) {
					t.Error("wrong route")
					return
				}
				if tab.ByReceiving([]byte("09990000")) == nil {
					t.Error("no wallet route")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestLookupsDoNotAllocate(t *testing.T) {
	tab := demoTable(t)
	pan := []byte("6222028812345678")
	id := []byte("09990000")
	mti := []byte("0221")
	code := []byte("400000")
	r := tab.ByPAN(pan)
	w := tab.ByReceiving(id)
	require.NotNil(t, r)
	require.NotNil(t, w)
	allocs := testing.AllocsPerRun(1000, func() {
		_ = tab.ByPAN(pan)
		_ = tab.ByReceiving(id)
		_ = r.AllowsMTI(mti)
		_ = w.AllowsProcessing(code)
	})
	assert.Zero(t, allocs)
}

func FuzzByPAN(f *testing.F) {
	specs := demoSpecs()
	tab, err := New(specs)
	require.NoError(f, err)
	for _, s := range []string{"6222021234567894", "6222028812345678", "4", "", "62220A", "6228480123456789"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, pan []byte) {
		got := tab.ByPAN(pan)
		want := bruteForce(specs, string(pan))
		for _, c := range pan {
			if c < '0' || c > '9' {
				want = ""
			}
		}
		if want == "" {
			if got != nil {
				t.Fatalf("got route %q, want none", got.Name)
			}
			return
		}
		if got == nil || got.Name != want {
			t.Fatalf("got %v, want %q", got, want)
		}
	})
}

func BenchmarkByPAN(b *testing.B) {
	specs, tab, _ := randomTable(b, 7, 10000)
	// A 16-digit PAN under the longest configured BIN of some route.
	bin := specs[0].BINs[0]
	pan := []byte((bin + "0000000000000000")[:16])
	require.NotNil(b, tab.ByPAN(pan))
	b.ReportAllocs()
	for b.Loop() {
		_ = tab.ByPAN(pan)
	}
}

func BenchmarkByReceiving(b *testing.B) {
	tab := demoTable(b)
	id := []byte("09990000")
	b.ReportAllocs()
	for b.Loop() {
		_ = tab.ByReceiving(id)
	}
}
