package acquirer_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/internal/simmac"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/soft"
	"github.com/hulian/hulian/symmetric"
)

// macModule returns a software module holding the TDES ZAKs "a/zak" and "b/zak".
func macModule(t *testing.T) hsm.Module {
	t.Helper()
	lmk := make([]byte, soft.LMKSize)
	for i := range lmk {
		lmk[i] = byte(3 * i)
	}
	m, err := soft.Open(filepath.Join(t.TempDir(), "keys.json"), lmk)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	for _, id := range []hsm.KeyID{"a/zak", "b/zak"} {
		_, err := m.GenerateKey(context.Background(), id, hsm.ZAK, symmetric.TDES, 0)
		require.NoError(t, err)
	}
	return m
}

// macPair starts an issuer and dials it, each with its own MAC setting (nil: off).
func macPair(t *testing.T, s simtest.Setup, acqMAC, issMAC *acquirer.MAC) (*acquirer.Client, *issuer.Issuer) {
	t.Helper()
	d := simtest.Dialect(t, "hl87a")
	if s.Dialect != "" {
		d = simtest.Dialect(t, s.Dialect)
	}
	k := s.Framing
	if k == 0 {
		k = frame.ASCII4
	}
	is, err := issuer.New(issuer.Config{
		Addr: "127.0.0.1:0", InstitutionID: simtest.IssuerID, Dialect: d, Framing: k,
		Header: s.Header, MAC: issMAC,
	})
	require.NoError(t, err)
	require.NoError(t, is.Start(context.Background()))
	t.Cleanup(func() { _ = is.Close() })
	ctx := simtest.Context(t)
	c, err := acquirer.Dial(ctx, acquirer.Config{
		Addr: is.Addr(), InstitutionID: simtest.AcquirerID, SwitchID: simtest.SwitchID,
		Dialect: d, Framing: k, Header: s.Header, MAC: acqMAC,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c, is
}

func TestMACSameKeyApproves(t *testing.T) {
	mod := macModule(t)
	mac := &acquirer.MAC{Module: mod, Key: "a/zak"}
	for _, s := range []simtest.Setup{
		{},
		{Header: true},
		{Dialect: "hl87b", Framing: frame.Binary2, Header: true},
	} {
		t.Run(s.Name(), func(t *testing.T) {
			c, is := macPair(t, s, mac, mac)
			ctx := simtest.Context(t)
			require.NoError(t, c.SignOn(ctx), "08xx carries no MAC")
			for range 3 {
				var resp dialect.Message
				require.NoError(t, c.Do(ctx, purchase(""), &resp))
				assert.Equal(t, "00", string(resp.Field(39)))
				assert.Len(t, resp.Field(simmac.Field), simmac.Size, "response carries a MAC")
			}
			require.NoError(t, c.Echo(ctx))
			st := is.Stats()
			assert.Equal(t, 3, st.Requests)
			assert.Equal(t, 0, st.MACFailures)
		})
	}
}

func TestMACWrongKey(t *testing.T) {
	mod := macModule(t)
	c, is := macPair(t, simtest.Setup{},
		&acquirer.MAC{Module: mod, Key: "a/zak"}, &acquirer.MAC{Module: mod, Key: "b/zak"})
	ctx := simtest.Context(t)
	require.NoError(t, c.SignOn(ctx))

	var resp dialect.Message
	err := c.Do(ctx, purchase(""), &resp)
	var me *acquirer.MACError
	require.ErrorAs(t, err, &me, "the issuer's 63 is MACed under the other key")
	assert.ErrorIs(t, err, hsm.ErrMACMismatch)
	assert.Equal(t, "0210", me.MTI)
	assert.Len(t, me.STAN, 6)
	assert.Equal(t, "63", string(resp.Field(39)), "issuer answers a bad MAC with 63")
	assert.NotContains(t, err.Error(), "6222020000000000125", "no PAN in the error")
	assert.Equal(t, 1, is.Stats().MACFailures)
	assert.Equal(t, 0, c.Pending())
}

func TestMACOnOneSideOnly(t *testing.T) {
	mod := macModule(t)
	mac := &acquirer.MAC{Module: mod, Key: "a/zak"}
	for _, tc := range []struct {
		name           string
		acqMAC, issMAC *acquirer.MAC
		code           string
		wantErr        error
		failures       int
	}{
		{"issuer only: unsigned request gets 63", nil, mac, "63", nil, 1},
		{"acquirer only: unsigned response is refused", mac, nil, "00", simmac.ErrMissing, 0},
		{"neither: unchanged", nil, nil, "00", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, is := macPair(t, simtest.Setup{}, tc.acqMAC, tc.issMAC)
			req := purchase("")
			req.Unset(simmac.Field) // the sample's own 128 would otherwise travel as is
			var resp dialect.Message
			err := c.Do(simtest.Context(t), req, &resp)
			if tc.wantErr != nil {
				var me *acquirer.MACError
				require.True(t, errors.As(err, &me), "got %v", err)
				assert.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.code, string(resp.Field(39)))
			assert.Equal(t, tc.failures, is.Stats().MACFailures)
		})
	}
}
