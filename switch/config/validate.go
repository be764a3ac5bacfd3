package config

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // clearing.timezone must load without the system zone files
)

// checker collects problems with their key paths and lines.
type checker struct {
	c    *Config
	errs Errors
}

// add records a problem with key; an empty problem is ignored so that the
// check helpers, which return "" when all is well, can be passed directly.
func (v *checker) add(key, problem string) {
	if problem == "" {
		return
	}
	v.errs = append(v.errs, &Error{
		File:    v.c.source,
		Line:    lineOf(v.c.doc, key),
		Key:     key,
		Problem: problem,
	})
}

func (v *checker) addf(key, format string, args ...any) {
	v.add(key, fmt.Sprintf(format, args...))
}

// Validate checks the whole configuration and returns nil or Errors holding
// every problem found. It does not apply defaults: call SetDefaults first on
// a Config built in code (Parse does both).
func (c *Config) Validate() error {
	if errs := c.validate(); len(errs) > 0 {
		return errs
	}
	return nil
}

func (c *Config) validate() Errors {
	v := &checker{c: c}
	v.switchSection()
	v.add("admin.address", checkAdminAddress(c.Admin.Address))
	v.dialects()
	v.listeners()
	v.institutions()
	v.routes()
	v.journal()
	v.tlsFiles()
	v.security()
	sortByLine(v.errs)
	return v.errs
}

// sortByLine puts errors in file order. The sort is stable, so errors on one
// line, and errors without a line (0, e.g. a Config built in code), keep
// their discovery order.
func sortByLine(errs Errors) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}

func checkAdminAddress(addr string) string {
	if addr == "" {
		return ""
	}
	return checkHostPort(addr, listenAddr)
}

func (v *checker) switchSection() {
	s := v.c.Switch
	v.add("switch.id", checkID(s.ID))
	if s.MaxFrame < 64 || s.MaxFrame > 65535 {
		v.addf("switch.max_frame", "%d is not in 64..65535", s.MaxFrame)
	}
	if s.ShutdownGrace < 0 {
		v.addf("switch.shutdown_grace", "%s is negative", s.ShutdownGrace)
	}
	if s.WriteTimeout < 0 {
		v.addf("switch.write_timeout", "%s is negative", s.WriteTimeout)
	}
	if s.MaxPending < 4096 || s.MaxPending > 1<<30 {
		v.addf("switch.max_pending", "%d is not in 4096..1073741824", s.MaxPending)
	}
}

// knownDialect reports whether name is a builtin or a dialects[] entry.
func (v *checker) knownDialect(name string) bool {
	if BuiltinDialect(name) {
		return true
	}
	for _, d := range v.c.Dialects {
		if d.Name == name {
			return true
		}
	}
	return false
}

// dialect checks a dialect reference.
func (v *checker) dialect(key, name string) {
	switch {
	case name == "":
		v.add(key, "required (hl87a, hl87b, hl87a-sm, hl87b-sm or a name from dialects)")
	case !v.knownDialect(name):
		v.addf(key, "unknown dialect %q (not hl87a, hl87b, hl87a-sm, hl87b-sm or a name from dialects)", name)
	}
}

func (v *checker) dialects() {
	seen := map[string]int{}
	for i, d := range v.c.Dialects {
		key := fmt.Sprintf("dialects[%d]", i)
		switch {
		case d.Name == "":
			v.add(key+".name", "required")
		case BuiltinDialect(d.Name):
			v.addf(key+".name", "%q is a builtin dialect and cannot be redefined", d.Name)
		default:
			if j, dup := seen[d.Name]; dup {
				v.addf(key+".name", "%q is already used by dialects[%d]", d.Name, j)
			} else {
				seen[d.Name] = i
			}
		}
		v.specFile(key+".spec_file", d.SpecFile)
	}
}

func (v *checker) specFile(key, path string) {
	if path == "" {
		v.add(key, "required")
		return
	}
	st, err := os.Stat(path)
	switch {
	case err != nil:
		v.addf(key, "%q cannot be read: %v", path, err)
	case !st.Mode().IsRegular():
		v.addf(key, "%q is not a regular file", path)
	}
}

func (v *checker) listeners() {
	names := map[string]int{}
	addrs := map[string]string{}
	if a := v.c.Admin.Address; a != "" && checkAdminAddress(a) == "" && !portZero(a) {
		addrs[a] = "admin.address"
	}
	for i, l := range v.c.Listeners {
		key := fmt.Sprintf("listeners[%d]", i)
		if l.Name == "" {
			v.add(key+".name", "required")
		} else if j, dup := names[l.Name]; dup {
			v.addf(key+".name", "%q is already used by listeners[%d]", l.Name, j)
		} else {
			names[l.Name] = i
		}
		if p := checkHostPort(l.Address, listenAddr); p != "" {
			v.add(key+".address", p)
		} else if other, dup := addrs[l.Address]; dup {
			v.addf(key+".address", "%q is already used by %s", l.Address, other)
		} else if !portZero(l.Address) {
			addrs[l.Address] = key + ".address"
		}
		v.dialect(key+".dialect", l.Dialect)
		v.add(key+".framing", checkFraming(l.Framing, l.Dialect))
		if l.SignOnWait < 0 {
			v.addf(key+".sign_on_wait", "%s is negative", l.SignOnWait)
		}
		if l.MaxUnsigned < 0 {
			v.addf(key+".max_unsigned", "%d is negative", l.MaxUnsigned)
		}
		if l.MaxUnsignedPerAddress < 0 {
			v.addf(key+".max_unsigned_per_address", "%d is negative", l.MaxUnsignedPerAddress)
		}
	}
}

