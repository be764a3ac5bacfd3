package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/testcard"
	"github.com/hulian/hulian/simulators/simcard"
)

const (
	posAccounts = "../../testdata/issuer/accounts.yaml"
	posCAPK     = "../../testdata/emv/capk-test.txt"
	posRSA      = "../../testdata/cards/pboc-rsa.yaml"
	posSM       = "../../testdata/cards/pboc-sm.yaml"
)

// posRun runs paysim pos and returns its exit code and output.
func posRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, append([]string{"pos", "--capk", posCAPK}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestPOSSimulatedCard: one purchase with the SM card in process against
// the issuer simulator on the accounts file: approved online, the EC load
// script run, the receipt printed with the PAN masked.
func TestPOSSimulatedCard(t *testing.T) {
	iss := background(t, "issuer", "--listen", "127.0.0.1:0", "--id", "03080000", "--accounts", posAccounts)
	code, out, errOut := posRun(t, "--switch", iss, "--id", "48020000", "--dialect", "hl87a",
		"--sim", posSM, "--amount", "12.34", "--pin", "123456")
	require.Equal(t, 0, code, "stderr: %s\n%s", errOut, out)
	assert.Contains(t, out, "APPROVED (online approved, TC)")
	assert.Contains(t, out, "622848*********0026")
	assert.NotContains(t, out, "6228480000000000026")
	assert.Contains(t, out, "12.34 (156)")
	assert.Contains(t, out, "EC balance:    500.00")
	assert.Contains(t, out, "performed")
}

// TestPOSDeclinedAndAuth: an 0100 for more than the balance is declined
// 51; the exit status is 1 and the receipt says why.
func TestPOSDeclinedAndAuth(t *testing.T) {
	iss := background(t, "issuer", "--listen", "127.0.0.1:0", "--id", "03080000", "--accounts", posAccounts)
	code, out, _ := posRun(t, "--switch", iss, "--sim", posRSA, "--amount", "20000.01", "--pin", "123456", "--auth")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "DECLINED")
	assert.Contains(t, out, "0100")
	assert.Contains(t, out, "response:      51")
}

// TestPOSOnlinePIN: --online-pin keeps the PIN pad from the card; the PIN
// goes enciphered under the acquirer's ZPK and the issuer checks it.
func TestPOSOnlinePIN(t *testing.T) {
	keys := loadPINStore(t)
	iss := background(t, append([]string{"issuer", "--listen", "127.0.0.1:0", "--id", "03080000",
		"--accounts", posAccounts, "--pin-key", "acq/zpk"}, keys...)...)
	// Two acquirer ids: each run starts its STANs at 000001, and the
	// issuer takes a request with the same 11, 7 and 32 for a duplicate.
	for _, tc := range []struct {
		id, pin string
		code    int
		resp    string
	}{{"48020000", "123456", 0, "00"}, {"48020001", "654321", 1, "55"}} {
		code, out, errOut := posRun(t, append([]string{"--switch", iss, "--id", tc.id, "--sim", posRSA, "--amount", "8.00",
			"--pin", tc.pin, "--online-pin", "--pin-key", "acq/zpk"}, keys...)...)
		assert.Equal(t, tc.code, code, "stderr: %s\n%s", errOut, out)
		assert.Contains(t, out, "online PIN")
		assert.Contains(t, out, "response:      "+tc.resp)
	}
}

// TestPOSReader: the same through the real PC/SC stack (skipped without
// pcscd, failed with CI=true).
func TestPOSReader(t *testing.T) {
	reader := pcsctest.Slot(t)
	p, err := simcard.LoadProfile(posSM)
	require.NoError(t, err)
	c, err := simcard.New(p, simcard.Options{})
	require.NoError(t, err)
	reader.Insert(t, c)
	iss := background(t, "issuer", "--listen", "127.0.0.1:0", "--id", "03080000", "--accounts", posAccounts)
	code, out, errOut := posRun(t, "--switch", iss, "--reader", reader.Name, "--amount", "1.00", "--pin", "123456")
	require.Equal(t, 0, code, "stderr: %s\n%s", errOut, out)
	assert.Contains(t, out, "APPROVED (online approved, TC)")
	assert.Equal(t, int64(50000), c.State().Apps["A000000333010101"].ECBalance, "the EC load reached the card")
}

func TestPOSFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--amount", "1.00"},
		{"--sim", posRSA, "--reader", "x", "--amount", "1.00"},
		{"--sim", posRSA},
		{"--sim", posRSA, "--amount", "1.234"},
		{"--sim", posRSA, "--amount", "-1"},
		{"--sim", posRSA, "--amount", "0"},
		{"--sim", posRSA, "--amount", "1.00", "--online-pin"},
		{"--sim", posRSA, "--amount", "1.00", "--pin-key", "acq/zpk"},
		{"--reader", "x", "--state", "s.json", "--amount", "1.00"},
	} {
		code, _, _ := posRun(t, args...)
		assert.Equal(t, 2, code, "%q", args)
	}
}

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{"12.34": 1234, "5": 500, "0.5": 50, "0.01": 1, "1000000.00": 100000000} {
		got, err := parseAmount(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", ".5", "1.", "1.234", "1,00", "abc", "-1", "0", "0.00", "12345678901"} {
		_, err := parseAmount(in)
		assert.Error(t, err, in)
	}
}

func TestProfilePath(t *testing.T) {
	assert.Equal(t, filepath.Join("testdata", "cards", "pboc-sm.yaml"), profilePath("pboc-sm"))
	assert.Equal(t, posRSA, profilePath(posRSA))
}

// TestPOSMuteCard: a card that stops answering at GENERATE AC, through
// pcscd + vpcd, ends the purchase after --timeout with a clear error
// instead of hanging the terminal.
func TestPOSMuteCard(t *testing.T) {
	reader := pcsctest.Slot(t)
	p, err := simcard.LoadProfile(posSM)
	require.NoError(t, err)
	c, err := simcard.New(p, simcard.Options{})
	require.NoError(t, err)
	m := testcard.NewMute(c, func(cmd []byte) bool { return len(cmd) > 1 && cmd[1] == 0xAE })
	reader.Insert(t, m)
	t.Cleanup(m.Release)
	iss := background(t, "issuer", "--listen", "127.0.0.1:0", "--id", "03080000", "--accounts", posAccounts)
	start := time.Now()
	code, out, errOut := posRun(t, "--switch", iss, "--reader", reader.Name, "--amount", "1.00", "--pin", "123456", "--timeout", "1s")
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.NotEqual(t, 0, code, "stdout %s", out)
	assert.Contains(t, errOut+out, "card not answering")
	assert.Contains(t, out, "NOT COMPLETED (none, no cryptogram)", "no GENERATE AC was answered")
	select {
	case <-m.Hung():
	default:
		t.Fatal("the card never went mute")
	}
}
