package pkcs11_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/hsm/pkcs11"
	"github.com/hulian/hulian/symmetric"
)

func TestKCVMatchesSoftAndReference(t *testing.T) {
	tk := newToken(t)
	p, s := tk.open(t), newSoft(t)
	ctx := context.Background()
	tests := []struct {
		id  hsm.KeyID
		kt  hsm.KeyType
		key string
		kcv string
	}{
		{"std/zpk", hsm.ZPK, keyStd, "08D7B4"},
		{"std/zak", hsm.ZAK, keyStd, "08D7B4"},
		{"triple/zak", hsm.ZAK, keyTriple, ""},
		{"b/zmk", hsm.ZMK, keyB, ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.id), func(t *testing.T) {
			info := importBoth(t, tc.id, tc.kt, tc.key, p, s)
			if tc.kcv != "" {
				assert.Equal(t, tc.kcv, info.KCV)
			}
			pi, err := p.Key(ctx, tc.id)
			require.NoError(t, err)
			si, err := s.Key(ctx, tc.id)
			require.NoError(t, err)
			assert.Equal(t, si.KCV, pi.KCV)
			assert.Equal(t, len(tc.key)/2, pi.Length)
			assert.Equal(t, tc.kt, pi.Type)
			assert.Equal(t, symmetric.TDES, pi.Alg)
		})
	}
}

func TestMACMatchesSoft(t *testing.T) {
	tk := newToken(t)
	p, s := tk.open(t), newSoft(t)
	ctx := context.Background()
	importBoth(t, "zak2", hsm.ZAK, keyStd, p, s)
	importBoth(t, "zak3", hsm.ZAK, keyTriple, p, s)
	for _, id := range []hsm.KeyID{"zak2", "zak3"} {
		for _, n := range []int{0, 1, 7, 8, 9, 16, 17, 40, 63, 64, 1000} {
			t.Run(fmt.Sprintf("%s/%d", id, n), func(t *testing.T) {
				data := make([]byte, n)
				for i := range data {
					data[i] = byte(i*31 + n)
				}
				want, err := s.GenerateMAC(ctx, id, data)
				require.NoError(t, err)
				got, err := p.GenerateMAC(ctx, id, data)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				require.NoError(t, p.VerifyMAC(ctx, id, data, want))
				bad := append([]byte(nil), want...)
				bad[7] ^= 1
				assert.ErrorIs(t, p.VerifyMAC(ctx, id, data, bad), hsm.ErrMACMismatch)
				assert.ErrorIs(t, p.VerifyMAC(ctx, id, data, want[:4]), hsm.ErrMACMismatch)
			})
		}
	}
	// X9.19 known answer: "Now is the time for all " under 0123456789ABCDEF FEDCBA9876543210.
	mac, err := p.GenerateMAC(ctx, "zak2", []byte("Now is the time for all "))
	require.NoError(t, err)
	assert.Equal(t, "A1C72E74EA3FA9B6", fmt.Sprintf("%X", mac))
}

func TestMACErrors(t *testing.T) {
	tk := newToken(t)
	p := tk.open(t)
	ctx := context.Background()
	importBoth(t, "zpk", hsm.ZPK, keyStd, p)
	_, err := p.GenerateMAC(ctx, "zpk", []byte("x"))
	assert.ErrorIs(t, err, hsm.ErrKeyType)
	_, err = p.GenerateMAC(ctx, "none", []byte("x"))
	assert.ErrorIs(t, err, hsm.ErrNoKey)
	importBoth(t, "zak", hsm.ZAK, keyStd, p)
	_, err = p.GenerateMAC(ctx, "zak", make([]byte, pkcs11.MaxMACData+1))
	assert.ErrorIs(t, err, hsm.ErrInvalid)
}

