package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleLoads(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "testdata", "switchd.yaml"))
	require.NoError(t, err)

	assert.Equal(t, "99990000", c.Switch.ID)
	assert.Equal(t, "127.0.0.1:9180", c.Admin.Address)
	require.Len(t, c.Listeners, 2)
	a := c.Listener("hl87a-in")
	require.NotNil(t, a)
	assert.Equal(t, Listener{Name: "hl87a-in", Address: "127.0.0.1:5800", Dialect: "hl87a", Framing: "ascii4", Header: true,
		SignOnWait: Duration(DefaultSignOnWait), MaxUnsigned: DefaultMaxUnsigned, MaxUnsignedPerAddress: DefaultMaxUnsignedPerAddress}, *a)
	assert.Equal(t, Duration(DefaultWriteTimeout), c.Switch.WriteTimeout)
	assert.Equal(t, DefaultMaxPending, c.Switch.MaxPending)
	assert.Equal(t, "binary2", c.Listener("hl87b-in").Framing)

	acq := c.Institution("48020000")
	require.NotNil(t, acq)
	assert.Equal(t, "Demo Acquirer Bank", acq.Name)
	assert.Equal(t, []string{"127.0.0.1"}, acq.Inbound.Allow)

	bankA := c.Institution("01020000")
	require.NotNil(t, bankA)
	assert.Equal(t, []string{"127.0.0.1:6100", "127.0.0.1:6101"}, bankA.Outbound.Addresses)
	assert.Equal(t, StrategyPrimarySecondary, bankA.Outbound.Strategy)
	assert.Equal(t, StrategyLeastInFlight, c.Institution("03080000").Outbound.Strategy)
	assert.Equal(t, "binary2", c.Institution("09990000").Framing)

	require.Len(t, c.Routes, 3)
	assert.Equal(t, []string{"622848", "62220288"}, c.Routes[1].BINs)
	wallet := c.Routes[2]
	assert.Equal(t, []string{"09990000"}, wallet.Receiving)
	assert.Equal(t, []string{"0200"}, wallet.MTIs)
	assert.Equal(t, []string{"00", "40"}, wallet.ProcessingCodes)
	assert.Equal(t, 10*time.Second, wallet.Timeout.D())
	assert.Nil(t, c.Institution("12345"))
	assert.Nil(t, c.Listener("nope"))
}

func TestDefaultsApplied(t *testing.T) {
	c, err := Parse([]byte(baseYAML), specDir(t), "switchd.yaml")
	require.NoError(t, err)

	assert.Equal(t, 8192, c.Switch.MaxFrame)
	assert.Equal(t, 15*time.Second, c.Switch.ShutdownGrace.D())
	assert.Equal(t, "ascii4", c.Listeners[0].Framing)
	assert.Equal(t, "binary2", c.Listeners[1].Framing)

	acq := c.Institutions[0]
	assert.Equal(t, "ascii4", acq.Framing)
	assert.Equal(t, []string{"48020000"}, acq.AcquirerIDs)
	assert.Equal(t, 1024, acq.MaxInFlight)
	assert.Equal(t, 10*time.Second, acq.Timeout.D())

	out := c.Institutions[1].Outbound
	require.NotNil(t, out)
	assert.Equal(t, Outbound{
		Addresses:     []string{"127.0.0.1:6100", "127.0.0.1:6101"},
		Connections:   2,
		Strategy:      "primary-secondary",
		EchoInterval:  Duration(30 * time.Second),
		EchoFailures:  3,
		EchoTimeout:   Duration(5 * time.Second),
		SignOnTimeout: Duration(5 * time.Second),
		ReconnectMin:  Duration(200 * time.Millisecond),
		ReconnectMax:  Duration(10 * time.Second),
	}, *out)
	assert.Equal(t, "binary2", c.Institutions[2].Framing)

	assert.Equal(t, []string{"0100", "0200", "0120", "0220", "0400", "0420"}, c.Routes[0].MTIs)
	assert.Equal(t, 10*time.Second, c.Routes[0].Timeout.D(), "issuer default timeout")
	assert.Equal(t, 7*time.Second, c.Routes[1].Timeout.D(), "issuer's configured timeout")
	assert.Equal(t, []string{"0200"}, c.Routes[1].MTIs, "explicit list kept")
}

func TestSpecFileResolvedAgainstConfigDir(t *testing.T) {
	dir := specDir(t)
	path := filepath.Join(dir, "switchd.yaml")
	require.NoError(t, os.WriteFile(path, []byte(baseYAML), 0o600))
	c, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "custom.json"), c.Dialects[0].SpecFile)

	abs := edit(t, baseYAML, "spec_file: custom.json", "spec_file: "+filepath.Join(dir, "custom.json"))
	c, err = Parse([]byte(abs), "/nonexistent", "x.yaml")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "custom.json"), c.Dialects[0].SpecFile)
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	require.Error(t, err)
	assert.True(t, errors.Is(err, os.ErrNotExist))
}

