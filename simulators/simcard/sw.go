package simcard

// Status words (ISO/IEC 7816-4 5.1.3, EMV Book 3 6.3.5, JR/T 0025.5 annex).
const (
	swOK               uint16 = 0x9000
	swWarnSelected     uint16 = 0x6283 // selected file invalidated (blocked application)
	swVerifyFailed     uint16 = 0x6300 // authentication failed (ARPC)
	swPINTries         uint16 = 0x63C0 // | remaining tries
	swWrongLength      uint16 = 0x6700
	swSecurity         uint16 = 0x6982 // security status not satisfied
	swPINBlocked       uint16 = 0x6983 // authentication method blocked
	swRefDataInvalid   uint16 = 0x6984
	swConditions       uint16 = 0x6985 // conditions of use not satisfied
	swSMDataWrong      uint16 = 0x6988 // incorrect secure messaging data objects (script MAC)
	swWrongData        uint16 = 0x6A80
	swFuncNotSupported uint16 = 0x6A81 // card blocked
	swFileNotFound     uint16 = 0x6A82
	swRecordNotFound   uint16 = 0x6A83
	swWrongP1P2        uint16 = 0x6A86
	swRefDataNotFound  uint16 = 0x6A88
	swINSNotSupported  uint16 = 0x6D00
	swCLANotSupported  uint16 = 0x6E00
	swUnknown          uint16 = 0x6F00
)

// respond appends the status word to data.
func respond(data []byte, sw uint16) []byte {
	out := make([]byte, 0, len(data)+2)
	out = append(out, data...)
	return append(out, byte(sw>>8), byte(sw))
}

// status is a response without data.
func status(sw uint16) []byte { return []byte{byte(sw >> 8), byte(sw)} }
