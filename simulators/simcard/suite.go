package simcard

import (
	"fmt"

	"github.com/hulian/hulian/emv/crypto"
	"github.com/hulian/hulian/symmetric"
)

// suite is a profile's algorithm suite.
type suite struct {
	name  string              // "rsa" or "sm"
	sym   symmetric.Algorithm // TDES or SM4
	sm    bool                // SM2 public-key objects (JR/T 0025.17)
	algID byte                // 9F10 algorithm id: 01 TDES, 04 SM4
}

func suiteOf(name string) (suite, error) {
	switch name {
	case "rsa":
		return suite{name: "rsa", sym: symmetric.TDES, algID: 0x01}, nil
	case "sm":
		return suite{name: "sm", sym: symmetric.SM4, sm: true, algID: 0x04}, nil
	}
	return suite{}, fmt.Errorf("must be rsa or sm")
}

// cardKeys are an application's card master keys (MK-AC, MK-SMI, MK-SMC).
type cardKeys struct {
	ac, mac, enc []byte
}

// sessionKey derives the PBOC session key of mk for atc.
func (s suite) sessionKey(mk []byte, atc uint16) ([]byte, error) {
	return crypto.SessionKey(s.sym, mk, atc)
}
