package dialect

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTripTypical0200(t *testing.T) {
	for _, name := range []string{"hl87a", "hl87b"} {
		t.Run(name, func(t *testing.T) {
			d := mustDialect(t, name)
			src := typical0200()
			packed, err := d.Pack(nil, src)
			require.NoError(t, err)

			var got Message
			require.NoError(t, d.Unpack(packed, &got))
			assert.Equal(t, fieldsOf(src), fieldsOf(&got))
			assert.Len(t, fieldsOf(&got), 26) // MTI + 25 fields

			again, err := d.Pack([]byte("prefix"), &got)
			require.NoError(t, err)
			assert.Equal(t, "prefix", string(again[:6]), "Pack appends to dst")
			assert.Equal(t, packed, again[6:])
		})
	}
}

func TestTranslateBetweenDialects(t *testing.T) {
	a, b := mustDialect(t, "hl87a"), mustDialect(t, "hl87b")
	srcA, err := a.Pack(nil, typical0200())
	require.NoError(t, err)

	var m Message
	require.NoError(t, a.Unpack(srcA, &m))
	inB, err := b.Pack(nil, &m)
	require.NoError(t, err)
	assert.Less(t, len(inB), len(srcA), "hl87b is packed")

	var fromB Message
	require.NoError(t, b.Unpack(inB, &fromB))
	assert.Equal(t, fieldsOf(typical0200()), fieldsOf(&fromB))

	backA, err := a.Pack(nil, &fromB)
	require.NoError(t, err)
	assert.Equal(t, srcA, backA, "a -> b -> a is byte identical")
}

// Goldens checked by hand against iso8583-contract.md. Bitmap bytes:
// 0800 echo: bits 1 (secondary), 7, 11 -> 82 20 00.., secondary bit 70 -> 04 00..
// 0100: bits 2, 4 -> 50; 35 -> byte 4 = 20; 41 -> byte 5 = 80; 52, 55 -> byte 6 = 12.
func goldenEcho(m *Message) {
	m.Reset()
	_ = m.SetMTI([]byte("0800"))
	m.SetString(7, "0615103000")
	m.SetString(11, "000001")
	m.SetString(70, "301")
}

func goldenAuth(m *Message) {
	m.Reset()
	_ = m.SetMTI([]byte("0100"))
	m.SetString(2, "6222020000000000125")                // 19 digits: odd
	m.SetString(4, "000000001000")                       // n12
	m.SetString(35, "6222020000000000125=2912101123456") // 33 chars: odd
	m.SetString(41, "TERM0001")
	m.SetString(52, "\x01\x02\x03\x04\x05\x06\x07\x08")
	m.SetString(55, "\x9f\x27\x01\x80") // LLL binary, 4 bytes
}

func TestGoldenBytes(t *testing.T) {
	tests := []struct {
		dialect string
		build   func(*Message)
		hex     string
	}{
		{"hl87a", goldenEcho, `30383030 8220000000000000 0400000000000000
			30363135313033303030 303030303031 333031`},
		{"hl87b", goldenEcho, `0800 8220000000000000 0400000000000000
			0615103000 000001 0301`},
		{"hl87a", goldenAuth, `30313030 5000000020801200
			3139 36323232303230303030303030303030313235
			303030303030303031303030
			3333 363232323032303030303030303030303132353d32393132313031313233343536
			5445524d30303031
			0102030405060708
			303034 9f270180`},
		{"hl87b", goldenAuth, `0100 5000000020801200
			19 06222020000000000125
			000000001000
			33 06222020000000000125d2912101123456
			5445524d30303031
			0102030405060708
			0004 9f270180`},
	}
	for _, tt := range tests {
		d := mustDialect(t, tt.dialect)
		var m Message
		tt.build(&m)
		want := unhex(t, tt.hex)

		got, err := d.Pack(nil, &m)
		require.NoError(t, err)
		assert.Equal(t, want, got, "%s %s", tt.dialect, m.MTI())

		var back Message
		require.NoError(t, d.Unpack(want, &back))
		assert.Equal(t, fieldsOf(&m), fieldsOf(&back))
	}
}

func TestUnpackAliasing(t *testing.T) {
	for _, tt := range []struct {
		dialect   string
		panAlias  bool // field 2: ASCII aliases, BCD decodes into the arena
		nameAlias bool // field 43 is ASCII in both
	}{
		{"hl87a", true, true},
		{"hl87b", false, true},
	} {
		d := mustDialect(t, tt.dialect)
		data, err := d.Pack(nil, typical0200())
		require.NoError(t, err)
		var m Message
		require.NoError(t, d.Unpack(data, &m))
		pan, name := m.Field(2), m.Field(43)
		clear(data)
		assert.Equal(t, tt.panAlias, pan[0] == 0, "%s field 2", tt.dialect)
		assert.Equal(t, tt.nameAlias, name[0] == 0, "%s field 43", tt.dialect)
	}
}

func TestZeroAllocations(t *testing.T) {
	for _, name := range []string{"hl87a", "hl87b"} {
		d := mustDialect(t, name)
		src := typical0200()
		data, err := d.Pack(nil, src)
		require.NoError(t, err)
		var m Message
		buf := make([]byte, 0, 2048)
		unpack := testing.AllocsPerRun(100, func() { _ = d.Unpack(data, &m) })
		pack := testing.AllocsPerRun(100, func() { buf, _ = d.Pack(buf[:0], src) })
		assert.Zero(t, unpack, "%s Unpack", name)
		assert.Zero(t, pack, "%s Pack", name)
	}
}

// A Dialect is immutable: many goroutines share one (run with -race).
func TestDialectConcurrentUse(t *testing.T) {
	a, b := mustDialect(t, "hl87a"), mustDialect(t, "hl87b")
	data, err := a.Pack(nil, typical0200())
	require.NoError(t, err)
	want := fieldsOf(typical0200())
	var wg sync.WaitGroup
	results := make([]map[int]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m, back Message
			for range 50 {
				if a.Unpack(data, &m) != nil {
					return
				}
				out, err := b.Pack(nil, &m)
				if err != nil || b.Unpack(out, &back) != nil {
					return
				}
			}
			results[i] = fieldsOf(&back)
		}()
	}
	wg.Wait()
	for _, r := range results {
		assert.Equal(t, want, r)
	}
}
