package header_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hulian/hulian/iso8583/header"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Golden headers, written field by field from the contract table.
var (
	// Version 1, 0800 sign-on of 68 bytes from acquirer 03010000 to the switch 48020000.
	golden1 = "" +
		"\x2e" + // 0: header length 46
		"\x01" + // 1: version 1
		"0114" + // 2: total length 46+68
		"48020000   " + // 6: destination station id
		"03010000   " + // 17: source station id
		"000" + // 28: reserved
		"\x00" + // 31: batch number
		"00000000" + // 32: transaction info
		"\x00" + // 40: user info
		"00000" // 41: reject code, none
	// Version 2, batch 7, user info 0x80, full-width ids, a reject code.
	golden2 = "" +
		"\x2e" +
		"\x02" +
		"0046" + // header only: a rejected message sent back without its body
		"12345678901" +
		"ABCDEFGHIJK" +
		"000" +
		"\x07" +
		"TXN00042" +
		"\x80" +
		"A0019"
)

func message(n int) []byte { return bytes.Repeat([]byte{'9'}, n) }

func TestGoldenLengths(t *testing.T) {
	require.Len(t, golden1, header.Len)
	require.Len(t, golden2, header.Len)
}

func TestParseGolden(t *testing.T) {
	tests := []struct {
		name   string
		wire   []byte
		want   header.Header
		dest   string
		source string
	}{
		{
			name: "v1 sign-on",
			wire: append([]byte(golden1), message(68)...),
			want: header.Header{
				Version: 1, TotalLength: 114,
				Destination: [11]byte([]byte("48020000   ")),
				Source:      [11]byte([]byte("03010000   ")),
				TxnInfo:     [8]byte([]byte("00000000")),
				Reject:      [5]byte([]byte("00000")),
			},
			dest: "48020000", source: "03010000",
		},
		{
			name: "v2 reject",
			wire: []byte(golden2),
			want: header.Header{
				Version: 2, TotalLength: 46,
				Destination: [11]byte([]byte("12345678901")),
				Source:      [11]byte([]byte("ABCDEFGHIJK")),
				Batch:       7,
				TxnInfo:     [8]byte([]byte("TXN00042")),
				UserInfo:    0x80,
				Reject:      [5]byte([]byte("A0019")),
			},
			dest: "12345678901", source: "ABCDEFGHIJK",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := header.Parse(tt.wire)
			require.NoError(t, err)
			assert.Equal(t, header.Len, n)
			assert.Equal(t, tt.want, h)
			assert.Equal(t, tt.dest, string(h.DestinationID()))
			assert.Equal(t, tt.source, string(h.SourceID()))

			out, err := header.Append([]byte("pre"), &h, len(tt.wire)-header.Len)
			require.NoError(t, err)
			assert.Equal(t, "pre", string(out[:3]))
			assert.Equal(t, tt.wire[:header.Len], out[3:], "Append reproduces the wire bytes")
		})
	}
}

func TestAppendGolden(t *testing.T) {
	var h header.Header // zero Version, TxnInfo, Reject take their defaults
	require.NoError(t, h.SetDestination("48020000"))
	require.NoError(t, h.SetSource("03010000"))
	h.TotalLength = 1 // ignored
	out, err := header.Append(nil, &h, 68)
	require.NoError(t, err)
	assert.Equal(t, golden1, string(out))
	assert.Equal(t, 1, h.TotalLength, "Append does not modify h")

	h2 := header.Header{Version: 2, Batch: 7, UserInfo: 0x80,
		TxnInfo: [8]byte([]byte("TXN00042")), Reject: [5]byte([]byte("A0019"))}
	require.NoError(t, h2.SetDestination("12345678901"))
	require.NoError(t, h2.SetSource("ABCDEFGHIJK"))
	out, err = header.Append(nil, &h2, 0)
	require.NoError(t, err)
	assert.Equal(t, golden2, string(out))
}

