package issuer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/header"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/logtest"
)

func TestNewErrors(t *testing.T) {
	d := simtest.Dialect(t, "hl87a")
	tests := []struct {
		name string
		cfg  issuer.Config
		want error
	}{
		{"no id", issuer.Config{Dialect: d, Framing: frame.ASCII4}, issuer.ErrNoID},
		{"long id", issuer.Config{InstitutionID: "123456789012", Dialect: d, Framing: frame.ASCII4}, issuer.ErrNoID},
		{"no dialect", issuer.Config{InstitutionID: "1"}, wire.ErrNoDialect},
		{"no framing", issuer.Config{InstitutionID: "1", Dialect: d}, frame.ErrUnknownKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := issuer.New(tc.cfg)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestStartCloseLifecycle(t *testing.T) {
	is, err := issuer.New(issuer.Config{Addr: "127.0.0.1:0", InstitutionID: "1", Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4})
	require.NoError(t, err)
	assert.Empty(t, is.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, is.Start(ctx))
	require.ErrorIs(t, is.Start(ctx), issuer.ErrStarted)
	addr := is.Addr()
	require.NotEmpty(t, addr)
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	require.Eventually(t, func() bool { return is.Stats().Connections == 1 }, simtest.Wait, time.Millisecond)

	cancel() // ctx end closes the issuer and its connections
	_ = nc.SetReadDeadline(time.Now().Add(simtest.Wait))
	_, err = nc.Read(make([]byte, 1))
	require.ErrorIs(t, err, io.EOF)
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, simtest.Wait, 5*time.Millisecond)
	require.NoError(t, is.Close())
	require.ErrorIs(t, is.Start(context.Background()), issuer.ErrClosed)
	require.NoError(t, is.SignOff(context.Background()), "no connections: nothing to do")
}

// rawPeer is a hand-driven connection to the issuer using its own codec.
type rawPeer struct {
	nc    net.Conn
	r     *frame.Reader
	codec *wire.Codec
}

func dialRaw(t *testing.T, addr string, hdr bool) *rawPeer {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { nc.Close() })
	c, err := wire.NewCodec(simtest.Dialect(t, "hl87a"), frame.ASCII4, hdr, "48020000")
	require.NoError(t, err)
	_ = nc.SetDeadline(time.Now().Add(simtest.Wait))
	return &rawPeer{nc: nc, r: frame.NewReader(nc, frame.ASCII4, 0), codec: c}
}

func (p *rawPeer) send(t *testing.T, m *dialect.Message) {
	t.Helper()
	buf, err := p.codec.AppendFrame(nil, m, "01020000")
	require.NoError(t, err)
	_, err = p.nc.Write(buf)
	require.NoError(t, err)
}

func (p *rawPeer) recv(t *testing.T, m *dialect.Message) []byte {
	t.Helper()
	body, err := p.r.Next()
	require.NoError(t, err)
	_, err = p.codec.Decode(body, m)
	require.NoError(t, err)
	return body
}

func TestHeaderAddressing(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{Header: true})
	p := dialRaw(t, is.Addr(), true)
	var req, resp dialect.Message
	dialect.SampleFinancial(&req, "000321")
	p.send(t, &req)
	body := p.recv(t, &resp)

	h, _, err := header.Parse(body)
	require.NoError(t, err)
	assert.Equal(t, "48020000", string(h.DestinationID()), "answer goes back to the request's source")
	assert.Equal(t, simtest.IssuerID, string(h.SourceID()))
	assert.Equal(t, len(body), h.TotalLength)
	assert.Equal(t, "0210", string(resp.MTI()))
	assert.Equal(t, "000321", string(resp.Field(38)))
}

func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	p := dialRaw(t, is.Addr(), false)
	var batch []byte
	var m dialect.Message
	const n = 200
	for i := range n {
		dialect.SampleFinancial(&m, string(wire.AppendSTAN(nil, uint32(i+1))))
		var err error
		batch, err = p.codec.AppendFrame(batch, &m, "")
		require.NoError(t, err)
	}
	_, err := p.nc.Write(batch) // many frames in one write: one read syscall on the other side
	require.NoError(t, err)
	for i := range n {
		p.recv(t, &m)
		require.Equal(t, string(wire.AppendSTAN(nil, uint32(i+1))), string(m.Field(11)))
	}
	st := is.Stats()
	assert.Equal(t, n, st.Requests)
	assert.Equal(t, n, st.ByMTI["0200"])
	require.Len(t, st.Recent, issuer.RecentSize, "ring keeps the last RecentSize")
	assert.Equal(t, "000200", st.Recent[issuer.RecentSize-1].STAN)
	assert.Equal(t, "01020000", st.Recent[0].Acquirer)
	assert.Equal(t, "01020001", st.Recent[0].Forwarding)
	assert.Empty(t, st.Recent[0].Receiving)
}

func TestMalformedMessageClosesAndLogsNoValues(t *testing.T) {
	var logs logtest.Buffer
	is, err := issuer.New(issuer.Config{
		Addr: "127.0.0.1:0", InstitutionID: simtest.IssuerID,
		Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })

	p := dialRaw(t, is.Addr(), false)
	var m dialect.Message
	dialect.SampleFinancial(&m, "000001")
	good, err := p.codec.AppendFrame(nil, &m, "")
	require.NoError(t, err)
	// Corrupt field 3 (processing code, right after the 16-byte bitmap and
	// the LLVAR PAN) into letters: the dialect rejects it.
	bad := bytes.Clone(good)
	at := 4 + 4 + 16 + 2 + 19
	copy(bad[at:], "ABCDEF")
	_, err = p.nc.Write(append(good, bad...))
	require.NoError(t, err)
	p.recv(t, &m) // the good one is answered
	_, err = p.r.Next()
	require.ErrorIs(t, err, io.EOF, "connection closed after the bad frame")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "malformed") }, simtest.Wait, time.Millisecond)
	assert.NotContains(t, logs.String(), "6222020000000000125", "no PAN in logs")
}

func TestOversizedFrameClosesConnection(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	p := dialRaw(t, is.Addr(), false)
	_, err := p.nc.Write([]byte("9999"))
	require.NoError(t, err)
	_, err = p.r.Next()
	require.ErrorIs(t, err, io.EOF)
}

func TestResponsesAreCountedNotAnswered(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	p := dialRaw(t, is.Addr(), false)
	var m dialect.Message
	dialect.SampleFinancial(&m, "000001")
	require.NoError(t, m.SetMTI([]byte("0210")))
	p.send(t, &m)
	var echo dialect.Message
	require.NoError(t, echo.SetMTI([]byte("0800")))
	echo.SetString(7, "0101000000")
	echo.SetString(11, "000009")
	echo.SetString(33, "48020000")
	echo.SetString(70, "301")
	p.send(t, &echo)
	p.recv(t, &m)
	assert.Equal(t, "0810", string(m.MTI()), "first answer is the echo's: the 0210 got none")
	assert.Equal(t, "00", string(m.Field(39)))
	assert.Equal(t, "48020000", string(m.Field(33)))
	st := is.Stats()
	assert.Equal(t, 1, st.ByMTI["0210"])
	assert.Equal(t, 0, st.Requests)
	assert.Equal(t, 1, st.Echoes)
}
