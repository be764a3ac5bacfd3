package runner

import (
	"context"
	"encoding/binary"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tlv"
)

// Cryptogram types (CID 9F27 b8-b7, EMV Book 3 Table 14; GENERATE AC P1).
const (
	cidAAC  byte = 0x00
	cidTC   byte = 0x40
	cidARQC byte = 0x80
)

func cidOf(name string) byte {
	switch name {
	case "tc":
		return cidTC
	case "arqc":
		return cidARQC
	}
	return cidAAC
}

func cidName(c byte) string {
	switch c & 0xC0 {
	case cidTC:
		return "TC"
	case cidARQC:
		return "ARQC"
	case cidAAC:
		return "AAC"
	}
	return "RFU"
}

// lastARQC returns the first GENERATE AC of the application session when
// it answered an ARQC: the transaction is online.
func (s *session) lastARQC() *gacResult {
	if len(s.gac) == 1 && s.gac[0].ok && s.gac[0].cid&0xC0 == cidARQC {
		return &s.gac[0]
	}
	return nil
}

// generateAC is GENERATE AC (EMV Book 3 6.5.5): CDOL1 for the first, CDOL2
// (with 91 = ARPC || ARC when the test keys allow) after an ARQC.
func (s *session) generateAC(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	term, err := s.terminalValues(args)
	if err != nil {
		return answer{}, err
	}
	online := s.lastARQC()
	g := gacResult{requested: cidOf(args["type"]), cda: args["cda"] == "true", second: online != nil}
	cdolTag := tlv.Tag(0x8C)
	if g.second {
		cdolTag = 0x8D
		if _, given := term[0x91]; !given {
			if arpc, err := s.arpc(online, term[0x8A]); err == nil {
				term[0x91] = append(arpc, term[0x8A]...)
			}
		}
	}
	cdol, ok := s.cardValue(cdolTag)
	if !ok {
		return answer{}, failf("the card has no %s (%s): GENERATE AC cannot be built", cdolTag, map[bool]string{false: "CDOL1", true: "CDOL2"}[g.second])
	}
	if g.cdolData, err = fillDOL(cdol, term); err != nil {
		return answer{}, failf("%s is malformed: %v", cdolTag, err)
	}
	p1 := g.requested
	if g.cda {
		p1 |= 0x10
	}
	ans, err := s.send(ctx, script.ActGenerateAC, apdu.Command{CLA: 0x80, INS: 0xAE, P1: p1, Data: g.cdolData, Le: 256}, rs)
	if err != nil || ans.sw != apdu.SWOK {
		return ans, err
	}
	ans.list = g.parse(ans.list)
	s.gac = append(s.gac, g)
	ans.gac = &s.gac[len(s.gac)-1]
	s.data.add(ans.list)
	return ans, nil
}

// parse reads a GENERATE AC answer, format 1 (80: CID ATC AC IAD) or
// format 2 (77), and returns the list with format 1's parts added as
// 9F27, 9F36, 9F26 and 9F10.
func (g *gacResult) parse(list []tlv.TLV) []tlv.TLV {
	if f1, ok := tlv.Find(list, 0x80); ok && len(list) == 1 {
		v := f1.Value
		if len(v) < 11 {
			return list
		}
		g.cid, g.atc, g.ac, g.iad, g.ok = v[0], binary.BigEndian.Uint16(v[1:3]), clone(v[3:11]), clone(v[11:]), true
		return append(list, tlv.New(0x9F27, v[:1]), tlv.New(0x9F36, v[1:3]), tlv.New(0x9F26, v[3:11]), tlv.New(0x9F10, v[11:]))
	}
	get := func(t tlv.Tag) []byte { o, _ := tlv.Find(list, t); return o.Value }
	cid, atc := get(0x9F27), get(0x9F36)
	if len(cid) == 1 && len(atc) == 2 {
		g.cid, g.atc, g.ok = cid[0], binary.BigEndian.Uint16(atc), true
	}
	g.ac, g.iad, g.sdad = clone(get(0x9F26)), clone(get(0x9F10)), clone(get(0x9F4B))
	if t77, ok := tlv.Find(list, 0x77); ok {
		var rest []byte
		for _, c := range t77.Children {
			if c.Tag != 0x9F4B {
				rest = tlv.AppendTLV(rest, c)
			}
		}
		g.respTLVs = rest
	}
	return list
}

// externalAuth is EXTERNAL AUTHENTICATE (EMV Book 3 6.5.4) with ARPC ||
// ARC computed with the test issuer master key (ARPC method 1), or raw data.
func (s *session) externalAuth(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	var data []byte
	if v, ok := args["data"]; ok {
		b, err := s.hexArg(v)
		if err != nil {
			return answer{}, err
		}
		data = b
	} else {
		arc := []byte("00")
		if v, ok := args["arc"]; ok {
			b, err := s.hexArg(v)
			if err != nil {
				return answer{}, err
			}
			arc = b
		}
		online := s.lastARQC()
		if online == nil {
			return answer{}, failf("EXTERNAL AUTHENTICATE needs an ARQC from a first GENERATE AC in this case")
		}
		arpc, err := s.arpc(online, arc)
		if err != nil {
			return answer{}, err
		}
		data = append(arpc, arc...)
	}
	return s.send(ctx, script.ActExternalAuth, apdu.Command{INS: 0x82, Data: data}, rs)
}
