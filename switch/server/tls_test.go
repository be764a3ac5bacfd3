package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
	"github.com/hulian/hulian/switch/logtest"
)

// testCA is a certificate authority made at test time.
type testCA struct {
	dir    string
	name   string
	cert   *x509.Certificate
	key    *ecdsa.PrivateKey
	caFile string
}

func serial(t *testing.T) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	require.NoError(t, err)
	return n
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
}

func newTestCA(t *testing.T, name string) *testCA {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	ca := &testCA{dir: t.TempDir(), name: name, cert: cert, key: key}
	ca.caFile = filepath.Join(ca.dir, "ca.pem")
	writePEM(t, ca.caFile, "CERTIFICATE", der)
	return ca
}

// leaf issues a certificate with CN = cn and SAN IP 127.0.0.1, good for
// both server and client authentication, and returns its files.
func (ca *testCA) leaf(t *testing.T, cn string) (certFile, keyFile string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	certFile = filepath.Join(ca.dir, cn+".pem")
	keyFile = filepath.Join(ca.dir, cn+".key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// keyPair issues a leaf for cn and loads it.
func (ca *testCA) keyPair(t *testing.T, cn string) tls.Certificate {
	c, k := ca.leaf(t, cn)
	pair, err := tls.LoadX509KeyPair(c, k)
	require.NoError(t, err)
	return pair
}

// tlsNetwork is a switch with one mutual TLS listener (acquirers acqA and
// acqB) and issuer bank A reached over mutual TLS.
type tlsNetwork struct {
	t    *testing.T
	srv  *Server
	ca   *testCA
	bank *issuer.Issuer
	logs *logtest.Buffer
}

// startTLSNetwork starts bank A serving TLS with a certificate from
// issuerCA (the switch trusts only ca) and the switch.
func startTLSNetwork(t *testing.T, ca, issuerCA *testCA) *tlsNetwork {
	bankPair := issuerCA.keyPair(t, bankA)
	bank, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: bankA,
		Dialect: mustDialect(t, "hl87a"), Framing: frame.ASCII4, Header: true,
		TLS: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{bankPair},
			ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.pool()}})
	require.NoError(t, err)
	ictx, icancel := context.WithCancel(context.Background())
	require.NoError(t, bank.Start(ictx))
	t.Cleanup(func() { icancel(); _ = bank.Close() })

	swCert, swKey := ca.leaf(t, switchID)
	tlsBlock := fmt.Sprintf("{cert_file: %q, key_file: %q, ca_file: %q}", swCert, swKey, ca.caFile)
	text := fmt.Sprintf(`
switch: {id: "%s", shutdown_grace: 1s}
listeners:
  - {name: tls-in, address: "127.0.0.1:0", dialect: hl87a, header: true, tls: %s}
institutions:
  - {id: "%s", role: acquirer, dialect: hl87a, header: true, inbound: {listener: tls-in, allow: ["127.0.0.1"]}}
  - {id: "%s", role: acquirer, dialect: hl87a, header: true, inbound: {listener: tls-in, allow: ["127.0.0.1"]}}
  - id: "%s"
    role: issuer
    dialect: hl87a
    header: true
    timeout: 2s
    outbound:
      addresses: ["%s"]
      connections: 1
      signon_timeout: 1s
      reconnect_min: 20ms
      reconnect_max: 100ms
      tls: %s
routes:
  - {name: bank-a, issuer: "%s", bins: ["622202"]}
`, switchID, tlsBlock, acqA, acqB, bankA, bank.Addr(), tlsBlock, bankA)
	cfg, err := config.Parse([]byte(text), t.TempDir(), "tls.yaml")
	require.NoError(t, err)
	logs := &logtest.Buffer{}
	srv, err := New(cfg, Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), SignOnWait: 5 * time.Second})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, srv.Start(ctx))
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		cancel()
	})
	return &tlsNetwork{t: t, srv: srv, ca: ca, bank: bank, logs: logs}
}

// dial connects as institution id with the given client TLS settings.
func (n *tlsNetwork) dial(id string, tc *tls.Config) (*acquirer.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: n.srv.ListenerAddr("tls-in").String(), InstitutionID: id,
		SwitchID: switchID, Dialect: mustDialect(n.t, "hl87a"), Framing: frame.ASCII4, Header: true, TLS: tc})
	if err == nil {
		n.t.Cleanup(func() { _ = c.Close() })
	}
	return c, err
}

// clientConfig trusts the switch's CA and presents certs.
func (n *tlsNetwork) clientConfig(certs ...tls.Certificate) *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: n.ca.pool(), Certificates: certs}
}

