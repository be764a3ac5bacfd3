package runner

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/emv/tlv"
)

// TestAssertions checks every assertion kind on a canned answer, holding
// and failing, with the failure message in plain words.
func TestAssertions(t *testing.T) {
	atc := tlv.New(0x9F36, h("0005"))
	expiry := tlv.New(0x5F24, h("301231"))
	fci := tlv.NewConstructed(0x6F, tlv.New(0x84, h(testAID)), tlv.NewConstructed(0xA5, tlv.New(0x50, []byte("TEST"))))
	plain := tlv.Encode(atc, expiry, tlv.New(0x50, []byte("TEST")))
	tests := []struct {
		name   string
		answer []byte // response data (9000 appended)
		assert string // one assertion, YAML
		msg    string // "" passes; else a substring of the failure
	}{
		{"present", plain, "present: 9F36", ""},
		{"present fails", plain, "present: 9F13", "9F13 is missing in the answer"},
		{"absent", plain, "absent: 9F13", ""},
		{"absent fails", plain, "absent: 9F36", "9F36 is present in the answer (it must not be): 9F36 = 0005"},
		{"unique", plain, "unique: 9F36", ""},
		{"unique fails", tlv.Encode(atc, atc), "unique: 9F36", "9F36 occurs 2 times in the answer, expected once"},
		{"no_duplicates", tlv.Encode(fci), "no_duplicates: 6F", ""},
		{"no_duplicates fails", tlv.Encode(expiry, atc, expiry), "no_duplicates:", "tag 5F24 occurs twice in the answer"},
		{"no_duplicates nested", tlv.Encode(tlv.NewConstructed(0x70, atc, atc)), "no_duplicates:", "tag 9F36 occurs twice in template 70"},
		{"format", plain, "format: 5F24", ""},
		{"format fails", tlv.Encode(tlv.New(0x5F24, h("3012AA"))), "format: 5F24", "5F24 does not have the format the dictionary gives"},
		{"length", plain, "length: {path: 9F36, is: 2}", ""},
		{"length fails", plain, "length: {path: 9F36, is: 3}", "9F36 is 2 bytes long, expected 3"},
		{"length multiple", plain, "length: {path: 5F24, multiple_of: 2}", "5F24 is 3 bytes long, expected a multiple of 2"},
		{"length min", plain, "length: {path: 5F24, min: 4}", "5F24 is 3 bytes long, expected at least 4"},
		{"equals", plain, `equals: {path: 9F36, value: "0005"}`, ""},
		{"equals fails", plain, `equals: {path: 9F36, value: "0006"}`, "9F36 equals 0006: the card sent 0005"},
		{"equals text", plain, `equals: {path: 50, text: "TEST"}`, ""},
		{"equals path", tlv.Encode(fci), `equals: {path: 6F/84, value: "A0000003330102"}`, "6F/84 equals A0000003330102: the card sent A0000003330101"},
		{"equals masks the PAN", tlv.Encode(tlv.New(0x5A, h("6228480000000018"))), `equals: {path: 5A, value: "6228480000000026"}`,
			"5A equals 622848******0026: the card sent 622848******0018"},
		{"matches", plain, `matches: {path: 50, regex: "^TE"}`, ""},
		{"matches fails", plain, `matches: {path: 50, regex: "^X"}`, "50 does not match ^X: the card sent TEST"},
		{"matches data", plain, `matches: {regex: "^9F36"}`, ""},
		{"matches data fails", plain, `matches: {regex: "^70"}`, "the answer's data (17 bytes, withheld) does not match ^70"},
		{"range", plain, "range: {path: 9F36, min: 1, max: 10}", ""},
		{"range fails", plain, "range: {path: 9F36, min: 1, max: 4}", "9F36 is 5, outside 1..4"},
		{"range n", plain, "range: {path: 5F24, max: 301231}", ""},
		{"order", tlv.Encode(fci), "order: {path: 6F, tags: [84, A5]}", ""},
		{"order fails", tlv.Encode(fci), "order: {path: 6F, tags: [A5, 84]}", "in 6F, 84 comes before A5: expected the order A5, 84"},
		{"order missing", tlv.Encode(fci), "order: {path: 6F, tags: [84, 88]}", "88 is missing from 6F"},
		{"compare", plain, `compare: {left: 9F36, op: "<", right: "10"}`, ""},
		{"compare fails", plain, `compare: {left: 9F36, op: ">", right: "10"}`, "9F36 > 10 does not hold: 9F36 is 5, 10 is 10"},
		{"compare offset", plain, `compare: {left: "9F36+5", op: "==", right: "10"}`, ""},
		{"bit", plain, "bit: {path: 9F36, byte: 2, bit: 1, set: true}", ""},
		{"bit fails", plain, "bit: {path: 9F36, byte: 2, bit: 2, set: true}", "9F36 byte 2 bit 2 is clear, expected set"},
		{"bit byte out of range", plain, "bit: {path: 9F36, byte: 3, bit: 1, set: false}", "9F36 is 2 bytes long, it has no byte 3"},
		{"sw", plain, "sw: 9XXX", ""},
		{"sw fails", plain, "sw: 6A82", "the status word is 9000 (success), expected 6A82"},
		{"cid without cryptogram", plain, "cid: arqc", "the answer holds no cryptogram information data (9F27)"},
		{"arqc_valid without cryptogram", plain, "arqc_valid:", "the answer holds no application cryptogram (9F26)"},
		{"oda without keys", plain, "oda: sda", "no test CA keys are loaded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newScriptedCard()
			c.answers["80CA000000"] = ok(tt.answer)
			s := suiteOf(t, oneCase("T-1", "", "      - apdu: \"80CA000000\"\n        assert:\n          - "+tt.assert+"\n"))
			rc := runOn(t, s, c, Options{}).Cases[0]
			if tt.msg == "" {
				assert.Equal(t, report.Pass, rc.Verdict, rc.Message)
				return
			}
			assert.Equal(t, report.Fail, rc.Verdict)
			assert.Contains(t, rc.Message, tt.msg)
			assert.NotContains(t, rc.Message, "6228480000000018", "no PAN in a message")
			last := rc.Steps[len(rc.Steps)-1]
			if assert.Len(t, last.Assertions, 1) {
				assert.False(t, last.Assertions[0].Passed)
				assert.Equal(t, rc.Message, last.Assertions[0].Message)
			}
		})
	}
}

