package journal

import "fmt"

// CheckNoSensitive returns an error wrapping ErrSensitive when fields (the
// data element numbers a SAF payload is about to carry) holds one of the
// elements that must never be stored: 2 (PAN), 35 (track 2), 36 (track 3),
// 45 (track 1), 52 (PIN block) or 55 (ICC data). The journal cannot look
// inside SAFEntry.Message, so the caller runs this before encoding a payload
// for WriteEnqueue.
func CheckNoSensitive(fields []int) error {
	for _, f := range fields {
		switch f {
		case 2, 35, 36, 45, 52, 55:
			return fmt.Errorf("%w: field %d in a stored message", ErrSensitive, f)
		}
	}
	return nil
}
