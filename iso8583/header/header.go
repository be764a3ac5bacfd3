package header

// Len is the length of the header in bytes; it is also the value of its first byte.
const Len = 46

// Offsets of the header fields (contract table).
const (
	offHeaderLen = 0
	offVersion   = 1
	offTotal     = 2
	offDest      = 6
	offSource    = 17
	offReserved  = 28
	offBatch     = 31
	offTxnInfo   = 32
	offUserInfo  = 40
	offReject    = 41
)

// Field sizes and limits.
const (
	idLen       = 11
	totalDigits = 4
	maxTotal    = 9999 // four ASCII digits
	reserved    = "000"
)

// Header is the 46-byte header. The ASCII fields are kept in their wire form.
type Header struct {
	Version     byte     // byte 1: 0x01 or 0x02; 0 means 1 when appending
	TotalLength int      // bytes 2..5: header + message length; computed by Append
	Destination [11]byte // bytes 6..16: destination station id, space padded
	Source      [11]byte // bytes 17..27: source station id, space padded
	Batch       byte     // byte 31: batch number, binary
	TxnInfo     [8]byte  // bytes 32..39: transaction info, ASCII; zero means "00000000"
	UserInfo    byte     // byte 40: user info, binary
	Reject      [5]byte  // bytes 41..45: reject code, ASCII alphanumeric; zero means "00000"
}

// DestinationID returns the destination station id without its padding.
// The slice aliases h.
func (h *Header) DestinationID() []byte { return trimID(h.Destination[:]) }

// SourceID returns the source station id without its padding. The slice aliases h.
func (h *Header) SourceID() []byte { return trimID(h.Source[:]) }

// SetDestination sets the destination station id, padding it with spaces.
// id must be at most 11 printable ASCII characters.
func (h *Header) SetDestination(id string) error {
	return setID(&h.Destination, id, offDest)
}

// SetSource sets the source station id, padding it with spaces.
// id must be at most 11 printable ASCII characters.
func (h *Header) SetSource(id string) error {
	return setID(&h.Source, id, offSource)
}

// Rejected reports whether the reject code is set to something other than "00000".
func (h *Header) Rejected() bool {
	return h.Reject != [5]byte{} && h.Reject != [5]byte{'0', '0', '0', '0', '0'}
}

func setID(field *[idLen]byte, id string, off int) error {
	if len(id) > idLen {
		return &Error{Offset: off, Reason: ReasonIDTooLong}
	}
	for i := 0; i < len(id); i++ {
		if !printable(id[i]) {
			return &Error{Offset: off + i, Reason: ReasonIDNotASCII}
		}
	}
	n := copy(field[:], id)
	for i := n; i < idLen; i++ {
		field[i] = ' '
	}
	return nil
}

// trimID drops trailing spaces and NULs (a zero Header has NUL ids).
func trimID(b []byte) []byte {
	n := len(b)
	for n > 0 && (b[n-1] == ' ' || b[n-1] == 0) {
		n--
	}
	return b[:n:n]
}

func printable(c byte) bool { return c >= 0x20 && c <= 0x7e }

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