// TestCounters checks atc_incremented and pin_try_decremented on a card
// double whose counters move (or not).
func TestCounters(t *testing.T) {
	const steps = `      - get_data: 9F36
        capture: {atc: 9F36}
      - apdu: "80AE800000"
      - get_data: 9F36
        assert:
          - atc_incremented: {from: "${atc}"}
      - get_data: 9F17
        capture: {tries: 9F17}
      - verify: ${wrong_pin}
        expect: 63CX
      - get_data: 9F17
        assert:
          - pin_try_decremented: {from: "${tries}"}
`
	for _, tt := range []struct {
		name          string
		bumpATC, decr bool
		verdict       report.Verdict
		msg           string
	}{
		{"both move", true, true, report.Pass, ""},
		{"ATC stuck", false, true, report.Fail, "9F36 did not increase: 0005 before, 0005 after"},
		{"tries stuck", true, false, report.Fail, "9F17 did not decrease: 03 before, 03 after"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			atc, tries := 5, 3
			c := newScriptedCard()
			c.handle = func(cmd string) ([]byte, bool) {
				switch {
				case strings.HasPrefix(cmd, "80AE"):
					if tt.bumpATC {
						atc++
					}
					return h("9000"), true
				case cmd == "80CA9F3600":
					return ok(tlv.Encode(tlv.New(0x9F36, []byte{0, byte(atc)}))), true
				case cmd == "80CA9F1700":
					return ok(tlv.Encode(tlv.New(0x9F17, []byte{byte(tries)}))), true
				case strings.HasPrefix(cmd, "0020008008241234FF"): // the profile's PIN: the run's PIN check
					tries = 3
					return h("9000"), true
				case strings.HasPrefix(cmd, "00200080"):
					if tt.decr {
						tries--
					}
					return []byte{0x63, 0xC0 | byte(tries)}, true
				}
				return nil, false
			}
			rc := runOn(t, suiteOf(t, oneCase("T-1", "", steps)), c, Options{}).Cases[0]
			assert.Equal(t, tt.verdict, rc.Verdict, rc.Message)
			assert.Contains(t, rc.Message, tt.msg)
			for _, st := range rc.Steps {
				for _, e := range st.Exchanges {
					assert.NotContains(t, e.Command, "1235", "the wrong PIN never reaches the report")
				}
			}
		})
	}
}

// TestMatchesWithVariable: ${name} in a matches regex is the variable's
// value, quoted; a failure message shows the regex as written, so a
// captured PAN never reaches the report.
func TestMatchesWithVariable(t *testing.T) {
	c := newScriptedCard()
	s := suiteOf(t, "cases:\n"+
		caseText("M-OK", "", "      - select: ${aid}\n        capture: {df: 6F/84}\n        assert:\n          - matches: {path: 6F/84, regex: \"^${df}$\"}\n")+
		caseText("M-PAN", "", "      - select: ${aid}\n      - gpo:\n      - read_records:\n        capture: {pan: card:5A}\n        assert:\n          - matches: {path: card:5F24, regex: \"^${pan}\"}\n"))
	r := runOn(t, s, c, Options{})
	assert.Equal(t, report.Pass, caseByID(t, r, "M-OK").Verdict, caseByID(t, r, "M-OK").Message)
	pan := caseByID(t, r, "M-PAN")
	assert.Equal(t, report.Fail, pan.Verdict)
	assert.Equal(t, "card:5F24 does not match ^${pan}: the card sent 301231", pan.Message)
	assert.NotContains(t, pan.Message, "6228480000000018")
}

// TestPersoHelpers: calendar dates and the ISO code lists.
func TestPersoHelpers(t *testing.T) {
	for v, want := range map[string]string{
		"301231": "", "280229": "", "290229": "day 29 of a month of 28 days", "301131": "day 31 of a month of 30 days",
		"241301": "month 13", "2401": "2 bytes, not 3 (YYMMDD)", "24010A": "not all digits",
	} {
		b, err := hex.DecodeString(v)
		if err != nil {
			b = h(v)
		}
		assert.Equal(t, want, dateProblem(b), v)
	}
	assert.True(t, isoCodes("currency")["156"])
	assert.False(t, isoCodes("currency")["157"])
	assert.True(t, isoCodes("country")["156"])
	assert.False(t, isoCodes("country")["157"])
}
