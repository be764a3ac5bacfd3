package kernel

// Bit is one bit of the TVR or TSI: the byte index (0-based) in the high
// byte and the mask in the low byte.
type Bit uint16

func (b Bit) index() int { return int(b >> 8) }
func (b Bit) mask() byte { return byte(b) }

// TVR bits, EMV 4.3 Book 3 Annex C5.
const (
	TVRODANotPerformed    = Bit(0<<8 | 0x80)
	TVRSDAFailed          = Bit(0<<8 | 0x40)
	TVRICCDataMissing     = Bit(0<<8 | 0x20)
	TVRExceptionFile      = Bit(0<<8 | 0x10)
	TVRDDAFailed          = Bit(0<<8 | 0x08)
	TVRCDAFailed          = Bit(0<<8 | 0x04)
	TVRSDASelected        = Bit(0<<8 | 0x02)
	TVRVersionsDiffer     = Bit(1<<8 | 0x80)
	TVRExpired            = Bit(1<<8 | 0x40)
	TVRNotYetEffective    = Bit(1<<8 | 0x20)
	TVRServiceNotAllowed  = Bit(1<<8 | 0x10)
	TVRNewCard            = Bit(1<<8 | 0x08)
	TVRCVMFailed          = Bit(2<<8 | 0x80)
	TVRUnrecognisedCVM    = Bit(2<<8 | 0x40)
	TVRPINTryExceeded     = Bit(2<<8 | 0x20)
	TVRPINPadMissing      = Bit(2<<8 | 0x10)
	TVRPINNotEntered      = Bit(2<<8 | 0x08)
	TVROnlinePINEntered   = Bit(2<<8 | 0x04)
	TVRFloorLimitExceeded = Bit(3<<8 | 0x80)
	TVRLowerLimitExceeded = Bit(3<<8 | 0x40)
	TVRUpperLimitExceeded = Bit(3<<8 | 0x20)
	TVRRandomSelected     = Bit(3<<8 | 0x10)
	TVRMerchantForced     = Bit(3<<8 | 0x08)
	TVRDefaultTDOL        = Bit(4<<8 | 0x80)
	TVRIssuerAuthFailed   = Bit(4<<8 | 0x40)
	TVRScriptFailedBefore = Bit(4<<8 | 0x20)
	TVRScriptFailedAfter  = Bit(4<<8 | 0x10)
)

// TSI bits, EMV 4.3 Book 3 Annex C6.
const (
	TSIODA        = Bit(0<<8 | 0x80)
	TSICVM        = Bit(0<<8 | 0x40)
	TSICardRisk   = Bit(0<<8 | 0x20)
	TSIIssuerAuth = Bit(0<<8 | 0x10)
	TSITermRisk   = Bit(0<<8 | 0x08)
	TSIScript     = Bit(0<<8 | 0x04)
)

// TVR is the terminal verification results, tag 95.
type TVR [5]byte

// Set sets bit b.
func (t *TVR) Set(b Bit) { t[b.index()] |= b.mask() }

// Has reports whether bit b is set.
func (t TVR) Has(b Bit) bool { return t[b.index()]&b.mask() != 0 }

// TSI is the transaction status information, tag 9B.
type TSI [2]byte

// Set sets bit b.
func (t *TSI) Set(b Bit) { t[b.index()] |= b.mask() }

// Has reports whether bit b is set.
func (t TSI) Has(b Bit) bool { return t[b.index()]&b.mask() != 0 }

// AIP bits (82 byte 1), EMV Book 3 Annex C1.
const (
	aipSDA        = 0x40
	aipDDA        = 0x20
	aipCVM        = 0x10
	aipTermRisk   = 0x08
	aipIssuerAuth = 0x04
	aipCDA        = 0x01
)

// Terminal capabilities 9F33 bits.
const (
	cap2PlainPIN      = 0x80 // byte 2
	cap2OnlinePIN     = 0x40
	cap2Signature     = 0x20
	cap2EncipheredPIN = 0x10
	cap2NoCVM         = 0x08
	cap3SDA           = 0x80 // byte 3
	cap3DDA           = 0x40
	cap3CDA           = 0x08
)