func TestTranslatePINCrossModules(t *testing.T) {
	tk := newToken(t)
	p, s := tk.open(t), newSoft(t)
	ctx := context.Background()
	importBoth(t, "acq/zpk", hsm.ZPK, keyStd, p, s)
	importBoth(t, "iss/zpk", hsm.ZPK, keyTriple, p, s)
	pan := []byte(testPAN)
	formats := []hsm.PINFormat{hsm.ISO0, hsm.ISO1, hsm.ISO3}
	for _, from := range formats {
		for _, to := range formats {
			t.Run(from.String()+"-"+to.String(), func(t *testing.T) {
				clr, err := hsm.EncodePINBlock(from, []byte("123456"), pan, nil)
				require.NoError(t, err)
				b, err := hsm.NewCipher(symmetric.TDES, unhex(t, keyStd))
				require.NoError(t, err)
				block := make([]byte, 8)
				b.Encrypt(block, clr)
				// pkcs11 translates acq -> iss, soft translates back iss -> acq in ISO0.
				mid, err := p.TranslatePIN(ctx, hsm.TranslatePIN{From: "acq/zpk", FromFormat: from, To: "iss/zpk", ToFormat: to, PAN: pan, Block: block})
				require.NoError(t, err)
				back, err := s.TranslatePIN(ctx, hsm.TranslatePIN{From: "iss/zpk", FromFormat: to, To: "acq/zpk", ToFormat: hsm.ISO0, PAN: pan, Block: mid})
				require.NoError(t, err)
				b.Decrypt(clr, back)
				pin, err := hsm.DecodePINBlock(hsm.ISO0, clr, pan)
				require.NoError(t, err)
				assert.Equal(t, "123456", string(pin))
				// and the other way: soft translates, pkcs11 deciphers.
				mid, err = s.TranslatePIN(ctx, hsm.TranslatePIN{From: "acq/zpk", FromFormat: from, To: "iss/zpk", ToFormat: to, PAN: pan, Block: block})
				require.NoError(t, err)
				back, err = p.TranslatePIN(ctx, hsm.TranslatePIN{From: "iss/zpk", FromFormat: to, To: "acq/zpk", ToFormat: hsm.ISO0, PAN: pan, Block: mid})
				require.NoError(t, err)
				b.Decrypt(clr, back)
				pin, err = hsm.DecodePINBlock(hsm.ISO0, clr, pan)
				require.NoError(t, err)
				assert.Equal(t, "123456", string(pin))
			})
		}
	}
}

func TestTranslatePINErrors(t *testing.T) {
	tk := newToken(t)
	p := tk.open(t)
	ctx := context.Background()
	importBoth(t, "a", hsm.ZPK, keyStd, p)
	importBoth(t, "b", hsm.ZPK, keyB, p)
	importBoth(t, "mac", hsm.ZAK, keyB, p)
	pan := []byte(testPAN)
	garbage := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	tests := []struct {
		name string
		r    hsm.TranslatePIN
		want error
	}{
		{"bad block", hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO0, To: "b", ToFormat: hsm.ISO0, PAN: pan, Block: garbage}, hsm.ErrPINFormat},
		{"short block", hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO0, To: "b", ToFormat: hsm.ISO0, PAN: pan, Block: garbage[:7]}, hsm.ErrPINFormat},
		{"format 4", hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO4, To: "b", ToFormat: hsm.ISO0, PAN: pan, Block: make([]byte, 16)}, hsm.ErrUnsupported},
		{"wrong key type", hsm.TranslatePIN{From: "mac", FromFormat: hsm.ISO0, To: "b", ToFormat: hsm.ISO0, PAN: pan, Block: garbage}, hsm.ErrKeyType},
		{"no key", hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO0, To: "zz", ToFormat: hsm.ISO0, PAN: pan, Block: garbage}, hsm.ErrNoKey},
		{"bad PAN", hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO0, To: "b", ToFormat: hsm.ISO0, PAN: []byte("12"), Block: garbage}, hsm.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.TranslatePIN(ctx, tc.r)
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), testPAN)
			assert.NotContains(t, err.Error(), "0102030405060708")
		})
	}
}

