package acquirer_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/internal/simtest"
)

// purchase returns a sample 0200 without 7/11/32 so that Do fills them.
func purchase(amount string) *dialect.Message {
	m := new(dialect.Message)
	dialect.SampleFinancial(m, "000001")
	m.Unset(7)
	m.Unset(11)
	m.Unset(32)
	if amount != "" {
		m.SetString(4, amount)
	}
	return m
}

func TestNetworkManagement(t *testing.T) {
	for _, s := range []simtest.Setup{
		{},
		{Header: true},
		{Dialect: "hl87b", Framing: frame.Binary2},
		{Dialect: "hl87b", Framing: frame.Binary2, Header: true},
	} {
		t.Run(s.Name(), func(t *testing.T) {
			is := simtest.StartIssuer(t, s)
			c := simtest.Dial(t, is.Addr(), s)
			ctx := simtest.Context(t)
			require.NoError(t, c.SignOn(ctx))
			require.NoError(t, c.Echo(ctx))
			require.NoError(t, c.Echo(ctx))
			require.NoError(t, c.SignOff(ctx))
			st := is.Stats()
			assert.Equal(t, 1, st.SignOns)
			assert.Equal(t, 2, st.Echoes)
			assert.Equal(t, 1, st.SignOffs)
			assert.Equal(t, 4, st.ByMTI["0800"])
			assert.Equal(t, 0, st.Requests)
			assert.Equal(t, 0, c.Pending())
		})
	}
}

func TestDoFillsAndEchoes(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	req := purchase("")
	var resp dialect.Message
	require.NoError(t, c.Do(simtest.Context(t), req, &resp))

	assert.Len(t, req.Field(7), 10, "Do fills field 7")
	assert.Len(t, req.Field(11), 6, "Do fills field 11")
	assert.Equal(t, simtest.AcquirerID, string(req.Field(32)), "Do fills field 32")
	assert.Equal(t, "0210", string(resp.MTI()))
	for _, n := range []int{2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49} {
		assert.Equal(t, req.Field(n), resp.Field(n), "field %d echoed", n)
	}
	assert.Equal(t, "00", string(resp.Field(39)))
	assert.Equal(t, string(req.Field(11)), string(resp.Field(38)), "auth id = last 6 of STAN")
	assert.False(t, resp.Has(54))
	assert.False(t, resp.Has(35), "track 2 is not echoed")

	rec := is.Stats().Recent
	require.Len(t, rec, 1)
	assert.Equal(t, "0200", rec[0].MTI)
	assert.Equal(t, simtest.AcquirerID, rec[0].Acquirer)
	assert.Equal(t, string(req.Field(11)), rec[0].STAN)
}

