package load_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/internal/simtest"
	"github.com/hulian/hulian/simulators/load"
)

func TestOptionErrors(t *testing.T) {
	c := []*acquirer.Client{nil}
	tests := []struct {
		name string
		o    load.Options
		want error
	}{
		{"no clients", load.Options{Count: 1}, load.ErrNoClients},
		{"no limit", load.Options{Clients: c}, load.ErrNoLimit},
		{"negative count", load.Options{Clients: c, Count: -1}, load.ErrNegative},
		{"negative in flight", load.Options{Clients: c, Count: 1, InFlight: -1}, load.ErrNegative},
		{"negative timeout", load.Options{Clients: c, Count: 1, Timeout: -1}, load.ErrNegative},
		{"negative rate", load.Options{Clients: c, Count: 1, Rate: -1}, load.ErrNegative},
		{"build and generator", load.Options{Clients: c, Count: 1, Build: func(int, *dialect.Message) {}, Generator: &load.Generator{}}, load.ErrTwoSources},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load.Run(context.Background(), tc.o)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestRunCount(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	clients := []*acquirer.Client{simtest.Dial(t, is.Addr(), simtest.Setup{}), simtest.Dial(t, is.Addr(), simtest.Setup{})}
	res, err := load.Run(simtest.Context(t), load.Options{Clients: clients, InFlight: 16, Count: 500})
	require.NoError(t, err)
	assert.Equal(t, 500, res.Sent)
	assert.Equal(t, 500, res.Completed)
	assert.Equal(t, 0, res.Errors)
	assert.Equal(t, map[string]int{"00": 500}, res.ByCode)
	assert.Positive(t, res.PerSecond)
	assert.Positive(t, res.P50)
	assert.LessOrEqual(t, res.P50, res.P90)
	assert.LessOrEqual(t, res.P90, res.P99)
	assert.LessOrEqual(t, res.P99, res.Max)
	assert.Equal(t, 500, is.Stats().Requests)
	assert.Equal(t, "closed", res.Mode)
	assert.Equal(t, load.TypeCount{Sent: 500, Completed: 500, Approved: 500}, res.ByType["sample"])
	assert.LessOrEqual(t, res.P99, res.P999)
	assert.LessOrEqual(t, res.P999, res.Max)
	assert.Contains(t, res.String(), "sent=500 completed=500 errors=0")
	assert.Contains(t, res.String(), "codes=[00:500]")

	js, err := json.Marshal(res)
	require.NoError(t, err)
	var back map[string]any
	require.NoError(t, json.Unmarshal(js, &back))
	assert.EqualValues(t, 500, back["completed"])
	assert.Contains(t, back, "p99_ns")
}

func TestRunCustomBuildAndCodes(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	build := func(i int, m *dialect.Message) {
		dialect.SampleFinancial(m, "000001")
		m.Unset(7)
		m.Unset(11)
		m.Unset(32)
		if i%2 == 1 {
			m.SetString(4, "000000000051")
		}
	}
	res, err := load.Run(simtest.Context(t), load.Options{Clients: []*acquirer.Client{c}, InFlight: 4, Count: 100, Build: build})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"00": 50, "51": 50}, res.ByCode)
}

func TestRunDuration(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	start := time.Now()
	res, err := load.Run(simtest.Context(t), load.Options{Clients: []*acquirer.Client{c}, InFlight: 8, Duration: 200 * time.Millisecond})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond)
	assert.Positive(t, res.Completed)
	assert.Equal(t, res.Sent, res.Completed+res.Errors)
}

func TestRunTimeoutsAndClosedConnection(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	is.SetSilent(true)
	res, err := load.Run(simtest.Context(t), load.Options{Clients: []*acquirer.Client{c}, InFlight: 4, Count: 8, Timeout: 20 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 8, res.Errors)
	assert.Equal(t, 0, res.Completed)
	assert.Equal(t, 8, res.ErrorsByKind["timeout"])

	require.NoError(t, is.Close())
	<-c.Done()
	res, err = load.Run(simtest.Context(t), load.Options{Clients: []*acquirer.Client{c}, InFlight: 4, Duration: time.Hour})
	require.NoError(t, err, "workers stop on a closed connection instead of running an hour")
	assert.Equal(t, 4, res.Errors)
	assert.Equal(t, 4, res.ErrorsByKind["disconnect"])

	res, err = load.Run(simtest.Context(t), load.Options{Clients: []*acquirer.Client{c}, InFlight: 4, Rate: 1000, Duration: time.Hour})
	require.NoError(t, err, "the open loop stops once every connection has closed")
	// The loop learns of the close from the first failed request; requests
	// it handed out meanwhile (one a millisecond, to at most InFlight
	// workers) fail the same way and are counted.
	assert.GreaterOrEqual(t, res.ErrorsByKind["disconnect"], 1)
	assert.LessOrEqual(t, res.ErrorsByKind["disconnect"], 4)
	assert.Equal(t, res.Errors, res.ErrorsByKind["disconnect"])
	assert.Zero(t, res.Completed)
}

func TestRunContextCancel(t *testing.T) {
	is := simtest.StartIssuer(t, simtest.Setup{})
	c := simtest.Dial(t, is.Addr(), simtest.Setup{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res, err := load.Run(ctx, load.Options{Clients: []*acquirer.Client{c}, InFlight: 2, Duration: time.Hour})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Positive(t, res.Sent)
}

func TestDefaultBuild(t *testing.T) {
	b := load.DefaultBuild()
	var m dialect.Message
	seen := map[string]bool{}
	for i := range 40 {
		m.Reset()
		b(i, &m)
		assert.Equal(t, "0200", string(m.MTI()))
		require.NoError(t, pan.Valid(m.Field(2)))
		t2, ok := pan.FromTrack2(m.Field(35))
		require.True(t, ok)
		assert.Equal(t, m.Field(2), t2, "track 2 carries the same PAN")
		for _, n := range []int{7, 32, 33} {
			assert.False(t, m.Has(n), "field %d left to the client", n)
		}
		assert.Equal(t, fmt.Sprintf("%06d", i+1), string(m.Field(11)), "STAN from the run's counter, unique across clients")
		seen[string(m.Field(2))] = true
	}
	assert.Len(t, seen, 16)
}
