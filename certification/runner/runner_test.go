package runner

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/testcard"
	"github.com/hulian/hulian/certification/report"
)

func TestConditions(t *testing.T) {
	get := "      - get_data: 9F36\n"
	s := suiteOf(t, "cases:\n"+
		caseText("C-DDA", "    when:\n      - aip: dda\n", get)+
		caseText("C-CDA", "    when:\n      - aip: cda\n", get)+
		caseText("C-NOT-SDA", "    when:\n      - not_aip: sda\n", get)+
		caseText("C-CVM", "    when:\n      - cvm: offline_pin\n", get)+
		caseText("C-SIG", "    when:\n      - cvm: signature\n", get)+
		caseText("C-PRESENT", "    when:\n      - present: card:5F24\n", get)+
		caseText("C-ABSENT", "    when:\n      - absent: card:5F24\n", get)+
		caseText("C-ALG", "    when:\n      - algorithm: rsa\n", get)+
		caseText("C-IF", "", "      - get_data: 9F36\n        if:\n          - present: 9F13\n      - get_data: 9F36\n        if:\n          - present: card:5A\n"))
	c := newScriptedCard()
	r := runOn(t, s, c, Options{})
	want := map[string]struct {
		v   report.Verdict
		msg string
	}{
		"C-DDA": {report.Pass, ""}, "C-CDA": {report.NotApplicable, "the AIP does not announce cda"},
		"C-NOT-SDA": {report.NotApplicable, "the AIP announces sda"}, "C-CVM": {report.Pass, ""},
		"C-SIG": {report.NotApplicable, "the CVM list has no signature"}, "C-PRESENT": {report.Pass, ""},
		"C-ABSENT": {report.NotApplicable, "card:5F24 is present"}, "C-ALG": {report.Pass, ""}, "C-IF": {report.Pass, ""},
	}
	for id, w := range want {
		rc := caseByID(t, r, id)
		assert.Equal(t, w.v, rc.Verdict, id)
		assert.Equal(t, w.msg, rc.Message, id)
	}
	steps := caseByID(t, r, "C-IF").Steps
	require.Len(t, steps, 3, "reset and two steps")
	assert.True(t, steps[1].Skipped, "if: present 9F13 does not hold before any answer")
	assert.False(t, steps[2].Skipped)
	assert.Empty(t, caseByID(t, r, "C-CDA").Steps, "a case not applicable never touches the card")
}

// caseText is one case of a file with several.
func caseText(id, extra, steps string) string {
	return "  - id: " + id + "\n    clause: \"EMV 4.4 Book 3\"\n    title: test\n" + extra + "    steps:\n" + steps
}

func TestLoopsAndCaptures(t *testing.T) {
	c := newScriptedCard()
	c.answers["80DA"] = h("9000")
	s := suiteOf(t, oneCase("L-1", "", `      - select: ${aid}
      - gpo:
      - for_each: afl_record
        steps:
          - read_record: {sfi: "${sfi}", record: "${record}"}
            assert:
              - present: 70
      - repeat: 3
        steps:
          - get_data: 9F36
            capture: {atc: 9F36, status: sw, raw: data}
      - apdu: "80DA9F3602${atc}"
      - apdu: "80DA0000${status}"
      - power_on: warm
        capture: {atr: atr}
      - apdu: "80DA0001${atr}"
`))
	rc := runOn(t, s, c, Options{}).Cases[0]
	require.Equal(t, report.Pass, rc.Verdict, rc.Message)
	assert.Len(t, c.commands("00B2010C"), 2, "record 1 read by discovery and by the loop")
	assert.Len(t, c.commands("00B2020C"), 2)
	assert.Len(t, c.commands("80CA9F3600"), 3, "repeat 3")
	assert.Equal(t, []string{"80DA9F36020005", "80DA00009000", "80DA00013B021450"}, c.commands("80DA"))
}

func TestScriptErrors(t *testing.T) {
	s := suiteOf(t, "vars:\n  x: \"G1\"\n"+oneCase("E-1", "", "      - apdu: \"80CA${x}00\"\n"))
	rc := runOn(t, s, newScriptedCard(), Options{}).Cases[0]
	assert.Equal(t, report.Error, rc.Verdict)
	assert.Contains(t, rc.Message, "is not hex once its variables are substituted")

	s = suiteOf(t, oneCase("E-2", "", "      - read_records:\n"))
	rc = runOn(t, s, newScriptedCard(), Options{}).Cases[0]
	assert.Equal(t, report.Error, rc.Verdict)
	assert.Contains(t, rc.Message, "no AFL in this case yet (run gpo first)")

	s = suiteOf(t, oneCase("E-3", "", "      - get_data: 9F13\n"))
	rc = runOn(t, s, newScriptedCard(), Options{}).Cases[0]
	assert.Equal(t, report.Fail, rc.Verdict)
	assert.Equal(t, "GET DATA answered 6D00 (instruction code not supported or invalid), expected 9000", rc.Message)
}