// disconnects reads hulian_switch_disconnects_total for the labels.
func disconnects(t *testing.T, s *Server, institution, reason string) float64 {
	mfs, err := s.Gatherer().Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if !strings.HasSuffix(mf.GetName(), "disconnects_total") {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			if labels["institution"] == institution && labels["reason"] == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// assertRejected checks that a connection made with a refused client
// certificate never carries a sign-on.
func assertRejected(t *testing.T, n *tlsNetwork, tc *tls.Config, before float64) {
	t.Helper()
	c, err := n.dial(acqA, tc)
	if err == nil {
		// With TLS 1.3 the client learns of the refusal at its first read.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		assert.Error(t, c.SignOn(ctx), "sign-on over a refused handshake")
		select {
		case <-c.Done():
		case <-ctx.Done():
			t.Fatal("connection with a refused certificate stayed open")
		}
	}
	waitFor(t, "handshake failure counted", func() bool {
		return disconnects(t, n.srv, "unknown", "tls_handshake") > before
	})
	assert.Equal(t, 0, n.srv.SignedOnLinks(acqA, link.Inbound))
	assert.Contains(t, n.logs.String(), "TLS handshake failed")
}

func TestTLSMutualEndToEnd(t *testing.T) {
	ca := newTestCA(t, "Hulian Test CA")
	n := startTLSNetwork(t, ca, ca)
	waitFor(t, "issuer link over TLS signed on", func() bool { return n.srv.SignedOnLinks(bankA, link.Outbound) == 1 })

	// A client that connects and never handshakes does not hold up others.
	raw, err := net.Dial("tcp", n.srv.ListenerAddr("tls-in").String())
	require.NoError(t, err)
	defer raw.Close()

	c, err := n.dial(acqA, n.clientConfig(ca.keyPair(t, acqA)))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	require.NoError(t, c.SignOn(ctx))
	assert.Equal(t, 1, n.srv.SignedOnLinks(acqA, link.Inbound))
	code, _ := do(t, c, purchase(panBankA))
	assert.Equal(t, "00", code)
	assert.Equal(t, 1, n.bank.Stats().Requests)
	assert.Equal(t, 1, n.bank.Stats().SignOns)
}

func TestTLSNoClientCertificateIsRefused(t *testing.T) {
	ca := newTestCA(t, "Hulian Test CA")
	n := startTLSNetwork(t, ca, ca)
	assertRejected(t, n, n.clientConfig(), 0)
}

func TestTLSCertificateFromAnotherCAIsRefused(t *testing.T) {
	ca := newTestCA(t, "Hulian Test CA")
	rogue := newTestCA(t, "Rogue CA")
	n := startTLSNetwork(t, ca, ca)
	assertRejected(t, n, n.clientConfig(rogue.keyPair(t, acqA)), 0)
}

func TestTLSCertificateMustNameTheInstitution(t *testing.T) {
	ca := newTestCA(t, "Hulian Test CA")
	n := startTLSNetwork(t, ca, ca)
	waitFor(t, "issuer link over TLS signed on", func() bool { return n.srv.SignedOnLinks(bankA, link.Outbound) == 1 })
	// acqB may use this listener from this address: only the certificate,
	// issued to acqA, stands in the way.
	c, err := n.dial(acqB, n.clientConfig(ca.keyPair(t, acqA)))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	var re *acquirer.ResponseError
	require.ErrorAs(t, c.SignOn(ctx), &re)
	assert.Equal(t, "12", re.Code)
	assert.Contains(t, n.logs.String(), "certificate does not name the institution")
	assert.Equal(t, 0, n.srv.SignedOnLinks(acqB, link.Inbound))
	assert.Equal(t, 0, n.srv.SignedOnLinks(acqA, link.Inbound))

	code, _ := do(t, c, purchase(panBankA))
	assert.Equal(t, "91", code, "no financial traffic without a sign-on")
	assert.Equal(t, 0, n.bank.Stats().Requests)
}

func TestTLSIssuerWithUntrustedCertificateNeverComesUp(t *testing.T) {
	ca := newTestCA(t, "Hulian Test CA")
	rogue := newTestCA(t, "Rogue CA")
	n := startTLSNetwork(t, ca, rogue)
	waitFor(t, "issuer handshake failures counted", func() bool {
		return disconnects(t, n.srv, bankA, "tls_handshake") >= 2
	})
	assert.Equal(t, 0, n.srv.SignedOnLinks(bankA, link.Outbound))
	assert.Equal(t, 0, n.bank.Stats().SignOns)

	c, err := n.dial(acqA, n.clientConfig(ca.keyPair(t, acqA)))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	require.NoError(t, c.SignOn(ctx))
	code, _ := do(t, c, purchase(panBankA))
	assert.Equal(t, "91", code, "issuer down")
}

func TestCertificateAllows(t *testing.T) {
	tcp := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}
	tests := []struct {
		name string
		addr net.Addr
		id   string
		want bool
	}{
		{"plain TCP", tcp, acqA, true},
		{"TLS without client certificate check", peerAddr{Addr: tcp}, acqA, true},
		{"CN names it", peerAddr{Addr: tcp, mutual: true, names: []string{acqA}}, acqA, true},
		{"SAN names it", peerAddr{Addr: tcp, mutual: true, names: []string{"other", acqA}}, acqA, true},
		{"names another", peerAddr{Addr: tcp, mutual: true, names: []string{acqB}}, acqA, false},
		{"prefix is not enough", peerAddr{Addr: tcp, mutual: true, names: []string{acqA + "1"}}, acqA, false},
		{"no names", peerAddr{Addr: tcp, mutual: true}, acqA, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, certificateAllows(tc.addr, tc.id))
		})
	}
	// The address check still sees the IP behind a TLS peer.
	assert.Equal(t, "127.0.0.1", remoteAddr(peerAddr{Addr: tcp, mutual: true}).Unmap().String())
}

