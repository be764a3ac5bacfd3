package issuer_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// answeredSTANs sends n requests and returns the STANs answered before the
// stream ends or goes quiet.
func answeredSTANs(t *testing.T, p *accPeer, n int) []string {
	t.Helper()
	for range n {
		p.send(t, p.request(panTDES, 1))
	}
	var got []string
	_ = p.nc.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	for {
		body, err := p.r.Next()
		if err != nil {
			return got
		}
		var m dialect.Message
		if _, err := p.codec.Decode(body, &m); err != nil {
			return got
		}
		got = append(got, string(m.Field(11)))
	}
}

func TestFaultDropEveryNth(t *testing.T) {
	p := startAccounts(t, accSetup{faults: issuer.Faults{DropEvery: 3}})
	got := answeredSTANs(t, p, 7)
	assert.Equal(t, []string{"000001", "000002", "000004", "000005", "000007"}, got)
	assert.Equal(t, 2, p.is.Stats().Faults.Dropped)
}

func TestFaultDropRateDeterministic(t *testing.T) {
	run := func() []string {
		p := startAccounts(t, accSetup{faults: issuer.Faults{Seed: 42, DropRate: 0.5}})
		return answeredSTANs(t, p, 20)
	}
	a, b := run(), run()
	assert.Equal(t, a, b, "same seed, same faults")
	assert.Greater(t, len(a), 2)
	assert.Less(t, len(a), 18)
}

func TestFaultDelay(t *testing.T) {
	p := startAccounts(t, accSetup{faults: issuer.Faults{Delay: 150 * time.Millisecond, DelayEvery: 2}})
	start := time.Now()
	p.do(t, p.request(panTDES, 1))
	assert.Less(t, time.Since(start), 150*time.Millisecond)
	start = time.Now()
	p.do(t, p.request(panTDES, 1))
	assert.GreaterOrEqual(t, time.Since(start), 150*time.Millisecond)
	assert.Equal(t, 1, p.is.Stats().Faults.Delayed)
}

func TestFaultDisconnectAfter(t *testing.T) {
	p := startAccounts(t, accSetup{faults: issuer.Faults{DisconnectAfter: 2}})
	p.do(t, p.request(panTDES, 1))
	p.do(t, p.request(panTDES, 1))
	_, err := p.r.Next()
	require.ErrorIs(t, err, io.EOF)
	require.Eventually(t, func() bool { return p.is.Stats().Faults.Disconnected == 1 }, simtest.Wait, time.Millisecond)
}

func TestFaultGarbage(t *testing.T) {
	p := startAccounts(t, accSetup{faults: issuer.Faults{GarbageEvery: 1, GarbageLen: 8}})
	p.send(t, p.request(panTDES, 1))
	buf := make([]byte, 8)
	_, err := io.ReadFull(p.nc, buf)
	require.NoError(t, err)
	assert.Equal(t, 1, p.is.Stats().Faults.Garbage)
	q := startAccounts(t, accSetup{faults: issuer.Faults{GarbageEvery: 1, GarbageLen: 8}})
	q.send(t, q.request(panTDES, 1))
	again := make([]byte, 8)
	_, err = io.ReadFull(q.nc, again)
	require.NoError(t, err)
	assert.Equal(t, buf, again, "seeded garbage repeats")
}

func TestFaultBadMAC(t *testing.T) {
	mod := pinModule(t, symmetric.TDES)
	_, err := mod.GenerateKey(context.Background(), "01020000/zak", hsm.ZAK, symmetric.TDES, 0)
	require.NoError(t, err)
	mac := &issuer.MAC{Module: mod, Key: "01020000/zak"}
	p := startAccounts(t, accSetup{mac: mac, faults: issuer.Faults{BadMACEvery: 2}})
	for i, wantOK := range []bool{true, false} {
		m := p.request(panTDES, 1)
		buf, err := mac.AppendFrame(nil, p.codec, m, "")
		require.NoError(t, err)
		_, err = p.nc.Write(buf)
		require.NoError(t, err)
		body, err := p.r.Next()
		require.NoError(t, err)
		var resp dialect.Message
		_, err = p.codec.Decode(body, &resp)
		require.NoError(t, err)
		assert.Equal(t, "00", string(resp.Field(39)))
		assert.Equal(t, wantOK, mac.Verify(p.codec, body, &resp) == nil, "answer %d", i)
	}
	assert.Equal(t, 1, p.is.Stats().Faults.BadMACs)
}

func TestFaultsValidate(t *testing.T) {
	for _, f := range []issuer.Faults{{DropRate: 2}, {BadMACRate: -1}, {DropEvery: -1}, {Delay: -1}} {
		_, err := issuer.New(issuer.Config{InstitutionID: "1", Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4, Faults: f})
		assert.ErrorIs(t, err, issuer.ErrFaults)
	}
}

// TestDialModeSignsOnAndAnswers plays the switch: it listens, the issuer
// connects, signs on, answers an echo and a request, and redials after the
// connection drops.
func TestDialModeSignsOnAndAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	is, err := issuer.New(issuer.Config{
		InstitutionID: simtest.IssuerID, Dialect: simtest.Dialect(t, "hl87a"), Framing: frame.ASCII4,
		Connect: ln.Addr().String(),
	})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	require.NoError(t, is.Start(ctx))
	defer is.Close()
	codec, err := wire.NewCodec(simtest.Dialect(t, "hl87a"), frame.ASCII4, false, simtest.SwitchID)
	require.NoError(t, err)
	for round := range 2 {
		nc, err := ln.Accept()
		require.NoError(t, err)
		_ = nc.SetDeadline(time.Now().Add(simtest.Wait))
		r := frame.NewReader(nc, frame.ASCII4, 0)
		read := func() *dialect.Message {
			body, err := r.Next()
			require.NoError(t, err)
			var m dialect.Message
			_, err = codec.Decode(body, &m)
			require.NoError(t, err)
			return &m
		}
		m := read()
		assert.Equal(t, "0800", string(m.MTI()), "round %d", round)
		assert.Equal(t, "001", string(m.Field(70)))
		var echo dialect.Message
		require.NoError(t, echo.SetMTI([]byte("0800")))
		echo.SetString(7, "0101000000")
		echo.SetString(11, "000009")
		echo.SetString(33, simtest.SwitchID)
		echo.SetString(70, "301")
		buf, err := codec.AppendFrame(nil, &echo, "")
		require.NoError(t, err)
		var req dialect.Message
		dialect.SampleFinancial(&req, "000777")
		buf, err = codec.AppendFrame(buf, &req, "")
		require.NoError(t, err)
		_, err = nc.Write(buf)
		require.NoError(t, err)
		assert.Equal(t, "0810", string(read().MTI()))
		resp := read()
		assert.Equal(t, "0210", string(resp.MTI()))
		assert.Equal(t, "00", string(resp.Field(39)))
		nc.Close()
	}
	assert.Equal(t, "", is.Addr())
}
