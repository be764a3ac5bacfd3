package header

// Append appends the 46-byte encoding of h for a message of msgLen bytes to dst.
//
// The total length written is Len+msgLen (h.TotalLength is ignored and h is
// not modified); it must fit 4 digits. A zero Version is written as 1, a zero
// TxnInfo as "00000000", a zero Reject as "00000", and trailing NUL bytes of a
// station id as spaces. Fields that Parse would reject are refused with an
// *Error, and dst is then returned unchanged. With enough capacity in dst,
// Append does not allocate.
func Append(dst []byte, h *Header, msgLen int) ([]byte, error) {
	if msgLen < 0 || msgLen > maxTotal-Len {
		return dst, &Error{Offset: offTotal, Reason: ReasonTotalRange}
	}
	version := h.Version
	if version == 0 {
		version = 1
	}
	if version != 1 && version != 2 {
		return dst, &Error{Offset: offVersion, Reason: ReasonVersion}
	}
	if err := checkFields(h); err != nil {
		return dst, err
	}
	total := Len + msgLen
	out := append(dst, Len, version,
		byte('0'+total/1000), byte('0'+total/100%10), byte('0'+total/10%10), byte('0'+total%10))
	out = appendID(out, &h.Destination)
	out = appendID(out, &h.Source)
	out = append(out, reserved...)
	out = append(out, h.Batch)
	out = appendOrDefault(out, h.TxnInfo[:])
	out = append(out, h.UserInfo)
	return appendOrDefault(out, h.Reject[:]), nil
}

// PatchLength writes len(b) as the total length of the header at the start of
// b, which holds a header followed by the whole message. It lets a caller
// Append a header with msgLen 0, pack the message after it, then fix the length.
func PatchLength(b []byte) error {
	if len(b) < Len {
		return &Error{Offset: len(b), Reason: ReasonShort}
	}
	if len(b) > maxTotal {
		return &Error{Offset: offTotal, Reason: ReasonTotalRange}
	}
	if b[offHeaderLen] != Len {
		return &Error{Offset: offHeaderLen, Reason: ReasonHeaderLen}
	}
	n := len(b)
	b[offTotal], b[offTotal+1], b[offTotal+2], b[offTotal+3] =
		byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10)
	return nil
}

// checkFields validates the fields of h that Append copies from the caller.
func checkFields(h *Header) error {
	if i := badID(&h.Destination); i >= 0 {
		return &Error{Offset: offDest + i, Reason: ReasonIDNotASCII}
	}
	if i := badID(&h.Source); i >= 0 {
		return &Error{Offset: offSource + i, Reason: ReasonIDNotASCII}
	}
	if !allZero(h.TxnInfo[:]) {
		if i := firstNot(h.TxnInfo[:], printable); i >= 0 {
			return &Error{Offset: offTxnInfo + i, Reason: ReasonTxnInfo}
		}
	}
	if !allZero(h.Reject[:]) {
		if i := firstNot(h.Reject[:], alnum); i >= 0 {
			return &Error{Offset: offReject + i, Reason: ReasonReject}
		}
	}
	return nil
}

// badID returns the index of the first invalid byte of id, or -1. Printable
// ASCII is valid; NUL is valid only as trailing padding.
func badID(id *[idLen]byte) int {
	end := len(trimNUL(id[:]))
	return firstNot(id[:end], printable)
}

// appendID appends id with trailing NUL padding turned into spaces.
func appendID(dst []byte, id *[idLen]byte) []byte {
	v := trimNUL(id[:])
	dst = append(dst, v...)
	for range idLen - len(v) {
		dst = append(dst, ' ')
	}
	return dst
}

// appendOrDefault appends f, or as many '0' digits when f is all zero bytes.
func appendOrDefault(dst, f []byte) []byte {
	if !allZero(f) {
		return append(dst, f...)
	}
	for range f {
		dst = append(dst, '0')
	}
	return dst
}

func trimNUL(b []byte) []byte {
	n := len(b)
	for n > 0 && b[n-1] == 0 {
		n--
	}
	return b[:n]
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
