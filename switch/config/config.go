package config

import "gopkg.in/yaml.v3"

// Config is the whole switchd configuration file.
type Config struct {
	Switch       Switch        `yaml:"switch"`
	Admin        Admin         `yaml:"admin"`
	Listeners    []Listener    `yaml:"listeners"`
	Dialects     []DialectFile `yaml:"dialects"`
	Institutions []Institution `yaml:"institutions"`
	Routes       []Route       `yaml:"routes"`
	Journal      Journal       `yaml:"journal"`
	SAF          SAF           `yaml:"store_and_forward"`
	Clearing     Clearing      `yaml:"clearing"`
	Security     Security      `yaml:"security"`

	// source is the file name used in error messages; doc is the parsed
	// YAML tree used to find line numbers. Both are set by Parse.
	source string
	doc    *yaml.Node
}

// Switch holds the identity and limits of the switch itself.
type Switch struct {
	// ID is the switch's own institution id (field 33): 1..11 digits. Required.
	ID string `yaml:"id"`
	// MaxFrame is the largest accepted frame in bytes: 64..65535, default 8192.
	MaxFrame int `yaml:"max_frame"`
	// ShutdownGrace is how long shutdown waits for in-flight requests; default 15s.
	ShutdownGrace Duration `yaml:"shutdown_grace"`
	// Node names this switch process among several sharing one journal;
	// default: the host name.
	Node string `yaml:"node"`
	// WriteTimeout bounds every write to a connection: an institution
	// that takes nothing of what the switch sends for this long is
	// disconnected as a slow consumer (its requests in flight time out and
	// are reversed as usual); default 5s.
	WriteTimeout Duration `yaml:"write_timeout"`
	// MaxPending bounds the bytes waiting to be written to one connection;
	// past it the connection is closed as a slow consumer. 4096..1 GiB,
	// default 1 MiB.
	MaxPending int `yaml:"max_pending"`
}

// Journal says where transactions are recorded.
type Journal struct {
	// URL is "sqlite:PATH" (embedded, one node; a relative PATH is relative
	// to the configuration file) or "postgres://..." (several nodes). Empty
	// runs without a journal: nothing is recorded, reversed or cleared.
	URL string `yaml:"url"`
	// HashKeyFile holds the key (at least 16 bytes) of the keyed PAN hash
	// kept for look-ups; relative to the configuration file. Required with
	// a journal; every node of one journal must use the same key.
	HashKeyFile string `yaml:"hash_key_file"`
	// MaxBacklog (SQLite) bounds the records logged but not yet in table
	// txn, held in memory meanwhile (about 400 bytes each); 0: the
	// journal's default, 1,048,576.
	MaxBacklog int `yaml:"max_backlog"`
}

// SAF configures store-and-forward of advices and reversals to issuers.
type SAF struct {
	// Interval between repeats of an unacknowledged advice; default 30s.
	Interval Duration `yaml:"interval"`
	// Expiry after which an unacknowledged advice is given up; default 24h.
	Expiry Duration `yaml:"expiry"`
}

// Clearing configures the business day and the clearing files.
type Clearing struct {
	// Cutoff is the local time ("23:00") from which transactions belong to
	// the next business day; default "00:00".
	Cutoff string `yaml:"cutoff"`
	// TimeZone of the cut-off; default "Asia/Shanghai".
	TimeZone string `yaml:"timezone"`
	// Dir receives clearing files; relative to the configuration file;
	// default "clearing".
	Dir string `yaml:"dir"`
}

// Admin configures the admin/metrics HTTP server.
type Admin struct {
	// Address is host:port; empty means no admin server.
	Address string `yaml:"address"`
	// TokenFile holds the bearer token that every state-changing admin
	// request (reload, key operations, clearing) must carry; relative to
	// the configuration file. Empty: those endpoints are refused.
	TokenFile string `yaml:"token_file"`
}