// checkFraming checks a framing; it is empty only when the dialect comes
// from a spec file, whose framing must be written out (the file says how
// fields are encoded, not how messages are delimited).
func checkFraming(framing, dialect string) string {
	if framing == "" {
		return fmt.Sprintf("required with dialect %q, which comes from a spec file: ascii4 or binary2", dialect)
	}
	return oneOf(framing, FramingASCII4, FramingBinary2)
}

// portZero reports whether a valid listen address asks for any free port;
// several such listeners do not collide.
func portZero(addr string) bool {
	_, port, err := splitHostPort(addr)
	return err == "" && port == "0"
}

// minMaxBacklog is the smallest journal.max_backlog accepted: below a few
// group commits' worth, writes would wait for the applier all the time.
const minMaxBacklog = 4096

// journal checks the journal, store-and-forward and clearing sections.
func (v *checker) journal() {
	j := v.c.Journal
	switch {
	case j.URL == "":
		if j.HashKeyFile != "" {
			v.add("journal.url", "required when journal.hash_key_file is set")
		}
	case strings.HasPrefix(j.URL, "sqlite:"):
		if strings.TrimPrefix(j.URL, "sqlite:") == "" {
			v.add("journal.url", "sqlite: needs a file path, e.g. sqlite:hulian-journal.db")
		}
	case strings.HasPrefix(j.URL, "postgres://"), strings.HasPrefix(j.URL, "postgresql://"):
	default:
		v.add("journal.url", "must start with sqlite: or postgres://")
	}
	if j.MaxBacklog != 0 && (j.MaxBacklog < minMaxBacklog || !strings.HasPrefix(j.URL, "sqlite:")) {
		v.addf("journal.max_backlog", "a SQLite journal's bound of at least %d records (0: the default)", minMaxBacklog)
	}
	if j.URL != "" {
		if j.HashKeyFile == "" {
			v.add("journal.hash_key_file", "required with a journal")
		} else if st, err := os.Stat(j.HashKeyFile); err != nil || st.Size() < 16 {
			v.addf("journal.hash_key_file", "%q must be a readable file of at least 16 bytes", j.HashKeyFile)
		}
	}
	if v.c.SAF.Interval.D() <= 0 {
		v.add("store_and_forward.interval", "must be positive")
	}
	if v.c.SAF.Expiry.D() < v.c.SAF.Interval.D() {
		v.add("store_and_forward.expiry", "must be at least the interval")
	}
	if _, err := time.Parse("15:04", v.c.Clearing.Cutoff); err != nil {
		v.addf("clearing.cutoff", "%q is not a time of day such as \"23:00\"", v.c.Clearing.Cutoff)
	}
	if _, err := time.LoadLocation(v.c.Clearing.TimeZone); err != nil {
		v.addf("clearing.timezone", "%q is not a time zone such as \"Asia/Shanghai\"", v.c.Clearing.TimeZone)
	}
}

// tlsFiles checks that every TLS and token file named exists, and that a
// listener's TLS has its certificate and key.
func (v *checker) tlsFiles() {
	file := func(key, path string) {
		if path == "" {
			return
		}
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			v.addf(key, "%q is not a readable file", path)
		}
	}
	check := func(key string, t *TLS, server bool) {
		if t == nil {
			return
		}
		if server && (t.CertFile == "" || t.KeyFile == "") {
			v.add(key, "a TLS listener needs cert_file and key_file")
		}
		if (t.CertFile == "") != (t.KeyFile == "") {
			v.add(key, "cert_file and key_file go together")
		}
		file(key+".cert_file", t.CertFile)
		file(key+".key_file", t.KeyFile)
		file(key+".ca_file", t.CAFile)
	}
	for i, l := range v.c.Listeners {
		check(fmt.Sprintf("listeners[%d].tls", i), l.TLS, true)
	}
	for i, in := range v.c.Institutions {
		if in.Outbound != nil {
			check(fmt.Sprintf("institutions[%d].outbound.tls", i), in.Outbound.TLS, false)
		}
	}
	file("admin.token_file", v.c.Admin.TokenFile)
}

// hasModule reports whether a security module is configured.
func (s Security) hasModule() bool { return s.KeyStore != "" || s.PKCS11 != nil }

// security checks the PKCS#11 token settings.
func (v *checker) security() {
	p := v.c.Security.PKCS11
	if p == nil {
		return
	}
	if v.c.Security.KeyStore != "" {
		v.add("security.pkcs11", "choose either security.key_store or security.pkcs11")
	}
	if st, err := os.Stat(p.Module); p.Module == "" || err != nil || !st.Mode().IsRegular() {
		v.addf("security.pkcs11.module", "%q is not a readable PKCS#11 library", p.Module)
	}
	if p.TokenLabel == "" {
		v.add("security.pkcs11.token_label", "required")
	}
	if st, err := os.Stat(p.PINFile); p.PINFile == "" || err != nil || !st.Mode().IsRegular() {
		v.addf("security.pkcs11.pin_file", "%q is not a readable file", p.PINFile)
	}
}