func TestAppendZeroIDsArePadded(t *testing.T) {
	h := header.Header{Destination: [11]byte{'A', 'B'}}
	out, err := header.Append(nil, &h, 10)
	require.NoError(t, err)
	assert.Equal(t, "AB         ", string(out[6:17]))
	assert.Equal(t, strings.Repeat(" ", 11), string(out[17:28]))
	assert.Empty(t, h.SourceID())
	assert.Equal(t, "AB", string(h.DestinationID()))
}

// corrupt returns golden1 followed by a 68-byte message, with b[off] = c.
func corrupt(off int, c byte) []byte {
	b := append([]byte(golden1), message(68)...)
	b[off] = c
	return b
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		offset int
		reason string
	}{
		{"empty", nil, 0, header.ReasonShort},
		{"45 bytes", []byte(golden1[:45]), 45, header.ReasonShort},
		{"header length", corrupt(0, 45), 0, header.ReasonHeaderLen},
		{"version 0", corrupt(1, 0), 1, header.ReasonVersion},
		{"version 3", corrupt(1, 3), 1, header.ReasonVersion},
		{"total not digit", corrupt(4, 'x'), 4, header.ReasonTotalNotDecimal},
		{"total space", corrupt(2, ' '), 2, header.ReasonTotalNotDecimal},
		{"total too small", corrupt(4, '0'), 2, header.ReasonTotalMismatch},
		{"total too big", corrupt(2, '1'), 2, header.ReasonTotalMismatch},
		{"message missing", []byte(golden1), 2, header.ReasonTotalMismatch},
		{"message too long", append(append([]byte(golden1), message(68)...), 'x'), 2, header.ReasonTotalMismatch},
		{"destination control", corrupt(10, '\n'), 10, header.ReasonIDNotASCII},
		{"destination NUL", corrupt(16, 0), 16, header.ReasonIDNotASCII},
		{"source high bit", corrupt(17, 0xb0), 17, header.ReasonIDNotASCII},
		{"reserved", corrupt(29, '1'), 29, header.ReasonReserved},
		{"txn info", corrupt(39, 0x7f), 39, header.ReasonTxnInfo},
		{"reject space", corrupt(41, ' '), 41, header.ReasonReject},
		{"reject punct", corrupt(45, '-'), 45, header.ReasonReject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := header.Parse(tt.in)
			var he *header.Error
			require.ErrorAs(t, err, &he)
			assert.Equal(t, header.Error{Offset: tt.offset, Reason: tt.reason}, *he)
			assert.Zero(t, n)
			assert.Zero(t, h)
			assert.NotContains(t, err.Error(), "999", "no message bytes in the error")
		})
	}
}

func TestParseAcceptsBinaryFields(t *testing.T) {
	for _, c := range []byte{0x00, 0x2e, 0xff} {
		in := corrupt(31, c)
		in[40] = c
		h, _, err := header.Parse(in)
		require.NoError(t, err)
		assert.Equal(t, c, h.Batch)
		assert.Equal(t, c, h.UserInfo)
	}
}

