package pcsc_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/testcard"
)

// TestMuteCard: a card that stops answering through pcscd + vpcd. The
// transmit it never answers returns card.ErrNotAnswering when its ctx
// ends, later calls fail at once, a card in another reader keeps working
// meanwhile, Close does not wait, and the reader serves a new connection
// once the card answers again.
func TestMuteCard(t *testing.T) {
	mute, other := pcsctest.Slot(t), pcsctest.Slot(t)
	m := testcard.NewMute(testcard.New(false), func(cmd []byte) bool { return len(cmd) > 1 && cmd[1] == 0x5A })
	mute.Insert(t, m)
	t.Cleanup(m.Release)
	other.Insert(t, testcard.New(false))
	conn := mute.Connect(t, pcsc.ConnectOptions{})
	good := other.Connect(t, pcsc.ConnectOptions{})

	echo := []byte{0x00, 0xEE, 0x00, 0x00, 0x01, 0x42}
	resp, err := conn.Transmit(context.Background(), echo)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x42, 0x90, 0x00}, resp)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = conn.Transmit(ctx, []byte{0x00, 0x5A, 0x00, 0x00, 0x02})
	assert.ErrorIs(t, err, card.ErrNotAnswering)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
	<-m.Hung()

	start = time.Now()
	_, err = conn.Transmit(context.Background(), echo)
	assert.ErrorIs(t, err, card.ErrNotAnswering, "a later call fails at once")
	assert.Contains(t, err.Error(), "has not answered a transmit sent")
	err = conn.Reset(context.Background(), true)
	assert.ErrorIs(t, err, card.ErrNotAnswering)
	assert.Less(t, time.Since(start), time.Second)

	resp, err = good.Transmit(context.Background(), echo)
	require.NoError(t, err, "another reader is not held up by the mute card")
	assert.Equal(t, []byte{0x42, 0x90, 0x00}, resp)
	st, err := mute.PCSC.Status(context.Background(), mute.Name)
	require.NoError(t, err, "Status is not held up either")
	assert.True(t, st[0].Present)

	start = time.Now()
	require.NoError(t, conn.Close())
	assert.Less(t, time.Since(start), time.Second, "Close does not wait for the card")

	m.Release()
	var again *pcsc.Conn
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		c, err := mute.PCSC.Connect(ctx, mute.Name, pcsc.ConnectOptions{})
		if err != nil {
			return false
		}
		again = c
		return true
	}, 10*time.Second, 100*time.Millisecond, "the reader serves a new connection once the card answers")
	defer again.Close()
	// Close powered the card down: a cold reset brings it back.
	require.NoError(t, again.Reset(context.Background(), true))
	resp, err = again.Transmit(context.Background(), echo)
	require.NoError(t, err)
	assert.Equal(t, []byte{0x42, 0x90, 0x00}, resp)
}
