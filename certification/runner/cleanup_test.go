package runner

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/emv/tlv"
)

// TestCleanup: a case's cleanup runs after its steps whatever happened
// (here after a failing assertion), on a cold-reset card, is marked in the
// report, is left out when a variable it needs was never captured, and a
// cleanup that does not finish turns a pass into an error.
func TestCleanup(t *testing.T) {
	const cleanup = "    cleanup:\n      - select: ${aid}\n      - apdu: \"80CA${restore}00\"\n"
	for _, tc := range []struct {
		name, steps string
		verdict     report.Verdict
		sent        bool   // the cleanup's command reached the card
		msg         string // in the case's message
	}{
		{"after a failure", "      - get_data: 9F36\n        capture: {restore: 9F36}\n        assert:\n          - equals: {path: 9F36, value: \"0006\"}\n",
			report.Fail, true, "9F36 equals 0006"},
		{"after a pass", "      - get_data: 9F36\n        capture: {restore: 9F36}\n", report.Pass, true, ""},
		{"not needed", "      - get_data: 9F17\n        capture: {restore: 9F17}\n", report.Fail, false, "answered 6D00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newScriptedCard()
			c.answers["80CA000500"] = h("9000")
			rc := runOn(t, suiteOf(t, oneCase("T-1", "", tc.steps+cleanup)), c, Options{}).Cases[0]
			assert.Equal(t, tc.verdict, rc.Verdict, rc.Message)
			assert.Contains(t, rc.Message, tc.msg)
			assert.Equal(t, tc.sent, len(c.commands("80CA000500")) > 0)
			var names []string
			for _, s := range rc.Steps {
				names = append(names, s.Name)
			}
			joined := strings.Join(names, "\n")
			if tc.sent {
				assert.Contains(t, joined, "cleanup: cold reset")
				assert.Contains(t, joined, "cleanup: apdu command=80CA000500")
			} else {
				assert.Contains(t, joined, "cleanup: not needed: ${restore} was never captured")
			}
		})
	}
}

// TestCleanupFailureIsAnError: a case that passed but whose cleanup
// failed is an error: the card may be left changed.
func TestCleanupFailureIsAnError(t *testing.T) {
	c := newScriptedCard()
	steps := "      - get_data: 9F36\n    cleanup:\n      - apdu: \"80CA9F1700\"\n"
	rc := runOn(t, suiteOf(t, oneCase("T-1", "", steps)), c, Options{}).Cases[0]
	assert.Equal(t, report.Error, rc.Verdict)
	assert.Contains(t, rc.Message, "the cleanup did not run to its end, the card may be left changed")
	assert.Len(t, c.commands("80CA9F1700"), 1)
}

// TestNoApplication: a card whose PSE lists no application, with no AID
// in the profile: the cases that select ${aid} end in an error naming the
// problem, and nothing is sent to whatever an empty SELECT would choose.
func TestNoApplication(t *testing.T) {
	c := newScriptedCard()
	pse := tlv.Encode(tlv.NewConstructed(0x6F, tlv.New(0x84, []byte("1PAY.SYS.DDF01")), tlv.NewConstructed(0xA5, tlv.New(0x88, []byte{1}))))
	c.answers["00A404000E315041592E5359532E4444463031"] = ok(pse)
	c.answers["00B2010C"] = ok(tlv.Encode(tlv.NewConstructed(0x70, tlv.NewConstructed(0x61, tlv.New(0x50, []byte("NONE"))))))
	c.answers["00B2020C"] = h("6A83")
	s := suiteOf(t, oneCase("T-1", "", "      - select: ${aid}\n      - gpo:\n"))
	r, err := New(s, Options{Profile: Profile{UN: "11223344"}})
	require.NoError(t, err)
	tr := card.NewInProcess(c)
	defer tr.Close()
	rc := r.Run(context.Background(), "test reader", tr).Cases[0]
	assert.Equal(t, report.Error, rc.Verdict)
	assert.Contains(t, rc.Message, "no application to test")
	assert.Contains(t, rc.Message, "the PSE lists no application")
	assert.Empty(t, c.commands("80A8"), "no GET PROCESSING OPTIONS")
}

// TestParseTemplate: entries name what is wrong with them.
func TestParseTemplate(t *testing.T) {
	good := "applications:\n  \"*\":\n    9F08: \"0030\"\n    5F20: {pattern: \"^[A-Z]+$\"}\n    9F79: absent\n  A000000333010101:\n    50: {text: DEBIT}\n"
	tm, err := ParseTemplate([]byte(good))
	require.NoError(t, err)
	assert.Len(t, tm.forApp(h("A000000333010101")), 4)
	assert.Len(t, tm.forApp(h("A000000333010102")), 3)
	for bad, want := range map[string]string{
		"applications:\n  \"*\":\n    ZZ: present\n":                    "applications.*.ZZ: not a tag",
		"applications:\n  \"*\":\n    9F08: maybe\n":                    "applications.*.9F08: want present, absent or a hex value",
		"applications:\n  A0:\n    9F08: present\n":                     "\"A0\" is neither",
		"applications:\n  \"*\":\n    9F08: {value: \"00\", text: x}\n": "give one of value, text and pattern",
		"applications:\n  \"*\":\n    9F08: {pattern: \"(\"}\n":         "pattern:",
		"bogus: 1\n": "field bogus not found",
	} {
		_, err := ParseTemplate([]byte(bad))
		assert.ErrorIs(t, err, ErrTemplate, bad)
		assert.ErrorContains(t, err, want, bad)
	}
}
