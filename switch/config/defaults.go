package config

import (
	"os"
	"time"
)

// Names fixed by the Hulian ISO 8583 wire contract and by this file format.
const (
	DialectHL87A = "hl87a"
	DialectHL87B = "hl87b"
	// The "-sm" variants carry a 16-byte field 52 (SM4 PIN blocks, ISO
	// 9564-1 format 4); everything else is as in hl87a and hl87b.
	DialectHL87ASM = "hl87a-sm"
	DialectHL87BSM = "hl87b-sm"

	FramingASCII4  = "ascii4"
	FramingBinary2 = "binary2"

	RoleAcquirer = "acquirer"
	RoleIssuer   = "issuer"
	RoleBoth     = "both"

	StrategyPrimarySecondary = "primary-secondary"
	StrategyLeastInFlight    = "least-in-flight"
)

// Default values applied by SetDefaults.
const (
	DefaultMaxFrame              = 8192
	DefaultShutdownGrace         = 15 * time.Second
	DefaultMaxInFlight           = 1024
	DefaultTimeout               = 10 * time.Second
	DefaultConnections           = 2
	DefaultEchoInterval          = 30 * time.Second
	DefaultEchoFailures          = 3
	DefaultEchoTimeout           = 5 * time.Second
	DefaultSignOnTimeout         = 5 * time.Second
	DefaultReconnectMin          = 200 * time.Millisecond
	DefaultReconnectMax          = 10 * time.Second
	DefaultSAFInterval           = 30 * time.Second
	DefaultSAFExpiry             = 24 * time.Hour
	DefaultCutoff                = "00:00"
	DefaultTimeZone              = "Asia/Shanghai"
	DefaultClearingDir           = "clearing"
	DefaultKeyOverlap            = 10 * time.Minute
	DefaultWriteTimeout          = 5 * time.Second
	DefaultMaxPending            = 1 << 20
	DefaultSignOnWait            = 10 * time.Second
	DefaultMaxUnsigned           = 256
	DefaultMaxUnsignedPerAddress = 16
)

// DefaultMTIs returns the request MTIs a route allows when mtis is empty:
// authorization, financial, their advices, reversal and reversal advice.
func DefaultMTIs() []string {
	return []string{"0100", "0200", "0120", "0220", "0400", "0420"}
}

// DefaultFraming is the framing used with a built-in dialect when none is
// given: binary2 for hl87b, ascii4 for hl87a. A spec-file dialect has no
// default ("" is returned): its framing must be configured.
func DefaultFraming(dialect string) string {
	switch dialect {
	case DialectHL87A, DialectHL87ASM:
		return FramingASCII4
	case DialectHL87B, DialectHL87BSM:
		return FramingBinary2
	}
	return ""
}

// BuiltinDialect reports whether name is one of the switch's own dialects.
func BuiltinDialect(name string) bool {
	switch name {
	case DialectHL87A, DialectHL87B, DialectHL87ASM, DialectHL87BSM:
		return true
	}
	return false
}

// SetDefaults fills every zero-valued setting that has a default. Parse
// calls it; call it yourself before Validate on a Config built in code.
// Route timeouts default to their issuer's timeout, so institutions are
// completed first.
func (c *Config) SetDefaults() {
	setInt(&c.Switch.MaxFrame, DefaultMaxFrame)
	setDur(&c.Switch.ShutdownGrace, DefaultShutdownGrace)
	setDur(&c.Switch.WriteTimeout, DefaultWriteTimeout)
	setInt(&c.Switch.MaxPending, DefaultMaxPending)
	if c.Switch.Node == "" {
		c.Switch.Node, _ = os.Hostname()
	}
	setDur(&c.SAF.Interval, DefaultSAFInterval)
	setDur(&c.SAF.Expiry, DefaultSAFExpiry)
	setStr(&c.Clearing.Cutoff, DefaultCutoff)
	setStr(&c.Clearing.TimeZone, DefaultTimeZone)
	setStr(&c.Clearing.Dir, DefaultClearingDir)
	setDur(&c.Security.KeyOverlap, DefaultKeyOverlap)
	for i := range c.Listeners {
		l := &c.Listeners[i]
		setStr(&l.Framing, DefaultFraming(l.Dialect))
		setDur(&l.SignOnWait, DefaultSignOnWait)
		setInt(&l.MaxUnsigned, DefaultMaxUnsigned)
		setInt(&l.MaxUnsignedPerAddress, DefaultMaxUnsignedPerAddress)
	}
	for i := range c.Institutions {
		c.Institutions[i].setDefaults()
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		if len(r.MTIs) == 0 {
			r.MTIs = DefaultMTIs()
		}
		if inst := c.Institution(r.Issuer); inst != nil {
			setDur(&r.Timeout, inst.Timeout.D())
		}
	}
}

func (in *Institution) setDefaults() {
	setStr(&in.Framing, DefaultFraming(in.Dialect))
	if len(in.AcquirerIDs) == 0 && in.ID != "" {
		in.AcquirerIDs = []string{in.ID}
	}
	setInt(&in.MaxInFlight, DefaultMaxInFlight)
	setDur(&in.Timeout, DefaultTimeout)
	if o := in.Outbound; o != nil {
		setInt(&o.Connections, DefaultConnections)
		setStr(&o.Strategy, StrategyPrimarySecondary)
		setDur(&o.EchoInterval, DefaultEchoInterval)
		setInt(&o.EchoFailures, DefaultEchoFailures)
		setDur(&o.EchoTimeout, DefaultEchoTimeout)
		setDur(&o.SignOnTimeout, DefaultSignOnTimeout)
		setDur(&o.ReconnectMin, DefaultReconnectMin)
		setDur(&o.ReconnectMax, DefaultReconnectMax)
	}
}

func setInt(p *int, def int) {
	if *p == 0 {
		*p = def
	}
}

func setStr(p *string, def string) {
	if *p == "" {
		*p = def
	}
}

func setDur(p *Duration, def time.Duration) {
	if *p == 0 {
		*p = Duration(def)
	}
}
