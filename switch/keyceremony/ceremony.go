// Package keyceremony is the key ceremony of a switch's security module:
// list its keys, generate one, import one from clear components under their
// check values (KCVs), rotate a zone key under its institution's ZMK, and
// delete one, never showing a key value. Run is `switchd keys`; OpenModule
// opens the module a configuration names (the PKCS#11 token of
// security.pkcs11, or the software module on security.key_store).
package keyceremony

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/pkcs11"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// keysUsage is printed on a usage error of `switchd keys`.
const keysUsage = `usage:
  switchd keys list     --config FILE
  switchd keys generate --config FILE --id ID --type zmk|zpk|zak --alg tdes|sm4 [--length 16|24]
  switchd keys import   --config FILE --id ID --type T --alg A
                        --component HEX|- --kcv KCV [--component HEX|- --kcv KCV ...] --kcv-final KCV
  switchd keys rotate   --config FILE --id ID
  switchd keys delete   --config FILE --id ID
A component given as "-" is read as one line of hex digits from stdin.`

const (
	// lmkEnv holds the LMK (64 hex digits) when security.lmk_file is empty.
	lmkEnv = "HULIAN_LMK"
	// maxComponentLine bounds a component line read from stdin.
	maxComponentLine = 256
	// maxComponents bounds a key ceremony (the soft module takes up to 9).
	maxComponents = 9
)

// keysCmd runs one `switchd keys` verb; in supplies "-" components.
type keysCmd struct {
	in     io.Reader
	prompt bool // stdin is a terminal: prompt for each component on stderr
	out    io.Writer
	errw   io.Writer
}

// keysFlags are the flags of every verb (each verb registers its own).
type keysFlags struct {
	config, id, typ, alg, kcvFinal string
	length                         int
	components, kcvs               listFlag
}

// listFlag collects a repeated flag. Set never fails, so that the flag
// package never quotes a value (a component) in an error.
type listFlag []string

func (l *listFlag) String() string     { return "" }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// Run is `switchd keys VERB --config FILE ...`: key store maintenance for
// the security module named by the configuration's security section. in
// supplies the components given as "-"; with prompt each is asked for on
// errw (in is a terminal).
func Run(ctx context.Context, args []string, in io.Reader, prompt bool, out, errw io.Writer) error {
	return keysCmd{in: in, prompt: prompt, out: out, errw: errw}.run(ctx, args)
}

func (k keysCmd) run(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(k.errw, keysUsage)
		return errors.New("keys: a verb is needed first: list, generate, import, rotate or delete")
	}
	verb := args[0]
	f, err := k.parse(verb, args[1:])
	if err != nil {
		return err
	}
	m, err := openKeyStore(f.config)
	if err != nil {
		return fmt.Errorf("keys %s: %w", verb, err)
	}
	defer m.Close()
	switch verb {
	case "list":
		err = k.list(ctx, m)
	case "generate":
		err = k.generate(ctx, m, f)
	case "import":
		err = k.importKey(ctx, m, f)
	case "rotate":
		err = k.rotate(ctx, m, f)
	case "delete":
		err = k.deleteKey(ctx, m, f)
	}
	if err != nil {
		return fmt.Errorf("keys %s: %w", verb, err)
	}
	return nil
}

// parse reads the flags of verb.
func (k keysCmd) parse(verb string, args []string) (*keysFlags, error) {
	f := &keysFlags{}
	fs := flag.NewFlagSet("switchd keys "+verb, flag.ContinueOnError)
	fs.SetOutput(k.errw)
	fs.Usage = func() { fmt.Fprintln(k.errw, keysUsage) }
	fs.StringVar(&f.config, "config", "", "configuration file (security.key_store, security.lmk_file)")
	switch verb {
	case "list":
	case "generate", "import":
		fs.StringVar(&f.id, "id", "", `key id, e.g. "01020000/zak"`)
		fs.StringVar(&f.typ, "type", "", "key type: zmk, zpk or zak (default: from the id's suffix)")
		fs.StringVar(&f.alg, "alg", "", "algorithm: tdes or sm4")
		if verb == "generate" {
			fs.IntVar(&f.length, "length", 0, "key length in bytes: 16 or 24 (TDES), 16 (SM4); default 16")
		} else {
			fs.Var(&f.components, "component", `a clear component in hex, or "-" to read it from stdin (repeat)`)
			fs.Var(&f.kcvs, "kcv", "check value of the component before it (repeat)")
			fs.StringVar(&f.kcvFinal, "kcv-final", "", "check value of the combined key")
		}
	case "rotate", "delete":
		fs.StringVar(&f.id, "id", "", "key id")
	default:
		fmt.Fprintln(k.errw, keysUsage)
		return nil, fmt.Errorf("keys: unknown verb %q: list, generate, import, rotate or delete", verb)
	}
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("keys %s: %w", verb, err)
	}
	if fs.NArg() > 0 { // never quote it: it may be a misplaced component
		return nil, fmt.Errorf("keys %s: %d unexpected argument(s) after the flags: every value goes with a flag", verb, fs.NArg())
	}
	return f, nil
}

