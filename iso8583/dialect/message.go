package dialect

import "math/bits"

// minArena is the smallest arena a Message allocates when it needs one.
const minArena = 512

// Message is one ISO 8583 message in canonical form, independent of any
// dialect: the MTI as 4 ASCII digits; numeric (n) fields as ASCII digits;
// an/ans fields as their bytes; z (track 2) fields as ASCII digits with '=' as
// separator; binary (b) fields as raw bytes. Fixed-length values keep their
// padding exactly as on the wire.
//
// Values returned by Field and Each alias memory the Message does not copy:
// after Dialect.Unpack, values of ASCII and binary fields alias the unpacked
// data; values of BCD or hex encoded fields and values stored with SetCopy,
// SetString or CopyFrom live in the Message's arena. Either way a value stays
// valid until the next Reset or Unpack of this Message (and, when it aliases
// the input, while the input buffer is not reused). Use CopyFrom to keep a
// message beyond that.
//
// The zero value is an empty message ready to use. A Message is not safe for
// concurrent use.
type Message struct {
	mti     [4]byte
	hasMTI  bool
	present [2]uint64 // bit (n-1) of the 128-bit set: field n present
	vals    [129][]byte
	arena   []byte
}

// Reset forgets the MTI and all fields. It keeps the arena for reuse, so
// slices obtained before Reset must no longer be used.
func (m *Message) Reset() {
	for w := range m.present {
		for set := m.present[w]; set != 0; set &= set - 1 {
			m.vals[w*64+bits.TrailingZeros64(set)+1] = nil
		}
	}
	m.present = [2]uint64{}
	m.hasMTI = false
	m.mti = [4]byte{}
	m.arena = m.arena[:0]
}

// MTI returns the 4 ASCII digits of the message type indicator, or nil when
// none was set or decoded. The slice aliases the Message.
func (m *Message) MTI() []byte {
	if !m.hasMTI {
		return nil
	}
	return m.mti[:]
}

// SetMTI sets the message type indicator; it must be 4 ASCII digits.
func (m *Message) SetMTI(mti []byte) error {
	if len(mti) != 4 {
		return fieldErr(0, ErrLength, "MTI must be 4 digits")
	}
	if !allDigits(mti) {
		return fieldErr(0, ErrSyntax, "MTI must be 4 digits")
	}
	copy(m.mti[:], mti)
	m.hasMTI = true
	return nil
}

// validField reports whether n can name a data element (2..128).
func validField(n int) bool { return n >= 2 && n <= 128 }

// Has reports whether field n is present.
func (m *Message) Has(n int) bool {
	if !validField(n) {
		return false
	}
	i := uint(n - 1)
	return m.present[i/64]&(1<<(i%64)) != 0
}

// Field returns the canonical value of field n, or nil when it is absent or n
// is outside 2..128. A present empty field returns a non-nil empty slice.
func (m *Message) Field(n int) []byte {
	if !m.Has(n) {
		return nil
	}
	return m.vals[n]
}

// Set stores v as field n WITHOUT copying: the caller must keep v alive and
// unchanged while the Message uses it. n outside 2..128 is ignored.
func (m *Message) Set(n int, v []byte) {
	if !validField(n) {
		return
	}
	if v == nil {
		v = []byte{}
	}
	m.vals[n] = v
	i := uint(n - 1)
	m.present[i/64] |= 1 << (i % 64)
}

// SetCopy copies v into the Message's arena and stores it as field n.
// n outside 2..128 is ignored.
func (m *Message) SetCopy(n int, v []byte) {
	if !validField(n) {
		return
	}
	m.Set(n, m.store(v))
}

// SetString copies s into the Message's arena and stores it as field n.
// n outside 2..128 is ignored.
func (m *Message) SetString(n int, s string) {
	if !validField(n) {
		return
	}
	dst := m.reserve(len(s))
	copy(dst, s)
	m.Set(n, dst)
}

// Unset removes field n.
func (m *Message) Unset(n int) {
	if !validField(n) {
		return
	}
	m.vals[n] = nil
	i := uint(n - 1)
	m.present[i/64] &^= 1 << (i % 64)
}

// CopyFrom makes m a deep copy of src: afterwards m owns all its bytes and
// shares nothing with src or with the buffer src was unpacked from.
func (m *Message) CopyFrom(src *Message) {
	if m == src {
		return
	}
	m.Reset()
	m.mti, m.hasMTI = src.mti, src.hasMTI
	total := 0
	src.Each(func(_ int, v []byte) bool { total += len(v); return true })
	m.grow(total)
	src.Each(func(n int, v []byte) bool { m.SetCopy(n, v); return true })
}

// Each calls fn for every present field in ascending order until fn returns
// false.
func (m *Message) Each(fn func(n int, v []byte) bool) {
	for w := range m.present {
		for set := m.present[w]; set != 0; set &= set - 1 {
			n := w*64 + bits.TrailingZeros64(set) + 1
			if !fn(n, m.vals[n]) {
				return
			}
		}
	}
}

// IsRequest reports whether the MTI is a request or advice: its third digit
// (message function) is even (0200, 0220, 0400, 0800...).
func (m *Message) IsRequest() bool { return m.hasMTI && (m.mti[2]-'0')%2 == 0 }

// IsResponse reports whether the MTI is a response: its third digit is odd
// (0210, 0230, 0410, 0810...).
func (m *Message) IsResponse() bool { return m.hasMTI && (m.mti[2]-'0')%2 == 1 }

// ResponseMTI returns the MTI of the response to this request: the request
// MTI plus 10 (0200 -> 0210, 0420 -> 0430), where a repeat answers like its
// original (0221 -> 0230, 0421 -> 0430). For a response MTI it returns the MTI
// unchanged; with no MTI it returns the zero array.
func (m *Message) ResponseMTI() [4]byte {
	if r, ok := ResponseMTI(m.MTI()); ok {
		return r
	}
	return m.mti
}

// ResponseMTI returns the response MTI of a request or advice MTI: the
// function digit (third) plus one, and a repeat's origin digit (fourth)
// turned into its original's (1 -> 0, 3 -> 2), so 0200 -> 0210 and
// 0421 -> 0430. ok is false for anything that is not 4 digits with an even
// function digit.
func ResponseMTI(mti []byte) (out [4]byte, ok bool) {
	if len(mti) != 4 || !allDigits(mti) || (mti[2]-'0')%2 != 0 {
		return out, false
	}
	copy(out[:], mti)
	out[2]++
	out[3] &^= 1
	return out, true
}

// store copies v into the arena and returns the copy.
func (m *Message) store(v []byte) []byte {
	dst := m.reserve(len(v))
	copy(dst, v)
	return dst
}

// reserve returns n bytes of arena space. When the arena is full a new, larger
// array is allocated and the old contents are NOT moved: slices already handed
// out keep pointing into the old array, which stays valid. The result has its
// capacity clipped so appending to it can never overwrite a neighbour.
func (m *Message) reserve(n int) []byte {
	if cap(m.arena)-len(m.arena) < n {
		m.grow(n)
	}
	start := len(m.arena)
	m.arena = m.arena[:start+n]
	return m.arena[start : start+n : start+n]
}

// grow makes sure the arena has room for n more bytes, switching to a fresh
// array (see reserve) when it has not.
func (m *Message) grow(n int) {
	if cap(m.arena)-len(m.arena) >= n {
		return
	}
	size := max(2*cap(m.arena), n, minArena)
	m.arena = make([]byte, 0, size)
}
