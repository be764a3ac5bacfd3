package link

import (
	"testing"

	"github.com/hulian/hulian/switch/dialect"
)

// FuzzCodecDecode feeds arbitrary frame bodies through the header and
// dialect decoding every inbound message goes through. Property: no panic,
// and a body that decodes re-encodes and decodes to the same fields.
func FuzzCodecDecode(f *testing.F) {
	codecs := []Codec{codec(f, "hl87a", true), codec(f, "hl87b", true), codec(f, "hl87a", false)}
	for i, c := range codecs {
		var m dialect.Message
		dialect.SampleFinancial(&m, "000001")
		raw, err := c.AppendFrame(nil, &m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), raw[c.Framing.PrefixLen():])
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		c := codecs[int(which)%len(codecs)]
		var m dialect.Message
		if c.Decode(body, &m) != nil {
			return
		}
		out, err := c.AppendFrame(nil, &m)
		if err != nil {
			t.Fatalf("decoded message does not encode: %v", err)
		}
		var again dialect.Message
		if err := c.Decode(out[c.Framing.PrefixLen():], &again); err != nil {
			t.Fatalf("re-encoded message does not decode: %v", err)
		}
		m.Each(func(n int, v []byte) bool {
			if string(again.Field(n)) != string(v) {
				t.Fatalf("field %d changed in the round trip", n)
			}
			return true
		})
	})
}
