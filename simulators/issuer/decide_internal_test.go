package issuer

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hulian/hulian/iso8583/dialect"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *dialect.Message)
		want string
	}{
		{"approved", nil, "00"},
		{"insufficient funds", func(m *dialect.Message) { m.SetString(4, "000000000151") }, "51"},
		{"over limit", func(m *dialect.Message) { m.SetString(4, "000100000000") }, "61"},
		{"at limit", func(m *dialect.Message) { m.SetString(4, "000099999999") }, "00"},
		{"luhn before amount", func(m *dialect.Message) {
			m.SetString(2, "6222020000000000126")
			m.SetString(4, "000000000051")
		}, "14"},
		{"track 2 only", func(m *dialect.Message) { m.Unset(2) }, "00"},
		{"track 2 without separator", func(m *dialect.Message) {
			m.Unset(2)
			m.SetString(35, "6222020000000000126")
		}, "14"},
		{"no card data", func(m *dialect.Message) {
			m.Unset(2)
			m.Unset(35)
		}, "00"},
		{"no amount", func(m *dialect.Message) { m.Unset(4) }, "00"},
		{"advice", func(m *dialect.Message) { mti(m, "0220") }, "00"},
		{"reversal of over limit", func(m *dialect.Message) {
			mti(m, "0400")
			m.SetString(4, "000100000000")
		}, "00"},
		{"other class", func(m *dialect.Message) { mti(m, "0500") }, "12"},
		{"function 4", func(m *dialect.Message) { mti(m, "0240") }, "12"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m dialect.Message
			dialect.SampleFinancial(&m, "000042")
			if tc.edit != nil {
				tc.edit(&m)
			}
			assert.Equal(t, tc.want, decide(&m))
		})
	}
}

func mti(m *dialect.Message, s string) {
	if err := m.SetMTI([]byte(s)); err != nil {
		panic(err)
	}
}

func TestAuthID(t *testing.T) {
	for in, want := range map[string]string{"123456": "123456", "42": "000042", "9876543": "876543", "": "000000"} {
		var out [authIDLen]byte
		authID(&out, []byte(in))
		assert.Equal(t, want, string(out[:]), "stan %q", in)
	}
}

func TestBalanceInquiry(t *testing.T) {
	assert.True(t, isBalanceInquiry([]byte("310000")))
	assert.False(t, isBalanceInquiry([]byte("000000")))
	assert.False(t, isBalanceInquiry([]byte("3")))
	assert.True(t, isAuthorization([]byte("0100")))
	assert.True(t, isAuthorization([]byte("0201")))
	assert.False(t, isAuthorization([]byte("0220")))
	assert.False(t, isAuthorization([]byte("0400")))
}

func FuzzDecide(f *testing.F) {
	f.Add("0200", "6222020000000000125", "000000012345", "000000")
	f.Add("0200", "6222020000000000126", "000000000051", "310000")
	f.Add("0420", "", "999999999999", "000000")
	f.Add("0100", "12", "", "31")
	f.Fuzz(func(t *testing.T, mtiS, panS, amount, proc string) {
		var m dialect.Message
		if m.SetMTI([]byte(mtiS)) != nil || !allDigitsStr(amount) {
			return // Unpack guarantees a 4-digit MTI and a numeric field 4
		}
		if panS != "" {
			m.SetString(2, panS)
		}
		if amount != "" {
			m.SetString(4, amount)
		}
		m.SetString(3, proc)
		code := decide(&m)
		switch code {
		case "00", "12", "14", "51", "61":
		default:
			t.Fatalf("unexpected code %q", code)
		}
		if code == "61" && len(amount) <= 8 {
			t.Fatal("61 for an amount within the limit")
		}
	})
}

func allDigitsStr(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
