package match

// Key identifies a request in flight by the data elements an issuer echoes
// back in its response. The zero Key is never valid.
type Key struct {
	mti      [4]byte
	acqLen   uint8
	acquirer [11]byte
	stan     [6]byte
	time     [10]byte
}

// MakeKey builds the key of a request from its MTI and fields 32, 11 and 7.
// It reports false when a field is missing or longer than the contract
// allows, in which case the message cannot be matched and must be refused.
func MakeKey(mti, acquirer, stan, time []byte) (Key, bool) {
	var k Key
	if len(mti) != 4 || len(acquirer) == 0 || len(acquirer) > 11 || len(stan) != 6 || len(time) != 10 {
		return k, false
	}
	copy(k.mti[:], mti)
	k.acqLen = uint8(len(acquirer))
	copy(k.acquirer[:], acquirer)
	copy(k.stan[:], stan)
	copy(k.time[:], time)
	return k, true
}

// RequestKey builds the key a response matches: the response MTI minus ten
// (0210 matches 0200, 0430 matches 0420) with the echoed fields.
func RequestKey(responseMTI, acquirer, stan, time []byte) (Key, bool) {
	if len(responseMTI) != 4 || responseMTI[2] < '1' || responseMTI[2] > '9' || (responseMTI[2]-'0')%2 == 0 {
		return Key{}, false
	}
	req := [4]byte{responseMTI[0], responseMTI[1], responseMTI[2] - 1, responseMTI[3]}
	return MakeKey(req[:], acquirer, stan, time)
}

// STAN returns the key's system trace audit number, for logs.
func (k Key) STAN() string { return string(k.stan[:]) }

// MTI returns the request MTI of the key, for logs.
func (k Key) MTI() string { return string(k.mti[:]) }
