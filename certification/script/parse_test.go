package script

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/emv/tlv"

	"github.com/hulian/hulian/card/apdu"
)

const good = `suite: example
vars:
  limit: "000000010000"
cases:
  - id: PBOC-SEL-001
    clause: "JR/T 0025.5-2013 11.3"
    title: The FCI holds 84 then A5 and 84 equals the selected AID
    category: selection
    severity: fail
    tags: [selection, fci]
    steps:
      - select: ${aid}
        assert:
          - present: 6F/84
          - order: {path: 6F, tags: [84, A5]}
          - equals: {path: 6F/84, value: "${aid}"}
          - no_duplicates:
  - id: PBOC-GAC-003
    clause: "JR/T 0045.1-2014 6.10"
    title: The ATC goes up by one with each GENERATE AC
    severity: warn
    destructive: false
    when:
      - aip: dda
    steps:
      - power_on: cold
      - select: {aid: "${aid}"}
      - gpo: {terminal: {9F02: "${limit}"}}
      - for_each: afl_record
        steps:
          - read_record: {sfi: "${sfi}", record: "${record}"}
            expect: 9000|6A83
      - get_data: 9F36
        capture: {atc: 9F36}
      - generate_ac: arqc
        expect: "9000"
        assert:
          - atc_incremented: {from: "${atc}"}
          - cid: arqc
          - length: {path: 9F10, min: 8, max: 32}
      - apdu: "80CA9F3600"
        expect: 9000|61XX
`

func TestParseGood(t *testing.T) {
	f, err := Parse("good.yaml", []byte(good))
	require.NoError(t, err)
	assert.Equal(t, "example", f.Suite)
	require.Len(t, f.Cases, 2)
	c := f.Cases[0]
	assert.Equal(t, "PBOC-SEL-001", c.ID)
	assert.Equal(t, SeverityFail, c.Severity)
	assert.Equal(t, []string{"selection", "fci"}, c.Tags)
	require.Len(t, c.Steps, 1)
	s := c.Steps[0]
	assert.Equal(t, ActSelect, s.Action.Kind)
	assert.Equal(t, "${aid}", s.Action.Args["aid"])
	assert.True(t, s.Expect.Match(0x9000), "9000 by default")
	require.Len(t, s.Assert, 4)
	assert.Equal(t, []tlv.Tag{0x6F, 0x84}, s.Assert[0].Path.Tags)
	assert.Equal(t, []string{"84", "A5"}, s.Assert[1].List)
	assert.Equal(t, "6F", s.Assert[1].Path.String())

	g := f.Cases[1]
	assert.Equal(t, SeverityWarn, g.Severity)
	require.Len(t, g.When, 1)
	assert.Equal(t, Condition{Line: 24, Kind: "aip", Value: "dda"}, g.When[0])
	loop := g.Steps[3]
	assert.Equal(t, "afl_record", loop.ForEach)
	require.Len(t, loop.Steps, 1)
	assert.True(t, loop.Steps[0].Expect.Match(0x6A83))
	assert.Equal(t, "${limit}", g.Steps[2].Action.Args["terminal.9F02"])
	assert.Equal(t, []Capture{{Line: 34, Var: "atc", Path: Path{Scope: "resp", Tags: []tlv.Tag{0x9F36}}}}, g.Steps[4].Capture)
	assert.Equal(t, "arqc", g.Steps[5].Action.Args["type"])
	assert.True(t, g.Steps[6].Expect.Match(0x6110))
}