func TestDecisionRules(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	tests := []struct {
		name     string
		edit     func(m *dialect.Message)
		mti      string
		code     string
		auth     bool // field 38 expected
		balances bool // field 54 expected
	}{
		{"purchase approved", nil, "0210", "00", true, false},
		{"amount ending 51", func(m *dialect.Message) { m.SetString(4, "000000010051") }, "0210", "51", false, false},
		{"amount over limit", func(m *dialect.Message) { m.SetString(4, "000100000000") }, "0210", "61", false, false},
		{"over limit beats 51", func(m *dialect.Message) { m.SetString(4, "000100000051") }, "0210", "61", false, false},
		{"limit itself approved", func(m *dialect.Message) { m.SetString(4, "000099999999") }, "0210", "00", true, false},
		{"PAN fails Luhn", func(m *dialect.Message) { m.SetString(2, "6222020000000000126") }, "0210", "14", false, false},
		{"track 2 PAN fails Luhn", func(m *dialect.Message) {
			m.Unset(2)
			m.SetString(35, "6222020000000000126=2912101123456")
		}, "0210", "14", false, false},
		{"balance inquiry", func(m *dialect.Message) {
			m.SetString(3, "310000")
			m.SetString(4, "000000000000")
		}, "0210", "00", true, true},
		{"authorization 0100", func(m *dialect.Message) { setMTI(m, "0100") }, "0110", "00", true, false},
		{"advice 0220", func(m *dialect.Message) { setMTI(m, "0220") }, "0230", "00", false, false},
		{"repeat advice 0221", func(m *dialect.Message) { setMTI(m, "0221") }, "0230", "00", false, false},
		{"reversal 0400", func(m *dialect.Message) { setMTI(m, "0400") }, "0410", "00", false, false},
		{"reversal advice 0420 with 51 amount", func(m *dialect.Message) {
			setMTI(m, "0420")
			m.SetString(4, "000000000051")
		}, "0430", "00", false, false},
		{"account-based payment", func(m *dialect.Message) {
			m.Unset(2)
			m.Unset(35)
			m.SetString(100, "09990000")
			m.SetString(102, "ACCT-0001")
			m.SetString(103, "ACCT-0002")
		}, "0210", "00", true, false},
		{"file action 0300 is invalid", func(m *dialect.Message) { setMTI(m, "0300") }, "0310", "12", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := purchase("")
			if tc.edit != nil {
				tc.edit(req)
			}
			var resp dialect.Message
			require.NoError(t, c.Do(simtest.Context(t), req, &resp))
			assert.Equal(t, tc.mti, string(resp.MTI()))
			assert.Equal(t, tc.code, string(resp.Field(39)))
			assert.Equal(t, tc.auth, resp.Has(38), "field 38")
			assert.Equal(t, tc.balances, resp.Has(54), "field 54")
			if tc.balances {
				assert.Equal(t, "1002156C000000123456", string(resp.Field(54)))
			}
			for _, n := range []int{100, 102, 103} {
				assert.Equal(t, req.Field(n), resp.Field(n), "field %d echoed", n)
			}
		})
	}
}

func setMTI(m *dialect.Message, mti string) {
	if err := m.SetMTI([]byte(mti)); err != nil {
		panic(err) // test data only
	}
}

func TestConcurrentRequestsMatchTheirResponses(t *testing.T) {
	for _, s := range []simtest.Setup{{}, {Dialect: "hl87b", Framing: frame.Binary2, Header: true}} {
		t.Run(s.Name(), func(t *testing.T) {
			is := simtest.StartIssuer(t, s)
			c := simtest.Dial(t, is.Addr(), s)
			ctx := simtest.Context(t)
			const total, inFlight = 1000, 64
			jobs := make(chan int)
			errs := make(chan error, inFlight)
			for range inFlight {
				go func() { errs <- worker(ctx, c, jobs) }()
			}
			for i := range total {
				jobs <- i
			}
			close(jobs)
			for range inFlight {
				require.NoError(t, <-errs)
			}
			assert.Equal(t, total, is.Stats().Requests)
			assert.Equal(t, total, is.Stats().Responses)
			assert.Equal(t, 0, c.Pending())
		})
	}
}

// worker sends one request per job with a unique amount and checks that
// the response carries the same amount, STAN and RRN.
func worker(ctx context.Context, c *acquirer.Client, jobs <-chan int) error {
	var req, resp dialect.Message
	for i := range jobs {
		dialect.SampleFinancial(&req, "000001")
		req.Unset(7)
		req.Unset(11)
		amount := []byte("000000100000")
		for j, n := len(amount)-1, i; n > 0; j, n = j-1, n/10 {
			amount[j] = byte('0' + n%10)
		}
		amount[len(amount)-2] = '0' // never ends in 51
		req.SetCopy(4, amount)
		if err := c.Do(ctx, &req, &resp); err != nil {
			return err
		}
		for _, n := range []int{4, 11, 7, 37} {
			if string(req.Field(n)) != string(resp.Field(n)) {
				return errors.New("response matched to the wrong request")
			}
		}
	}
	return nil
}

