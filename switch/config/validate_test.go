package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBaseIsValid(t *testing.T) {
	_, err := Parse([]byte(baseYAML), specDir(t), "switchd.yaml")
	require.NoError(t, err)
}

// TestValidationErrors derives one invalid configuration per rule from
// baseYAML and checks that the problem is reported under the right key, on
// the right line, with a message that says what is wrong.
func TestValidationErrors(t *testing.T) {
	const (
		acq   = "    name: Acquirer\n"
		bankA = "    name: Bank A\n"
		bankB = "    name: Bank B\n"
	)
	tests := []struct {
		name    string
		old     string
		new     string
		key     string
		problem string
		line    string // text on the expected line; "" = the key's own line
	}{
		// switch
		{"switch id missing", `  id: "99990000"` + "\n", "  max_frame: 8192\n", "switch.id", "required", "switch:"},
		{"switch id not digits", `id: "99990000"`, `id: "9999x"`, "switch.id", `"9999x" is not 1..11 digits`, ""},
		{"switch id too long", `id: "99990000"`, `id: "123456789012"`, "switch.id", "is not 1..11 digits", ""},
		{"max_frame small", `id: "99990000"`, "id: \"99990000\"\n  max_frame: 63", "switch.max_frame", "63 is not in 64..65535", ""},
		{"max_frame large", `id: "99990000"`, "id: \"99990000\"\n  max_frame: 65536", "switch.max_frame", "65536 is not in 64..65535", ""},
		{"shutdown_grace negative", `id: "99990000"`, "id: \"99990000\"\n  shutdown_grace: -1s", "switch.shutdown_grace", "negative", ""},
		{"write_timeout negative", `id: "99990000"`, "id: \"99990000\"\n  write_timeout: -1s", "switch.write_timeout", "negative", ""},
		{"max_pending small", `id: "99990000"`, "id: \"99990000\"\n  max_pending: 100", "switch.max_pending", "100 is not in 4096..1073741824", ""},
		{"max_unsigned negative", "    address: 127.0.0.1:5800\n", "    address: 127.0.0.1:5800\n    max_unsigned: -1\n", "listeners[0].max_unsigned", "negative", ""},
		{"sign_on_wait negative", "    address: 127.0.0.1:5800\n", "    address: 127.0.0.1:5800\n    sign_on_wait: -2s\n", "listeners[0].sign_on_wait", "negative", ""},
		// admin
		{"admin address", "address: 127.0.0.1:9180", "address: abc", "admin.address", `"abc" is not host:port`, ""},
		{"admin address port", "address: 127.0.0.1:9180", "address: 127.0.0.1:http", "admin.address", "port must be 0..65535", ""},
		{"admin address clashes", "address: 127.0.0.1:9180", "address: 127.0.0.1:5800", "listeners[0].address", "already used by admin.address", "listeners:>>address:"},
		// listeners
		{"listener name missing", "  - name: b-in\n", "  - framing: binary2\n", "listeners[1].name", "required", "framing: binary2"},
		{"listener name duplicate", "  - name: b-in\n", "  - name: a-in\n", "listeners[1].name", `"a-in" is already used by listeners[0]`, "a-in>>- name: a-in"},
		{"listener address missing", "    address: 127.0.0.1:5801\n", "", "listeners[1].address", "required", "name: b-in"},
		{"listener address no port", "address: 127.0.0.1:5801", "address: localhost", "listeners[1].address", `"localhost" is not host:port`, ""},
		{"listener address bad port", "address: 127.0.0.1:5801", "address: 127.0.0.1:70000", "listeners[1].address", "port must be 0..65535", ""},
		{"listener address bad host", "address: 127.0.0.1:5801", "address: bad_host:1", "listeners[1].address", "bad host", ""},
		{"listener address v6 without brackets", "address: 127.0.0.1:5801", `address: "::1:5801"`, "listeners[1].address", "is not host:port", ""},
		{"listener address duplicate", "address: 127.0.0.1:5801", "address: 127.0.0.1:5800", "listeners[1].address", "already used by listeners[0].address", "b-in>>address:"},
		{"listener dialect missing", "5801\n    dialect: hl87b\n", "5801\n", "listeners[1].dialect", "required", "name: b-in"},
		{"listener dialect unknown", "5801\n    dialect: hl87b\n", "5801\n    dialect: hl93\n", "listeners[1].dialect", `unknown dialect "hl93"`, ""},
		{"listener framing", "5801\n    dialect: hl87b\n", "5801\n    dialect: hl87b\n    framing: ascii2\n", "listeners[1].framing", `"ascii2" is not one of ascii4, binary2`, ""},
		// dialects
		{"dialect name missing", "  - name: custom\n    spec", "  - spec", "dialects[0].name", "required", "dialects:>>- spec_file"},
		{"dialect name builtin", "  - name: custom\n", "  - name: hl87a\n", "dialects[0].name", "builtin dialect", ""},
		{"dialect name duplicate", "    spec_file: custom.json\n", "    spec_file: custom.json\n  - name: custom\n    spec_file: custom.json\n", "dialects[1].name", `"custom" is already used by dialects[0]`, ""},
		{"dialect spec file missing", "spec_file: custom.json", "spec_file: nope.json", "dialects[0].spec_file", "nope.json", ""},
		{"dialect spec file empty", "spec_file: custom.json", `spec_file: ""`, "dialects[0].spec_file", "required", ""},
		{"dialect spec file is a directory", "spec_file: custom.json", `spec_file: "."`, "dialects[0].spec_file", "not a regular file", ""},
		// institutions
		{"institution id missing", `  - id: "01020000"` + "\n" + bankA, "  - name: Bank A\n", "institutions[1].id", "required", "name: Bank A"},
		{"institution id not digits", `  - id: "01020000"`, `  - id: "0102000A"`, "institutions[1].id", "is not 1..11 digits", ""},
		{"institution id duplicate", `  - id: "01020000"`, `  - id: "48020000"`, "institutions[1].id", `"48020000" is already used by institutions[0]`, "Acquirer>>- id:"},
		{"institution id is switch id", `  - id: "01020000"`, `  - id: "99990000"`, "institutions[1].id", "switch's own id", ""},
		{"role missing", bankA + "    role: issuer\n", bankA, "institutions[1].role", "required (one of acquirer, issuer, both)", `- id: "01020000"`},
		{"role unknown", "    role: issuer\n", "    role: bank\n", "institutions[1].role", `"bank" is not one of acquirer, issuer, both`, "role: bank"},
		{"institution dialect unknown", bankA + "    role: issuer\n    dialect: hl87a\n", bankA + "    role: issuer\n    dialect: x\n", "institutions[1].dialect", `unknown dialect "x"`, "dialect: x"},
		{"institution framing", bankA, bankA + "    framing: bcd\n", "institutions[1].framing", `"bcd" is not one of`, ""},
		{"acquirer id bad", acq, acq + "    acquirer_ids: [\"48020000\", \"x\"]\n", "institutions[0].acquirer_ids[1]", `"x" is not 1..11 digits`, ""},
		{"acquirer id claimed twice", bankA, bankA + "    acquirer_ids: [\"48020000\"]\n", "institutions[1].acquirer_ids[0]", `"48020000" is already claimed by institutions[0].acquirer_ids[0]`, ""},
		{"max_in_flight", bankA, bankA + "    max_in_flight: -1\n", "institutions[1].max_in_flight", "-1 is not in 1..65536", ""},
		{"institution timeout", "timeout: 7s", "timeout: -7s", "institutions[2].timeout", "must be positive", ""},
		{"inbound missing", "    inbound:\n      listener: a-in\n      allow: [127.0.0.1, 10.0.0.0/8]\n", "", "institutions[0].inbound", "required for role acquirer", `- id: "48020000"`},
		{"inbound not for issuer", bankA, bankA + "    inbound: {listener: a-in, allow: [127.0.0.1]}\n", "institutions[1].inbound", "not used by role issuer", "Bank A>>inbound:"},
		{"outbound not for acquirer", acq, acq + "    outbound: {addresses: [\"127.0.0.1:1\"]}\n", "institutions[0].outbound", "not used by role acquirer", ""},
		{"inbound listener missing", "listener: a-in", "allow: [127.0.0.2]", "institutions[0].inbound.listener", "required", "inbound:"},
		{"inbound listener unknown", "listener: a-in", "listener: c-in", "institutions[0].inbound.listener", `no listener named "c-in"`, ""},
		{"inbound listener mismatch", acq + "    role: acquirer\n    dialect: hl87a\n    header: true\n", acq + "    role: acquirer\n    dialect: hl87a\n", "institutions[0].inbound.listener", `listener "a-in" uses dialect hl87a, framing ascii4, header true but the institution uses dialect hl87a, framing ascii4, header false`, "Acquirer>>listener:"},
		{"inbound framing mismatch", acq, acq + "    framing: binary2\n", "institutions[0].inbound.listener", "framing binary2", "Acquirer>>listener:"},
		{"allow empty", "allow: [127.0.0.1, 10.0.0.0/8]", "allow: []", "institutions[0].inbound.allow", "at least one", ""},
		{"allow bad", "allow: [127.0.0.1, 10.0.0.0/8]", "allow: [127.0.0.1, abc]", "institutions[0].inbound.allow[1]", `"abc" is not a CIDR or IP address`, ""},
		{"allow bad cidr", "allow: [127.0.0.1, 10.0.0.0/8]", "allow: [127.0.0.1, 10.0.0.0/33]", "institutions[0].inbound.allow[1]", "is not a CIDR", ""},
		{"allow host bits", "allow: [127.0.0.1, 10.0.0.0/8]", "allow: [127.0.0.1, 10.1.2.3/8]", "institutions[0].inbound.allow[1]", "did you mean 10.0.0.0/8", ""},
		{"addresses empty", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: []", "institutions[1].outbound.addresses", "at least one host:port", ""},
		{"address not host:port", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [abc]", "institutions[1].outbound.addresses[0]", `"abc" is not host:port`, ""},
		{"address port zero", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:0]", "institutions[1].outbound.addresses[0]", "port must be 1..65535", ""},
		{"address host missing", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", `addresses: [":6100"]`, "institutions[1].outbound.addresses[0]", "host required", ""},
		{"address duplicate", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100, 127.0.0.1:6100]", "institutions[1].outbound.addresses[1]", "listed twice", ""},
		{"connections", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      connections: 65", "institutions[1].outbound.connections", "65 is not in 1..64", ""},
		{"strategy", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      strategy: random", "institutions[1].outbound.strategy", `"random" is not one of primary-secondary, least-in-flight`, ""},
		{"echo_failures", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      echo_failures: -1", "institutions[1].outbound.echo_failures", "not in 1..100", ""},
		{"echo_interval", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      echo_interval: -1s", "institutions[1].outbound.echo_interval", "must be positive", ""},
		{"echo_timeout", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      echo_timeout: -1s", "institutions[1].outbound.echo_timeout", "must be positive", ""},
		{"signon_timeout", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      signon_timeout: -1s", "institutions[1].outbound.signon_timeout", "must be positive", ""},
		{"reconnect_min", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      reconnect_min: -1s", "institutions[1].outbound.reconnect_min", "must be positive", ""},
		{"reconnect_max below min", "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [127.0.0.1:6100]\n      reconnect_min: 2s\n      reconnect_max: 1s", "institutions[1].outbound.reconnect_max", "1s is less than reconnect_min 2s", ""},
		// routes
		{"route name missing", "  - name: a\n    issuer:", "  - issuer:", "routes[0].name", "required", "routes:>>- issuer:"},
		{"route name duplicate", "  - name: b\n", "  - name: a\n", "routes[1].name", `"a" is already used by routes[0]`, "routes:>>- name: a>>bins:>>- name: a"},
		{"route issuer missing", "    issuer: \"01020000\"\n    bins: [\"622202\"]\n", "    bins: [\"622202\"]\n", "routes[0].issuer", "required", "routes:>>- name: a"},
		{"route issuer unknown", "    issuer: \"01020000\"\n    bins: [\"622202\"]\n", "    issuer: \"5\"\n    bins: [\"622202\"]\n", "routes[0].issuer", `no institution with id "5"`, ""},
		{"route issuer is acquirer", "    issuer: \"01020000\"\n    bins: [\"622202\"]\n", "    issuer: \"48020000\"\n    bins: [\"622202\"]\n", "routes[0].issuer", `has role "acquirer", not issuer or both`, ""},
		{"route without bins or receiving", "    bins: [\"622202\"]\n", "", "routes[0]", "needs bins or receiving", "routes:>>- name: a"},
		{"route empty lists", "    bins: [\"622202\"]\n", "    bins: []\n    receiving: []\n", "routes[0]", "needs bins or receiving", "routes:>>- name: a"},
		{"BIN not digits", `bins: ["622202"]`, `bins: ["6222O2"]`, "routes[0].bins[0]", `BIN "6222O2" is not 1..11 digits`, ""},
		{"BIN too long", `bins: ["622202"]`, `bins: ["622202123456"]`, "routes[0].bins[0]", "is not 1..11 digits", ""},
		{"BIN empty", `bins: ["622202"]`, `bins: [""]`, "routes[0].bins[0]", "is not 1..11 digits", ""},
		{"BIN claimed by two routes", `bins: ["62220288"]`, `bins: ["622202"]`, "routes[1].bins[0]", `BIN "622202" is claimed by route "a" (routes[0].bins[0]) and route "b"`, "routes:>>- name: b>>bins:"},
		{"BIN twice in one route", `bins: ["622202"]`, `bins: ["622202", "622202"]`, "routes[0].bins[1]", `claimed by route "a" (routes[0].bins[0]) and route "a"`, ""},
		{"receiving claimed by two routes", `bins: ["622202"]`, `bins: ["622202"]` + "\n    receiving: [\"03080000\"]", "routes[1].receiving[0]", `receiving id "03080000" is claimed by route "a" (routes[0].receiving[0]) and route "b"`, "routes:>>- name: b>>receiving:"},
		{"receiving not digits", `receiving: ["03080000"]`, `receiving: ["bank"]`, "routes[1].receiving[0]", `receiving id "bank" is not 1..11 digits`, ""},
		{"MTI not a request", `mtis: ["0200"]`, `mtis: ["0800"]`, "routes[1].mtis[0]", `"0800" is not a request MTI`, ""},
		{"MTI response", `mtis: ["0200"]`, `mtis: ["0210"]`, "routes[1].mtis[0]", `"0210" is not a request MTI`, ""},
		{"MTI short", `mtis: ["0200"]`, `mtis: ["200"]`, "routes[1].mtis[0]", "is not a request MTI", ""},
		{"MTI twice", `mtis: ["0200"]`, `mtis: ["0200", "0200"]`, "routes[1].mtis[1]", `"0200" is listed twice`, ""},
		{"processing code length", `processing_codes: ["00"]`, `processing_codes: ["000000"]`, "routes[1].processing_codes[0]", `"000000" is not 2 digits`, ""},
		{"processing code twice", `processing_codes: ["00"]`, `processing_codes: ["00", "00"]`, "routes[1].processing_codes[1]", "listed twice", ""},
		{"route timeout", `processing_codes: ["00"]`, "processing_codes: [\"00\"]\n    timeout: -1s", "routes[1].timeout", "must be positive", "timeout: -1s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := edit(t, baseYAML, tt.old, tt.new)
			errs := parseErrs(t, doc)
			e := findKey(errs, tt.key)
			require.NotNil(t, e, "want key %s, got:\n%v", tt.key, errs)
			assert.Contains(t, e.Problem, tt.problem)
			assert.Contains(t, e.Error(), tt.key+": ", "message names the key")
			want := 0
			if tt.line != "" {
				want = lineContaining(t, doc, tt.line)
			} else {
				want = editedKeyLine(t, doc, tt.new, tt.key)
			}
			assert.Equal(t, want, e.Line, "line of %s", tt.key)
		})
	}
}

// editedKeyLine returns the line, within the edited text, that holds the
// key (its last segment), or the first edited line.
func editedKeyLine(t *testing.T, doc, edited, key string) int {
	t.Helper()
	off := strings.Index(doc, edited)
	require.GreaterOrEqual(t, off, 0)
	first := strings.Count(doc[:off], "\n") + 1
	for i, l := range strings.Split(edited, "\n") {
		if strings.Contains(l, lastSegment(key)) {
			return first + i
		}
	}
	return first
}

// lastSegment returns the text a key's line contains: "outbound" for
// institutions[1].outbound; for an item such as addresses[0], "addresses".
func lastSegment(key string) string {
	seg := key[strings.LastIndexByte(key, '.')+1:]
	seg, _, _ = strings.Cut(seg, "[")
	return seg + ":"
}

func TestOutboundRequiredForIssuer(t *testing.T) {
	doc := edit(t, baseYAML, "    outbound:\n      addresses: [127.0.0.1:6100, 127.0.0.1:6101]\n", "")
	errs := parseErrs(t, doc)
	require.Len(t, errs, 1)
	assert.Equal(t, "institutions[1].outbound", errs[0].Key)
	assert.Equal(t, "required for role issuer", errs[0].Problem)
	assert.Equal(t, lineContaining(t, doc, `- id: "01020000"`), errs[0].Line)
}

func TestSpecExampleMessage(t *testing.T) {
	doc := edit(t, baseYAML, "addresses: [127.0.0.1:6100, 127.0.0.1:6101]", "addresses: [abc]")
	errs := parseErrs(t, doc)
	require.Len(t, errs, 1)
	line := lineContaining(t, doc, "addresses: [abc]")
	assert.Equal(t, "switchd.yaml:"+itoa(line)+`: institutions[1].outbound.addresses[0]: "abc" is not host:port`, errs.Error())
}

func TestAllErrorsCollectedInFileOrder(t *testing.T) {
	doc := edit(t, baseYAML, `id: "99990000"`, `id: "x"`)
	doc = edit(t, doc, "address: 127.0.0.1:5801", "address: nope")
	doc = edit(t, doc, `bins: ["62220288"]`, `bins: ["bin"]`)
	errs := parseErrs(t, doc)
	assert.Equal(t, []string{"switch.id", "listeners[1].address", "routes[1].bins[0]"}, errs.Keys())
	for i := 1; i < len(errs); i++ {
		assert.Less(t, errs[i-1].Line, errs[i].Line)
	}
}

func TestPortZeroListenersMayRepeat(t *testing.T) {
	doc := edit(t, baseYAML, "address: 127.0.0.1:5800", "address: 127.0.0.1:0")
	doc = edit(t, doc, "address: 127.0.0.1:5801", "address: 127.0.0.1:0")
	doc = edit(t, doc, "address: 127.0.0.1:9180", "address: '[::1]:0'")
	_, err := Parse([]byte(doc), specDir(t), "switchd.yaml")
	require.NoError(t, err)
}

func TestHostNames(t *testing.T) {
	tests := []struct {
		addr string
		use  addrUse
		ok   bool
	}{
		{"bank-a.example.com:6100", dialAddr, true},
		{"bank-a.example.com.:6100", dialAddr, true},
		{"-bank.example.com:6100", dialAddr, false},
		{"[fe80::1%eth0]:6100", dialAddr, true},
		{"[127.0.0.1]:6100", dialAddr, false},
		{"[::1:6100", dialAddr, false},
		{":5800", listenAddr, true},
		{":5800", dialAddr, false},
		{"host:+1", listenAddr, false},
		{"host:", listenAddr, false},
		{strings.Repeat("a", 64) + ":1", dialAddr, false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			assert.Equal(t, tt.ok, checkHostPort(tt.addr, tt.use) == "", checkHostPort(tt.addr, tt.use))
		})
	}
}

func TestSpecFileDialectNeedsExplicitFraming(t *testing.T) {
	doc := edit(t, baseYAML, "5801\n    dialect: hl87b\n", "5801\n    dialect: custom\n")
	errs := parseErrs(t, doc)
	e := findKey(errs, "listeners[1].framing")
	require.NotNil(t, e, "%v", errs)
	assert.Contains(t, e.Problem, `required with dialect "custom"`)

	ok := edit(t, baseYAML, "5801\n    dialect: hl87b\n", "5801\n    dialect: custom\n    framing: binary2\n")
	assert.Nil(t, findKey(parseErrs(t, ok), "listeners[1].framing"))
}

func TestJournalAndClearingKeys(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "hash.key")
	require.NoError(t, os.WriteFile(key, []byte("0123456789abcdef0123"), 0o600))
	short := filepath.Join(dir, "short.key")
	require.NoError(t, os.WriteFile(short, []byte("abc"), 0o600))
	cases := []struct {
		extra, key, problem string
	}{
		{"journal: {url: \"mysql://x\", hash_key_file: " + key + "}\n", "journal.url", "must start with sqlite: or postgres://"},
		{"journal: {url: \"sqlite:\", hash_key_file: " + key + "}\n", "journal.url", "needs a file path"},
		{"journal: {url: \"sqlite:j.db\"}\n", "journal.hash_key_file", "required with a journal"},
		{"journal: {url: \"sqlite:j.db\", hash_key_file: " + short + "}\n", "journal.hash_key_file", "at least 16 bytes"},
		{"journal: {url: \"sqlite:j.db\", hash_key_file: " + key + ", max_backlog: 100}\n", "journal.max_backlog", "at least 4096"},
		{"journal: {url: \"postgres://h/db\", hash_key_file: " + key + ", max_backlog: 100000}\n", "journal.max_backlog", "SQLite"},
		{"store_and_forward: {interval: 10s, expiry: 5s}\n", "store_and_forward.expiry", "at least the interval"},
		{"clearing: {cutoff: \"25:00\"}\n", "clearing.cutoff", "not a time of day"},
		{"clearing: {timezone: \"Mars/Olympus\"}\n", "clearing.timezone", "not a time zone"},
	}
	for _, c := range cases {
		errs := parseErrs(t, baseYAML+c.extra)
		e := findKey(errs, c.key)
		if assert.NotNil(t, e, "%s: %v", c.extra, errs) {
			assert.Contains(t, e.Problem, c.problem)
		}
	}
	base := specDir(t)
	ok, err := Parse([]byte(baseYAML+"journal: {url: \"sqlite:j.db\", hash_key_file: "+key+", max_backlog: 200000}\nclearing: {cutoff: \"23:00\"}\n"), base, "ok.yaml")
	require.NoError(t, err)
	assert.Equal(t, "sqlite:"+filepath.Join(base, "j.db"), ok.Journal.URL, "a relative SQLite path is relative to the file")
	assert.Equal(t, "Asia/Shanghai", ok.Clearing.TimeZone)
	assert.Equal(t, 200000, ok.Journal.MaxBacklog)
	assert.Equal(t, 30*time.Second, ok.SAF.Interval.D())
	assert.NotEmpty(t, ok.Switch.Node)
}

func TestSecurityModuleKeys(t *testing.T) {
	dir := t.TempDir()
	pin := filepath.Join(dir, "pin")
	require.NoError(t, os.WriteFile(pin, []byte("1234\n"), 0o600))
	lib := filepath.Join(dir, "lib.so")
	require.NoError(t, os.WriteFile(lib, []byte("x"), 0o600))
	cases := []struct{ extra, key, problem string }{
		{"security: {key_store: k.json, pkcs11: {module: " + lib + ", token_label: t, pin_file: " + pin + "}}\n", "security.pkcs11", "either"},
		{"security: {pkcs11: {module: /nonexistent.so, token_label: t, pin_file: " + pin + "}}\n", "security.pkcs11.module", "not a readable"},
		{"security: {pkcs11: {module: " + lib + ", pin_file: " + pin + "}}\n", "security.pkcs11.token_label", "required"},
		{"security: {pkcs11: {module: " + lib + ", token_label: t}}\n", "security.pkcs11.pin_file", "not a readable"},
	}
	for _, c := range cases {
		e := findKey(parseErrs(t, baseYAML+c.extra), c.key)
		if assert.NotNil(t, e, c.extra) {
			assert.Contains(t, e.Problem, c.problem)
		}
	}
	ok := baseYAML + "security: {pkcs11: {module: " + lib + ", token_label: t, pin_file: " + pin + "}}\n"
	c, err := Parse([]byte(ok), specDir(t), "switchd.yaml")
	require.NoError(t, err)
	assert.Equal(t, "t", c.Security.PKCS11.TokenLabel)
}

// TestPINFormatFitsDialect: 16-byte format 4 blocks need the "-sm" dialects,
// whose field 52 takes no 8-byte block.
func TestPINFormatFitsDialect(t *testing.T) {
	const sec = "security: {key_store: k.json}\n"
	bankA := "    name: Bank A\n    role: issuer\n    dialect: hl87a\n"
	cases := []struct{ dialect, format, problem string }{
		{"hl87a", "iso4", "use dialect hl87a-sm"},
		{"hl87a-sm", "iso0", "hl87a-sm takes 16-byte PIN blocks (iso4), not iso0"},
	}
	for _, c := range cases {
		text := strings.Replace(baseYAML, bankA, "    name: Bank A\n    role: issuer\n    dialect: "+c.dialect+"\n    pin_format: "+c.format+"\n", 1) + sec
		e := findKey(parseErrs(t, text), "institutions[1].pin_format")
		if assert.NotNil(t, e, c.dialect+" "+c.format) {
			assert.Contains(t, e.Problem, c.problem)
		}
	}
	ok := strings.Replace(baseYAML, bankA, "    name: Bank A\n    role: issuer\n    dialect: hl87b-sm\n    pin_format: iso4\n", 1) + sec
	cfg, err := Parse([]byte(ok), specDir(t), "switchd.yaml")
	require.NoError(t, err)
	assert.Equal(t, "binary2", cfg.Institutions[1].Framing, "the -sm variants keep their base dialect's framing")
}
