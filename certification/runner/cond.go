package runner

import (
	"bytes"
	"fmt"

	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/emv/tlv"
)

// aipBits maps the condition names to AIP byte 1 bits (EMV Book 3 Annex
// C1).
func aipBits() map[string]byte {
	return map[string]byte{"sda": 0x40, "dda": 0x20, "cvm": 0x10, "risk": 0x08, "issuer_auth": 0x04, "cda": 0x01}
}

// cvmCodes maps the condition names to CV method codes (b6-b1 of a CV
// rule, EMV Book 3 Annex C3).
func cvmCodes() map[string][]byte {
	return map[string][]byte{
		"offline_pin": {0x01, 0x03}, "enciphered_pin": {0x04, 0x05}, "online_pin": {0x02},
		"signature": {0x1E, 0x03, 0x05}, "no_cvm": {0x1F},
	}
}

// view is what conditions look at.
type view struct {
	aip     []byte
	data    *store
	answer  []tlv.TLV
	lastCID int // -1 no GENERATE AC yet
	caKeys  *capk.Store
	base    *store // what the discovery read (the PPSE listing)
}

// applicable checks a case's when: against what the card announced before
// the cases.
func (r *Runner) applicable(when []script.Condition, info *cardInfo) (bool, string) {
	if len(when) == 0 {
		return true, ""
	}
	if info.data == nil || info.data.aip == nil {
		why := "the card could not be read before the cases"
		if info.err != nil {
			why += ": " + info.err.Error()
		}
		return false, why
	}
	v := view{aip: info.data.aip, data: info.data, answer: nil, lastCID: -1, caKeys: r.opts.CAKeys, base: info.data}
	ok, why := v.all(when)
	if !ok && info.err != nil {
		why += " (the card could not be read fully before the cases: " + info.err.Error() + ")"
	}
	return ok, why
}

// conditions checks a step's if: against the case so far.
func (s *session) conditions(cs []script.Condition) (bool, string) {
	if len(cs) == 0 {
		return true, ""
	}
	v := view{aip: s.aip(), data: s.data, answer: s.ans.list, lastCID: -1, caKeys: s.r.opts.CAKeys, base: s.base}
	if s.data.list == nil && s.base != nil {
		v.data = s.base
	}
	if n := len(s.gac); n > 0 && s.gac[n-1].ok {
		v.lastCID = int(s.gac[n-1].cid & 0xC0)
	}
	return v.all(cs)
}

// all reports whether every condition holds, and when one does not, why.
func (v view) all(cs []script.Condition) (bool, string) {
	for _, c := range cs {
		if ok, why := v.holds(c); !ok {
			return false, why
		}
	}
	return true, ""
}

func (v view) holds(c script.Condition) (bool, string) {
	switch c.Kind {
	case "aip", "not_aip":
		if len(v.aip) < 1 {
			return false, "the AIP is not known"
		}
		set := v.aip[0]&aipBits()[c.Value] != 0
		if c.Kind == "aip" {
			return set, "the AIP does not announce " + c.Value
		}
		return !set, "the AIP announces " + c.Value
	case "cid":
		want := int(cidOf(c.Value))
		return v.lastCID == want, fmt.Sprintf("the last GENERATE AC did not answer %s", c.Value)
	case "cvm":
		return v.hasCVM(c.Value), "the CVM list has no " + c.Value
	case "present", "absent":
		p, err := script.ParsePath(c.Value)
		if err != nil {
			return false, err.Error()
		}
		list := v.answer
		if p.Scope == "card" {
			list = v.data.list
		}
		found := len(findPath(list, p.Tags)) > 0
		if c.Kind == "present" {
			return found, c.Value + " is absent"
		}
		return !found, c.Value + " is present"
	case "algorithm":
		alg := v.algorithm()
		return alg == c.Value, "the card's offline authentication is " + alg
	case "interface":
		listed, why := v.contactless()
		if c.Value == "contactless" {
			return listed, why
		}
		return !listed, "the PPSE lists the application: it is offered contactless"
	}
	return false, "unknown condition " + c.Kind
}

// hasCVM looks for a method in the CVM list 8E (kernel.ParseCVMList); a
// malformed list has none.
func (v view) hasCVM(name string) bool {
	raw, ok := v.data.find(0x8E)
	if !ok {
		return false
	}
	list, err := kernel.ParseCVMList(raw)
	if err != nil {
		return false
	}
	for _, r := range list.Rules {
		for _, code := range cvmCodes()[name] {
			if r.Method() == code {
				return true
			}
		}
	}
	return false
}

// algorithm is the card's offline authentication family: the CA key's
// algorithm when the test CA keys have it, else "sm" when the issuer
// certificate has the SM2 format (12), else "rsa".
func (v view) algorithm() string {
	idx, ok := v.data.find(0x8F)
	if ok && len(idx) == 1 && v.caKeys != nil && len(v.data.aid) >= 5 {
		if k, ok := v.caKeys.Lookup(v.data.aid[:5], idx[0]); ok {
			if k.Algorithm == capk.RSA {
				return "rsa"
			}
			return "sm"
		}
	}
	if cert, ok := v.data.find(tlv.Tag(0x90)); ok && len(cert) > 0 && cert[0] == 0x12 {
		return "sm"
	}
	return "rsa"
}

// contactless reports whether the PPSE lists the application under test
// (JR/T 0025.12: the applications offered contactless), and why not.
func (v view) contactless() (bool, string) {
	if v.base == nil {
		return false, "the PPSE was not read"
	}
	if v.base.ppseErr != "" {
		return false, "the application is not offered contactless: " + v.base.ppseErr
	}
	for _, aid := range v.base.ppse {
		if bytes.Equal(aid, v.base.aid) {
			return true, ""
		}
	}
	return false, "the PPSE does not list the application: it is not offered contactless"
}
