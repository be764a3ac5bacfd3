package journal

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendFinished checks the patched image against decoding, changing
// and encoding again, for records with empty and long fields.
func TestAppendFinished(t *testing.T) {
	at := time.Date(2026, 3, 14, 9, 30, 1, 234000, time.UTC)
	for i, r := range []Record{
		{ID: 1, State: StateForwarded},
		{ID: 1 << 40, Key: Key{MTI: "0200", Acquirer: "48010000", STAN: "000001", TxTime: "0314093000"},
			State: StateForwarded, Reversal: ReversalQueued, Amount: -5, ReceivedAt: at.Add(-time.Hour),
			RespondedAt: at.Add(time.Hour), OriginalID: 77, ResponseCode: "xx", AuthID: "old",
			Merchant: string(make([]byte, 300))},
	} {
		img := appendImage([]byte("prefix"), &r)
		for _, fin := range []struct {
			state        State
			code, authID string
		}{{StateApproved, "00", "123456"}, {StateDeclined, "05", ""}, {StateTimedOut, "91", fmt.Sprint(make([]byte, 200))}} {
			got, err := appendFinished([]byte("dst"), img[len("prefix"):], fin.state, fin.code, fin.authID, at)
			require.NoError(t, err)
			want := r
			want.State, want.ResponseCode, want.AuthID, want.RespondedAt = fin.state, fin.code, fin.authID, at
			assert.Equal(t, "dst", string(got[:3]), "case %d", i)
			assert.Equal(t, appendImage(nil, &want), got[3:], "case %d %s", i, fin.state)
		}
	}
	img := appendImage(nil, &Record{ID: 3, State: StateForwarded})
	for n := range len(img) {
		_, err := appendFinished(nil, img[:n], StateApproved, "00", "", at)
		assert.ErrorIs(t, err, ErrCorrupt, "cut at %d", n)
	}
	_, err := appendFinished(nil, append(img, 0), StateApproved, "00", "", at)
	assert.ErrorIs(t, err, ErrCorrupt, "trailing byte")
}

// FuzzAppendFinished patches arbitrary bytes as an image: it never
// panics, fails only with ErrCorrupt, succeeds on whatever decodeImage
// accepts, and then gives what decoding, changing and encoding gives.
func FuzzAppendFinished(f *testing.F) {
	for _, r := range testImages() {
		f.Add(appendImage(nil, &r))
	}
	f.Add([]byte{0x02})
	at := time.Date(2026, 3, 14, 9, 30, 1, 0, time.UTC)
	f.Fuzz(func(t *testing.T, img []byte) {
		got, err := appendFinished(nil, img, StateApproved, "00", "123456", at)
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("untyped error %v", err)
		}
		r, derr := decodeImage(img)
		if derr != nil {
			return
		}
		if err != nil {
			t.Fatalf("decodeImage accepts what appendFinished refuses: %v", err)
		}
		r.State, r.ResponseCode, r.AuthID, r.RespondedAt = StateApproved, "00", "123456", at
		p, err := decodeImage(got)
		if err != nil || p != r {
			t.Fatalf("patched image decodes to %+v (%v), want %+v", p, err, r)
		}
	})
}