func TestWrappedExchange(t *testing.T) {
	tk := newToken(t)
	p, s := tk.open(t), newSoft(t)
	ctx := context.Background()
	importBoth(t, "zmk", hsm.ZMK, keyZMK, p, s)
	for _, tc := range []struct {
		id  hsm.KeyID
		kt  hsm.KeyType
		len int
	}{{"new/zak", hsm.ZAK, 16}, {"new/zpk", hsm.ZPK, 24}} {
		t.Run(string(tc.id), func(t *testing.T) {
			info, err := s.GenerateKey(ctx, tc.id, tc.kt, symmetric.TDES, tc.len)
			require.NoError(t, err)
			wrapped, kcv, err := s.ExportWrapped(ctx, tc.id, "zmk")
			require.NoError(t, err)
			_, err = p.ImportWrapped(ctx, tc.id, tc.kt, symmetric.TDES, "zmk", wrapped, "000000")
			require.ErrorIs(t, err, hsm.ErrKCVMismatch)
			got, err := p.ImportWrapped(ctx, tc.id, tc.kt, symmetric.TDES, "zmk", wrapped, kcv)
			require.NoError(t, err)
			assert.Equal(t, info.KCV, got.KCV)
			assert.Equal(t, tc.len, got.Length)
			_, _, err = p.ExportWrapped(ctx, tc.id, "zmk")
			assert.ErrorIs(t, err, hsm.ErrUnsupported)
		})
	}
	data := []byte("0200 message body to authenticate")
	want, err := s.GenerateMAC(ctx, "new/zak", data)
	require.NoError(t, err)
	require.NoError(t, p.VerifyMAC(ctx, "new/zak", data, want))
	_, err = p.ImportWrapped(ctx, "x", hsm.ZPK, symmetric.TDES, "new/zpk", make([]byte, 16), "000000")
	assert.ErrorIs(t, err, hsm.ErrKeyType)
}

func TestGenerateListDelete(t *testing.T) {
	tk := newToken(t)
	p := tk.open(t)
	ctx := context.Background()
	for _, tc := range []struct {
		id  hsm.KeyID
		kt  hsm.KeyType
		n   int
		len int
	}{{"g/zpk", hsm.ZPK, 0, 16}, {"g/zmk", hsm.ZMK, 24, 24}, {"g/zak", hsm.ZAK, 16, 16}, {"g/zak3", hsm.ZAK, 24, 24}} {
		info, err := p.GenerateKey(ctx, tc.id, tc.kt, symmetric.TDES, tc.n)
		require.NoError(t, err)
		assert.Equal(t, tc.len, info.Length)
		assert.Len(t, info.KCV, 6)
		assert.False(t, info.Created.IsZero())
	}
	mac, err := p.GenerateMAC(ctx, "g/zak3", []byte("hello world, twelve+"))
	require.NoError(t, err)
	require.NoError(t, p.VerifyMAC(ctx, "g/zak3", []byte("hello world, twelve+"), mac))
	keys, err := p.Keys(ctx)
	require.NoError(t, err)
	ids := make([]hsm.KeyID, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	assert.Equal(t, []hsm.KeyID{"g/zak", "g/zak3", "g/zmk", "g/zpk"}, ids)

	_, err = p.GenerateKey(ctx, "g/zpk", hsm.ZPK, symmetric.TDES, 16)
	assert.ErrorIs(t, err, hsm.ErrKeyExists)
	_, err = p.GenerateKey(ctx, "sm4", hsm.ZPK, symmetric.SM4, 16)
	assert.ErrorIs(t, err, hsm.ErrUnsupported)
	_, err = p.GenerateKey(ctx, "bad", hsm.ZPK, symmetric.TDES, 8)
	assert.ErrorIs(t, err, hsm.ErrInvalid)
	_, err = p.GenerateKey(ctx, "bad id!", hsm.ZPK, symmetric.TDES, 16)
	assert.ErrorIs(t, err, hsm.ErrInvalid)

	require.NoError(t, p.DeleteKey(ctx, "g/zak3"))
	assert.ErrorIs(t, p.DeleteKey(ctx, "g/zak3"), hsm.ErrNoKey)
	_, err = p.Key(ctx, "g/zak3")
	assert.ErrorIs(t, err, hsm.ErrNoKey)
	// the id is free again, helper objects included.
	_, err = p.GenerateKey(ctx, "g/zak3", hsm.ZAK, symmetric.TDES, 24)
	require.NoError(t, err)
}

func TestImportComponentsErrors(t *testing.T) {
	tk := newToken(t)
	p := tk.open(t)
	ctx := context.Background()
	k := unhex(t, keyStd)
	good := hsm.KCV(symmetric.TDES, k)
	tests := []struct {
		name string
		a    symmetric.Algorithm
		comp [][]byte
		kcvs []string
		want error
	}{
		{"component kcv", symmetric.TDES, [][]byte{k}, []string{"000000", good}, hsm.ErrKCVMismatch},
		{"key kcv", symmetric.TDES, [][]byte{k}, []string{good, "000000"}, hsm.ErrKCVMismatch},
		{"kcv count", symmetric.TDES, [][]byte{k}, []string{good}, hsm.ErrInvalid},
		{"no components", symmetric.TDES, nil, []string{good}, hsm.ErrInvalid},
		{"lengths differ", symmetric.TDES, [][]byte{k, k[:8]}, []string{good, good, good}, hsm.ErrInvalid},
		{"sm4", symmetric.SM4, [][]byte{k}, []string{good, good}, hsm.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.ImportComponents(ctx, "k", hsm.ZPK, tc.a, tc.comp, tc.kcvs)
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, strings.ToUpper(err.Error()), keyStd)
		})
	}
	_, err := p.Key(ctx, "k")
	assert.ErrorIs(t, err, hsm.ErrNoKey)
}

