package tags

import "fmt"

// decodeCVMResults explains CVM Results '9F34' (EMV 4.4 Book 3 Annex C3 for
// the method and condition codes, Book 4 section 6.3.4 for the result):
// method performed, condition, result.
func decodeCVMResults(v []byte) ([]string, bool) {
	if len(v) != 3 {
		return nil, false
	}
	method := CVMMethod(v[0])
	if v[0]&0x40 != 0 {
		method += ", apply succeeding CV rule if unsuccessful"
	}
	return []string{method, CVMCondition(v[1]), cvmResult(v[2])}, true
}

// CVMMethod names the CV method in b6..b1 of the first byte of a CV rule
// (CVM List '8E' or CVM Results '9F34'). 0x20 is the PBOC cardholder ID
// verification method (JR/T 0025.5).
func CVMMethod(b byte) string {
	switch b & 0x3F {
	case 0x00:
		return "Fail CVM processing"
	case 0x01:
		return "Plaintext PIN verification performed by ICC"
	case 0x02:
		return "Enciphered PIN verified online"
	case 0x03:
		return "Plaintext PIN verification performed by ICC and signature"
	case 0x04:
		return "Enciphered PIN verification performed by ICC"
	case 0x05:
		return "Enciphered PIN verification performed by ICC and signature"
	case 0x1E:
		return "Signature (paper)"
	case 0x1F:
		return "No CVM required"
	case 0x20:
		return "Cardholder ID verification (PBOC)"
	case 0x3F:
		return "No CVM performed"
	default:
		return "CV method " + hexByte(b&0x3F) + " (RFU or proprietary)"
	}
}

// CVMCondition names the CVM condition code of a CV rule.
func CVMCondition(b byte) string {
	switch b {
	case 0x00:
		return "Always"
	case 0x01:
		return "If unattended cash"
	case 0x02:
		return "If not unattended cash and not manual cash and not purchase with cashback"
	case 0x03:
		return "If terminal supports the CVM"
	case 0x04:
		return "If manual cash"
	case 0x05:
		return "If purchase with cashback"
	case 0x06:
		return "If transaction is in the application currency and is under X value"
	case 0x07:
		return "If transaction is in the application currency and is over X value"
	case 0x08:
		return "If transaction is in the application currency and is under Y value"
	case 0x09:
		return "If transaction is in the application currency and is over Y value"
	default:
		return "Condition " + hexByte(b) + " (RFU or proprietary)"
	}
}

func cvmResult(b byte) string {
	switch b {
	case 0x00:
		return "Result unknown"
	case 0x01:
		return "Failed"
	case 0x02:
		return "Successful"
	default:
		return "Result " + hexByte(b) + " (RFU)"
	}
}

func hexByte(b byte) string { return fmt.Sprintf("'%02X'", b) }
