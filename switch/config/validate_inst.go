package config

import "fmt"

func (v *checker) institutions() {
	ids := map[string]int{}
	acq := map[string]string{}
	for i := range v.c.Institutions {
		in := &v.c.Institutions[i]
		key := fmt.Sprintf("institutions[%d]", i)
		v.institutionID(key, in.ID, i, ids)
		v.add(key+".role", oneOf(in.Role, RoleAcquirer, RoleIssuer, RoleBoth))
		v.dialect(key+".dialect", in.Dialect)
		v.add(key+".framing", checkFraming(in.Framing, in.Dialect))
		if in.MAC != "" {
			v.add(key+".mac", oneOf(in.MAC, "none", "x919", "sm4"))
			if in.MAC != "none" && !v.c.Security.hasModule() {
				v.add(key+".mac", "needs security.key_store or security.pkcs11 for its key")
			}
		}
		if in.PINFormat != "" {
			v.add(key+".pin_format", oneOf(in.PINFormat, "iso0", "iso1", "iso3", "iso4"))
			if !v.c.Security.hasModule() {
				v.add(key+".pin_format", "needs security.key_store or security.pkcs11 for its PIN key")
			}
		}
		v.pinField(key, in)
		if in.MACField != 0 && in.MACField != 64 && in.MACField != 128 {
			v.addf(key+".mac_field", "%d is not 64 or 128", in.MACField)
		}
		for j, a := range in.AcquirerIDs {
			k := fmt.Sprintf("%s.acquirer_ids[%d]", key, j)
			if p := checkID(a); p != "" {
				v.add(k, p)
			} else if other, dup := acq[a]; dup {
				v.addf(k, "%q is already claimed by %s", a, other)
			} else {
				acq[a] = k
			}
		}
		if in.MaxInFlight < 1 || in.MaxInFlight > 65536 {
			v.addf(key+".max_in_flight", "%d is not in 1..65536", in.MaxInFlight)
		}
		if in.Timeout <= 0 {
			v.addf(key+".timeout", "%s must be positive", in.Timeout)
		}
		v.roleSections(key, in)
	}
}

func (v *checker) institutionID(key, id string, i int, seen map[string]int) {
	if p := checkID(id); p != "" {
		v.add(key+".id", p)
		return
	}
	if id == v.c.Switch.ID {
		v.addf(key+".id", "%q is the switch's own id (switch.id)", id)
	}
	if j, dup := seen[id]; dup {
		v.addf(key+".id", "%q is already used by institutions[%d]", id, j)
		return
	}
	seen[id] = i
}

// roleSections checks that inbound/outbound are present exactly when the
// role needs them, then checks their content.
func (v *checker) roleSections(key string, in *Institution) {
	acquires := in.Role == RoleAcquirer || in.Role == RoleBoth
	issues := in.Role == RoleIssuer || in.Role == RoleBoth
	switch {
	case acquires && in.Inbound == nil:
		v.addf(key+".inbound", "required for role %s", in.Role)
	case !acquires && in.Inbound != nil && in.Role != "":
		v.addf(key+".inbound", "not used by role %s", in.Role)
	case in.Inbound != nil:
		v.inbound(key+".inbound", in)
	}
	switch {
	case issues && in.Outbound == nil:
		v.addf(key+".outbound", "required for role %s", in.Role)
	case !issues && in.Outbound != nil && in.Role != "":
		v.addf(key+".outbound", "not used by role %s", in.Role)
	case in.Outbound != nil:
		v.outbound(key+".outbound", in.Outbound)
	}
}

func (v *checker) inbound(key string, in *Institution) {
	ib := in.Inbound
	if ib.Listener == "" {
		v.add(key+".listener", "required")
	} else if l := v.c.Listener(ib.Listener); l == nil {
		v.addf(key+".listener", "no listener named %q", ib.Listener)
	} else if l.Dialect != in.Dialect || l.Framing != in.Framing || l.Header != in.Header {
		v.addf(key+".listener", "listener %q uses dialect %s, framing %s, header %t but the institution uses dialect %s, framing %s, header %t",
			l.Name, l.Dialect, l.Framing, l.Header, in.Dialect, in.Framing, in.Header)
	}
	if len(ib.Allow) == 0 {
		v.add(key+".allow", "at least one CIDR or IP address is required")
	}
	for j, a := range ib.Allow {
		v.add(fmt.Sprintf("%s.allow[%d]", key, j), checkAllow(a))
	}
}

func (v *checker) outbound(key string, o *Outbound) {
	if len(o.Addresses) == 0 {
		v.add(key+".addresses", "at least one host:port is required")
	}
	seen := map[string]int{}
	for j, a := range o.Addresses {
		k := fmt.Sprintf("%s.addresses[%d]", key, j)
		if p := checkHostPort(a, dialAddr); p != "" {
			v.add(k, p)
		} else if first, dup := seen[a]; dup {
			v.addf(k, "%q is listed twice (also addresses[%d])", a, first)
		} else {
			seen[a] = j
		}
	}
	if o.Connections < 1 || o.Connections > 64 {
		v.addf(key+".connections", "%d is not in 1..64", o.Connections)
	}
	v.add(key+".strategy", oneOf(o.Strategy, StrategyPrimarySecondary, StrategyLeastInFlight))
	if o.EchoFailures < 1 || o.EchoFailures > 100 {
		v.addf(key+".echo_failures", "%d is not in 1..100", o.EchoFailures)
	}
	for _, d := range []struct {
		name string
		val  Duration
	}{
		{"echo_interval", o.EchoInterval},
		{"echo_timeout", o.EchoTimeout},
		{"signon_timeout", o.SignOnTimeout},
		{"reconnect_min", o.ReconnectMin},
		{"reconnect_max", o.ReconnectMax},
	} {
		if d.val <= 0 {
			v.addf(key+"."+d.name, "%s must be positive", d.val)
		}
	}
	if o.ReconnectMin > 0 && o.ReconnectMax < o.ReconnectMin {
		v.addf(key+".reconnect_max", "%s is less than reconnect_min %s", o.ReconnectMax, o.ReconnectMin)
	}
}

// pinField checks that a built-in dialect's field 52 fits the PIN format:
// 16-byte ISO 9564 format 4 blocks need hl87a-sm or hl87b-sm, whose field
// 52 in turn takes no 8-byte block.
func (v *checker) pinField(key string, in *Institution) {
	wide := in.Dialect == DialectHL87ASM || in.Dialect == DialectHL87BSM
	narrow := in.Dialect == DialectHL87A || in.Dialect == DialectHL87B
	switch {
	case in.PINFormat == "iso4" && narrow:
		v.addf(key+".pin_format", "iso4 blocks are 16 bytes: use dialect %s-sm, whose field 52 holds them", in.Dialect)
	case wide && in.PINFormat != "" && in.PINFormat != "iso4":
		v.addf(key+".pin_format", "%s takes 16-byte PIN blocks (iso4), not %s", in.Dialect, in.PINFormat)
	}
}
