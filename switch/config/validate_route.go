package config

import "fmt"

// requestMTIs are the MTIs a route may carry (requests, advices, repeats,
// reversals of the wire contract; network management is not routed).
const requestMTIs = "0100 0120 0121 0200 0220 0221 0400 0420 0421"

// claim remembers which route first listed a BIN or receiving id.
type claim struct {
	route string
	key   string
}

func (v *checker) routes() {
	names := map[string]int{}
	bins := map[string]claim{}
	recv := map[string]claim{}
	for i := range v.c.Routes {
		r := &v.c.Routes[i]
		key := fmt.Sprintf("routes[%d]", i)
		if r.Name == "" {
			v.add(key+".name", "required")
		} else if j, dup := names[r.Name]; dup {
			v.addf(key+".name", "%q is already used by routes[%d]", r.Name, j)
		} else {
			names[r.Name] = i
		}
		v.routeIssuer(key+".issuer", r.Issuer)
		if len(r.BINs) == 0 && len(r.Receiving) == 0 {
			v.add(key, "needs bins or receiving (at least one)")
		}
		v.claims(key, r.Name, "bins", "BIN", r.BINs, bins)
		v.claims(key, r.Name, "receiving", "receiving id", r.Receiving, recv)
		v.codes(key+".mtis", r.MTIs, 4, "a request MTI ("+requestMTIs+")", isRequestMTI)
		v.codes(key+".processing_codes", r.ProcessingCodes, 2, "2 digits", nil)
		// A zero timeout with an unknown issuer is already reported there.
		if r.Timeout < 0 || (r.Timeout == 0 && v.c.Institution(r.Issuer) != nil) {
			v.addf(key+".timeout", "%s must be positive", r.Timeout)
		}
	}
}

func (v *checker) routeIssuer(key, id string) {
	if id == "" {
		v.add(key, "required")
		return
	}
	in := v.c.Institution(id)
	switch {
	case in == nil:
		v.addf(key, "no institution with id %q", id)
	case in.Role != RoleIssuer && in.Role != RoleBoth:
		v.addf(key, "institution %q has role %q, not issuer or both", id, in.Role)
	}
}

// claims checks digit prefixes/ids (1..11 digits) and that no two routes
// (or one route twice) claim the same value.
func (v *checker) claims(key, route, field, what string, vals []string, seen map[string]claim) {
	for j, s := range vals {
		k := fmt.Sprintf("%s.%s[%d]", key, field, j)
		if !isDigits(s, 1, 11) {
			v.addf(k, "%s %q is not 1..11 digits", what, s)
			continue
		}
		if c, dup := seen[s]; dup {
			v.addf(k, "%s %q is claimed by route %q (%s) and route %q", what, s, c.route, c.key, route)
			continue
		}
		seen[s] = claim{route: route, key: k}
	}
}

// codes checks a list of fixed-length digit codes for format and repeats.
func (v *checker) codes(key string, vals []string, n int, want string, ok func(string) bool) {
	seen := map[string]bool{}
	for j, s := range vals {
		k := fmt.Sprintf("%s[%d]", key, j)
		switch {
		case !isDigits(s, n, n) || (ok != nil && !ok(s)):
			v.addf(k, "%q is not %s", s, want)
		case seen[s]:
			v.addf(k, "%q is listed twice", s)
		default:
			seen[s] = true
		}
	}
}

func isRequestMTI(s string) bool {
	for i := 0; i+4 <= len(requestMTIs); i += 5 {
		if requestMTIs[i:i+4] == s {
			return true
		}
	}
	return false
}