func TestCertificateNames(t *testing.T) {
	u, err := url.Parse("urn:hulian:48020000")
	require.NoError(t, err)
	c := &x509.Certificate{Subject: pkix.Name{CommonName: acqA}, DNSNames: []string{"acq.example"}, URIs: []*url.URL{u}}
	assert.Equal(t, []string{acqA, "acq.example", "urn:hulian:48020000"}, certificateNames(c))
	assert.Empty(t, certificateNames(&x509.Certificate{}))
}

func TestTLSConfigs(t *testing.T) {
	ca := newTestCA(t, "Hulian Test CA")
	cert, key := ca.leaf(t, switchID)
	junk := filepath.Join(t.TempDir(), "junk.pem")
	require.NoError(t, os.WriteFile(junk, []byte("not a certificate"), 0o600))
	missing := filepath.Join(t.TempDir(), "missing.pem")

	srv, err := serverTLS(&config.TLS{CertFile: cert, KeyFile: key, CAFile: ca.caFile})
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS12), srv.MinVersion)
	assert.Equal(t, tls.RequireAndVerifyClientCert, srv.ClientAuth)
	assert.NotNil(t, srv.ClientCAs)
	plain, err := serverTLS(&config.TLS{CertFile: cert, KeyFile: key})
	require.NoError(t, err)
	assert.Equal(t, tls.NoClientCert, plain.ClientAuth, "no ca_file: TLS without client certificates")

	cl, err := clientTLS(&config.TLS{CAFile: ca.caFile, CertFile: cert, KeyFile: key}, "127.0.0.1:7000")
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", cl.ServerName, "server name defaults to the address host")
	assert.Len(t, cl.Certificates, 1)
	assert.NotNil(t, cl.RootCAs)
	named, err := clientTLS(&config.TLS{CAFile: ca.caFile, ServerName: "bank.example"}, "10.0.0.1:7000")
	require.NoError(t, err)
	assert.Equal(t, "bank.example", named.ServerName)
	assert.Empty(t, named.Certificates)

	errs := []struct {
		name string
		run  func() error
		key  string
	}{
		{"server: missing cert", func() error { _, err := serverTLS(&config.TLS{CertFile: missing, KeyFile: key}); return err }, "tls.cert_file"},
		{"server: key is junk", func() error { _, err := serverTLS(&config.TLS{CertFile: cert, KeyFile: junk}); return err }, "tls.key_file"},
		{"server: CA is junk", func() error {
			_, err := serverTLS(&config.TLS{CertFile: cert, KeyFile: key, CAFile: junk})
			return err
		}, "tls.ca_file"},
		{"server: nil", func() error { _, err := serverTLS(nil); return err }, "tls"},
		{"client: CA missing", func() error { _, err := clientTLS(&config.TLS{CAFile: missing}, "127.0.0.1:1"); return err }, "tls.ca_file"},
		{"client: bad pair", func() error {
			_, err := clientTLS(&config.TLS{CertFile: junk, KeyFile: key}, "127.0.0.1:1")
			return err
		}, "tls.cert_file"},
		{"client: no host", func() error { _, err := clientTLS(&config.TLS{}, "nohostport"); return err }, "tls.server_name"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.key)
			assert.NotContains(t, err.Error(), "PRIVATE KEY")
		})
	}
	_, err = loadCAPool(junk)
	assert.ErrorIs(t, err, errNoCACerts)
}
