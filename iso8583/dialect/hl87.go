package dialect

import (
	"github.com/moov-io/iso8583"
	"github.com/moov-io/iso8583/encoding"
	"github.com/moov-io/iso8583/field"
	"github.com/moov-io/iso8583/prefix"
)

// row is one line of the contract's field table (iso8583-contract.md).
type row struct {
	id     int
	class  Class
	length int // fixed length, or maximum for variable fields
	digits int // 0 fixed, 2 LLVAR, 3 LLLVAR
	desc   string
}

// hl87Table returns the field set shared by hl87a and hl87b, with field 52
// pinBlock bytes long: 8 in the contract's dialects, 16 in their "-sm"
// variants for institutions whose PIN keys are SM4 (ISO 9564-1 format 4
// blocks under SM4).
func hl87Table(pinBlock int) []row {
	return []row{
		{2, ClassN, 19, 2, "primary account number"},
		{3, ClassN, 6, 0, "processing code"},
		{4, ClassN, 12, 0, "transaction amount"},
		{7, ClassN, 10, 0, "transmission date and time"},
		{11, ClassN, 6, 0, "system trace audit number"},
		{12, ClassN, 6, 0, "local transaction time"},
		{13, ClassN, 4, 0, "local transaction date"},
		{14, ClassN, 4, 0, "expiration date"},
		{15, ClassN, 4, 0, "settlement date"},
		{18, ClassN, 4, 0, "merchant category code"},
		{22, ClassN, 3, 0, "POS entry mode"},
		{23, ClassN, 3, 0, "card sequence number"},
		{25, ClassN, 2, 0, "POS condition code"},
		{26, ClassN, 2, 0, "PIN capture code"},
		{32, ClassN, 11, 2, "acquiring institution id"},
		{33, ClassN, 11, 2, "forwarding institution id"},
		{35, ClassZ, 37, 2, "track 2 equivalent data"},
		{37, ClassAN, 12, 0, "retrieval reference number"},
		{38, ClassAN, 6, 0, "authorization id response"},
		{39, ClassAN, 2, 0, "response code"},
		{41, ClassANS, 8, 0, "card acceptor terminal id"},
		{42, ClassANS, 15, 0, "card acceptor id"},
		{43, ClassANS, 40, 0, "card acceptor name/location"},
		{48, ClassANS, 512, 3, "additional data, private"},
		{49, ClassN, 3, 0, "currency code"},
		{52, ClassB, pinBlock, 0, "PIN block"},
		{53, ClassN, 16, 0, "security related control information"},
		{54, ClassAN, 120, 3, "additional amounts"},
		{55, ClassB, 255, 3, "ICC data"},
		{60, ClassANS, 100, 3, "reserved private"},
		{70, ClassN, 3, 0, "network management information code"},
		{90, ClassN, 42, 0, "original data elements"},
		{64, ClassB, 8, 0, "message authentication code (primary bitmap)"},
		{96, ClassB, 8, 0, "message security code"},
		{100, ClassN, 11, 2, "receiving institution id"},
		{102, ClassANS, 28, 2, "account id 1"},
		{103, ClassANS, 28, 2, "account id 2"},
		{128, ClassB, 8, 0, "message authentication code"},
	}
}

// style says how one dialect writes each class.
type style struct {
	name     string
	prefixes prefix.Prefixers
	mtiEnc   encoding.Encoder
	numEnc   encoding.Encoder
	trackEnc encoding.Encoder
	pinBlock int // length of field 52
}

// HL87ASpec returns a fresh moov-io spec of the contract's hl87a dialect:
// everything ASCII, binary bitmap, ASCII LL/LLL prefixes.
func HL87ASpec() *iso8583.MessageSpec { return hl87aSpec("hl87a", 8) }

// HL87ASMSpec returns hl87a with a 16-byte field 52 (the "hl87a-sm" dialect).
func HL87ASMSpec() *iso8583.MessageSpec { return hl87aSpec("hl87a-sm", 16) }

func hl87aSpec(name string, pinBlock int) *iso8583.MessageSpec {
	return buildSpec(style{
		name:     name,
		pinBlock: pinBlock,
		prefixes: prefix.ASCII,
		mtiEnc:   encoding.ASCII,
		numEnc:   encoding.ASCII,
		trackEnc: encoding.ASCII,
	})
}

// HL87BSpec returns a fresh moov-io spec of the contract's hl87b dialect:
// MTI, numeric fields and LL/LLL prefixes BCD (odd lengths left-padded with a
// 0 nibble), track 2 as BCD with a 0xD separator (Track2BCD), text ASCII,
// binary raw, binary bitmap.
func HL87BSpec() *iso8583.MessageSpec { return hl87bSpec("hl87b", 8) }

// HL87BSMSpec returns hl87b with a 16-byte field 52 (the "hl87b-sm" dialect).
func HL87BSMSpec() *iso8583.MessageSpec { return hl87bSpec("hl87b-sm", 16) }

func hl87bSpec(name string, pinBlock int) *iso8583.MessageSpec {
	return buildSpec(style{
		name:     name,
		pinBlock: pinBlock,
		prefixes: prefix.BCD,
		mtiEnc:   encoding.BCD,
		numEnc:   encoding.BCD,
		trackEnc: Track2BCD{},
	})
}

func buildSpec(s style) *iso8583.MessageSpec {
	fields := map[int]field.Field{
		0: NewElement(&field.Spec{
			Length: 4, Description: "message type indicator",
			Enc: s.mtiEnc, Pref: s.prefixes.Fixed,
		}, ClassN),
		1: field.NewBitmap(&field.Spec{
			Length: 8, Description: "bitmap",
			Enc: encoding.Binary, Pref: prefix.Binary.Fixed,
		}),
	}
	for _, r := range hl87Table(s.pinBlock) {
		fields[r.id] = buildField(s, r)
	}
	return &iso8583.MessageSpec{Name: s.name, Fields: fields}
}

func buildField(s style, r row) field.Field {
	spec := &field.Spec{Length: r.length, Description: r.desc, Enc: encoding.ASCII}
	switch r.digits {
	case 2:
		spec.Pref = s.prefixes.LL
	case 3:
		spec.Pref = s.prefixes.LLL
	default:
		spec.Pref = s.prefixes.Fixed
	}
	switch r.class {
	case ClassN:
		spec.Enc = s.numEnc
		return NewElement(spec, ClassN)
	case ClassZ:
		spec.Enc = s.trackEnc
		return field.NewTrack2(spec)
	case ClassB:
		spec.Enc = encoding.Binary
		return field.NewBinary(spec)
	case ClassAN:
		return NewElement(spec, ClassAN)
	default:
		return field.NewString(spec)
	}
}