func TestSelectionAndDestructive(t *testing.T) {
	get := "      - get_data: 9F36\n"
	s := suiteOf(t, "cases:\n"+
		caseText("D-1", "    destructive: true\n", get)+
		caseText("A-1", "    tags: [alpha]\n", get)+
		caseText("B-1", "    tags: [beta]\n", get))
	r := runOn(t, s, newScriptedCard(), Options{})
	require.Len(t, r.Cases, 3)
	assert.Equal(t, []string{"A-1", "B-1", "D-1"}, ids(r), "destructive cases run last")
	assert.Equal(t, report.Skipped, r.Cases[2].Verdict)
	assert.Contains(t, r.Cases[2].Message, "--destructive")

	r = runOn(t, s, newScriptedCard(), Options{Destructive: true})
	assert.Equal(t, report.Pass, caseByID(t, r, "D-1").Verdict)

	assert.Equal(t, []string{"B-1"}, ids(runOn(t, s, newScriptedCard(), Options{Tags: []string{"beta"}})))
	assert.Equal(t, []string{"A-1", "D-1"}, ids(runOn(t, s, newScriptedCard(), Options{Cases: []string{"D-1", "A-1"}})))
	_, err := New(s, Options{Cases: []string{"NOPE"}})
	assert.ErrorIs(t, err, ErrNoCases)
	_, err = New(s, Options{Tags: []string{"gamma"}})
	assert.ErrorIs(t, err, ErrNoCases)
}

func ids(r *report.Run) []string {
	var out []string
	for _, c := range r.Cases {
		out = append(out, c.ID)
	}
	return out
}

func TestColdResetBetweenCases(t *testing.T) {
	get := "      - get_data: 9F36\n"
	c := newScriptedCard()
	runOn(t, suiteOf(t, "cases:\n"+caseText("A", "", get)+caseText("B", "", get)), c, Options{})
	assert.Equal(t, 4, c.powerOn, "power on at connect, discovery, and one per case")
}

// stallingTransport blocks on commands starting with stall until ctx ends.
type stallingTransport struct {
	card.Transport
	stall string
}

func (s *stallingTransport) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if strings.HasPrefix(strings.ToUpper(string(hexOf(cmd))), s.stall) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Transport.Transmit(ctx, cmd)
}

func hexOf(b []byte) []byte { return []byte(hexUpper(b)) }

