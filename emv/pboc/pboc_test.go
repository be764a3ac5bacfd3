package pboc

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hulian/hulian/emv/tlv"
)

func h(s string) []byte { b, _ := hex.DecodeString(s); return b }

func TestACInput(t *testing.T) {
	iad := IAD(0x01, 0x01, [3]byte{0xA0, 0x00, 0x00}, AlgorithmSM4)
	list := []tlv.TLV{ // in another order than the input
		tlv.New(TagIAD, iad[:]), tlv.New(TagATC, h("0012")), tlv.New(TagAIP, h("7C00")),
		tlv.New(TagUN, h("11223344")), tlv.New(TagType, h("00")), tlv.New(TagDate, h("261127")),
		tlv.New(TagCurrency, h("0156")), tlv.New(TagTVR, h("0000000000")), tlv.New(TagCountry, h("0156")),
		tlv.New(TagOtherAmount, h("000000000000")), tlv.New(TagAmount, h("000000012345")),
	}
	want := h("000000012345" + "000000000000" + "0156" + "0000000000" + "0156" + "261127" + "00" + "11223344" +
		"7C00" + "0012" + "03A00000")
	assert.Equal(t, want, ACInputFromTLV(list))
	assert.Len(t, want, ACInputLen)

	terminal := [8][]byte{h("000000012345"), nil, h("0156"), nil, h("0156"), h("261127"), h("00"), h("11223344")}
	got := AppendACInput(nil, &terminal, h("7C00"), 0x12, iad[:])
	assert.Equal(t, want, got, "absent objects are zeros")

	short := AppendACInput(nil, &terminal, h("7C00"), 0x12, h("0601"))
	assert.Len(t, short, ACInputLen-4, "no CVR without a 7-byte 9F10")
	alg, ok := IADAlgorithm(iad[:])
	assert.True(t, ok)
	assert.Equal(t, AlgorithmSM4, alg)
}
