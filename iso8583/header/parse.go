package header

// Parse reads the header at the start of b, which must hold the header and the
// whole message after it (exactly TotalLength bytes). It returns the header and
// the number of bytes it consumed (Len), so b[n:] is the message.
//
// It checks the header length byte (46), the version (1 or 2), the total length
// (4 decimal digits equal to len(b)), printable ASCII station ids and
// transaction info, the reserved "000", and an alphanumeric reject code.
// Parse does not allocate except for a returned *Error.
func Parse(b []byte) (Header, int, error) {
	var h Header
	if len(b) < Len {
		return h, 0, &Error{Offset: len(b), Reason: ReasonShort}
	}
	if err := checkFixed(b); err != nil {
		return h, 0, err
	}
	total, err := parseTotal(b[offTotal : offTotal+totalDigits])
	if err != nil {
		return h, 0, err
	}
	if total != len(b) {
		return h, 0, &Error{Offset: offTotal, Reason: ReasonTotalMismatch}
	}
	if err := checkASCII(b); err != nil {
		return h, 0, err
	}
	h.Version = b[offVersion]
	h.TotalLength = total
	copy(h.Destination[:], b[offDest:])
	copy(h.Source[:], b[offSource:])
	h.Batch = b[offBatch]
	copy(h.TxnInfo[:], b[offTxnInfo:])
	h.UserInfo = b[offUserInfo]
	copy(h.Reject[:], b[offReject:])
	return h, Len, nil
}

// checkFixed validates the header length byte and the version.
func checkFixed(b []byte) error {
	if b[offHeaderLen] != Len {
		return &Error{Offset: offHeaderLen, Reason: ReasonHeaderLen}
	}
	if v := b[offVersion]; v != 1 && v != 2 {
		return &Error{Offset: offVersion, Reason: ReasonVersion}
	}
	return nil
}

// parseTotal decodes the 4 ASCII digits of the total length.
func parseTotal(d []byte) (int, error) {
	n := 0
	for i, c := range d {
		if c < '0' || c > '9' {
			return 0, &Error{Offset: offTotal + i, Reason: ReasonTotalNotDecimal}
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// checkASCII validates the ASCII fields from the destination id to the reject code.
func checkASCII(b []byte) error {
	if i := firstNot(b[offDest:offDest+idLen], printable); i >= 0 {
		return &Error{Offset: offDest + i, Reason: ReasonIDNotASCII}
	}
	if i := firstNot(b[offSource:offSource+idLen], printable); i >= 0 {
		return &Error{Offset: offSource + i, Reason: ReasonIDNotASCII}
	}
	for i := range len(reserved) {
		if b[offReserved+i] != reserved[i] {
			return &Error{Offset: offReserved + i, Reason: ReasonReserved}
		}
	}
	if i := firstNot(b[offTxnInfo:offTxnInfo+8], printable); i >= 0 {
		return &Error{Offset: offTxnInfo + i, Reason: ReasonTxnInfo}
	}
	if i := firstNot(b[offReject:offReject+5], alnum); i >= 0 {
		return &Error{Offset: offReject + i, Reason: ReasonReject}
	}
	return nil
}

// firstNot returns the index of the first byte of b failing ok, or -1.
func firstNot(b []byte, ok func(byte) bool) int {
	for i, c := range b {
		if !ok(c) {
			return i
		}
	}
	return -1
}
