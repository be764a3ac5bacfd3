package frame

// Append appends k's prefix for len(body) followed by body to dst.
// It fails with *LengthError when body is longer than k can express and with
// ErrEmptyFrame when body is empty (a Reader would reject that frame).
func Append(dst []byte, k Kind, body []byte) ([]byte, error) {
	out, err := AppendPrefix(dst, k, len(body))
	if err != nil {
		return dst, err
	}
	return append(out, body...), nil
}

// AppendPrefix appends k's prefix for a body of n bytes to dst.
func AppendPrefix(dst []byte, k Kind, n int) ([]byte, error) {
	if err := checkLen(k, n); err != nil {
		return dst, err
	}
	switch k {
	case ASCII4:
		return append(dst,
			byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10)), nil
	default: // Binary2, checked by checkLen
		return append(dst, byte(n>>8), byte(n)), nil
	}
}

// Reserve appends room for k's prefix to dst and returns the extended slice and
// the offset of the reserved prefix. Append the body to out, then call Patch
// with the final slice and at to write the prefix in place. For an unknown Kind
// nothing is reserved and Patch reports ErrUnknownKind.
func Reserve(dst []byte, k Kind) (out []byte, at int) {
	at = len(dst)
	for range k.PrefixLen() {
		dst = append(dst, '0')
	}
	return dst, at
}

// Patch writes, at offset at of buf, k's prefix for the len(buf[at+k.PrefixLen():])
// bytes that follow the prefix. It is the second half of Reserve.
func Patch(buf []byte, k Kind, at int) error {
	pl := k.PrefixLen()
	if pl == 0 {
		return ErrUnknownKind
	}
	if at < 0 || at > len(buf)-pl {
		return ErrBadOffset
	}
	n := len(buf) - at - pl
	_, err := AppendPrefix(buf[at:at], k, n) // writes within buf's existing bytes
	return err
}

// checkLen reports whether a body of n bytes can be framed with k.
func checkLen(k Kind, n int) error {
	limit := k.limit()
	switch {
	case limit == 0:
		return ErrUnknownKind
	case n == 0:
		return ErrEmptyFrame
	case n < 0 || n > limit:
		return &LengthError{Declared: n, Max: limit}
	}
	return nil
}
