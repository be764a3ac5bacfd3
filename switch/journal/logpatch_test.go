package journal

import (
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
