package apdu

// Response is a response APDU: the data field and the status word.
type Response struct {
	Data []byte
	SW   SW
}

// ParseResponse splits a response (data || SW1 SW2). Data aliases b.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, ErrShort
	}
	n := len(b) - 2
	return Response{Data: b[:n:n], SW: SW(b[n])<<8 | SW(b[n+1])}, nil
}

// Append appends data || SW1 SW2 to dst.
func (r Response) Append(dst []byte) []byte {
	return append(append(dst, r.Data...), r.SW.SW1(), r.SW.SW2())
}

// Bytes returns data || SW1 SW2 in a new slice.
func (r Response) Bytes() []byte {
	return r.Append(make([]byte, 0, len(r.Data)+2))
}

// Err returns nil for 9000 and the status word (an error value) otherwise.
func (r Response) Err() error {
	if r.SW.OK() {
		return nil
	}
	return r.SW
}
