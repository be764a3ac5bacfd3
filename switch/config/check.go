package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// isDigits reports whether s is min..max ASCII digits.
func isDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkID returns a problem with an institution id (1..11 digits), or "".
func checkID(id string) string {
	switch {
	case id == "":
		return "required"
	case !isDigits(id, 1, 11):
		return fmt.Sprintf("%q is not 1..11 digits", id)
	}
	return ""
}

// addrUse says where an address is used, which decides what is allowed.
type addrUse int

const (
	listenAddr addrUse = iota // empty host and port 0 allowed
	dialAddr                  // host and a non-zero port required
)

// checkHostPort returns a problem with a host:port address, or "".
func checkHostPort(addr string, use addrUse) string {
	if addr == "" {
		return "required"
	}
	host, port, err := splitHostPort(addr)
	if err != "" {
		return fmt.Sprintf("%q is not host:port", addr)
	}
	p, perr := strconv.ParseUint(port, 10, 16)
	if perr != nil || !isDigits(port, 1, 5) {
		return fmt.Sprintf("%q is not host:port (port must be 0..65535)", addr)
	}
	if use == dialAddr {
		if host == "" {
			return fmt.Sprintf("%q is not host:port (host required)", addr)
		}
		if p == 0 {
			return fmt.Sprintf("%q is not host:port (port must be 1..65535)", addr)
		}
	}
	if host != "" && !validHost(host) {
		return fmt.Sprintf("%q is not host:port (bad host)", addr)
	}
	return ""
}

// splitHostPort splits "host:port" or "[v6]:port"; err is non-empty when
// the form is wrong.
func splitHostPort(addr string) (host, port, err string) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", "", "no port"
	}
	host, port = addr[:i], addr[i+1:]
	if strings.HasPrefix(host, "[") {
		if !strings.HasSuffix(host, "]") {
			return "", "", "bad brackets"
		}
		host = host[1 : len(host)-1]
		if _, e := netip.ParseAddr(host); e != nil || !strings.Contains(host, ":") {
			return "", "", "bad IPv6"
		}
		return host, port, ""
	}
	if strings.ContainsAny(host, ":[]") {
		return "", "", "IPv6 needs brackets"
	}
	return host, port, ""
}

// validHost reports whether h is an IP address or a DNS host name.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if !validLabel(label) {
			return false
		}
	}
	return true
}

// validLabel checks one DNS label: 1..63 letters, digits or inner hyphens.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		ok := c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// checkAllow returns a problem with an allow entry (CIDR or bare IP), or "".
func checkAllow(s string) string {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Sprintf("%q is not a CIDR or IP address", s)
		}
		if p.Masked() != p {
			return fmt.Sprintf("%q has host bits set (did you mean %s?)", s, p.Masked())
		}
		return ""
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return fmt.Sprintf("%q is not a CIDR or IP address", s)
	}
	return ""
}

// oneOf returns a problem when v is not one of the allowed values, or "".
func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return ""
		}
	}
	if v == "" {
		return "required (one of " + strings.Join(allowed, ", ") + ")"
	}
	return fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", "))
}