func TestAppendErrors(t *testing.T) {
	valid := func() header.Header { return header.Header{Version: 1} }
	tests := []struct {
		name   string
		mod    func(*header.Header)
		msgLen int
		offset int
		reason string
	}{
		{"negative length", func(*header.Header) {}, -1, 2, header.ReasonTotalRange},
		{"too long", func(*header.Header) {}, 9999 - 45, 2, header.ReasonTotalRange},
		{"version 3", func(h *header.Header) { h.Version = 3 }, 0, 1, header.ReasonVersion},
		{"destination inner NUL", func(h *header.Header) { h.Destination = [11]byte{'A', 0, 'B'} }, 0, 7, header.ReasonIDNotASCII},
		{"source control", func(h *header.Header) { h.Source[0] = '\t' }, 0, 17, header.ReasonIDNotASCII},
		{"txn info partial", func(h *header.Header) { h.TxnInfo = [8]byte{'1'} }, 0, 33, header.ReasonTxnInfo},
		{"reject partial", func(h *header.Header) { h.Reject = [5]byte{'0', '0', '0', '0'} }, 0, 45, header.ReasonReject},
		{"reject punct", func(h *header.Header) { h.Reject = [5]byte([]byte("00-00")) }, 0, 43, header.ReasonReject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := valid()
			tt.mod(&h)
			out, err := header.Append([]byte("keep"), &h, tt.msgLen)
			var he *header.Error
			require.ErrorAs(t, err, &he)
			assert.Equal(t, header.Error{Offset: tt.offset, Reason: tt.reason}, *he)
			assert.Equal(t, "keep", string(out))
		})
	}
	h := valid()
	out, err := header.Append(nil, &h, 9999-46)
	require.NoError(t, err, "9999 total is the largest")
	assert.Equal(t, "9999", string(out[2:6]))
}

func TestSetIDs(t *testing.T) {
	var h header.Header
	require.NoError(t, h.SetDestination(""))
	assert.Equal(t, strings.Repeat(" ", 11), string(h.Destination[:]))
	require.NoError(t, h.SetSource("12345678901"))
	assert.Equal(t, "12345678901", string(h.SourceID()))

	var he *header.Error
	require.ErrorAs(t, h.SetDestination("123456789012"), &he)
	assert.Equal(t, header.Error{Offset: 6, Reason: header.ReasonIDTooLong}, *he)
	require.ErrorAs(t, h.SetSource("AB\x00"), &he)
	assert.Equal(t, header.Error{Offset: 19, Reason: header.ReasonIDNotASCII}, *he)
	assert.Equal(t, "12345678901", string(h.SourceID()), "a refused id leaves the field alone")
}

func TestRejected(t *testing.T) {
	assert.False(t, (&header.Header{}).Rejected())
	assert.False(t, (&header.Header{Reject: [5]byte([]byte("00000"))}).Rejected())
	assert.True(t, (&header.Header{Reject: [5]byte([]byte("A0019"))}).Rejected())
}

func TestPatchLength(t *testing.T) {
	var h header.Header
	require.NoError(t, h.SetDestination("48020000"))
	require.NoError(t, h.SetSource("03010000"))
	buf, err := header.Append(nil, &h, 0)
	require.NoError(t, err)
	buf = append(buf, message(68)...)
	require.NoError(t, header.PatchLength(buf))
	assert.Equal(t, golden1, string(buf[:header.Len]))
	_, _, err = header.Parse(buf)
	require.NoError(t, err)

	var he *header.Error
	require.ErrorAs(t, header.PatchLength(buf[:10]), &he)
	assert.Equal(t, header.ReasonShort, he.Reason)
	require.ErrorAs(t, header.PatchLength(append(buf, make([]byte, 9999)...)), &he)
	assert.Equal(t, header.ReasonTotalRange, he.Reason)
	buf[0] = 0
	require.ErrorAs(t, header.PatchLength(buf), &he)
	assert.Equal(t, header.ReasonHeaderLen, he.Reason)
}

func TestNoAllocations(t *testing.T) {
	wire := append([]byte(golden1), message(68)...)
	dst := make([]byte, 0, header.Len)
	allocs := testing.AllocsPerRun(100, func() {
		h, _, err := header.Parse(wire)
		if err != nil {
			panic(err)
		}
		_ = h.DestinationID()
		if _, err := header.Append(dst[:0], &h, 68); err != nil {
			panic(err)
		}
	})
	assert.Zero(t, allocs)
}

func TestErrorString(t *testing.T) {
	err := &header.Error{Offset: 2, Reason: header.ReasonTotalMismatch}
	assert.Equal(t, "header: offset 2: total length does not match the message", err.Error())
}
