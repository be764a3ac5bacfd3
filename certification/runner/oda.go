package runner

import (
	"bytes"
	"fmt"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// checkODA verifies offline data authentication with the test CA keys:
// sda (93 over the static data), dda (the step's INTERNAL AUTHENTICATE
// answer), cda (the step's GENERATE AC answer) or fdda (the step's qPBOC
// GPO answer, 9F4B over 9F37 9F02 5F2A 9F69).
func (s *session) checkODA(method string) string {
	issuer, static, msg := s.issuerKey()
	if msg != "" {
		return msg
	}
	if method == "sda" {
		ssad, ok := s.cardValue(0x93)
		if !ok {
			return "SDA: the signed static application data (93) has not been read"
		}
		if _, err := oda.VerifySDA(issuer, ssad, static); err != nil {
			return "SDA does not verify: " + err.Error()
		}
		return ""
	}
	icc, msg := s.iccKey(issuer, static)
	if msg != "" {
		return msg
	}
	switch method {
	case "dda":
		sdad := s.sdad()
		if sdad == nil {
			return "DDA: the answer holds no signed dynamic application data (80 or 9F4B)"
		}
		if _, err := oda.VerifyDDA(icc, sdad, s.ddolData); err != nil {
			return "DDA does not verify: " + err.Error()
		}
	case "fdda":
		return s.checkFDDA(icc)
	case "cda":
		g := s.ans.gac
		if g == nil || g.sdad == nil {
			return "CDA: the GENERATE AC answer holds no signed dynamic application data (9F4B)"
		}
		return s.verifyCDA(icc, g)
	}
	return ""
}

// verifyCDA verifies the CDA signature of a GENERATE AC answer (EMV Book 2
// 6.6.2) and keeps the application cryptogram it recovers in g.
func (s *session) verifyCDA(icc *oda.PublicKey, g *gacResult) string {
	cdol := g.cdolData
	if g.second && len(s.gac) > 1 {
		cdol = append(append([]byte(nil), s.gac[0].cdolData...), g.cdolData...)
	}
	res, err := oda.VerifyCDA(icc, g.sdad, oda.CDA{UnpredictableNumber: s.term[0x9F37], CID: g.cid, PDOLData: s.pdolData,
		CDOLData: cdol, ResponseTLVs: g.respTLVs})
	if err != nil {
		return "CDA does not verify: " + err.Error()
	}
	g.ac = res.AC
	return ""
}

// cdaCryptogram recovers the application cryptogram of a CDA-signed
// answer that no oda assertion has verified yet, for the ARPC and script
// MACs that need it.
func (s *session) cdaCryptogram(g *gacResult) error {
	if len(g.ac) != 0 || g.sdad == nil {
		return nil
	}
	issuer, static, msg := s.issuerKey()
	if msg == "" {
		var icc *oda.PublicKey
		if icc, msg = s.iccKey(issuer, static); msg == "" {
			msg = s.verifyCDA(icc, g)
		}
	}
	if msg != "" {
		return failf("the ARQC of a CDA answer is needed and cannot be recovered: %s", msg)
	}
	return nil
}

// sdad is the signed dynamic data of the answer: 9F4B, or the value of a
// format 1 (80) answer.
func (s *session) sdad() []byte {
	if o, ok := tlv.Find(s.ans.list, 0x9F4B); ok {
		return o.Value
	}
	if len(s.ans.list) == 1 && s.ans.list[0].Tag == 0x80 {
		return s.ans.list[0].Value
	}
	return nil
}

// checkFDDA verifies qPBOC fDDA (JR/T 0025.12): 9F4B over 9F37 || 9F02 ||
// 5F2A || 9F69. 9F4B is the step's (the GPO answer), else the one the
// case's qPBOC GPO answered, so the check can follow the READ RECORD of
// 9F69 (fDDA version 01 returns 9F69 in the last record).
func (s *session) checkFDDA(icc *oda.PublicKey) string {
	sdad := s.sdad()
	if sdad == nil {
		sdad, _ = s.data.find(0x9F4B)
	}
	if sdad == nil {
		return "fDDA: the answer holds no signed dynamic application data (9F4B)"
	}
	card69, ok := s.cardValue(0x9F69)
	if !ok {
		return "fDDA: the card authentication related data (9F69) has not been read"
	}
	var data []byte
	for _, t := range []tlv.Tag{0x9F37, 0x9F02, 0x5F2A} {
		v := s.term[t]
		if sent, ok := s.sentPDOL(t); ok {
			v = sent
		}
		data = append(data, v...)
	}
	data = append(data, card69...)
	if _, err := oda.VerifyDDA(icc, sdad, data); err != nil {
		return "fDDA does not verify: " + err.Error()
	}
	return ""
}

// sentPDOL returns the value of tag t in the PDOL data sent.
func (s *session) sentPDOL(t tlv.Tag) ([]byte, bool) {
	pdol, ok := tlv.Find(s.data.fci, 0x9F38)
	if !ok || s.pdolData == nil {
		return nil, false
	}
	d, err := parseDOL(pdol.Value)
	if err != nil {
		return nil, false
	}
	m, err := d.Split(s.pdolData)
	if err != nil {
		return nil, false
	}
	v, ok := m[t]
	return v, ok
}

// issuerKey recovers the issuer public key with the test CA key named by
// 8F and returns it with the static data to be authenticated.
func (s *session) issuerKey() (*oda.PublicKey, []byte, string) {
	if s.r.opts.CAKeys == nil {
		return nil, nil, "no test CA keys are loaded: offline data authentication cannot be checked"
	}
	aid := s.data.aid
	if aid == nil && s.base != nil {
		aid = s.base.aid
	}
	idx, ok := s.cardValue(0x8F)
	if !ok || len(idx) != 1 || len(aid) < 5 {
		return nil, nil, "the CA public key index (8F) has not been read"
	}
	ca, ok := s.r.opts.CAKeys.Lookup(aid[:5], idx[0])
	if !ok {
		return nil, nil, fmt.Sprintf("the card names CA key %02X of RID %X, which is not among the test CA keys", idx[0], aid[:5])
	}
	static, msg := s.staticData()
	if msg != "" {
		return nil, nil, msg
	}
	ic, _ := oda.IssuerCertOf(s.cardValue)
	p, _ := s.cardValue(0x5A)
	k, err := oda.RecoverIssuerKey(ca, ic, p, s.r.opts.Clock())
	if err != nil {
		return nil, nil, "the issuer public key certificate (90) does not verify: " + err.Error()
	}
	return k, static, ""
}

// iccKey recovers the ICC public key.
func (s *session) iccKey(issuer *oda.PublicKey, static []byte) (*oda.PublicKey, string) {
	cc, ok := oda.ICCCertOf(s.cardValue)
	if !ok {
		return nil, "the ICC public key certificate (9F46) has not been read"
	}
	p, _ := s.cardValue(0x5A)
	k, err := oda.RecoverICCKey(issuer, cc, static, p, s.r.opts.Clock())
	if err != nil {
		return nil, "the ICC public key certificate (9F46) does not verify: " + err.Error()
	}
	return k, ""
}

// staticData assembles the static data to be authenticated with
// kernel.StaticData (EMV Book 3 10.3) from the records read in this case,
// else before the cases.
func (s *session) staticData() ([]byte, string) {
	afl := s.data.afl
	if afl == nil && s.base != nil {
		afl = s.base.afl
	}
	tagList, _ := s.cardValue(0x9F4A)
	out, err := kernel.StaticData(afl, func(sfi, rec byte) ([]byte, bool) { return s.record(int(sfi), int(rec)) }, tagList, s.aip())
	if err != nil {
		return nil, "the static data to be authenticated cannot be built: " + err.Error()
	}
	return out, ""
}

// checkARQC recomputes the step's application cryptogram with the test
// issuer master key.
func (s *session) checkARQC() (string, error) {
	g := s.ans.gac
	if g == nil || !g.ok || len(g.ac) != 8 {
		return "the answer holds no application cryptogram (9F26)", nil
	}
	data, err := s.cryptogramInput(g)
	if err != nil {
		var f *failure
		if asFailure(err, &f) {
			return f.Msg, nil
		}
		return "", err
	}
	sk, err := s.sessionKey("issuer_master_ac", s.r.opts.Profile.IMKAC, g.atc)
	if err != nil {
		var f *failure
		if asFailure(err, &f) {
			return f.Msg, nil
		}
		return "", err
	}
	defer clear(sk)
	want, err := crypto.ARQC(s.symAlg(), sk, data)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrCardData, err)
	}
	if !bytes.Equal(want, g.ac) {
		return fmt.Sprintf("9F26 does not recompute with the test issuer master key: the card sent %X, expected %X (ATC %04X, %s)",
			g.ac, want, g.atc, s.symAlg()), nil
	}
	return "", nil
}

// checkARPCAccepted: the card accepted the ARPC: EXTERNAL AUTHENTICATE
// answered 9000, or the second GENERATE AC answered 9000 with a TC when a
// TC was asked.
func (s *session) checkARPCAccepted() string {
	if s.ans.action == script.ActExternalAuth {
		if s.ans.sw != apdu.SWOK {
			return fmt.Sprintf("the card refused the ARPC: EXTERNAL AUTHENTICATE answered %s", swText(s.ans.sw))
		}
		return ""
	}
	g := s.ans.gac
	if g == nil || !g.second {
		return "arpc_accepted applies to EXTERNAL AUTHENTICATE or the second GENERATE AC"
	}
	if !g.ok || g.requested == cidTC && g.cid&0xC0 != cidTC {
		return fmt.Sprintf("the second GENERATE AC answered %s after the ARPC, expected a TC", article(cidName(g.cid)))
	}
	return ""
}