func TestUnquotedIDsKeepTheirDigits(t *testing.T) {
	doc := edit(t, baseYAML, `id: "01020000"`, `id: 01020000`)
	c, err := Parse([]byte(doc), specDir(t), "switchd.yaml")
	require.NoError(t, err)
	assert.Equal(t, "01020000", c.Institutions[1].ID)
}

func TestUnknownKeyRejectedWithLine(t *testing.T) {
	doc := edit(t, baseYAML, "      addresses: [127.0.0.1:6100, 127.0.0.1:6101]\n",
		"      addresses: [127.0.0.1:6100, 127.0.0.1:6101]\n      echo_intreval: 5s\n")
	errs := parseErrs(t, doc)
	require.Len(t, errs, 1)
	line := lineContaining(t, doc, "echo_intreval")
	assert.Equal(t, &Error{File: "switchd.yaml", Line: line, Key: "institutions[1].outbound.echo_intreval", Problem: "unknown key"}, errs[0])
	assert.Equal(t, "switchd.yaml:"+itoa(line)+": institutions[1].outbound.echo_intreval: unknown key", errs[0].Error())

	top := parseErrs(t, baseYAML+"extra: 1\n")
	require.Len(t, top, 1)
	assert.Equal(t, "extra", top[0].Key)
	assert.Equal(t, lineContaining(t, baseYAML+"extra: 1\n", "extra:"), top[0].Line)
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		old     string
		new     string
		key     string
		problem string
		lineOf  string
	}{
		{"bad duration", "timeout: 7s", "timeout: 7 seconds", "institutions[2].timeout", `"7 seconds" is not a duration`, "7 seconds"},
		{"duration not scalar", "timeout: 7s", "timeout: [7s]", "institutions[2].timeout", "duration must be a string", "[7s]"},
		{"int not int", `id: "99990000"`, "id: \"99990000\"\n  max_frame: big", "switch.max_frame", "cannot unmarshal", "big"},
		{"list not list", `bins: ["622202"]`, `bins: {a: 1}`, "routes[0].bins", "cannot unmarshal", "bins: {a: 1}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := edit(t, baseYAML, tt.old, tt.new)
			errs := parseErrs(t, doc)
			e := findKey(errs, tt.key)
			require.NotNil(t, e, "errors: %v", errs)
			assert.Contains(t, e.Problem, tt.problem)
			assert.Equal(t, lineContaining(t, doc, tt.lineOf), e.Line)
			assert.Equal(t, "switchd.yaml", e.File)
		})
	}
}

func TestDecodeErrorNotReportedTwice(t *testing.T) {
	// The bad int leaves max_frame at its default; a duration error leaves
	// the value zero, then defaulted: only the decode error is reported.
	doc := edit(t, baseYAML, "timeout: 7s", "timeout: soon")
	errs := parseErrs(t, doc)
	assert.Len(t, errs, 1, "%v", errs)
}

func TestDocumentErrors(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		problem string
		line    int
	}{
		{"syntax", "switch:\n  id: \"1\n", "found unexpected end of stream", 2},
		{"tab indentation", "switch:\n\tid: 1\n", "found character that cannot start any token", 2},
		{"two documents", baseYAML + "---\nswitch: {}\n", "only one YAML document is allowed", 0},
		{"top level list", "- a\n- b\n", "the top level must be a mapping of keys", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := parseErrs(t, tt.doc)
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Problem, tt.problem)
			if tt.line > 0 {
				assert.Equal(t, tt.line, errs[0].Line)
			}
		})
	}
}

func TestEmptyFileReportsRequiredKeys(t *testing.T) {
	errs := parseErrs(t, "")
	assert.Equal(t, []string{"switch.id"}, errs.Keys())
	assert.Equal(t, "switchd.yaml: switch.id: required", errs.Error())
}

func TestFileTooLarge(t *testing.T) {
	_, err := Parse(make([]byte, MaxFileSize+1), "", "big.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "big.yaml: file larger than")
}

func FuzzParse(f *testing.F) {
	example, err := os.ReadFile(filepath.Join("..", "..", "testdata", "switchd.yaml"))
	require.NoError(f, err)
	f.Add(example)
	f.Add([]byte(baseYAML))
	f.Add([]byte(""))
	f.Add([]byte("switch: {id: \"1\"}\nroutes: [{name: a, issuer: '1', bins: ['6']}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("institutions:\n  - id: 1\n    outbound: {addresses: ['[::1]:1']}\n"))
	dir := specDir(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, dir, "fuzz.yaml")
		if err != nil {
			require.Nil(t, c)
			var errs Errors
			require.True(t, errors.As(err, &errs), "error type %T", err)
			require.NotEmpty(t, errs)
			for _, e := range errs {
				require.NotEmpty(t, e.Problem)
				require.GreaterOrEqual(t, e.Line, 0)
			}
			return
		}
		require.NotNil(t, c)
		require.NoError(t, c.Validate(), "a parsed config validates again")
	})
}