func TestSilentIssuerTimesOut(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	is.SetSilent(true)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var resp dialect.Message
	err := c.Do(ctx, purchase(""), &resp)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 0, c.Pending(), "a timed-out request is forgotten")
	require.NoError(t, c.Echo(simtest.Context(t)), "echo still answered when silent")

	is.SetSilentAll(true)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	require.ErrorIs(t, c.Echo(ctx2), context.DeadlineExceeded)

	is.SetSilentAll(false)
	is.SetSilent(false)
	require.NoError(t, c.Do(simtest.Context(t), purchase(""), &resp))
	assert.Equal(t, "00", string(resp.Field(39)))
}

func TestLateResponseIsUnsolicited(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{Delay: 150 * time.Millisecond})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req := purchase("")
	var resp dialect.Message
	require.ErrorIs(t, c.Do(ctx, req, &resp), context.DeadlineExceeded)
	select {
	case m := <-c.Unsolicited():
		assert.Equal(t, "0210", string(m.MTI()))
		assert.Equal(t, string(req.Field(11)), string(m.Field(11)))
	case <-time.After(simtest.Wait):
		t.Fatal("late response not delivered as unsolicited")
	}
}

func TestDelayedAnswer(t *testing.T) {
	const delay = 250 * time.Millisecond
	is := simtest.StartIssuer(t, simtest.Setup{Delay: delay})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	start := time.Now()
	require.NoError(t, c.Echo(simtest.Context(t)))
	assert.Less(t, time.Since(start), delay, "network management is not delayed")
	var resp dialect.Message
	start = time.Now()
	require.NoError(t, c.Do(simtest.Context(t), purchase(""), &resp))
	assert.GreaterOrEqual(t, time.Since(start), delay)
}

func TestIssuerSignOffIsUnsolicitedAndAnswered(t *testing.T) {
	s := simtest.Setup{Header: true}
	is := simtest.StartIssuer(t, s)
	c := simtest.Dial(t, is.Addr(), s)
	ctx := simtest.Context(t)
	require.NoError(t, c.SignOn(ctx))
	require.NoError(t, is.SignOff(ctx))
	select {
	case m := <-c.Unsolicited():
		assert.Equal(t, "0800", string(m.MTI()))
		assert.Equal(t, "002", string(m.Field(70)))
		assert.Equal(t, simtest.IssuerID, string(m.Field(33)))
	case <-time.After(simtest.Wait):
		t.Fatal("sign-off not delivered")
	}
	require.Eventually(t, func() bool { return is.Stats().ByMTI["0810"] == 1 },
		simtest.Wait, 5*time.Millisecond, "the client answers the issuer's 0800")
}

func TestMalformedFrameClosesConnection(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	require.NoError(t, c.WriteRaw([]byte("0004XXXX")))
	select {
	case <-c.Done():
	case <-time.After(simtest.Wait):
		t.Fatal("issuer kept a connection that sent junk")
	}
	var resp dialect.Message
	require.ErrorIs(t, c.Do(simtest.Context(t), purchase(""), &resp), acquirer.ErrClosed)
}

func TestPendingFailWhenPeerCloses(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	is.SetSilent(true)
	errc := make(chan error, 1)
	go func() {
		var resp dialect.Message
		errc <- c.Do(simtest.Context(t), purchase(""), &resp)
	}()
	require.Eventually(t, func() bool { return c.Pending() == 1 }, simtest.Wait, time.Millisecond)
	require.NoError(t, is.Close())
	select {
	case err := <-errc:
		require.ErrorIs(t, err, acquirer.ErrClosed)
	case <-time.After(simtest.Wait):
		t.Fatal("pending Do not released")
	}
	<-c.Done()
}