// openKeyStore opens the software module on the key store of the
// configuration file at path.
func openKeyStore(path string) (hsm.Module, error) {
	if path == "" {
		return nil, errors.New("--config: required (the file naming security.key_store and security.lmk_file)")
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	m, err := OpenModule(cfg)
	if err == nil && m == nil {
		return nil, fmt.Errorf("security.key_store: not set in %s", path)
	}
	return m, err
}

// OpenModule opens the configuration's security module: the PKCS#11 token
// of security.pkcs11, or the software module on security.key_store; nil,
// nil when there is none.
func OpenModule(cfg *config.Config) (hsm.Module, error) {
	if p := cfg.Security.PKCS11; p != nil {
		pin, err := os.ReadFile(p.PINFile)
		if err != nil {
			return nil, fmt.Errorf("security.pkcs11.pin_file: %w", err)
		}
		defer clear(pin)
		m, err := pkcs11.Open(pkcs11.Options{Module: p.Module, TokenLabel: p.TokenLabel,
			PIN: strings.TrimSpace(string(pin))})
		if err != nil {
			return nil, fmt.Errorf("security.pkcs11: %w", err)
		}
		return m, nil
	}
	if cfg.Security.KeyStore == "" {
		return nil, nil
	}
	lmk, source, err := loadLMK(cfg.Security.LMKFile)
	if err != nil {
		return nil, err
	}
	defer clear(lmk)
	m, err := soft.Open(cfg.Security.KeyStore, lmk)
	if errors.Is(err, soft.ErrWrongLMK) {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	if err != nil {
		return nil, fmt.Errorf("security.key_store: %w", err)
	}
	return m, nil
}

// loadLMK reads the LMK from file, or from HULIAN_LMK when file is empty,
// and names where it came from.
func loadLMK(file string) (lmk []byte, source string, err error) {
	if file == "" {
		lmk, err = soft.LMKFromEnv(lmkEnv)
		if err != nil {
			return nil, "", fmt.Errorf("security.lmk_file is empty, so the LMK comes from %s: %w", lmkEnv, err)
		}
		return lmk, lmkEnv, nil
	}
	lmk, err = soft.LMKFromFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("security.lmk_file: %w", err)
	}
	return lmk, "security.lmk_file", nil
}

// list prints every key's description, never a value.
func (k keysCmd) list(ctx context.Context, m hsm.Module) error {
	keys, err := m.Keys(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(k.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tALG\tLENGTH\tKCV\tCREATED")
	for _, ki := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", ki.ID, ki.Type, ki.Alg, ki.Length, ki.KCV,
			ki.Created.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

func (k keysCmd) generate(ctx context.Context, m hsm.Module, f *keysFlags) error {
	id, t, a, err := keySpec(f)
	if err != nil {
		return err
	}
	if f.length != 0 && !a.ValidLength(f.length) {
		return errors.New("--length: must be 16 or 24 for TDES, 16 for SM4")
	}
	ki, err := m.GenerateKey(ctx, id, t, a, f.length)
	if err != nil {
		return err
	}
	fmt.Fprintln(k.out, "generated", describeKey(ki))
	return nil
}

func (k keysCmd) importKey(ctx context.Context, m hsm.Module, f *keysFlags) error {
	id, t, a, err := keySpec(f)
	if err != nil {
		return err
	}
	if err := checkCeremonyFlags(f); err != nil {
		return err
	}
	comps := make([][]byte, 0, len(f.components))
	defer func() {
		for _, c := range comps {
			clear(c)
		}
	}()
	for i, v := range f.components {
		c, err := k.component(i+1, v)
		if err != nil {
			return err
		}
		comps = append(comps, c)
	}
	for i, c := range comps {
		if !a.ValidLength(len(c)) || len(c) != len(comps[0]) {
			return fmt.Errorf("--component %d: %d hex digits; every component needs 32 or 48 (TDES) or 32 (SM4), all alike", i+1, 2*len(c))
		}
		if !hsm.SameKCV(hsm.KCV(a, c), f.kcvs[i]) {
			return fmt.Errorf("--kcv %d: component %d does not have check value %s; nothing stored", i+1, i+1, strings.ToUpper(f.kcvs[i]))
		}
	}
	kcvs := append(append([]string(nil), f.kcvs...), f.kcvFinal)
	ki, err := m.ImportComponents(ctx, id, t, a, comps, kcvs)
	if errors.Is(err, hsm.ErrKCVMismatch) {
		return fmt.Errorf("--kcv-final: the combined key does not have check value %s; nothing stored: %w", strings.ToUpper(f.kcvFinal), err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(k.out, "imported", describeKey(ki))
	return nil
}

// checkCeremonyFlags checks the counts and shapes of --component, --kcv and --kcv-final.
func checkCeremonyFlags(f *keysFlags) error {
	switch n := len(f.components); {
	case n == 0:
		return errors.New(`--component: at least one is required (hex digits, or "-" to read a line from stdin)`)
	case n > maxComponents:
		return fmt.Errorf("--component: at most %d", maxComponents)
	case len(f.kcvs) != n:
		return fmt.Errorf("--kcv: one per --component (%d given for %d components)", len(f.kcvs), n)
	case f.kcvFinal == "":
		return errors.New("--kcv-final: required (the check value of the combined key)")
	}
	for i, v := range f.kcvs {
		if !isKCV(v) {
			return fmt.Errorf("--kcv %d: must be 6 hex digits", i+1)
		}
	}
	if !isKCV(f.kcvFinal) {
		return errors.New("--kcv-final: must be 6 hex digits")
	}
	return nil
}

// component decodes the n-th component, reading it from stdin when v is "-".
func (k keysCmd) component(n int, v string) ([]byte, error) {
	if v != "-" {
		return decodeComponent(n, []byte(v))
	}
	if k.prompt {
		fmt.Fprintf(k.errw, "component %d (hex): ", n)
	}
	line, err := readLine(k.in, maxComponentLine)
	defer clear(line)
	if err != nil {
		return nil, fmt.Errorf("--component %d: stdin: %w", n, err)
	}
	return decodeComponent(n, line)
}

// readLine reads one line byte by byte, so that no buffer holds more of
// stdin than the line, and the caller can clear it.
func readLine(r io.Reader, maxLen int) ([]byte, error) {
	line := make([]byte, 0, maxLen)
	var b [1]byte
	for {
		_, err := io.ReadFull(r, b[:])
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return line, nil
		}
		if errors.Is(err, io.EOF) {
			return line, errors.New("no line left")
		}
		if err != nil {
			return line, err
		}
		if b[0] == '\n' {
			return line, nil
		}
		if len(line) == maxLen {
			return line, fmt.Errorf("line longer than %d characters", maxLen)
		}
		line = append(line, b[0])
	}
}

// decodeComponent decodes hex digits, ignoring blanks (components are often
// written in groups of four). Errors never quote the input.
func decodeComponent(n int, s []byte) ([]byte, error) {
	digits := make([]byte, 0, len(s))
	defer clear(digits)
	for _, c := range s {
		if c != ' ' && c != '\t' && c != '\r' {
			digits = append(digits, c)
		}
	}
	if len(digits) == 0 || len(digits)%2 != 0 {
		return nil, fmt.Errorf("--component %d: needs an even number of hex digits (32 or 48)", n)
	}
	out := make([]byte, len(digits)/2)
	if _, err := hex.Decode(out, digits); err != nil { // hex errors quote the bad byte: drop them
		clear(out)
		return nil, fmt.Errorf("--component %d: not hex digits", n)
	}
	return out, nil
}

func (k keysCmd) rotate(ctx context.Context, m hsm.Module, f *keysFlags) error {
	id, err := keyID(f.id)
	if err != nil {
		return err
	}
	old, err := m.Key(ctx, id)
	if err != nil {
		return fmt.Errorf("--id: %w", err)
	}
	zmk, hasZMK, err := institutionZMK(ctx, m, id, old)
	if err != nil {
		return err
	}
	all, err := m.Keys(ctx)
	if err != nil {
		return err
	}
	next := hsm.NextGeneration(all, id)
	ki, err := m.GenerateKey(ctx, next, old.Type, old.Alg, old.Length)
	if err != nil {
		return err
	}
	fmt.Fprintln(k.out, "kept", describeKey(old))
	fmt.Fprintln(k.out, "generated", describeKey(ki))
	if !hasZMK {
		fmt.Fprintf(k.out, "no ZMK %s in the key store: the new key cannot be sent wrapped until one is imported "+
			"(switchd keys import --id %s --type zmk ...)\n", zmk, zmk)
		return nil
	}
	wrapped, kcv, err := m.ExportWrapped(ctx, ki.ID, zmk)
	if err != nil {
		return fmt.Errorf("%s stored, but wrapping it under %s failed: %w", ki.ID, zmk, err)
	}
	fmt.Fprintf(k.out, "wrapped under %s: %s check value %s\n", zmk, strings.ToUpper(hex.EncodeToString(wrapped)), kcv)
	fmt.Fprintf(k.out, "send the wrapped key and its check value to the institution (what an 0800 with field 70 = 101 carries); "+
		"%s stays until you delete it (switchd keys delete --id %s)\n", old.ID, old.ID)
	return nil
}

// institutionZMK names the ZMK "<institution>/zmk" of key id and reports
// whether it exists; a ZMK that cannot wrap key is an error, so that
// rotate stores nothing it cannot send.
func institutionZMK(ctx context.Context, m hsm.Module, id hsm.KeyID, key hsm.KeyInfo) (hsm.KeyID, bool, error) {
	inst, _, ok := strings.Cut(string(id), "/")
	if !ok || inst == "" {
		return "", false, fmt.Errorf(`--id: %s has no "<institution id>/" prefix naming its ZMK`, id)
	}
	zmk := hsm.KeyID(inst + "/zmk")
	zi, err := m.Key(ctx, zmk)
	if errors.Is(err, hsm.ErrNoKey) {
		return zmk, false, nil
	}
	if err != nil {
		return "", false, err
	}
	if zi.Type != hsm.ZMK {
		return "", false, fmt.Errorf("%s is a %s, not a ZMK: nothing stored", zmk, zi.Type)
	}
	if key.Length%zi.Alg.BlockSize() != 0 {
		return "", false, fmt.Errorf("a %d-byte key cannot be wrapped under %s (%s): nothing stored", key.Length, zmk, zi.Alg)
	}
	return zmk, true, nil
}

func (k keysCmd) deleteKey(ctx context.Context, m hsm.Module, f *keysFlags) error {
	id, err := keyID(f.id)
	if err != nil {
		return err
	}
	ki, err := m.Key(ctx, id)
	if err != nil {
		return fmt.Errorf("--id: %w", err)
	}
	if err := m.DeleteKey(ctx, id); err != nil {
		return err
	}
	fmt.Fprintln(k.out, "deleted", describeKey(ki))
	return nil
}

// keySpec reads --id, --type (default: the id's suffix) and --alg.
func keySpec(f *keysFlags) (hsm.KeyID, hsm.KeyType, symmetric.Algorithm, error) {
	id, err := keyID(f.id)
	if err != nil {
		return "", 0, 0, err
	}
	named := suffixType(id)
	t := named
	if f.typ != "" {
		if t, err = hsm.ParseKeyType(strings.ToUpper(f.typ)); err != nil {
			return "", 0, 0, errors.New("--type: must be zmk, zpk or zak")
		}
	}
	switch {
	case t == 0:
		return "", 0, 0, errors.New("--type: required (zmk, zpk or zak)")
	case named != 0 && named != t:
		return "", 0, 0, fmt.Errorf("--type: %s, but the id %s names a %s", t, id, named)
	case f.alg == "":
		return "", 0, 0, errors.New("--alg: required (tdes or sm4)")
	}
	a, err := symmetric.ParseAlgorithm(strings.ToUpper(f.alg))
	if err != nil {
		return "", 0, 0, errors.New("--alg: must be tdes or sm4")
	}
	return id, t, a, nil
}

// keyID reads --id.
func keyID(s string) (hsm.KeyID, error) {
	if s == "" {
		return "", errors.New(`--id: required (e.g. "01020000/zak")`)
	}
	id := hsm.KeyID(s)
	if err := id.Validate(); err != nil {
		return "", fmt.Errorf("--id: %w", err)
	}
	return id, nil
}

// suffixType is the key type an id's last element names ("…/zpk", "…/zpk:2"), or 0.
func suffixType(id hsm.KeyID) hsm.KeyType {
	base, _ := hsm.SplitGeneration(id)
	s := string(base)
	t, err := hsm.ParseKeyType(strings.ToUpper(s[strings.LastIndex(s, "/")+1:]))
	if err != nil || !strings.Contains(s, "/") {
		return 0
	}
	return t
}

// isKCV reports whether s is 6 hex digits.
func isKCV(s string) bool {
	if len(s) != 6 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// describeKey is one key's description for the operator: never its value.
func describeKey(ki hsm.KeyInfo) string {
	return fmt.Sprintf("%s (%s, %s, %d bytes) check value %s", ki.ID, ki.Type, ki.Alg, ki.Length, ki.KCV)
}