func TestTimeouts(t *testing.T) {
	s := suiteOf(t, "cases:\n"+caseText("T-STEP", "", "      - apdu: \"80EE000000\"\n")+
		caseText("T-CASE", "", "      - repeat: 50\n        steps:\n          - apdu: \"80EF000000\"\n")+
		caseText("T-OK", "", "      - get_data: 9F36\n"))
	c := newScriptedCard()
	c.handle = func(cmd string) ([]byte, bool) {
		if strings.HasPrefix(cmd, "80EF") {
			time.Sleep(5 * time.Millisecond)
			return h("9000"), true
		}
		return nil, false
	}
	r, err := New(s, Options{Profile: Profile{AID: testAID}, StepTimeout: 50 * time.Millisecond, CaseTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	tr := &stallingTransport{Transport: card.NewInProcess(c), stall: "80EE"}
	rep := r.Run(context.Background(), "r", tr)
	step := caseByID(t, rep, "T-STEP")
	assert.Equal(t, report.Error, step.Verdict)
	assert.Contains(t, step.Message, "timed out after 50ms")
	whole := caseByID(t, rep, "T-CASE")
	assert.Equal(t, report.Error, whole.Verdict)
	assert.Contains(t, whole.Message, "the case timed out after 100ms")
	assert.Equal(t, report.Pass, caseByID(t, rep, "T-OK").Verdict, "the run goes on")
}

// removingTransport fails with card.ErrCardRemoved once the card has
// answered `after` commands: the card left the reader.
type removingTransport struct {
	card.Transport
	after atomic.Int32
}

func (r *removingTransport) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	if r.after.Add(-1) < 0 {
		return nil, errRemoved()
	}
	return r.Transport.Transmit(ctx, cmd)
}

func (r *removingTransport) Reset(ctx context.Context, cold bool) error {
	if r.after.Load() < 0 {
		return errRemoved()
	}
	return r.Transport.Reset(ctx, cold)
}

func errRemoved() error {
	return errors.Join(errors.New("pcsc: SCARD_W_REMOVED_CARD"), card.ErrCardRemoved)
}

func TestCardRemoved(t *testing.T) {
	get := "      - get_data: 9F36\n      - get_data: 9F36\n"
	s := suiteOf(t, "cases:\n"+caseText("R-1", "", get)+caseText("R-2", "", get)+caseText("R-3", "", get))
	for _, stop := range []bool{false, true} {
		r, err := New(s, Options{Profile: Profile{AID: testAID}, StopOnRemoval: stop})
		require.NoError(t, err)
		tr := &removingTransport{Transport: card.NewInProcess(newScriptedCard())}
		tr.after.Store(4 + 3) // discovery: SELECT, GPO, 2 records; R-1: 2 GET DATA; R-2: 1
		rep := r.Run(context.Background(), "r", tr)
		assert.Equal(t, report.Pass, rep.Cases[0].Verdict)
		assert.Equal(t, report.Error, rep.Cases[1].Verdict)
		assert.Contains(t, rep.Cases[1].Message, "the card was removed during the step at line")
		if stop {
			assert.Equal(t, report.Skipped, rep.Cases[2].Verdict)
			assert.Contains(t, rep.Cases[2].Message, "the run stopped: the card was removed during R-2")
			assert.NotEmpty(t, rep.Stopped)
		} else {
			assert.Equal(t, report.Error, rep.Cases[2].Verdict, "the run goes on; the reset fails")
			assert.Contains(t, rep.Cases[2].Message, "removed")
		}
	}
}

func TestRunAllAndProgress(t *testing.T) {
	s := suiteOf(t, "cases:\n"+caseText("P-1", "", "      - get_data: 9F36\n")+caseText("P-2", "", "      - get_data: 9F13\n")+
		caseText("P-3", "", "      - for_each: afl_record\n        steps:\n          - read_record: {sfi: 1, record: 1}\n")+
		caseText("P-4", "", "      - get_data: 9F36\n"))
	var out bytes.Buffer
	r, err := New(s, Options{Profile: Profile{AID: testAID}, Progress: NewProgress(&out), Tool: "cardcert", Version: "t"})
	require.NoError(t, err)
	cards := []*scriptedCard{newScriptedCard(), newScriptedCard()}
	targets := []Target{{Name: "reader A", Transport: card.NewInProcess(cards[0])}, {Name: "reader B", Transport: card.NewInProcess(cards[1])}}
	reps := r.RunAll(context.Background(), targets)
	require.Len(t, reps, 2)
	for i, rep := range reps {
		assert.Equal(t, targets[i].Name, rep.Reader)
		assert.Equal(t, report.Pass, rep.Cases[0].Verdict)
		assert.Equal(t, report.Fail, rep.Cases[1].Verdict)
		assert.Equal(t, "A0000003330101", rep.Card.AID)
		assert.Equal(t, "TEST", rep.Card.Label)
		assert.Equal(t, "622848******0018", rep.Card.PAN)
		assert.Len(t, rep.Suite.Checksum, 64)
		assert.False(t, rep.Conforms())
		assert.Len(t, cards[i].commands("80CA9F1300"), 1, "each card gets its own run")
	}
	p := out.String()
	assert.Contains(t, p, "reader A: [1/4] P-1 (passed 0, failed 0, errors 0, time left unknown)")
	assert.Contains(t, p, "reader B: [2/4] P-2 (passed 1, failed 0, errors 0, time left about")
	assert.Contains(t, p, "reader A: P-2 fail: GET DATA answered 6D00")
	assert.Contains(t, p, "reader A: P-3 error:")
	assert.Contains(t, p, "reader B: [4/4] P-4 (passed 1, failed 1, errors 1, time left about", "an error is not counted as a failure")
	assert.Contains(t, p, "reader B: done in")
}

// TestT0 runs a raw apdu on a T=0 card: the runner's Sender answers 61xx
// with GET RESPONSE, so the step sees the FCI and 9000.
func TestT0(t *testing.T) {
	c := testcard.New(true)
	s := suiteOf(t, oneCase("T0-1", "", `      - apdu: "00A4040007F048554C49414E00"
        assert:
          - equals: {path: 6F/84, value: "F048554C49414E"}
`))
	r, err := New(s, Options{Profile: Profile{AID: "F048554C49414E"}})
	require.NoError(t, err)
	tr := card.NewInProcess(c)
	defer func() { _ = tr.Close() }()
	rc := r.Run(context.Background(), "t0", tr).Cases[0]
	require.Equal(t, report.Pass, rc.Verdict, rc.Message)
	last := rc.Steps[len(rc.Steps)-1]
	require.Len(t, last.Exchanges, 1, "one exchange as the script wrote it")
	assert.Equal(t, "9000", last.Exchanges[0].SW)
}
