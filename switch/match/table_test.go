package match

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func key(t testing.TB, acq, stan string) Key {
	k, ok := MakeKey([]byte("0200"), []byte(acq), []byte(stan), []byte("1126213400"))
	require.True(t, ok)
	return k
}

func TestKeyRejectsMalformedFields(t *testing.T) {
	cases := []struct{ mti, acq, stan, tm string }{
		{"020", "4802", "000001", "1126213400"},
		{"0200", "", "000001", "1126213400"},
		{"0200", "123456789012", "000001", "1126213400"},
		{"0200", "4802", "00001", "1126213400"},
		{"0200", "4802", "000001", "112621340"},
	}
	for _, c := range cases {
		_, ok := MakeKey([]byte(c.mti), []byte(c.acq), []byte(c.stan), []byte(c.tm))
		assert.False(t, ok, "%+v", c)
	}
}

func TestResponseKeyMatchesRequestKey(t *testing.T) {
	req, ok := MakeKey([]byte("0420"), []byte("48020000"), []byte("000123"), []byte("1126213400"))
	require.True(t, ok)
	resp, ok := RequestKey([]byte("0430"), []byte("48020000"), []byte("000123"), []byte("1126213400"))
	require.True(t, ok)
	assert.Equal(t, req, resp)
	_, ok = RequestKey([]byte("0200"), []byte("48020000"), []byte("000123"), []byte("1126213400"))
	assert.False(t, ok, "a request MTI is not a response")
}

func TestSameSTANFromTwoAcquirersDoesNotCollide(t *testing.T) {
	now := time.Unix(1000, 0)
	tb := NewTable[string](now, 0)
	require.NoError(t, tb.Add(key(t, "48020000", "000001"), now.Add(time.Second), "acq-a"))
	require.NoError(t, tb.Add(key(t, "48030000", "000001"), now.Add(time.Second), "acq-b"))
	assert.ErrorIs(t, tb.Add(key(t, "48020000", "000001"), now.Add(time.Second), "dup"), ErrDuplicate)

	v, ok := tb.Take(key(t, "48030000", "000001"))
	require.True(t, ok)
	assert.Equal(t, "acq-b", v)
	v, ok = tb.Take(key(t, "48020000", "000001"))
	require.True(t, ok)
	assert.Equal(t, "acq-a", v)
	_, ok = tb.Take(key(t, "48020000", "000001"))
	assert.False(t, ok)
	assert.Equal(t, 0, tb.Len())
}

func TestExpireHonoursDeadlines(t *testing.T) {
	now := time.Unix(1000, 0)
	tb := NewTable[int](now, 5*time.Millisecond)
	for i := 0; i < 100; i++ {
		deadline := now.Add(time.Duration(i+1) * 10 * time.Millisecond)
		require.NoError(t, tb.Add(key(t, "4802", fmt.Sprintf("%06d", i)), deadline, i))
	}
	// Nothing expires before its deadline.
	assert.Empty(t, tb.Expire(now.Add(9*time.Millisecond), nil))
	got := tb.Expire(now.Add(55*time.Millisecond), nil) // one tick past 50ms
	assert.ElementsMatch(t, []int{0, 1, 2, 3, 4}, got)
	// Taken entries never expire.
	_, ok := tb.Take(key(t, "4802", "000005"))
	require.True(t, ok)
	got = tb.Expire(now.Add(76*time.Millisecond), nil)
	assert.ElementsMatch(t, []int{6}, got)
	// A long pause (more than a wheel turn) expires everything due, once.
	got = tb.Expire(now.Add(time.Minute), nil)
	assert.Len(t, got, 93)
	assert.Equal(t, 0, tb.Len())
}

func TestExpireKeepsFarDeadlinesAcrossWheelTurns(t *testing.T) {
	now := time.Unix(1000, 0)
	tick := time.Millisecond
	tb := NewTable[string](now, tick)
	far := now.Add(wheelSlots*tick*3 + 7*tick)
	require.NoError(t, tb.Add(key(t, "4802", "000001"), far, "far"))
	for at := now; at.Before(far); at = at.Add(tick * 100) {
		require.Empty(t, tb.Expire(at, nil), "expired early at %v", at.Sub(now))
	}
	assert.Equal(t, []string{"far"}, tb.Expire(far.Add(2*tick), nil))
}

func TestRemoveIf(t *testing.T) {
	now := time.Unix(1000, 0)
	tb := NewTable[int](now, 0)
	for i := 0; i < 10; i++ {
		require.NoError(t, tb.Add(key(t, "4802", fmt.Sprintf("%06d", i)), now.Add(time.Second), i))
	}
	got := tb.RemoveIf(func(v int) bool { return v%2 == 0 }, nil)
	assert.ElementsMatch(t, []int{0, 2, 4, 6, 8}, got)
	assert.Equal(t, 5, tb.Len())
}

func TestConcurrentUse(t *testing.T) {
	now := time.Now()
	tb := NewTable[int](now, time.Millisecond)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				k := key(t, fmt.Sprintf("%d", g+1), fmt.Sprintf("%06d", i))
				if err := tb.Add(k, time.Now().Add(time.Hour), i); err != nil {
					t.Error(err)
					return
				}
				if _, ok := tb.Take(k); !ok {
					t.Error("lost entry")
					return
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 100; i++ {
			tb.Expire(time.Now(), nil)
		}
	}()
	wg.Wait()
	assert.Equal(t, 0, tb.Len())
}

func BenchmarkAddTake(b *testing.B) {
	now := time.Now()
	tb := NewTable[int](now, 0)
	keys := make([]Key, 1024)
	for i := range keys {
		keys[i] = key(b, "48020000", fmt.Sprintf("%06d", i))
	}
	deadline := now.Add(time.Minute)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i&1023]
		_ = tb.Add(k, deadline, i)
		tb.Take(k)
	}
}
