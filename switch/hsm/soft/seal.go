package soft

import (
	"crypto/cipher"
	"io"
	"strconv"

	"github.com/hulian/hulian/switch/hsm"
)

// sealed is a value sealed with AES-256-GCM under the LMK.
type sealed struct {
	Nonce []byte `json:"nonce"`
	Data  []byte `json:"data"`
}

const nonceSize = 12

// checkPlain and checkAD make the LMK check marker: sealing a constant lets
// Open refuse a wrong LMK even when no key is stored.
const (
	checkPlain = "hulian soft hsm lmk check v1"
	checkAD    = "hulian/hsm/soft/v1/lmk-check"
)

// keyAD binds a sealed key value to its id, type, algorithm and length.
func keyAD(info hsm.KeyInfo) []byte {
	ad := make([]byte, 0, 64+len(info.ID))
	ad = append(ad, "hulian/hsm/soft/v1/key\x00"...)
	ad = append(ad, info.ID...)
	ad = append(ad, 0)
	ad = append(ad, info.Type.String()...)
	ad = append(ad, 0)
	ad = append(ad, info.Alg.String()...)
	ad = append(ad, 0)
	ad = strconv.AppendInt(ad, int64(info.Length), 10)
	return ad
}

func seal(aead cipher.AEAD, rnd io.Reader, plain, ad []byte) (sealed, error) {
	nonce := make([]byte, nonceSize)
	if _, err := io.ReadFull(rnd, nonce); err != nil {
		return sealed{}, err
	}
	return sealed{Nonce: nonce, Data: aead.Seal(nil, nonce, plain, ad)}, nil
}

func sealKey(aead cipher.AEAD, rnd io.Reader, info hsm.KeyInfo, key []byte) (sealed, error) {
	return seal(aead, rnd, key, keyAD(info))
}

// unsealKey returns the clear key of info; the caller must clear it.
func unsealKey(aead cipher.AEAD, info hsm.KeyInfo, s sealed) ([]byte, error) {
	if aead == nil {
		return nil, hsm.ErrClosed
	}
	if len(s.Nonce) != nonceSize || len(s.Data) != info.Length+aead.Overhead() {
		return nil, ErrStore
	}
	key, err := aead.Open(make([]byte, 0, info.Length), s.Nonce, s.Data, keyAD(info))
	if err != nil {
		return nil, ErrWrongLMK
	}
	return key, nil
}

func sealCheck(aead cipher.AEAD, rnd io.Reader) (sealed, error) {
	return seal(aead, rnd, []byte(checkPlain), []byte(checkAD))
}

func openCheck(aead cipher.AEAD, s sealed) error {
	if len(s.Nonce) != nonceSize {
		return ErrStore
	}
	p, err := aead.Open(nil, s.Nonce, s.Data, []byte(checkAD))
	if err != nil || string(p) != checkPlain {
		return ErrWrongLMK
	}
	return nil
}
