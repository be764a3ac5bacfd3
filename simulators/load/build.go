package load

import (
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
)

// panSetSize is how many PANs DefaultBuild rotates through.
const panSetSize = 16

// track2Tail is what follows the PAN in the track 2 DefaultBuild sends
// (separator, expiry 2912, service code 101, discretionary data).
const track2Tail = "=2912101123456"

// DefaultBuild returns the builder Run uses when Options.Build is nil:
// request i is dialect.SampleFinancial with field 2 (and the PAN of field
// 35) set to PAN i mod 16 of a Luhn-valid set sharing the sample's BIN,
// field 11 = i mod 999999 + 1, and without fields 7, 32 and 33, which the
// client fills, nor the sample's PIN block (52, 53): a PIN block crosses
// the switch only from an acquirer with a PIN key, enciphered under it
// (the mix's "pin" type sends real ones). The STAN comes from the run's request counter, not from each
// client, because the clients of one run act for one acquiring institution:
// per-client counters would repeat each other's STANs, which a switch rightly
// answers with 94 (duplicate transmission).
func DefaultBuild() func(i int, m *dialect.Message) {
	var probe dialect.Message
	dialect.SampleFinancial(&probe, "000001")
	pans := rotatingPANs(string(probe.Field(2)))
	return func(i int, m *dialect.Message) {
		var stan [6]byte
		n := i%999999 + 1
		for j := 5; j >= 0; j-- {
			stan[j] = byte('0' + n%10)
			n /= 10
		}
		dialect.SampleFinancial(m, string(stan[:]))
		p := pans[i%len(pans)]
		m.SetString(2, p.pan)
		m.SetString(35, p.track2)
		for _, f := range [...]int{7, 32, 33, 52, 53} {
			m.Unset(f)
		}
	}
}

// testPAN is one PAN of the rotating set with its track 2.
type testPAN struct{ pan, track2 string }

// rotatingPANs derives panSetSize Luhn-valid PANs from base by changing the
// digits just before the check digit.
func rotatingPANs(base string) []testPAN {
	out := make([]testPAN, 0, panSetSize)
	b := []byte(base)
	if len(b) < 10 {
		b = []byte("6222020000000000125")
	}
	for k := range panSetSize {
		n := len(b)
		b[n-3] = byte('0' + k/10)
		b[n-2] = byte('0' + k%10)
		b[n-1], _ = pan.CheckDigit(b[:n-1]) // digits by construction
		out = append(out, testPAN{pan: string(b), track2: string(b) + track2Tail})
	}
	return out
}
