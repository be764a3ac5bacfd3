package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hulian/hulian/simulators/simcard"
)

// runCardPersonalize writes a complete card profile from a few inputs.
func runCardPersonalize(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("card personalize", stderr)
	var o simcard.PersonalizeOptions
	fs.StringVar(&o.PAN, "pan", "", "primary account number (TEST PAN)")
	fs.StringVar(&o.Expiry, "expiry", "", "expiry date YYMM")
	fs.StringVar(&o.Algorithm, "algorithm", "rsa", "rsa (RSA + 3DES) or sm (SM2 + SM4)")
	fs.StringVar(&o.CAKeyFile, "ca-key", "testdata/emv/capk-test-private.txt", "test CA private key file")
	fs.StringVar(&o.Name, "name", "", "profile name (default pboc-ALGORITHM)")
	out := fs.String("out", "", "output profile file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.PAN == "" || o.Expiry == "" || *out == "" {
		fmt.Fprintln(stderr, "paysim card personalize: --pan, --expiry and --out are required")
		return errUsage
	}
	p, err := simcard.Personalize(o)
	if err != nil {
		return err
	}
	p.CAPrivateKey = relativeTo(*out, o.CAKeyFile)
	b, err := p.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s, %d applications)\n", *out, p.Algorithm, len(p.Applications))
	return nil
}

// relativeTo returns target relative to the directory of file (target
// itself when that is not possible).
func relativeTo(file, target string) string {
	af, err1 := filepath.Abs(filepath.Dir(file))
	at, err2 := filepath.Abs(target)
	if err1 != nil || err2 != nil {
		return target
	}
	if rel, err := filepath.Rel(af, at); err == nil {
		return rel
	}
	return target
}