// Security says where the switch's keys are kept (the built-in software
// security module). Keys are named "<institution id>/zmk", "/zpk", "/zak".
type Security struct {
	// KeyStore is the key store file (keys sealed under the local master
	// key); relative to the configuration file.
	KeyStore string `yaml:"key_store"`
	// LMKFile holds the local master key (64 hex digits); relative to the
	// configuration file. Empty: the HULIAN_LMK environment variable.
	LMKFile string `yaml:"lmk_file"`
	// KeyOverlap is how long the previous key stays valid after an online
	// key exchange (0800 with field 70 = 101); default 10m.
	KeyOverlap Duration `yaml:"key_overlap"`
	// PKCS11, when set, keeps the keys in a PKCS#11 token (3DES only)
	// instead of the software module's key store.
	PKCS11 *PKCS11 `yaml:"pkcs11"`
}

// PKCS11 names a PKCS#11 token.
type PKCS11 struct {
	// Module is the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so.
	Module string `yaml:"module"`
	// TokenLabel is the token's label.
	TokenLabel string `yaml:"token_label"`
	// PINFile holds the user PIN; relative to the configuration file.
	PINFile string `yaml:"pin_file"`
}

// TLS configures TLS on a listener (server side) or an outbound link
// (client side). Paths are relative to the configuration file.
type TLS struct {
	// CertFile and KeyFile: this side's certificate chain and key (PEM).
	// Required on a listener; on an outbound link they make it mutual TLS.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// CAFile: the CA certificates (PEM) that sign the peer's certificate.
	// On a listener it makes TLS mutual: clients must present a certificate.
	// On an outbound link it verifies the issuer's server certificate.
	CAFile string `yaml:"ca_file"`
	// ServerName checks the issuer's certificate name (outbound only);
	// default: the host of the address.
	ServerName string `yaml:"server_name"`
}

// Listener is a TCP endpoint acquirers connect to.
type Listener struct {
	// Name is required and unique.
	Name string `yaml:"name"`
	// Address is host:port to listen on (port 0 picks a free port).
	Address string `yaml:"address"`
	// Dialect is hl87a, hl87b or the name of an entry of dialects.
	Dialect string `yaml:"dialect"`
	// Framing is ascii4 or binary2; default ascii4 (binary2 for hl87b).
	Framing string `yaml:"framing"`
	// Header adds the 46-byte CUPS-style header to every message.
	Header bool `yaml:"header"`
	// TLS, when set, makes the listener speak TLS (mutual with ca_file).
	TLS *TLS `yaml:"tls"`
	// SignOnWait is how long a connection may stay without a successful
	// sign-on (TLS handshake included) before it is closed; default 10s.
	SignOnWait Duration `yaml:"sign_on_wait"`
	// MaxUnsigned bounds the connections on this listener that have not
	// signed on yet; more are closed at once. Default 256.
	MaxUnsigned int `yaml:"max_unsigned"`
	// MaxUnsignedPerAddress bounds them per source address; default 16.
	MaxUnsignedPerAddress int `yaml:"max_unsigned_per_address"`
}

// DialectFile names a dialect defined in a spec file.
type DialectFile struct {
	// Name is how listeners and institutions refer to it; not hl87a/hl87b.
	Name string `yaml:"name"`
	// SpecFile is the spec path; Parse makes a relative path relative to the
	// directory of the configuration file.
	SpecFile string `yaml:"spec_file"`
}

