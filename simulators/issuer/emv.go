package issuer

import (
	"encoding/hex"
	"errors"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/emv/pboc"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/symmetric"
)

// Data objects of field 55 (EMV Book 3 Annex A, JR/T 0025.5).
const (
	tagIssuerAuth tlv.Tag = 0x91
	tagScript71   tlv.Tag = 0x71
	tagScript72   tlv.Tag = 0x72
	tagScriptCmd  tlv.Tag = 0x86
	tagScriptID   tlv.Tag = 0x9F18
)

// maxICC is the longest field 55 (b..255 in hl87a/hl87b).
const maxICC = 255

// ErrICC reports a field 55 that is not usable for an online
// authorization: not BER-TLV, too long, duplicated tags, or without an
// 8-byte 9F26 and a 2-byte 9F36. It is answered 30 (format error).
var ErrICC = errors.New("issuer: field 55 unusable")

// iccData is what the issuer reads from a request's field 55.
type iccData struct {
	arqc  []byte
	atc   uint16
	input []byte // the ARQC input, see ARQCInput
}

// ARQCInput returns the data the ARQC of field 55 covers: the PBOC CVN 01
// layout of emv/pboc (the same bytes simulators/simcard computes), taken from
// list whatever order the tags arrive in.
func ARQCInput(list []tlv.TLV) []byte { return pboc.ACInputFromTLV(list) }

// parseICC reads field 55 of a request.
func parseICC(b []byte) (iccData, error) {
	var d iccData
	if len(b) > maxICC {
		return d, ErrICC
	}
	list, err := tlv.ParseWith(b, tlv.Options{RejectDuplicates: true, MaxDepth: 3})
	if err != nil {
		return d, errors.Join(ErrICC, err)
	}
	arqc, ok := tlv.Find(list, pboc.TagAC)
	if !ok || len(arqc.Value) != crypto.ACLen {
		return d, ErrICC
	}
	atc, ok := tlv.Find(list, pboc.TagATC)
	if !ok || len(atc.Value) != 2 {
		return d, ErrICC
	}
	d.arqc = arqc.Value
	d.atc = uint16(atc.Value[0])<<8 | uint16(atc.Value[1])
	d.input = ARQCInput(list)
	return d, nil
}

// cardAlgorithm maps Account.Algorithm to emv/crypto's.
func cardAlgorithm(a *Account) symmetric.Algorithm {
	if a.Algorithm == AlgSM4 {
		return symmetric.SM4
	}
	return symmetric.TDES
}

// psnByte packs the 2-digit PSN as the BCD byte of 5F34.
func psnByte(psn string) byte {
	if len(psn) != 2 {
		return 0
	}
	return (psn[0]-'0')<<4 | (psn[1] - '0')
}

// sessionKey derives the card's session key for atc from the hex issuer
// master key imk: emv/crypto.DeriveCardKey then SessionKey.
func sessionKey(a *Account, imkHex string, atc uint16) ([]byte, error) {
	imk, err := hex.DecodeString(imkHex)
	if err != nil {
		return nil, err
	}
	defer clear(imk)
	alg := cardAlgorithm(a)
	mk, err := crypto.DeriveCardKey(alg, imk, []byte(a.PAN), psnByte(a.PSN))
	if err != nil {
		return nil, err
	}
	defer clear(mk)
	return crypto.SessionKey(alg, mk, atc)
}

// verifyARQC checks d.arqc for account a and returns the AC session key
// (the caller clears it), or an error wrapping crypto.ErrMismatch.
func verifyARQC(a *Account, d *iccData) ([]byte, error) {
	sk, err := sessionKey(a, a.IMK, d.atc)
	if err != nil {
		return nil, err
	}
	if err := crypto.VerifyAC(cardAlgorithm(a), sk, d.input, d.arqc); err != nil {
		clear(sk)
		return nil, err
	}
	return sk, nil
}

// issuerAuthData returns tag 91: ARPC (method 1) || ARC, where the ARC is
// the response code's two characters (EMV Book 3 Annex A, 8A/91).
func issuerAuthData(a *Account, sk, arqc []byte, code string) (tlv.TLV, error) {
	arc := []byte(code)
	arpc, err := crypto.ARPC1(cardAlgorithm(a), sk, arqc, arc)
	if err != nil {
		return tlv.TLV{}, err
	}
	return tlv.New(tagIssuerAuth, append(arpc, arc...)), nil
}

// ecLoadCommand returns the EC load issuer script command: PUT DATA
// 04 DA 9F 79 0A || new balance (n12, 6 bytes) || MAC (4 bytes), the MAC
// over 04DA9F790A || ATC || ARQC || balance under the script MAC session
// key (emv/crypto.ScriptMACData and ScriptMAC; emv-pboc-facts.md, EC load).
func ecLoadCommand(a *Account, d *iccData, balance int64) ([]byte, error) {
	value := bcd12(balance)
	macData, err := crypto.ScriptMACData(0x04, 0xDA, 0x9F, 0x79, d.atc, d.arqc, value[:])
	if err != nil {
		return nil, err
	}
	key := a.IMKMAC
	if key == "" {
		key = a.IMK
	}
	sk, err := sessionKey(a, key, d.atc)
	if err != nil {
		return nil, err
	}
	defer clear(sk)
	mac, err := crypto.ScriptMAC(cardAlgorithm(a), sk, macData)
	if err != nil {
		return nil, err
	}
	cmd := []byte{0x04, 0xDA, 0x9F, 0x79, byte(len(value) + len(mac))}
	cmd = append(cmd, value[:]...)
	return append(cmd, mac...), nil
}

// bcd12 packs v (0..999999999999) as 12 BCD digits.
func bcd12(v int64) [6]byte {
	var out [6]byte
	for i := 5; i >= 0; i-- {
		lo := byte(v % 10)
		v /= 10
		hi := byte(v % 10)
		v /= 10
		out[i] = hi<<4 | lo
	}
	return out
}

// scriptTemplate returns a 72 template with script id id and the commands.
func scriptTemplate(id uint32, cmds [][]byte) tlv.TLV {
	children := []tlv.TLV{tlv.New(tagScriptID, []byte{byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)})}
	for _, c := range cmds {
		children = append(children, tlv.New(tagScriptCmd, c))
	}
	return tlv.NewConstructed(tagScript72, children...)
}

// scriptCommands returns the EC load command (when ec > 0) followed by the
// configured scripts (hex APDUs, validated at load).
func scriptCommands(a *Account, d *iccData, ec int64, scripts []string) ([][]byte, error) {
	var cmds [][]byte
	if ec > 0 {
		c, err := ecLoadCommand(a, d, ec)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
	for _, s := range scripts {
		c, err := hex.DecodeString(s)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, c)
	}
	return cmds, nil
}
