package server

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/link"
)

func TestReloadUnderLoadDropsNothing(t *testing.T) {
	n := startNetwork(t, 1, map[string]string{"delayA": "20ms"})
	a := n.acquirer(acqA)
	b := n.acquirer(acqB)
	linksBefore := n.srv.Status()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ok, bad atomic.Int64
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, p := a, panBankA
				if g%2 == 1 {
					c, p = b, panBankB
				}
				var resp dialect.Message
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				err := c.Do(ctx, purchase(p), &resp)
				cancel()
				if err == nil && string(resp.Field(39)) == "00" {
					ok.Add(1)
				} else {
					bad.Add(1)
				}
			}
		}()
	}
	// Reload the same configuration, then one with a new BIN for bank B,
	// several times while traffic flows.
	newBIN := strings.Replace(n.cfgText, `bins: ["622848"]`, `bins: ["622848", "621234"]`, 1)
	for i := 0; i < 6; i++ {
		text := n.cfgText
		if i%2 == 1 {
			text = newBIN
		}
		cfg, err := config.Parse([]byte(text), t.TempDir(), "reload.yaml")
		require.NoError(t, err)
		require.NoError(t, n.srv.Reload(cfg))
		time.Sleep(30 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, bad.Load(), "no transaction failed across reloads")
	assert.Greater(t, ok.Load(), int64(50))

	// The last reload carried the new BIN: a card under it now routes.
	code, _ := do(t, a, purchase("6212340000000000004"))
	assert.Equal(t, "00", code)

	// No connection was dropped: the same links are up.
	after := n.srv.Status()
	for i, inst := range linksBefore.Institutions {
		assert.Len(t, after.Institutions[i].Links, len(inst.Links), inst.ID)
	}
	assert.Equal(t, 1, n.srv.SignedOnLinks(acqA, link.Inbound))

	// A bad configuration is refused and changes nothing.
	bad2 := strings.Replace(n.cfgText, `issuer: "`+bankB+`"`, `issuer: "55550000"`, 1)
	if cfg, err := config.Parse([]byte(bad2), t.TempDir(), "bad.yaml"); err == nil {
		assert.Error(t, n.srv.Reload(cfg))
	}
	code, _ = do(t, a, purchase(panBankB))
	assert.Equal(t, "00", code)
}
