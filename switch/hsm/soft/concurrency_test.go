package soft_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// TestConcurrentUse runs MACs, PIN translations and key writes at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	m := pinModule(t)
	ctx := context.Background()
	block := encipher(t, "acq/tdes2", hsm.ISO0, "1234", testPAN)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				mac, err := m.GenerateMAC(ctx, "mac/zak", []byte("msg"))
				if err == nil {
					err = m.VerifyMAC(ctx, "mac/zak", []byte("msg"), mac)
				}
				if err == nil {
					_, err = m.TranslatePIN(ctx, hsm.TranslatePIN{From: "acq/tdes2", To: "iss/sm4", ToFormat: hsm.ISO4, PAN: []byte(testPAN), Block: block})
				}
				if err == nil && i%5 == 0 {
					_, err = m.GenerateKey(ctx, hsm.KeyID("g"+strconv.Itoa(g)+"/"+strconv.Itoa(i)), hsm.ZAK, symmetric.SM4, 0)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	keys, err := m.Keys(ctx)
	assert.NoError(t, err)
	assert.Len(t, keys, 6+8*4)
}
