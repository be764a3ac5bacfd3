package tags

import (
	"strings"
	"testing"

	"github.com/hulian/hulian/emv/tlv"
)

// A READ RECORD response of a made-up PBOC debit card (test PAN
// 6212345678901234) with the sensitive tags, plus terminal data.
const dumpRecordHex = "7081A7" +
	"57116212345678901234D3012201123456789F" +
	"5F20095A48414E472F53414E" +
	"9F1F09313233343536373839" +
	"5A086212345678901234" +
	"562042363231323334353637383930313233345E5A48414E472F53414E5E33303132" +
	"5F24033012315F2D047A68656E9F080200309F74064543433030319F0702FF00" +
	"9F6B116212345678901234D3012201123456789F" +
	"9F200412345FFF" +
	"9F6106313233343536" +
	"9F1203414243" +
	"DF7F020102" +
	"8E0C000000000000000042031F00"

func dumpRecord(t *testing.T) []tlv.TLV {
	t.Helper()
	v := mustHex(t, dumpRecordHex)
	v[1], v[2] = 0x81, byte(len(v)-3) // keep the template length honest
	list, err := tlv.Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestDumpMasksSensitiveData(t *testing.T) {
	list := dumpRecord(t)
	var sb strings.Builder
	if err := Dump(&sb, list, DumpOptions{}); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	want := []string{
		"  57 Track 2 Equivalent Data (17) 621234******1234D****************",
		"  5F20 Cardholder Name (9) ********* (masked)",
		"  9F1F Track 1 Discretionary Data (9) ********* (masked)",
		"  5A Application Primary Account Number (PAN) (8) 621234******1234",
		"  56 Track 1 Data (32) B621234******1234^**************",
		"  5F24 Application Expiration Date (3) 301231",
		`  5F2D Language Preference (4) 7A68656E "zhen"`,
		"  9F08 Application Version Number (ICC) (2) 0030",
		`  9F74 Electronic Cash Issuer Authorization Code (6) 454343303031 "ECC001"`,
		"  9F6B Card CVM Limit (qPBOC) / Track 2 Data (EMV Book C-2) (17) 621234******1234D****************",
		"  9F20 Track 2 Discretionary Data (4) **** (masked)",
		"  9F61 Cardholder ID Number (6) ****** (masked)",
		"  DF7F (unknown tag) (2) 0102",
	}
	for _, w := range want {
		if !strings.Contains(out, w+"\n") {
			t.Errorf("missing line %q in\n%s", w, out)
		}
	}
	for _, leak := range []string{"6212345678901234", "5678901", "ZHANG", "123456789", "D301220"} {
		if strings.Contains(out, leak) {
			t.Errorf("output leaks %q:\n%s", leak, out)
		}
	}
	if !strings.HasPrefix(out, "70 READ RECORD Response Message Template (") {
		t.Errorf("first line: %q", strings.SplitN(out, "\n", 2)[0])
	}
}

func TestDumpShowPAN(t *testing.T) {
	list := dumpRecord(t)
	list = append(list, tlv.New(0x99, []byte{0x12, 0x34, 0x56, 0x78}))
	var sb strings.Builder
	if err := Dump(&sb, list, DumpOptions{ShowPAN: true, Indent: "\t"}); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, w := range []string{
		"\t5A Application Primary Account Number (PAN) (8) 6212345678901234\n",
		"\t57 Track 2 Equivalent Data (17) 6212345678901234D3012201123456789F\n",
		"\t5F20 Cardholder Name (9) 5A48414E472F53414E \"ZHANG/SAN\"\n",
		"99 Transaction Personal Identification Number (PIN) Data (4) **** (masked)\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in\n%s", w, out)
		}
	}
}

func TestDumpBitsAndNesting(t *testing.T) {
	list, err := tlv.Parse(mustHex(t, "7704820238009F34031E0300"+"95050000008000"))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := Dump(&sb, list, DumpOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "77 Response Message Template Format 2 (4)\n" +
		"  82 Application Interchange Profile (AIP) (2) 3800\n" +
		"    - DDA supported\n" +
		"    - Cardholder verification is supported\n" +
		"    - Terminal risk management is to be performed\n" +
		"9F34 Cardholder Verification Method (CVM) Results (3) 1E0300\n" +
		"  - Signature (paper)\n" +
		"  - If terminal supports the CVM\n" +
		"  - Result unknown\n" +
		"95 Terminal Verification Results (TVR) (5) 0000008000\n" +
		"  - Transaction exceeds floor limit\n"
	if sb.String() != want {
		t.Errorf("got\n%s\nwant\n%s", sb.String(), want)
	}
}

// FuzzDump dumps whatever the lenient parser accepts: Dump must not panic,
// and a '5A' line shows at most ten digits and always a mask.
func FuzzDump(f *testing.F) {
	f.Add(mustHex(f, dumpRecordHex))
	f.Add(mustHex(f, "7704820238009F34031E0300"))
	f.Add(mustHex(f, "5A0862123456789012345F"))
	f.Add(mustHex(f, "5708621234567890123456055B3632313233"))
	f.Fuzz(func(t *testing.T, in []byte) {
		list, err := tlv.ParseWith(in, tlv.Options{Lenient: true})
		if err != nil {
			return
		}
		var sb strings.Builder
		if err := Dump(&sb, list, DumpOptions{}); err != nil {
			t.Fatal(err)
		}
		// Other tags may hold the same bytes in hex; on a '5A' line at most
		// the first six and last four digits may show.
		for _, line := range strings.Split(sb.String(), "\n") {
			if !strings.HasPrefix(strings.TrimLeft(line, " "), "5A ") {
				continue
			}
			value := line[strings.LastIndex(line, ")")+1:]
			if n := strings.IndexFunc(value, func(r rune) bool { return r == '*' }); n < 0 && strings.TrimSpace(value) != "" {
				t.Fatalf("PAN line without mask: %q", line)
			}
			digits := 0
			for _, r := range value {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			if digits > 10 {
				t.Fatalf("PAN in clear: %q", line)
			}
		}
	})
}
