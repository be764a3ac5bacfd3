package route

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/switch/config"
)

func TestFromExampleConfig(t *testing.T) {
	c, err := config.Load(filepath.Join("..", "..", "testdata", "switchd.yaml"))
	require.NoError(t, err)
	specs, err := FromConfig(c)
	require.NoError(t, err)
	require.Len(t, specs, 3)
	assert.Equal(t, 8*time.Second, specs[1].Timeout)
	assert.Equal(t, 10*time.Second, specs[2].Timeout, "wallet takes its issuer's default timeout")

	tab, err := New(specs)
	require.NoError(t, err)
	tests := []struct {
		pan, route, issuer string
	}{
		{"6222021234567894", "bank-a-cards", "01020000"},
		{"6222028812345678", "bank-b-cards", "03080000"},
		{"6228480123456789", "bank-b-cards", "03080000"},
	}
	for _, tt := range tests {
		r := tab.ByPAN([]byte(tt.pan))
		require.NotNil(t, r, tt.pan)
		assert.Equal(t, tt.route, r.Name)
		assert.Equal(t, tt.issuer, r.Issuer)
	}
	w := tab.ByReceiving([]byte("09990000"))
	require.NotNil(t, w)
	assert.True(t, w.AllowsMTI([]byte("0200")))
	assert.False(t, w.AllowsMTI([]byte("0100")))
	assert.True(t, w.AllowsProcessing([]byte("400000")))
	assert.False(t, w.AllowsProcessing([]byte("310000")))
}

func TestFromConfigTimeoutsAndCopies(t *testing.T) {
	c := &config.Config{
		Institutions: []config.Institution{
			{ID: "1", Timeout: config.Duration(3 * time.Second)},
			{ID: "2"},
		},
		Routes: []config.Route{
			{Name: "a", Issuer: "1", BINs: []string{"6"}},
			{Name: "b", Issuer: "2", BINs: []string{"5"}},
			{Name: "c", Issuer: "1", BINs: []string{"4"}, Timeout: config.Duration(time.Second)},
		},
	}
	specs, err := FromConfig(c)
	require.NoError(t, err)
	assert.Equal(t, 3*time.Second, specs[0].Timeout, "issuer timeout")
	assert.Equal(t, config.DefaultTimeout, specs[1].Timeout, "package default")
	assert.Equal(t, time.Second, specs[2].Timeout, "route's own timeout")
	specs[0].BINs[0] = "9"
	assert.Equal(t, "6", c.Routes[0].BINs[0], "specs do not alias the config")
}

func TestFromConfigErrors(t *testing.T) {
	_, err := FromConfig(nil)
	require.Error(t, err)

	_, err = FromConfig(&config.Config{Routes: []config.Route{{Name: "a", Issuer: "7"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `routes[0] ("a"): no institution with id "7"`)
}
