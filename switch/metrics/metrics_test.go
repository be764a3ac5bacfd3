package metrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandlesCountWithBoundedLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := New(reg)
	require.NoError(t, err)
	inst := m.Institution("48020000")
	assert.Same(t, inst, m.Institution("48020000"), "handles are created once")
	inst.Request([]byte("0200"))
	inst.Request([]byte("0200"))
	inst.Request([]byte("0100"))
	inst.Request([]byte("02")) // ignored
	inst.Response([]byte("00"))
	inst.Response([]byte("00"))
	inst.Response([]byte("Z1"))
	inst.Response([]byte("\x00;"))
	inst.Response([]byte("123"))
	r := m.Route("bank-a")
	r.Latency.Observe(0.002)
	r.Timeouts.Inc()
	m.Disconnect("48020000", "echo_failed")
	m.Links("48020000", "inbound", "signed_on", 2)

	assert.Equal(t, 2.0, testutil.ToFloat64(m.requests.WithLabelValues("48020000", "financial")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("48020000", "authorization")))
	assert.Equal(t, 2.0, testutil.ToFloat64(m.responses.WithLabelValues("48020000", "00")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.responses.WithLabelValues("48020000", "Z1")))
	assert.Equal(t, 2.0, testutil.ToFloat64(m.responses.WithLabelValues("48020000", "other")))
	assert.Equal(t, 1.0, testutil.ToFloat64(r.Timeouts))
	assert.Equal(t, 2.0, testutil.ToFloat64(m.links.WithLabelValues("48020000", "inbound", "signed_on")))

	n, err := testutil.GatherAndCount(reg)
	require.NoError(t, err)
	assert.Positive(t, n)
	families, err := reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		assert.True(t, strings.HasPrefix(f.GetName(), "hulian_switch_"), f.GetName())
	}
	_, err = New(reg)
	assert.Error(t, err, "registering twice is refused, not a panic")
}

func TestSignedOnFollowsTheLinks(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := New(reg)
	require.NoError(t, err)
	m.Institution("01020000")
	up := m.signedOn.WithLabelValues("01020000")
	assert.Equal(t, 0.0, testutil.ToFloat64(up), "down before any link")
	m.Links("01020000", "outbound", "connected", 2)
	assert.Equal(t, 0.0, testutil.ToFloat64(up), "connected is not signed on")
	m.Links("01020000", "outbound", "signed_on", 2)
	m.Links("01020000", "inbound", "signed_on", 0)
	assert.Equal(t, 1.0, testutil.ToFloat64(up))
	m.Links("01020000", "outbound", "signed_on", 0)
	m.Links("01020000", "inbound", "signed_on", 1)
	assert.Equal(t, 1.0, testutil.ToFloat64(up), "either direction counts")
	m.Links("01020000", "inbound", "signed_on", 0)
	assert.Equal(t, 0.0, testutil.ToFloat64(up))
	m.Institution("01020000")
	assert.Equal(t, 0.0, testutil.ToFloat64(up))
}
