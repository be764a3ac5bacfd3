package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/hulian/hulian/switch/config"
)

// handshakeTimeout bounds the TLS handshake of an accepted connection. The
// handshake runs on the connection's own goroutine, never on the accept
// loop.
const handshakeTimeout = 10 * time.Second

// maxCAFile bounds the size of a CA bundle read from disk.
const maxCAFile = 4 << 20

// errNoCACerts is returned when a ca_file holds no PEM certificate.
var errNoCACerts = errors.New("no PEM certificate found")

// serverTLS builds the TLS configuration of a listener: its certificate
// and key, TLS 1.2 at least (1.3 is negotiated whenever the client offers
// it) and, when ca_file is set, mutual TLS: every client must present a
// certificate signed by one of those CAs. Files are read once, here.
func serverTLS(c *config.TLS) (*tls.Config, error) {
	if c == nil {
		return nil, errors.New("tls: no configuration")
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("tls.cert_file/tls.key_file: %w", err)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
	}
	if c.CAFile != "" {
		pool, err := loadCAPool(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// clientTLS builds the TLS configuration of an outbound link to addr: the
// issuer's certificate is verified against ca_file (the system roots when
// ca_file is empty) for the name server_name, by default the host of addr;
// with cert_file and key_file the switch presents a client certificate.
// Files are read once, here.
func clientTLS(c *config.TLS, addr string) (*tls.Config, error) {
	if c == nil {
		return nil, errors.New("tls: no configuration")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.ServerName}
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("tls.server_name: no name and address %q has no host: %w", addr, err)
		}
		cfg.ServerName = host
	}
	if c.CAFile != "" {
		pool, err := loadCAPool(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("tls.ca_file: %w", err)
		}
		cfg.RootCAs = pool
	}
	if c.CertFile != "" || c.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("tls.cert_file/tls.key_file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// loadCAPool reads a PEM bundle of CA certificates.
func loadCAPool(path string) (*x509.CertPool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxCAFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxCAFile)
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: %w", path, errNoCACerts)
	}
	return pool, nil
}

// peerAddr is the remote address of an inbound TLS connection together
// with the identity its verified client certificate gives. It is what the
// link's RemoteAddr returns, so that sign-on can check the identity.
type peerAddr struct {
	net.Addr
	mutual bool     // the listener verified a client certificate
	names  []string // names of the verified client certificate
}

// peerConn is an accepted TLS connection after its handshake.
type peerConn struct {
	net.Conn
	addr peerAddr
}

// RemoteAddr returns the peer's address with its certificate identity.
func (c *peerConn) RemoteAddr() net.Addr { return c.addr }

// handshake completes the TLS handshake of an accepted connection within
// handshakeTimeout (or until the switch stops). A connection that is not
// TLS is returned as it is.
func (s *Server) handshake(conn net.Conn) (net.Conn, error) {
	tc, ok := conn.(*tls.Conn)
	if !ok {
		return conn, nil
	}
	ctx, cancel := context.WithTimeout(s.ctx, handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	st := tc.ConnectionState()
	pa := peerAddr{Addr: tc.RemoteAddr()}
	if len(st.VerifiedChains) > 0 && len(st.PeerCertificates) > 0 {
		pa.mutual = true
		pa.names = certificateNames(st.PeerCertificates[0])
	}
	return &peerConn{Conn: tc, addr: pa}, nil
}

// certificateNames lists the names a certificate gives its holder: the
// subject CommonName, every DNS SAN and every URI SAN.
func certificateNames(c *x509.Certificate) []string {
	names := make([]string, 0, 1+len(c.DNSNames)+len(c.URIs))
	if c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	names = append(names, c.DNSNames...)
	for _, u := range c.URIs {
		names = append(names, u.String())
	}
	return names
}

// certificateAllows applies the identity rule of mutual TLS listeners: an
// institution may sign on over a connection whose client certificate was
// verified only when that certificate names it, that is when the subject
// CommonName, a DNS SAN or a URI SAN equals the institution id exactly
// (e.g. CN=48020000). Connections without a verified client certificate
// (plain TCP, or TLS without ca_file) are not restricted by this rule.
func certificateAllows(a net.Addr, id string) bool {
	pa, ok := a.(peerAddr)
	if !ok || !pa.mutual {
		return true
	}
	for _, n := range pa.names {
		if n == id {
			return true
		}
	}
	return false
}
