package acquirer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNextSTANWraps(t *testing.T) {
	var c Client
	assert.Equal(t, "000001", c.NextSTAN())
	assert.Equal(t, "000002", c.NextSTAN())
	c.stan.Store(999998)
	assert.Equal(t, "999999", c.NextSTAN())
	assert.Equal(t, "000001", c.NextSTAN(), "wraps to 000001, never 000000")
}

func TestMakeKey(t *testing.T) {
	mti := [4]byte{'0', '2', '1', '0'}
	a := makeKey(mti, []byte("1"), []byte("0101000000"), []byte("48020000"))
	b := makeKey(mti, []byte("000001"), []byte("0101000000"), []byte("48020000"))
	assert.Equal(t, a, b, "short numeric values match their zero-padded wire form")
	c := makeKey(mti, []byte("000001"), []byte("0101000000"), []byte("4802000"))
	assert.NotEqual(t, a, c, "field 32 length is part of the key")
	d := makeKey([4]byte{'0', '4', '1', '0'}, []byte("000001"), []byte("0101000000"), []byte("48020000"))
	assert.NotEqual(t, a, d)
}

func TestFirstSTAN(t *testing.T) {
	var c Client
	c.startSTAN(500)
	assert.Equal(t, "000500", c.NextSTAN())
	c.startSTAN(999999)
	assert.Equal(t, "999999", c.NextSTAN())
	assert.Equal(t, "000001", c.NextSTAN())
	var d Client
	d.startSTAN(0)
	assert.Equal(t, "000001", d.NextSTAN(), "0 means 1")
}
