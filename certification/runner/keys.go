package runner

import (
	"context"
	"encoding/hex"
	"fmt"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/pboc"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/symmetric"
)

// symAlg is the card's symmetric algorithm: the profile's, else the
// algorithm id of 9F10 (PBOC layout, byte 8: 01 TDES, 04 SM4), else TDES.
func (s *session) symAlg() symmetric.Algorithm {
	switch s.r.opts.Profile.Algorithm {
	case "sm4":
		return symmetric.SM4
	case "tdes":
		return symmetric.TDES
	}
	for _, g := range s.gac {
		if len(g.iad) > 7 && g.iad[7] == 0x04 {
			return symmetric.SM4
		}
	}
	return symmetric.TDES
}

// cardKey derives the card master key from a TEST issuer master key of the
// profile (EMV Book 2 A1.4 option A; PBOC SM4), with the card's PAN and PAN
// sequence number.
func (s *session) cardKey(which string, imkHex string) ([]byte, error) {
	if imkHex == "" {
		return nil, fmt.Errorf("%w: the card test profile has no %s (TEST key)", ErrScript, which)
	}
	imk, _ := hex.DecodeString(imkHex) // checked by Profile.Validate
	p, ok := s.cardValue(0x5A)
	if !ok {
		return nil, failf("the card's PAN (5A) has not been read: the card key cannot be derived")
	}
	var psn byte
	if v, ok := s.cardValue(0x5F34); ok && len(v) == 1 {
		psn = v[0]
	}
	digits := panDigits(p)
	defer clear(digits)
	k, err := crypto.DeriveCardKey(s.symAlg(), imk, digits, psn)
	if err != nil {
		return nil, fmt.Errorf("%w: deriving the card key: %v", ErrCardData, err)
	}
	return k, nil
}

// sessionKey is the PBOC session key of a card key for an ATC.
func (s *session) sessionKey(which, imkHex string, atc uint16) ([]byte, error) {
	mk, err := s.cardKey(which, imkHex)
	if err != nil {
		return nil, err
	}
	defer clear(mk)
	return crypto.SessionKey(s.symAlg(), mk, atc)
}

// arpc computes the ARPC (method 1) for an ARQC and an ARC.
func (s *session) arpc(g *gacResult, arc []byte) ([]byte, error) {
	if err := s.cdaCryptogram(g); err != nil {
		return nil, err
	}
	sk, err := s.sessionKey("issuer_master_ac", s.r.opts.Profile.IMKAC, g.atc)
	if err != nil {
		return nil, err
	}
	defer clear(sk)
	return crypto.ARPC1(s.symAlg(), sk, g.ac, arc)
}

// cryptogramInput is what an application cryptogram covers, the PBOC CVN 01
// layout of emv/pboc (AppendACInput): the terminal data objects as the
// terminal sent them through the CDOLs (CDOL2 values override CDOL1's for a
// second GENERATE AC), AIP, ATC and the CVR bytes 4..7 of 9F10.
func (s *session) cryptogramInput(g *gacResult) ([]byte, error) {
	values := map[tlv.Tag][]byte{}
	for i, gr := range s.gac {
		tag := tlv.Tag(0x8C)
		if i > 0 {
			tag = 0x8D
		}
		raw, ok := s.cardValue(tag)
		if !ok {
			return nil, failf("the card has no %s", tag)
		}
		d, err := dol.Parse(raw)
		if err != nil {
			return nil, failf("%s is malformed: %v", tag, err)
		}
		split, err := d.Split(gr.cdolData)
		if err != nil {
			return nil, failf("%s data does not split: %v", tag, err)
		}
		for k, v := range split {
			values[k] = v
		}
		if &s.gac[i] == g {
			break
		}
	}
	var terminal [8][]byte
	for i, o := range pboc.ACTerminalData() {
		terminal[i] = values[o.Tag]
	}
	return pboc.AppendACInput(make([]byte, 0, pboc.ACInputLen), &terminal, s.aip(), g.atc, g.iad), nil
}

