package load

import (
	"context"
	"fmt"

	"github.com/hulian/hulian/iso8583/dialect"
)

// Target is one connection requests go over. *acquirer.Client is one; tests
// use fakes.
type Target interface {
	Do(ctx context.Context, req, resp *dialect.Message) error
}

// Type is a transaction type of the mix.
type Type uint8

// Transaction types. TypeSample counts the requests of DefaultBuild and of
// Options.Build; the others are built by a Generator.
const (
	TypeSample   Type = iota // dialect.SampleFinancial (DefaultBuild) or Options.Build
	TypePurchase             // 0200 purchase, magnetic stripe: PAN and track 2 (2, 35)
	TypeChip                 // 0200 chip purchase: field 55 with an ARQC
	TypePIN                  // 0200 purchase with a PIN block (52, 53)
	TypeBalance              // 0200 balance inquiry (processing code 31)
	TypeAccount              // 0200 account-based payment: 100 and 102, no PAN
	TypeReversal             // 0400 reversal of an approved request of the same connection
	numTypes
)

// typeNames are the names of the types in mix files and results.
func typeNames() [numTypes]string {
	return [numTypes]string{"sample", "purchase", "chip", "pin", "balance", "account", "reversal"}
}

// String returns the type's name as used in mix files and results.
func (t Type) String() string {
	if t < numTypes {
		return typeNames()[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ParseType returns the type of a mix file name ("purchase", "chip", ...).
// "sample" is not a mix type.
func ParseType(s string) (Type, bool) {
	for t, n := range typeNames() {
		if t != int(TypeSample) && n == s {
			return Type(t), true
		}
	}
	return 0, false
}

// errKind classifies a request that got no usable response.
type errKind uint8

// Error kinds, as named in Result.ErrorsByKind.
const (
	kindTimeout    errKind = iota // per-request timeout (Options.Timeout)
	kindDisconnect                // the connection closed
	kindSend                      // the request could not be sent (pack, duplicate key, ...)
	kindBadMAC                    // a response whose MAC does not verify
	kindCanceled                  // the run's context ended with the request in flight
	kindLate                      // open loop: not sent, the in-flight cap was full at its time
	numKinds
)

func kindNames() [numKinds]string {
	return [numKinds]string{"timeout", "disconnect", "send", "bad_mac", "canceled", "late"}
}
