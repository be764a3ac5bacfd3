package simcard

import (
	"fmt"
	"time"
)

// Application data of a personalised card (JR/T 0025.5, JR/T 0025.10).
const (
	persoPDOL  = "9F66049F02069F03069F1A0295055F2A029A039C019F37049F7A01DF6901"
	persoCDOL1 = "9F02069F03069F1A0295055F2A029A039C019F37049F21039F4E14"
	persoCDOL2 = "8A029F02069F03069F1A0295055F2A029A039C019F3704"
	persoCVM   = "000000000000000041034203" + "1E031F03"
	persoLog   = "9A039F21039F02069F03069F1A025F2A029F4E149C019F3602"
	persoAFL   = "08010100 10010101 18010300"
	persoQAFL  = "08010100 10010101 18010300 20010100"
)

// baseApplication builds everything but the AID, label and the ODA objects.
func baseApplication(o *PersonalizeOptions, s suite, keys Keys) *Application {
	return &Application{
		Language: "zhen", IssuerCodeTable: 1, PDOL: mustHex(persoPDOL),
		FCIDiscretionary: []string{"9F4D 0B0A"},
		AIP:              mustHex("7D00"), AFL: mustHex(persoAFL), GPOFormat: 1,
		QPBOC: &QPBOC{AIP: mustHex("7D00"), AFL: mustHex(persoQAFL), CTQ: mustHex("8000")},
		CVN:   0x01, DKI: 0x01,
		Records: []Record{
			{SFI: 1, Number: 1, Tags: []string{"57 " + track2(o), "5F20 " + Hex("TEST/PBOC CARD").String()}},
			{SFI: 2, Number: 1, Tags: odaRecordTags(o)},
			{SFI: 4, Number: 1, Tags: []string{"9F69 01000000008000"}},
		},
		PIN: o.PIN, PINTryLimit: 3,
		EC:   &EC{Balance: 10000, Limit: 100000, SingleLimit: 50000, ResetThreshold: 1000},
		Log:  &Log{SFI: 11, Records: 10, Format: mustHex(persoLog), LoadFormat: mustHex("9A039F21039F1A029F4E14")},
		Keys: keys,
	}
}

// odaRecordTags are the data objects of SFI 2 record 1, the record signed
// for offline data authentication.
func odaRecordTags(o *PersonalizeOptions) []string {
	return []string{
		"5A " + panCN(o.PAN),
		"5F24 " + o.Expiry + lastDay(o.Expiry),
		"5F25 240101", "5F28 0156", fmt.Sprintf("5F34 %02X", bcdByte(o.PSN)), "5F30 0220",
		"9F07 FF00", "9F08 0030", "9F42 0156", "9F44 02",
		"8E " + persoCVM,
		"9F0D D86004A800", "9F0E 0010000000", "9F0F D86804F800",
		"8C " + persoCDOL1, "8D " + persoCDOL2,
		"9F4A 82", "9F14 03", "9F23 05", "9F74 " + Hex("ECC001").String(),
	}
}

// track2 encodes track 2 equivalent data: PAN D YYMM 220 discretionary F.
func track2(o *PersonalizeOptions) string {
	s := o.PAN + "D" + o.Expiry + "220" + "1000000000"
	if len(s)%2 == 1 {
		s += "F"
	}
	return s
}

// panCN pads the PAN with F to whole bytes (format cn).
func panCN(p string) string {
	if len(p)%2 == 1 {
		return p + "F"
	}
	return p
}

// lastDay is the DD of the last day of month YYMM.
func lastDay(yymm string) string {
	y, m := 2000+int(yymm[0]-'0')*10+int(yymm[1]-'0'), int(yymm[2]-'0')*10+int(yymm[3]-'0')
	d := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return fmt.Sprintf("%02d", d)
}
