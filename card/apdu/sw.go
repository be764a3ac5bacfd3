package apdu

import "fmt"

// SW is a status word SW1 SW2 (ISO/IEC 7816-4 5.6, EMV Book 3 6.3.5).
// A SW is also an error: Response.Err returns the status word itself when
// it is not a success, so callers match it with errors.Is(err, SW(0x6A82))
// or errors.As(err, &sw).
type SW uint16

// Status words with a name.
const (
	SWOK                    SW = 0x9000
	SWWarnDataCorrupted     SW = 0x6281
	SWWarnEndOfFile         SW = 0x6282
	SWWarnFileInvalidated   SW = 0x6283
	SWWarnFCIFormat         SW = 0x6284
	SWVerifyFailed          SW = 0x6300
	SWPINTries              SW = 0x63C0 // | the tries left (VERIFY with a wrong PIN)
	SWMemoryFailure         SW = 0x6581
	SWWrongLength           SW = 0x6700
	SWLogicalChannel        SW = 0x6881
	SWSecureMessaging       SW = 0x6882
	SWCommandIncompatible   SW = 0x6981
	SWSecurityStatus        SW = 0x6982
	SWAuthMethodBlocked     SW = 0x6983
	SWReferenceDataUnusable SW = 0x6984
	SWConditionsOfUse       SW = 0x6985
	SWNoCurrentEF           SW = 0x6986
	SWSMDataIncorrect       SW = 0x6988 // secure messaging data objects incorrect (a script MAC)
	SWWrongData             SW = 0x6A80
	SWFunctionNotSupported  SW = 0x6A81
	SWFileNotFound          SW = 0x6A82
	SWRecordNotFound        SW = 0x6A83
	SWNotEnoughMemory       SW = 0x6A84
	SWIncorrectP1P2         SW = 0x6A86
	SWReferenceNotFound     SW = 0x6A88
	SWWrongP1P2             SW = 0x6B00
	SWINSNotSupported       SW = 0x6D00
	SWCLANotSupported       SW = 0x6E00
	SWNoDiagnosis           SW = 0x6F00
)

// SW1 returns the first status byte.
func (sw SW) SW1() byte { return byte(sw >> 8) }

// SW2 returns the second status byte.
func (sw SW) SW2() byte { return byte(sw) }

// OK reports whether the status word is 9000.
func (sw SW) OK() bool { return sw == SWOK }

// Warning reports a warning status (62xx, 63xx): the command was processed.
func (sw SW) Warning() bool { return sw.SW1() == 0x62 || sw.SW1() == 0x63 }

// MoreData reports 61xx: SW2 more bytes wait for GET RESPONSE (T=0).
func (sw SW) MoreData() bool { return sw.SW1() == 0x61 }

// WrongLe reports 6Cxx: re-send the command with Le = SW2 (T=0).
func (sw SW) WrongLe() bool { return sw.SW1() == 0x6C }

// Available returns the byte count that 61xx and 6Cxx announce (00 means
// 256), and 0 for other status words.
func (sw SW) Available() int {
	if !sw.MoreData() && !sw.WrongLe() {
		return 0
	}
	if sw.SW2() == 0 {
		return 256
	}
	return int(sw.SW2())
}

// String returns the hex status word and its meaning, e.g.
// "6A82 file or application not found".
func (sw SW) String() string {
	return fmt.Sprintf("%04X %s", uint16(sw), sw.meaning())
}

// Error makes a status word an error value; see Response.Err.
func (sw SW) Error() string { return "apdu: status " + sw.String() }

func (sw SW) meaning() string {
	if n, ok := fixedName(sw); ok {
		return n
	}
	switch sw.SW1() {
	case 0x61:
		return fmt.Sprintf("%d more bytes available (GET RESPONSE)", sw.Available())
	case 0x6C:
		return fmt.Sprintf("wrong Le: %d bytes available", sw.Available())
	case 0x63:
		if sw.SW2()&0xF0 == 0xC0 {
			return fmt.Sprintf("verification failed, %d tries left", sw.SW2()&0x0F)
		}
		return "warning: non-volatile memory changed"
	case 0x62:
		return "warning: non-volatile memory unchanged"
	case 0x64:
		return "execution error: non-volatile memory unchanged"
	case 0x65:
		return "execution error: non-volatile memory changed"
	case 0x68:
		return "function in CLA not supported"
	case 0x69:
		return "command not allowed"
	case 0x6A:
		return "wrong parameters P1-P2"
	case 0x90:
		return "success (proprietary SW2)"
	}
	return "unknown status"
}

// fixedName returns the meaning of the status words with a fixed value.
func fixedName(sw SW) (string, bool) {
	switch sw {
	case SWOK:
		return "success", true
	case SWWarnDataCorrupted:
		return "warning: returned data may be corrupted", true
	case SWWarnEndOfFile:
		return "warning: end of file or record reached before Le bytes", true
	case SWWarnFileInvalidated:
		return "warning: selected file invalidated (blocked)", true
	case SWWarnFCIFormat:
		return "warning: FCI not formatted per ISO 7816-4", true
	case SWVerifyFailed:
		return "verification failed", true
	case SWMemoryFailure:
		return "memory failure", true
	case SWWrongLength:
		return "wrong length", true
	case SWLogicalChannel:
		return "logical channel not supported", true
	case SWSecureMessaging:
		return "secure messaging not supported", true
	case SWCommandIncompatible:
		return "command incompatible with file structure", true
	case SWSecurityStatus:
		return "security status not satisfied", true
	case SWAuthMethodBlocked:
		return "authentication method blocked", true
	case SWReferenceDataUnusable:
		return "reference data not usable", true
	case SWConditionsOfUse:
		return "conditions of use not satisfied", true
	case SWNoCurrentEF:
		return "command not allowed: no current EF", true
	case SWWrongData:
		return "incorrect parameters in the data field", true
	case SWFunctionNotSupported:
		return "function not supported", true
	case SWFileNotFound:
		return "file or application not found", true
	case SWRecordNotFound:
		return "record not found", true
	case SWNotEnoughMemory:
		return "not enough memory space in the file", true
	case SWIncorrectP1P2:
		return "incorrect parameters P1-P2", true
	case SWReferenceNotFound:
		return "referenced data not found", true
	case SWWrongP1P2:
		return "wrong parameters P1-P2", true
	case SWINSNotSupported:
		return "instruction code not supported or invalid", true
	case SWCLANotSupported:
		return "class not supported", true
	case SWNoDiagnosis:
		return "no precise diagnosis", true
	}
	return "", false
}
