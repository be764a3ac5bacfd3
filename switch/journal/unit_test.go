package journal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckNoSensitive(t *testing.T) {
	tests := []struct {
		fields []int
		bad    int // 0: accepted
	}{
		{nil, 0},
		{[]int{3, 4, 7, 11, 32, 37, 41, 42, 49, 90, 100}, 0},
		{[]int{3, 2, 4}, 2},
		{[]int{35}, 35},
		{[]int{36}, 36},
		{[]int{45}, 45},
		{[]int{4, 52}, 52},
		{[]int{55, 2}, 55},
	}
	for _, tc := range tests {
		err := CheckNoSensitive(tc.fields)
		if tc.bad == 0 {
			assert.NoError(t, err, "%v", tc.fields)
			continue
		}
		assert.ErrorIs(t, err, ErrSensitive)
		assert.Contains(t, err.Error(), fmt.Sprintf("field %d", tc.bad))
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		err  string
	}{
		{"short key", Options{Node: "n", HashKey: []byte("short")}, "HashKey"},
		{"negative batch", Options{Node: "n", HashKey: testKey(), MaxBatch: -1}, "negative"},
		{"long node", Options{Node: strings.Repeat("n", maxText+1), HashKey: testKey()}, "Node"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.o.withDefaults()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
	o, err := Options{HashKey: testKey()}.withDefaults()
	require.NoError(t, err)
	assert.NotEmpty(t, o.Node, "host name by default")
	assert.Equal(t, DefaultMaxBatch, o.MaxBatch)
	assert.Equal(t, DefaultQueueSize, o.QueueSize)
	assert.NotNil(t, o.Logger)
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	_, err := Open(ctx, "mysql://x", Options{Node: "n", HashKey: testKey()})
	assert.ErrorIs(t, err, ErrUnsupportedURL)
	_, err = Open(ctx, "sqlite:a?b", Options{Node: "n", HashKey: testKey()})
	assert.Error(t, err)
	_, err = Open(ctx, "postgres://u:secret-pw@127.0.0.1:5432/x?sslmode=bogus", Options{Node: "n", HashKey: testKey()})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-pw", "the DSN never reaches the error")
}

func TestHashPAN(t *testing.T) {
	e := sqliteEnv(t)
	j := openJournal(t, e, "n")
	h := j.HashPAN([]byte("6225880123456789"))
	assert.Len(t, h, 64)
	assert.Equal(t, h, j.HashPAN([]byte("6225880123456789")), "deterministic")
	assert.NotEqual(t, h, j.HashPAN([]byte("6225880123456788")))
	other, err := Open(context.Background(), sqliteEnv(t).url, Options{Node: "n", HashKey: []byte("another-key-of-16-bytes")})
	require.NoError(t, err)
	defer other.Close()
	assert.NotEqual(t, h, other.HashPAN([]byte("6225880123456789")), "keyed")
}

func TestWriteKindString(t *testing.T) {
	assert.Equal(t, "insert", WriteInsert.String())
	assert.Equal(t, "enqueue", WriteEnqueue.String())
	assert.Equal(t, "WriteKind(9)", WriteKind(9).String())
}

// FuzzPrepareRecord feeds arbitrary field values to the insert validation:
// it never panics, and an accepted record never shows more than ten PAN
// digits, has a known state and UTC microsecond times.
func FuzzPrepareRecord(f *testing.F) {
	f.Add("0200", "48010000", "000123", "0314093000", "622588******4433", "forwarded", "", int64(1200))
	f.Add("0200", "48010000", "000124", "0314093000", "6225880123456789", "approved", "queued", int64(-5))
	f.Add("", "", "", "", "", "", "", int64(0))
	f.Add("0420", "4801", "1", "1", "****************", "bogus", "acknowledged", int64(1))
	f.Fuzz(func(t *testing.T, mti, acq, stan, txTime, masked, state, rev string, recvUS int64) {
		r := &Record{Key: Key{MTI: mti, Acquirer: acq, STAN: stan, TxTime: txTime},
			PANMasked: masked, State: State(state), Reversal: ReversalState(rev),
			ReceivedAt: time.UnixMicro(recvUS)}
		err := prepareRecord(r, time.Now())
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrSensitive) {
				t.Fatalf("untyped error %v", err)
			}
			if masked != "" && strings.Contains(err.Error(), masked) && digits(masked) > 0 {
				t.Fatalf("error carries the PAN field value")
			}
			return
		}
		if digits(r.PANMasked) > 10 || !r.State.valid() || !r.Reversal.valid() {
			t.Fatalf("accepted an invalid record")
		}
		if r.ReceivedAt.Location() != time.UTC || r.ReceivedAt.Nanosecond()%1000 != 0 {
			t.Fatalf("time not normalised")
		}
	})
}
