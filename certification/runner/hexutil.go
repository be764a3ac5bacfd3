package runner

import (
	"encoding/hex"
	"strings"
)

func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

func decodeHexString(s string) ([]byte, error) {
	return hex.DecodeString(strings.ReplaceAll(s, " ", ""))
}
