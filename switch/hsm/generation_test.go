package hsm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGenerations(t *testing.T) {
	keys := []KeyInfo{{ID: "01020000/zak"}, {ID: "01020000/zak:3"}, {ID: "01020000/zak:2"}, {ID: "01020000/zpk"}, {ID: "0102/zak:9"}}
	cur, ok := CurrentGeneration(keys, "01020000/zak")
	assert.True(t, ok)
	assert.Equal(t, KeyID("01020000/zak:3"), cur)
	cur, ok = CurrentGeneration(keys, "01020000/zpk")
	assert.True(t, ok)
	assert.Equal(t, KeyID("01020000/zpk"), cur)
	_, ok = CurrentGeneration(keys, "48020000/zak")
	assert.False(t, ok)
	assert.Equal(t, KeyID("01020000/zak:4"), NextGeneration(keys, "01020000/zak:2"))
	assert.Equal(t, KeyID("01020000/zpk:2"), NextGeneration(keys, "01020000/zpk"))
	for id, want := range map[KeyID]int{"a/zak": 1, "a/zak:1": 1, "a/zak:+2": 1, "a/zak:": 1, "a/zak:12": 12} {
		_, n := SplitGeneration(id)
		assert.Equal(t, want, n, id)
	}
}