func TestKeysPersistAcrossReopen(t *testing.T) {
	tk := newToken(t)
	ctx := context.Background()
	p, err := pkcs11.Open(tk.opts)
	require.NoError(t, err)
	importBoth(t, "zak", hsm.ZAK, keyTriple, p)
	gen, err := p.GenerateKey(ctx, "zpk", hsm.ZPK, symmetric.TDES, 16)
	require.NoError(t, err)
	data := []byte("persisted message of some length")
	mac, err := p.GenerateMAC(ctx, "zak", data)
	require.NoError(t, err)
	before, err := p.Keys(ctx)
	require.NoError(t, err)
	require.NoError(t, p.Close())
	_, err = p.Keys(ctx)
	assert.ErrorIs(t, err, hsm.ErrClosed)
	_, err = p.GenerateMAC(ctx, "zak", data)
	assert.ErrorIs(t, err, hsm.ErrClosed)

	q := tk.open(t)
	after, err := q.Keys(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Equal(t, gen.KCV, after[1].KCV)
	require.NoError(t, q.VerifyMAC(ctx, "zak", data, mac))
}

func TestOpenErrors(t *testing.T) {
	tk := newToken(t)
	tests := []struct {
		name string
		o    pkcs11.Options
		want error
	}{
		{"no library", pkcs11.Options{TokenLabel: tokenLabel}, hsm.ErrInvalid},
		{"missing library", pkcs11.Options{Module: "/nonexistent/lib.so", TokenLabel: tokenLabel}, hsm.ErrUnsupported},
		{"unknown token", pkcs11.Options{Module: tk.opts.Module, TokenLabel: "nope", PIN: userPIN}, hsm.ErrInvalid},
		{"pool size", pkcs11.Options{Module: tk.opts.Module, TokenLabel: tokenLabel, Sessions: 1000}, hsm.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pkcs11.Open(tc.o)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	_, err := pkcs11.Open(pkcs11.Options{Module: tk.opts.Module, TokenLabel: tokenLabel, PIN: "9999"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "9999")
}

func TestConcurrentUse(t *testing.T) {
	tk := newToken(t)
	p, s := tk.open(t), newSoft(t)
	ctx := context.Background()
	importBoth(t, "zak", hsm.ZAK, keyStd, p, s)
	importBoth(t, "a", hsm.ZPK, keyStd, p)
	importBoth(t, "b", hsm.ZPK, keyB, p)
	clr, err := hsm.EncodePINBlock(hsm.ISO0, []byte("4321"), []byte(testPAN), nil)
	require.NoError(t, err)
	b, err := hsm.NewCipher(symmetric.TDES, unhex(t, keyStd))
	require.NoError(t, err)
	block := make([]byte, 8)
	b.Encrypt(block, clr)
	var wg sync.WaitGroup
	errs := make(chan error, 16*50)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				data := []byte(fmt.Sprintf("goroutine %d message %d", g, i))
				want, err := s.GenerateMAC(ctx, "zak", data)
				if err == nil {
					err = p.VerifyMAC(ctx, "zak", data, want)
				}
				if err == nil {
					_, err = p.TranslatePIN(ctx, hsm.TranslatePIN{From: "a", FromFormat: hsm.ISO0, To: "b", ToFormat: hsm.ISO3, PAN: []byte(testPAN), Block: block})
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.GenerateMAC(cctx, "zak", []byte("x"))
	assert.ErrorIs(t, err, context.Canceled)
}