func TestDoErrors(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	var resp dialect.Message
	ctx := simtest.Context(t)
	assert.ErrorIs(t, c.Do(ctx, nil, &resp), acquirer.ErrNilMessage)
	assert.ErrorIs(t, c.Do(ctx, purchase(""), nil), acquirer.ErrNilMessage)
	assert.ErrorIs(t, c.Do(ctx, new(dialect.Message), &resp), acquirer.ErrNotRequest)
	r := purchase("")
	setMTI(r, "0210")
	assert.ErrorIs(t, c.Do(ctx, r, &resp), acquirer.ErrNotRequest)

	is.SetSilent(true)
	first := purchase("")
	first.SetString(11, "123456")
	first.SetString(7, "0101000000")
	go func() {
		var resp dialect.Message
		_ = c.Do(ctx, first, &resp)
	}()
	require.Eventually(t, func() bool { return c.Pending() == 1 }, simtest.Wait, time.Millisecond)
	dup := purchase("")
	dup.SetString(11, "123456")
	dup.SetString(7, "0101000000")
	assert.ErrorIs(t, c.Do(ctx, dup, &resp), acquirer.ErrDuplicateKey)
}

func TestSignOnRejected(t *testing.T) {
	addr := rejectingPeer(t, "91")
	c := simtest.Dial(t, addr, simtest.Setup{})
	err := c.SignOn(simtest.Context(t))
	var re *acquirer.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "sign-on", re.Op)
	assert.Equal(t, "91", re.Code)
	assert.Equal(t, "acquirer: sign-on answered with response code 91", err.Error())
	assert.Equal(t, "acquirer: echo answered with response code none", (&acquirer.ResponseError{Op: "echo"}).Error())
}

// rejectingPeer accepts one hl87a/ascii4 connection and answers every
// request with its response MTI, the echoed fields and 39 = code.
func rejectingPeer(t *testing.T, code string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	codec, err := wire.NewCodec(simtest.Dialect(t, "hl87a"), frame.ASCII4, false, "")
	require.NoError(t, err)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		r := frame.NewReader(nc, frame.ASCII4, 0)
		var req, resp dialect.Message
		for {
			body, err := r.Next()
			if err != nil {
				return
			}
			if _, err := codec.Decode(body, &req); err != nil {
				return
			}
			rmti, _ := dialect.ResponseMTI(req.MTI())
			resp.Reset()
			_ = resp.SetMTI(rmti[:])
			wire.EchoNetFields(&resp, &req)
			resp.SetString(39, code)
			out, err := codec.AppendFrame(nil, &resp, "")
			if err != nil {
				return
			}
			if _, err := nc.Write(out); err != nil {
				return
			}
		}
	}()
	return ln.Addr().String()
}

func TestDialErrors(t *testing.T) {
	d := simtest.Dialect(t, "hl87a")
	ctx := simtest.Context(t)
	tests := []struct {
		name string
		cfg  acquirer.Config
		want error
	}{
		{"no id", acquirer.Config{Addr: "127.0.0.1:1", Dialect: d, Framing: frame.ASCII4}, acquirer.ErrNoID},
		{"id not digits", acquirer.Config{Addr: "127.0.0.1:1", InstitutionID: "48A", Dialect: d, Framing: frame.ASCII4}, acquirer.ErrNoID},
		{"no framing", acquirer.Config{Addr: "127.0.0.1:1", InstitutionID: "48", Dialect: d}, frame.ErrUnknownKind},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := acquirer.Dial(ctx, tc.cfg)
			require.ErrorIs(t, err, tc.want)
		})
	}
	_, err := acquirer.Dial(ctx, acquirer.Config{InstitutionID: "48", Framing: frame.ASCII4})
	require.Error(t, err, "no dialect")
}

func BenchmarkDo(b *testing.B) {
	is := simtest.StartIssuer(b, simtest.Setup{})
	c := simtest.Dial(b, is.Addr(), simtest.Setup{})
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		var req, resp dialect.Message
		for pb.Next() {
			dialect.SampleFinancial(&req, "000001")
			req.Unset(7)
			req.Unset(11)
			if err := c.Do(ctx, &req, &resp); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestCloseIsIdempotentAfterPeerClose(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	require.NoError(t, is.Close())
	<-c.Done()
	require.NoError(t, c.Close())
	require.NoError(t, c.Close())
	require.ErrorIs(t, c.WriteRaw([]byte("0001x")), frame.ErrWriterClosed)
}