// issuerScript sends one issuer script command with secure messaging (EMV
// Book 2 9.2, JR/T 0025.5): the MAC over CLA INS P1 P2 Lc || ATC || ARQC ||
// data under the MAC session key, 4 bytes at the end of the data.
func (s *session) issuerScript(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	online := s.lastARQC()
	if online == nil {
		return answer{}, failf("an issuer script needs an ARQC from a first GENERATE AC in this case")
	}
	c, err := s.scriptCommand(args, online)
	if err != nil {
		return answer{}, err
	}
	if err := s.cdaCryptogram(online); err != nil {
		return answer{}, err
	}
	macData, err := crypto.ScriptMACData(c.CLA, c.INS, c.P1, c.P2, online.atc, online.ac, c.Data)
	if err != nil {
		return answer{}, fmt.Errorf("%w: %v", ErrScript, err)
	}
	sk, err := s.sessionKey("issuer_master_mac", s.r.opts.Profile.IMKMAC, online.atc)
	if err != nil {
		return answer{}, err
	}
	mac, err := crypto.ScriptMAC(s.symAlg(), sk, macData)
	clear(sk)
	if err != nil {
		return answer{}, fmt.Errorf("%w: %v", ErrScript, err)
	}
	if args["bad_mac"] == "true" {
		mac[0] ^= 0x01
	}
	c.Data = append(c.Data, mac...)
	return s.send(ctx, script.ActIssuerScript, c, rs)
}

// scriptCommand builds the command of an issuer script before its MAC.
func (s *session) scriptCommand(args map[string]string, online *gacResult) (apdu.Command, error) {
	value := func() ([]byte, error) {
		if v, ok := args["value"]; ok {
			return s.hexArg(v)
		}
		return nil, fmt.Errorf("%w: issuer_script %s needs value", ErrScript, args["command"])
	}
	switch args["command"] {
	case "ec_load", "put_data":
		tag := []byte{0x9F, 0x79}
		if args["command"] == "put_data" {
			t, err := s.hexArg(args["tag"])
			if err != nil || len(t) != 2 {
				return apdu.Command{}, fmt.Errorf("%w: issuer_script put_data needs a two-byte tag", ErrScript)
			}
			tag = t
		}
		v, err := value()
		return apdu.Command{CLA: 0x04, INS: 0xDA, P1: tag[0], P2: tag[1], Data: v}, err
	case "application_block":
		return apdu.Command{CLA: 0x84, INS: 0x1E}, nil
	case "application_unblock":
		return apdu.Command{CLA: 0x84, INS: 0x18}, nil
	case "card_block":
		return apdu.Command{CLA: 0x84, INS: 0x16}, nil
	case "pin_change":
		return s.pinChange(args, online)
	}
	return apdu.Command{}, fmt.Errorf("%w: unknown issuer script command %q", ErrScript, args["command"])
}

// pinChange is PIN CHANGE/UNBLOCK: without value it resets the PIN try
// counter (P2 00); with value (the new PIN, digits) it sets the PIN,
// enciphered under the ENC session key (P2 02).
func (s *session) pinChange(args map[string]string, online *gacResult) (apdu.Command, error) {
	v, ok := args["value"]
	if !ok {
		return apdu.Command{CLA: 0x84, INS: 0x24}, nil
	}
	pin, err := s.expand(v)
	if err != nil {
		return apdu.Command{}, err
	}
	block, err := pinBlock(pin)
	if err != nil {
		return apdu.Command{}, err
	}
	defer clear(block)
	sk, err := s.sessionKey("issuer_master_enc", s.r.opts.Profile.IMKENC, online.atc)
	if err != nil {
		return apdu.Command{}, err
	}
	defer clear(sk)
	enc, err := crypto.ScriptEncrypt(s.symAlg(), sk, block)
	if err != nil {
		return apdu.Command{}, fmt.Errorf("%w: %v", ErrScript, err)
	}
	return apdu.Command{CLA: 0x84, INS: 0x24, P2: 0x02, Data: enc}, nil
}