// TestParseProblems: each broken script reports file:line: and says what is wrong.
func TestParseProblems(t *testing.T) {
	head := "cases:\n  - id: X-1\n    clause: c\n    title: t\n    steps:\n"
	tests := []struct{ name, text, want string }{
		{"not yaml", "cases: [", "x.yaml:1: not valid YAML"},
		{"unknown top key", "suit: x\ncases: []\n", "x.yaml:1: unknown key \"suit\""},
		{"no cases", "suite: x\n", "x.yaml:1: cases: required"},
		{"missing clause", "cases:\n  - id: X-1\n    title: t\n    steps: [{read_pse: }]\n", "x.yaml:2: case X-1: clause required"},
		{"bad severity", "cases:\n  - id: X-1\n    clause: c\n    title: t\n    severity: fatal\n    steps: [{read_pse: }]\n", "x.yaml:5: severity: \"fatal\" is not fail, warn or info"},
		{"unknown action", head + "      - selekt: A000000333\n", "x.yaml:6: unknown key \"selekt\" in a step"},
		{"two actions", head + "      - read_pse:\n        read_ppse:\n", "x.yaml:7: a step has one action: read_pse and read_ppse"},
		{"no action", head + "      - expect: 9000\n", "x.yaml:6: a step needs an action"},
		{"bad hex", head + "      - apdu: 00A4G4\n", "x.yaml:6: apdu.command: \"00A4G4\" is not hex"},
		{"bad sw", head + "      - read_pse:\n        expect: 90000\n", "x.yaml:7: expect: status word \"90000\" is not four hex digits"},
		{"undefined var", head + "      - select: ${atc}\n", "x.yaml:6: select.aid: variable ${atc} is used before it is captured or defined"},
		{"captured too late", head + "      - apdu: 80CA9F36${atc}\n      - get_data: 9F36\n        capture: {atc: 9F36}\n", "variable ${atc} is used before"},
		{"unknown assertion", head + "      - read_pse:\n        assert:\n          - exists: 88\n", "x.yaml:8: assert: unknown assertion \"exists\""},
		{"bad path", head + "      - read_pse:\n        assert:\n          - present: 6F/ZZ\n", "x.yaml:8: present.path: \"ZZ\" is not a tag in hex"},
		{"missing param", head + "      - read_record: {sfi: 1}\n", "x.yaml:6: read_record: record required"},
		{"enum", head + "      - generate_ac: offline\n", "x.yaml:6: generate_ac.type: \"offline\" is not one of aac, tc, arqc"},
		{"select needs one", head + "      - select: {next: true}\n", "x.yaml:6: select: give exactly one of aid, name"},
		{"loop with action", head + "      - for_each: afl_record\n        read_pse:\n        steps: [{read_pse: }]\n", "x.yaml:6: a loop step (for_each, repeat) has no action"},
		{"bad regex", head + "      - read_pse:\n        assert:\n          - matches: {path: 50, regex: \"(\"}\n", "x.yaml:8: matches.regex:"},
		{"alias", "x: &a {id: 1}\ncases:\n  - *a\n", "aliases are not allowed"},
		{"duplicate key", head + "      - read_pse:\n        expect: 9000\n        expect: 6A82\n", "x.yaml:8: key \"expect\" given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.text))
			var ps Problems
			require.True(t, errors.As(err, &ps), "want Problems, got %v", err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSWPattern(t *testing.T) {
	p, err := ParseSWPattern("9000|6283|61xx")
	require.NoError(t, err)
	for sw, want := range map[apdu.SW]bool{0x9000: true, 0x6283: true, 0x6100: true, 0x61FF: true, 0x6282: false, 0x6A82: false} {
		assert.Equal(t, want, p.Match(sw), "%04X", sw)
	}
	assert.Equal(t, "9000|6283|61XX", p.String())
	for _, bad := range []string{"", "900", "9000|", "90G0", strings.Repeat("9000|", 40) + "9000"} {
		_, err := ParseSWPattern(bad)
		assert.Error(t, err, bad)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"aid": "A000000333010101", "p1": "04"}
	get := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	out, err := Expand("00A4${p1}00 08 ${aid}", get)
	require.NoError(t, err)
	assert.Equal(t, "00A40400 08 A000000333010101", out)
	_, err = Expand("${nope}", get)
	assert.ErrorContains(t, err, "${nope} is not defined")
	_, err = Expand("${aid", get)
	assert.ErrorContains(t, err, "unterminated")
	_, err = Expand("${9x}", get)
	assert.ErrorContains(t, err, "bad variable name")
}

func TestLoadFindsDuplicateIDsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	one := "cases:\n  - id: A-1\n    clause: c\n    title: t\n    steps: [{read_pse: }]\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(one), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("# again\n"+one), 0o644))
	s, err := Load(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "b.yaml")+":3: case id A-1 is already used at "+filepath.Join(dir, "a.yaml")+":2")
	require.NotNil(t, s)
	assert.Len(t, s.Cases(), 2)

	_, err = Load(t.TempDir())
	assert.ErrorContains(t, err, "no script files")
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("cases:\n  - id: X\n    steps: [{apdu: ${x}}]\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err == nil && file == nil {
			t.Fatal("no file and no error")
		}
		var ps Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error is not Problems: %v", err)
		}
	})
}