// Institution is a member of the network: an acquirer, an issuer or both.
type Institution struct {
	// ID is the institution id: 1..11 digits, unique, not the switch's id.
	ID string `yaml:"id"`
	// Name is a human-readable name.
	Name string `yaml:"name"`
	// Role is acquirer, issuer or both.
	Role string `yaml:"role"`
	// Dialect is hl87a, hl87b or the name of an entry of dialects.
	Dialect string `yaml:"dialect"`
	// Framing is ascii4 or binary2; default as for listeners.
	Framing string `yaml:"framing"`
	// Header adds the 46-byte CUPS-style header to every message.
	Header bool `yaml:"header"`
	// AcquirerIDs are the field 32 values this institution may send;
	// default [ID].
	AcquirerIDs []string `yaml:"acquirer_ids"`
	// MaxInFlight limits outstanding requests per link; default 1024.
	MaxInFlight int `yaml:"max_in_flight"`
	// MAC is the message authentication of this institution's messages:
	// "" or none, x919 (ANSI X9.19 retail MAC, 3DES) or sm4 (SM4 CBC-MAC),
	// under its key "<id>/zak". Requests from it must carry a valid MAC;
	// messages to it get one.
	MAC string `yaml:"mac"`
	// MACField is where the MAC travels: 128 (default) or 64.
	MACField int `yaml:"mac_field"`
	// PINFormat is the ISO 9564 format of the PIN blocks (field 52) it
	// sends and receives under its key "<id>/zpk": iso0, iso1 or iso3
	// (8-byte blocks, 3DES keys) or iso4 (16-byte blocks, SM4 keys; needs
	// dialect hl87a-sm or hl87b-sm).
	// Empty: the switch does not handle its PIN blocks (they pass
	// untouched, and a PIN block for an issuer with a PIN format is refused).
	PINFormat string `yaml:"pin_format"`
	// Timeout is the default issuer timeout of routes to it; default 10s.
	Timeout Duration `yaml:"timeout"`
	// Inbound is required for the roles acquirer and both.
	Inbound *Inbound `yaml:"inbound"`
	// Outbound is required for the roles issuer and both.
	Outbound *Outbound `yaml:"outbound"`
}

// Inbound says where an acquiring institution connects.
type Inbound struct {
	// Listener names a listener with the institution's dialect, framing and header.
	Listener string `yaml:"listener"`
	// Allow lists the CIDRs or bare IPs it may connect from; at least one.
	Allow []string `yaml:"allow"`
}

// Outbound says how the switch connects to an issuing institution.
type Outbound struct {
	// Addresses are host:port; at least one.
	Addresses []string `yaml:"addresses"`
	// TLS, when set, makes the links to this institution speak TLS.
	TLS *TLS `yaml:"tls"`
	// Connections per address: 1..64, default 2.
	Connections int `yaml:"connections"`
	// Strategy is primary-secondary (default) or least-in-flight.
	Strategy string `yaml:"strategy"`
	// EchoInterval is the idle time before an echo test; default 30s.
	EchoInterval Duration `yaml:"echo_interval"`
	// EchoFailures consecutive failed echoes mark the link down; default 3.
	EchoFailures int `yaml:"echo_failures"`
	// EchoTimeout is the wait for an echo response; default 5s.
	EchoTimeout Duration `yaml:"echo_timeout"`
	// SignOnTimeout is the wait for a sign-on response; default 5s.
	SignOnTimeout Duration `yaml:"signon_timeout"`
	// ReconnectMin is the first reconnect back-off; default 200ms.
	ReconnectMin Duration `yaml:"reconnect_min"`
	// ReconnectMax caps the reconnect back-off; default 10s.
	ReconnectMax Duration `yaml:"reconnect_max"`
}

// Route sends requests for some BINs or receiving institutions to an issuer.
type Route struct {
	// Name is required and unique.
	Name string `yaml:"name"`
	// Issuer is the id of an institution with role issuer or both.
	Issuer string `yaml:"issuer"`
	// BINs are PAN prefixes of 1..11 digits; the longest match wins.
	BINs []string `yaml:"bins"`
	// Receiving are field 100 values (account-based payments).
	Receiving []string `yaml:"receiving"`
	// MTIs are the allowed request MTIs; default 0100 0200 0120 0220 0400 0420.
	MTIs []string `yaml:"mtis"`
	// ProcessingCodes are the allowed first two digits of field 3; empty = all.
	ProcessingCodes []string `yaml:"processing_codes"`
	// Timeout is the issuer timeout; default the issuer institution's timeout.
	Timeout Duration `yaml:"timeout"`
}

// Institution returns the institution with the given id, or nil.
// The pointer refers into c.Institutions.
func (c *Config) Institution(id string) *Institution {
	for i := range c.Institutions {
		if c.Institutions[i].ID == id {
			return &c.Institutions[i]
		}
	}
	return nil
}

// Listener returns the listener with the given name, or nil.
// The pointer refers into c.Listeners.
func (c *Config) Listener(name string) *Listener {
	for i := range c.Listeners {
		if c.Listeners[i].Name == name {
			return &c.Listeners[i]
		}
	}
	return nil
}
