package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/issuer"
	"github.com/hulian/hulian/switch/journal"
)

// nodesNet is the test network: two switchd processes on one PostgreSQL
// journal, one issuer simulator, an acquirer connected to each node, and a
// journal handle of the test's own for reading.
type nodesNet struct {
	url    string
	is     *issuer.Issuer
	watch  *nodesWatch
	a, b   *nodesProc
	ca, cb *acquirer.Client
	j      *journal.Journal
}

// TestTwoNodesShareOneJournal runs node-a and node-b against one
// PostgreSQL schema (issue 3, "Several nodes") and proves that duplicates
// and reversals are handled whichever node routed the original, that each
// store-and-forward entry is sent by one node at a time, and that a dead
// node's entries are delivered by the other.
func TestTwoNodesShareOneJournal(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" { // CI always runs it
		t.Skip("builds switchd and runs two nodes on PostgreSQL")
	}
	url := nodesPostgresURL(t)
	dir := t.TempDir()
	bin := buildSwitchd(t, dir)
	n := &nodesNet{url: url, is: nodesIssuerSim(t)}
	n.watch = nodesWatchIssuer(t, n.is)
	// Both start at once on the fresh schema: their migrations race.
	n.a = nodesLaunch(t, bin, dir, "node-a", url, n.is.Addr())
	n.b = nodesLaunch(t, bin, dir, "node-b", url, n.is.Addr())
	n.a.ready(t)
	n.b.ready(t)
	n.ca, n.cb = nodesClient(t, n.a), nodesClient(t, n.b)
	j, err := journal.Open(context.Background(), url, journal.Options{Node: "nodes-test", HashKey: []byte(nodesHashKey)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	n.j = j

	t.Run("retransmission to the other node is not forwarded again", n.duplicates)
	t.Run("reversals reach the node that did not route the original", n.crossReversals)
	t.Run("each store-and-forward send comes from one node", n.safExclusive)
	t.Run("a dead node's entries are delivered by the other", n.deadNode)
}

// record returns the journal record of the acquirer's request mti/stan/f7.
func (n *nodesNet) record(t *testing.T, mti, stan, f7 string) *journal.Record {
	t.Helper()
	rec, err := n.j.Lookup(context.Background(), journal.Key{MTI: mti, Acquirer: nodesAcquirer, STAN: stan, TxTime: f7})
	require.NoError(t, err)
	return rec
}

// reversalOf polls the reversal state of the purchase with key stan/f7.
func (n *nodesNet) reversalOf(stan, f7 string) journal.ReversalState {
	rec, err := n.j.Lookup(context.Background(), journal.Key{MTI: "0200", Acquirer: nodesAcquirer, STAN: stan, TxTime: f7})
	if err != nil {
		return "lookup failed"
	}
	return rec.Reversal
}

func (n *nodesNet) duplicates(t *testing.T) {
	req := nodesPurchase("100001", nodesTxTime())
	first := nodesDo(t, n.ca, req)
	require.Equal(t, "00", string(first.Field(39)))
	require.NotEmpty(t, first.Field(38))
	before := n.is.Stats().Requests

	again := nodesDo(t, n.cb, req) // same MTI, 32, 11 and 7, other node
	assert.Equal(t, "0210", string(again.MTI()))
	assert.Equal(t, "00", string(again.Field(39)))
	assert.Equal(t, string(first.Field(38)), string(again.Field(38)), "the same authorization id")
	assert.Equal(t, before, n.is.Stats().Requests, "not forwarded to the issuer again")
	rec := n.record(t, "0200", "100001", string(req.Field(7)))
	assert.Equal(t, "node-a", rec.Node)
	assert.Equal(t, journal.StateApproved, rec.State)
}

func (n *nodesNet) crossReversals(t *testing.T) {
	// 0400 to node B for a purchase node A routed: online to the issuer.
	orig := nodesPurchase("200001", nodesTxTime())
	require.Equal(t, "00", string(nodesDo(t, n.ca, orig).Field(39)))
	before := n.is.Stats().ByMTI["0400"]
	resp := nodesDo(t, n.cb, nodesReversal("0400", "200002", orig))
	assert.Equal(t, "0410", string(resp.MTI()))
	assert.Equal(t, "00", string(resp.Field(39)))
	assert.Equal(t, before+1, n.is.Stats().ByMTI["0400"], "the reversal reached the issuer once")
	f7 := string(orig.Field(7))
	nodesWaitFor(t, "original reversal acknowledged", 5*time.Second, func() bool {
		return n.reversalOf("200001", f7) == journal.ReversalDone
	})
	assert.Equal(t, "node-a", n.record(t, "0200", "200001", f7).Node)

	// 0420 to node A for a purchase node B routed: acknowledged at once,
	// then delivered to the issuer through store-and-forward.
	orig2 := nodesPurchase("200011", nodesTxTime())
	require.Equal(t, "00", string(nodesDo(t, n.cb, orig2).Field(39)))
	resp = nodesDo(t, n.ca, nodesReversal("0420", "200012", orig2))
	assert.Equal(t, "0430", string(resp.MTI()))
	assert.Equal(t, "00", string(resp.Field(39)))
	f7 = string(orig2.Field(7))
	nodesWaitFor(t, "reversal advice acknowledged by the issuer", 5*time.Second, func() bool {
		return n.reversalOf("200011", f7) == journal.ReversalDone
	})
	sends, lost := n.watch.of("200011")
	require.False(t, lost)
	require.Len(t, sends, 1, "one reversal advice, sent once")
	assert.Equal(t, "0420", sends[0].MTI)
	row := nodesSAF(t, n.url)["200011"]
	assert.Equal(t, "acknowledged", row.State)
	assert.Equal(t, 1, row.Attempts)
	assert.Equal(t, "node-b", n.record(t, "0200", "200011", f7).Node)
}

// safExclusive times out purchases on both nodes while the issuer is
// silent and checks every reversal advice's sends: its first send (0420)
// happens exactly once, consecutive sends are at least an eighth of an
// interval apart (two nodes sending one entry would be milliseconds apart;
// one node's retries are an interval apart from claim to claim, and a
// loaded machine can delay one send by a good part of that), and the
// issuer received exactly as many as the journal counts attempts.
func (n *nodesNet) safExclusive(t *testing.T) {
	n.is.SetSilent(true)
	defer n.is.SetSilent(false)

	// A retransmission to B while A's original is still open: 94, not
	// forwarded; once the original timed out, its 91 is repeated.
	dup := nodesPurchase("300001", nodesTxTime())
	dupF7 := string(dup.Field(7))
	done := make(chan *dialect.Message, 1)
	go func() {
		var resp dialect.Message
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := n.ca.Do(ctx, nodesPurchase("300001", dupF7), &resp); err != nil {
			done <- nil
			return
		}
		done <- &resp
	}()
	nodesWaitFor(t, "original forwarded by node A", 5*time.Second, func() bool {
		for _, r := range n.is.Stats().Recent {
			if r.MTI == "0200" && r.STAN == "300001" {
				return true
			}
		}
		return false
	})
	requests := n.is.Stats().Requests
	assert.Equal(t, "94", string(nodesDo(t, n.cb, dup).Field(39)), "original still in flight on node A")
	assert.Equal(t, requests, n.is.Stats().Requests, "the retransmission was not forwarded")

	// More timeouts on both nodes, concurrently.
	stans := []string{"300001"}
	f7s := map[string]string{"300001": dupF7}
	var wg sync.WaitGroup
	codes := make(chan string, 6)
	for i := range 6 {
		stan := fmt.Sprintf("3000%02d", 11+i)
		req := nodesPurchase(stan, nodesTxTime())
		stans, f7s[stan] = append(stans, stan), string(req.Field(7))
		c := n.ca
		if i%2 == 1 {
			c = n.cb
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp dialect.Message
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := c.Do(ctx, req, &resp); err != nil {
				codes <- "error: " + err.Error()
				return
			}
			codes <- string(resp.Field(39))
		}()
	}
	wg.Wait()
	close(codes)
	for code := range codes {
		assert.Equal(t, "91", code, "issuer timeout")
	}
	first := <-done
	require.NotNil(t, first, "original answered")
	assert.Equal(t, "91", string(first.Field(39)))
	assert.Equal(t, "91", string(nodesDo(t, n.cb, dup).Field(39)), "the original's answer repeated")

	for _, stan := range stans {
		rec := n.record(t, "0200", stan, f7s[stan])
		assert.Equal(t, journal.StateTimedOut, rec.State, stan)
		assert.Contains(t, []journal.ReversalState{journal.ReversalQueued, journal.ReversalDone}, rec.Reversal, stan)
	}
	nodes := map[string]int{}
	for _, stan := range stans {
		nodes[n.record(t, "0200", stan, f7s[stan]).Node]++
	}
	assert.Equal(t, map[string]int{"node-a": 4, "node-b": 3}, nodes, "timeouts on both nodes")

	// Every advice is sent, then repeated, while the issuer stays silent.
	nodesWaitFor(t, "each reversal advice sent twice", 10*time.Second, func() bool {
		for _, stan := range stans {
			if s, _ := n.watch.of(stan); len(s) < 2 {
				return false
			}
		}
		return true
	})
	n.is.SetSilent(false)
	nodesWaitFor(t, "every reversal acknowledged", 10*time.Second, func() bool {
		for _, stan := range stans {
			if n.reversalOf(stan, f7s[stan]) != journal.ReversalDone {
				return false
			}
		}
		return true
	})

	rows := nodesSAF(t, n.url)
	for _, stan := range stans {
		sends, lost := n.watch.of(stan)
		require.False(t, lost, "watcher missed messages")
		row := rows[stan]
		assert.Equal(t, "acknowledged", row.State, stan)
		assert.Equal(t, "0420", row.MTI, stan)
		assert.Len(t, sends, row.Attempts, "%s: the issuer received exactly one message per attempt", stan)
		t.Logf("%s: %d attempts, %d sends seen by the issuer", stan, row.Attempts, len(sends))
		require.NotEmpty(t, sends, stan)
		assert.Equal(t, "0420", sends[0].MTI, "%s: first send", stan)
		for i := 1; i < len(sends); i++ {
			assert.Equal(t, "0421", sends[i].MTI, "%s: repeat %d", stan, i)
			gap := sends[i].At.Sub(sends[i-1].At)
			assert.GreaterOrEqual(t, gap, nodesSAFEvery/8, "%s: sends %d and %d only %v apart", stan, i-1, i, gap)
		}
	}
	depth, err := n.j.SAFDepth(context.Background())
	require.NoError(t, err)
	assert.Zero(t, depth)
}

// deadNode times out purchases on node A with the issuer silent, kills A
// with SIGKILL, and models A having claimed all its entries in the tick
// it died in (the test claims them as node-a through the journal API, as
// A's store-and-forward loop does, without the Retry that would follow).
// Node B must leave them alone until the lease runs out, then deliver
// every one.
func (n *nodesNet) deadNode(t *testing.T) {
	n.is.SetSilent(true)
	defer n.is.SetSilent(false)
	stans, f7s := []string{}, map[string]string{}
	var wg sync.WaitGroup
	for i := range 3 {
		stan := fmt.Sprintf("4000%02d", 1+i)
		req := nodesPurchase(stan, nodesTxTime())
		stans, f7s[stan] = append(stans, stan), string(req.Field(7))
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp dialect.Message
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if assert.NoError(t, n.ca.Do(ctx, req, &resp)) {
				assert.Equal(t, "91", string(resp.Field(39)))
			}
		}()
	}
	wg.Wait()
	n.a.kill(t)
	for _, stan := range stans {
		rec := n.record(t, "0200", stan, f7s[stan])
		assert.Equal(t, "node-a", rec.Node)
		assert.Equal(t, journal.ReversalQueued, rec.Reversal, stan)
	}

	ghost, err := journal.Open(context.Background(), n.url, journal.Options{Node: "node-a", HashKey: []byte(nodesHashKey)})
	require.NoError(t, err)
	defer ghost.Close()
	const lease = 1500 * time.Millisecond
	claimed := map[int64]time.Time{} // entry -> first claim
	leaseEnd := map[int64]time.Time{}
	rows := nodesSAF(t, n.url)
	nodesWaitFor(t, "node-a's entries claimed as node-a", 10*time.Second, func() bool {
		// Node B claims an entry it sent last on its first 100 ms tick
		// after the entry falls due, a race a claim "as of now" polled
		// every 10 ms may lose: claim as of a little more than one tick
		// ahead. B's own claims are not stolen: they are leased a whole
		// interval and released within milliseconds.
		now := time.Now()
		at := now.Add(150 * time.Millisecond)
		got, err := ghost.Claim(context.Background(), at, lease, 256)
		require.NoError(t, err)
		for _, e := range got {
			if _, ok := claimed[e.ID]; !ok {
				claimed[e.ID] = now
			}
			leaseEnd[e.ID] = at.Add(lease)
		}
		for _, stan := range stans {
			if _, ok := claimed[rows[stan].ID]; !ok {
				return false
			}
		}
		return true
	})
	assert.Len(t, claimed, len(stans), "only node-a's entries were pending")
	held := nodesSAF(t, n.url)
	for _, row := range held {
		// Only meaningful while the lease runs (an overloaded machine may
		// get here after it ran out, when node B may rightly hold it).
		if _, ok := claimed[row.ID]; ok && time.Now().Before(leaseEnd[row.ID]) {
			assert.Equal(t, "node-a", row.LeaseNode, "leased to the dead node")
		}
	}

	n.is.SetSilent(false)
	nodesWaitFor(t, "node B delivered node A's reversals", 10*time.Second, func() bool {
		for _, stan := range stans {
			if n.reversalOf(stan, f7s[stan]) != journal.ReversalDone {
				return false
			}
		}
		return true
	})
	const slack = 100 * time.Millisecond // a send node B started before the claim may arrive just after it
	for _, stan := range stans {
		id := rows[stan].ID
		sends, lost := n.watch.of(stan)
		require.False(t, lost)
		after := 0
		for _, s := range sends {
			if s.At.After(claimed[id].Add(slack)) && s.At.Before(leaseEnd[id]) {
				t.Errorf("%s: sent at %v while leased to node-a until %v", stan, s.At.Format(time.StampMilli), leaseEnd[id].Format(time.StampMilli))
			}
			if !s.At.Before(leaseEnd[id]) {
				after++
			}
		}
		assert.Positive(t, after, "%s: delivered after the lease ran out", stan)
		t.Logf("%s: claimed as node-a until %s, %d sends in all, %d after the lease", stan,
			leaseEnd[id].Format(time.StampMilli), len(sends), after)
		zeros := 0
		for _, s := range sends {
			if s.MTI == "0420" {
				zeros++
			}
		}
		assert.LessOrEqual(t, zeros, 1, "%s: the first send happens at most once", stan)
	}
	depth, err := n.j.SAFDepth(context.Background())
	require.NoError(t, err)
	assert.Zero(t, depth)
	assert.True(t, !n.b.done(), "node-b still serving")
}
