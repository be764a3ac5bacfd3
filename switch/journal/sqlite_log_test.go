package journal

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the SQLite backend's write-ahead log, overlay and background
// application.

// holdLog stops j's background application, as if the process died before
// it ran: Close then leaves the log unapplied.
func holdLog(t *testing.T, j *Journal) *sqliteStore {
	t.Helper()
	s, ok := j.b.(*sqliteStore)
	require.True(t, ok)
	s.hold.Store(true)
	return s
}

// rawCount runs a COUNT query on the journal file with a plain connection.
func rawCount(t *testing.T, e env, q string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(e.url, "sqlite:"))
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(q).Scan(&n))
	return n
}

// rawExec runs a statement on the journal file with a plain connection.
func rawExec(t *testing.T, e env, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(e.url, "sqlite:"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(q, args...)
	require.NoError(t, err)
}

// logScenario writes, with application held, records in every state: it
// returns their IDs by name.
func logScenario(t *testing.T, j *Journal) map[string]int64 {
	ctx := context.Background()
	ids := map[string]int64{}
	for i, name := range []string{"approved", "forwarded", "timedOut", "reversed", "declined"} {
		ids[name] = insert(t, j, newRecord(j, i+1))
	}
	finish(t, j, ids["approved"], StateApproved, "00")
	finish(t, j, ids["declined"], StateDeclined, "51")
	finish(t, j, ids["timedOut"], StateTimedOut, "91")
	finish(t, j, ids["reversed"], StateApproved, "00")
	enqueue(t, j, ids["reversed"], "0420", day0())
	require.NoError(t, j.Do(ctx, &Write{Kind: WriteReversal, ID: ids["declined"], Reversal: ReversalLocal}))
	return ids
}

// checkScenario checks what logScenario wrote, through every read.
func checkScenario(t *testing.T, j *Journal, want map[string]int64) {
	ctx := context.Background()
	states := map[string]struct {
		state State
		rev   ReversalState
	}{
		"approved": {StateApproved, ReversalNone}, "forwarded": {StateForwarded, ReversalNone},
		"timedOut": {StateTimedOut, ReversalNone}, "reversed": {StateApproved, ReversalQueued},
		"declined": {StateDeclined, ReversalLocal},
	}
	for name, w := range states {
		got, err := j.Get(ctx, want[name])
		require.NoError(t, err, name)
		assert.Equal(t, w.state, got.State, name)
		assert.Equal(t, w.rev, got.Reversal, name)
		byKey, err := j.Lookup(ctx, got.Key)
		require.NoError(t, err, name)
		assert.Equal(t, *got, *byKey, name)
	}
	open, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []int64{want["forwarded"]}, ids(open))
	lost, err := j.Unreversed(ctx)
	require.NoError(t, err)
	assert.Equal(t, []int64{want["timedOut"]}, ids(lost))
	settled, err := j.Settled(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Equal(t, []int64{want["approved"]}, ids(settled))
	day, err := j.Day(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Len(t, day, len(states))
	depth, err := j.SAFDepth(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, depth)
}

// checkDuplicate checks that a retransmission of logScenario's first
// request is found.
func checkDuplicate(t *testing.T, j *Journal, want map[string]int64) {
	ctx := context.Background()
	dup := &Write{Kind: WriteInsert, Record: newRecord(j, 1)}
	require.NoError(t, j.Do(ctx, dup))
	require.NotNil(t, dup.Duplicate, "a retransmission is found")
	assert.Equal(t, want["approved"], dup.Duplicate.ID)
}

// logFiles returns the paths of the journal's log files whose names end
// in suffix (segSuffix, spareSuffix), sorted (oldest segment first).
func logFiles(t *testing.T, e env, suffix string) []string {
	t.Helper()
	files, err := filepath.Glob(strings.TrimPrefix(e.url, "sqlite:") + "-log/*" + suffix)
	require.NoError(t, err)
	slices.Sort(files)
	return files
}

// smallSegments opens journals whose log rotates as often as allowed.
func smallSegments() Options {
	return Options{Node: "node-a", HashKey: testKey(), LogSegmentSize: minSegmentSize}
}

// openHeld opens e with smallSegments and holds its applier: what it
// writes stays in the log's segments.
func openHeld(t *testing.T, e env) *Journal {
	t.Helper()
	j, err := Open(context.Background(), e.url, smallSegments())
	require.NoError(t, err)
	holdLog(t, j)
	return j
}

// logFrames counts the valid frames in the journal's log segments.
func logFrames(t *testing.T, e env) int {
	t.Helper()
	n := 0
	for _, seg := range logFiles(t, e, segSuffix) {
		b, err := os.ReadFile(seg)
		require.NoError(t, err)
		for p := 0; ; {
			_, _, size, ok := frameAt(b, p, 0)
			if !ok {
				break
			}
			n, p = n+1, p+size
		}
	}
	return n
}

// lastSegment returns the path of the journal's newest log segment.
func lastSegment(t *testing.T, e env) string {
	t.Helper()
	segs := logFiles(t, e, segSuffix)
	require.NotEmpty(t, segs)
	return segs[len(segs)-1]
}

func TestLogOverlayReads(t *testing.T) {
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	holdLog(t, j)
	ids := logScenario(t, j)
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "nothing applied yet")
	assert.Positive(t, logFrames(t, e))
	checkScenario(t, j, ids)
	checkDuplicate(t, j, ids)
}

func TestLogReplayAfterCrash(t *testing.T) {
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	s := holdLog(t, j)
	ids := logScenario(t, j)
	logged := s.backlog()
	frames := logFrames(t, e)
	require.NoError(t, j.Close(), "closing with the log held leaves it unapplied")
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`))
	assert.Equal(t, frames, logFrames(t, e), "the log is left as it was")
	assert.Equal(t, 5, logged)

	j = openJournal(t, e, "node-a")
	assert.Equal(t, 5, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "open replays the log")
	assert.Equal(t, frames, rawCount(t, e, `SELECT seq FROM log_applied`), "and says how far")
	checkScenario(t, j, ids)
	checkDuplicate(t, j, ids)
	// IDs continue after the replayed ones.
	next := insert(t, j, newRecord(j, 50))
	assert.Greater(t, next, ids["declined"])
	require.NoError(t, j.Close())
	assert.Zero(t, logFrames(t, e), "a clean close applies the log and removes it")
}

// TestLogDamagedFrame damages the log of a run that died before applying
// it. A frame that fails its check with valid frames after it can only be
// damage: the open is refused and nothing is touched. The last frame torn
// (the crash hit its write, so nobody was told it was durable) ends the
// log there.
func TestLogDamagedFrame(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func(b []byte) []byte
		corrupt bool
	}{
		{"flipped byte in the first frame", func(b []byte) []byte { b[frameHeader+5] ^= 0xff; return b }, true},
		{"first header zeroed", func(b []byte) []byte { clear(b[:frameHeader]); return b }, true},
		{"last frame torn", func(b []byte) []byte {
			p, last := 0, 0
			for {
				_, _, size, ok := frameAt(b, p, 0)
				if !ok {
					break
				}
				last, p = p, p+size
			}
			clear(b[last+frameHeader+8 : p])
			return b
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sqliteEnv(t)
			j := openJournal(t, e, "node-a")
			holdLog(t, j)
			ids := logScenario(t, j)
			require.NoError(t, j.Close())
			seg := lastSegment(t, e)
			b, err := os.ReadFile(seg)
			require.NoError(t, err)
			b = tc.damage(b)
			require.NoError(t, os.WriteFile(seg, b, 0o600))

			j2, err := Open(context.Background(), e.url, Options{Node: "node-a", HashKey: testKey()})
			if tc.corrupt {
				require.ErrorIs(t, err, ErrCorrupt)
				after, rerr := os.ReadFile(seg)
				require.NoError(t, rerr)
				assert.Equal(t, b, after, "nothing is dropped")
				assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "nothing is half applied")
				return
			}
			require.NoError(t, err)
			defer j2.Close()
			// The last write was the reversal state of the declined record.
			got, err := j2.Get(context.Background(), ids["declined"])
			require.NoError(t, err)
			assert.Equal(t, StateDeclined, got.State)
			assert.Equal(t, ReversalNone, got.Reversal, "the torn frame's change is not there")
			got, err = j2.Get(context.Background(), ids["reversed"])
			require.NoError(t, err)
			assert.Equal(t, ReversalQueued, got.Reversal, "the frames before it are")
		})
	}
}

func TestLogBackPressure(t *testing.T) {
	e := sqliteEnv(t)
	const bound = 40
	j, err := Open(context.Background(), e.url, Options{Node: "node-a", HashKey: testKey(), MaxBacklog: bound, MaxBatch: 16})
	require.NoError(t, err)
	defer j.Close()
	s := j.b.(*sqliteStore)
	const n = 600
	var wg sync.WaitGroup
	var worst, failed atomic.Int64
	for i := range n {
		wg.Add(1)
		w := &Write{Kind: WriteInsert, Record: newRecord(j, i)}
		require.NoError(t, j.Admit(context.Background()))
		j.Submit(w, func(w *Write) {
			if w.Err != nil || w.Record.ID == 0 {
				failed.Add(1)
			}
			b := int64(s.backlog())
			for cur := worst.Load(); b > cur && !worst.CompareAndSwap(cur, b); cur = worst.Load() {
			}
			wg.Done()
		})
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.LessOrEqual(t, worst.Load(), int64(bound+16), "the backlog stays within MaxBacklog plus one batch")
	assert.Positive(t, worst.Load())
	require.NoError(t, j.Close())
	assert.Equal(t, n, rawCount(t, e, `SELECT COUNT(*) FROM txn`), "Close applies the rest")
	assert.Zero(t, logFrames(t, e))
}

// TestLogAppliedAndLogged mixes records applied to table txn with later
// changes still in the log: the overlay's image wins over the stale row.
func TestLogAppliedAndLogged(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	s := j.b.(*sqliteStore)
	a := insert(t, j, newRecord(j, 1))
	b := insert(t, j, newRecord(j, 2))
	require.Eventually(t, func() bool { return s.backlog() == 0 }, 5*time.Second, time.Millisecond, "applied when idle")
	assert.Equal(t, 2, rawCount(t, e, `SELECT COUNT(*) FROM txn WHERE state = 'forwarded'`))

	s.hold.Store(true)
	again := &Write{Kind: WriteInsert, Record: newRecord(j, 2)}
	require.NoError(t, j.Do(ctx, again))
	require.NotNil(t, again.Duplicate, "a retransmission of an applied record is found in the table")
	assert.Equal(t, b, again.Duplicate.ID)
	assert.Equal(t, StateForwarded, finish(t, j, a, StateApproved, "00"))
	open, err := j.Unfinished(ctx, day0().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []int64{b}, ids(open), "the stale forwarded row is not reported")
	assert.Equal(t, StateApproved, finish(t, j, a, StateDeclined, "05"), "Prev comes from the overlay")

	s.hold.Store(false)
	insert(t, j, newRecord(j, 3)) // the applier applies when idle again
	require.Eventually(t, func() bool { return s.backlog() == 0 }, 5*time.Second, time.Millisecond)
	got, err := j.Get(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, StateApproved, got.State)
	assert.Equal(t, 1, rawCount(t, e, `SELECT COUNT(*) FROM txn WHERE state = 'approved'`))
}

// TestLogSecondProcess opens a second journal on the file while the first
// owns it and holds unapplied records (switchd clearing while switchd
// runs): it reads everything, the log included, and cannot write.
func TestLogSecondProcess(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	a := openJournal(t, e, "node-a")
	holdLog(t, a)
	ids := logScenario(t, a)

	b := openJournal(t, e, "node-b")
	checkScenario(t, b, ids)
	w := &Write{Kind: WriteInsert, Record: newRecord(b, 70)}
	assert.ErrorIs(t, b.Do(ctx, w), ErrReadOnly)

	// a goes on; b reads a's newer frames.
	assert.Equal(t, StateForwarded, finish(t, a, ids["forwarded"], StateApproved, "00"))
	next := insert(t, a, newRecord(a, 60))
	assert.Greater(t, next, ids["declined"])
	got, err := b.Get(ctx, ids["forwarded"])
	require.NoError(t, err)
	assert.Equal(t, StateApproved, got.State, "b reads a's newer log frames")
	day, err := b.Day(ctx, "2025-03-14")
	require.NoError(t, err)
	assert.Len(t, day, len(ids)+1)
	_, err = b.Get(ctx, next)
	require.NoError(t, err)

	// Once a has applied its log, b reads the same from the table.
	a.b.(*sqliteStore).hold.Store(false)
	require.NoError(t, a.Close())
	got, err = b.Get(ctx, ids["forwarded"])
	require.NoError(t, err)
	assert.Equal(t, StateApproved, got.State)
	require.NoError(t, b.Close())
	c := openJournal(t, e, "node-c")
	checkDuplicate(t, c, ids)
}

// testSQLiteNarrowTable builds a journal file as version 5 left it (the
// wide table txn, rows in it and in the old txlog table), then opens it:
// version 6 moves every row to the narrow table, and everything reads
// back the same.
func testSQLiteNarrowTable(t *testing.T) {
	ctx := context.Background()
	e := sqliteEnv(t)
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(e.url, "sqlite:"))
	require.NoError(t, err)
	steps := append(migrationSteps("INTEGER PRIMARY KEY", "INTEGER", "BLOB"), []string{sqliteLogSchema}, sqliteAppliedSchema)
	_, err = db.Exec(versionTableSQL)
	require.NoError(t, err)
	for v, step := range steps {
		for _, q := range step {
			_, err := db.Exec(q)
			require.NoError(t, err, q)
		}
		_, err := db.Exec(insertVersionSQL, int64(v+1), int64(0))
		require.NoError(t, err)
	}
	const wideInsert = `INSERT INTO txn (id, mti, acquirer, stan, tx_time, node, business_date,
		received_us, acquirer_inst, issuer, route, link, pan_masked, pan_hash, processing,
		amount, currency, rrn, terminal, merchant, receiving, state, response_code,
		auth_id, responded_us, original_id, reversal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	var want []Record
	for i := range 3 {
		r := testImages()[i]
		r.ID, r.STAN = int64(i+1), "00050"+string(rune('0'+i))
		_, err := db.Exec(wideInsert, append([]any{r.ID}, insertArgs(&r)...)...)
		require.NoError(t, err)
		want = append(want, r)
	}
	// A fourth record only in the old log table, and a later image of the first.
	fourth, first := want[0], want[0]
	fourth.ID, fourth.STAN = 4, "999999"
	first.State, first.ResponseCode = StateApproved, "00"
	row := sealRow(appendImage(appendImage(appendRowHeader(nil, 2), &fourth), &first))
	_, err = db.Exec(`INSERT INTO txlog (data) VALUES (?)`, row)
	require.NoError(t, err)
	want[0] = first
	want = append(want, fourth)
	require.NoError(t, db.Close())

	j := openJournal(t, e, "node-a")
	for _, w := range want {
		got, err := j.Get(ctx, w.ID)
		require.NoError(t, err)
		assert.Equal(t, w, *got)
		got, err = j.Lookup(ctx, w.Key)
		require.NoError(t, err)
		assert.Equal(t, w.ID, got.ID)
	}
	assert.Zero(t, rawCount(t, e, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'txn_v5'`), "the wide table is gone")
	assert.Equal(t, len(want), rawCount(t, e, `SELECT COUNT(*) FROM txn`))
	dup := &Write{Kind: WriteInsert, Record: func() *Record { r := want[1]; r.ID = 0; return &r }()}
	require.NoError(t, j.Do(ctx, dup))
	require.NotNil(t, dup.Duplicate, "a moved record's key is known")
	assert.Equal(t, want[1].ID, dup.Duplicate.ID)
}

// TestLogFinishPatched finishes records the overlay holds (staged as
// patches of their images) alone and in one group with a reversal, a SAF
// enqueue or a second finish of the same record (staged whole from
// then on), and reads every record back before and after a replay.
func TestLogFinishPatched(t *testing.T) {
	e := sqliteEnv(t)
	j := openJournal(t, e, "node-a")
	s := holdLog(t, j)
	ids := make([]int64, 4)
	for i := range ids {
		ids[i] = insert(t, j, newRecord(j, i))
	}
	at := day0().Add(time.Hour)
	fin := func(id int64, st State) *Write {
		return &Write{Kind: WriteFinish, ID: id, State: st, Code: "00", AuthID: "A1", At: at}
	}
	saf := &SAFEntry{TxnID: ids[3], Issuer: "ISS1", MTI: "0420", Message: []byte("x"),
		NextAt: at, ExpiresAt: at.Add(time.Hour)}
	ws := []*Write{
		fin(ids[0], StateApproved), // alone
		fin(ids[1], StateApproved), {Kind: WriteReversal, ID: ids[1], Reversal: ReversalDone},
		fin(ids[2], StateDeclined), fin(ids[2], StateApproved), // the second is a late answer
		fin(ids[3], StateApproved), {Kind: WriteEnqueue, SAF: saf},
	}
	g := s.group
	g.mu.Lock()
	v := g.open()
	require.NoError(t, v.applyWrites(ws, micros(at)))
	assert.Len(t, v.fins, 1, "only the finish of ids[0] stays a patch")
	g.mu.Unlock()
	for _, w := range ws {
		require.NoError(t, w.Err)
	}
	g.flush()
	assert.Equal(t, StateForwarded, ws[3].Prev)
	assert.Equal(t, StateDeclined, ws[4].Prev, "the late answer sees the first")

	check := func(j *Journal) {
		t.Helper()
		want := []struct {
			state State
			rev   ReversalState
		}{{StateApproved, ReversalNone}, {StateApproved, ReversalDone}, {StateDeclined, ReversalNone},
			{StateApproved, ReversalQueued}}
		for i, id := range ids {
			r, err := j.Get(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, want[i].state, r.State, "record %d", i)
			assert.Equal(t, want[i].rev, r.Reversal, "record %d", i)
			assert.Equal(t, "A1", r.AuthID, "record %d", i)
			assert.True(t, at.Equal(r.RespondedAt), "record %d", i)
			assert.Equal(t, newRecord(j, i).Merchant, r.Merchant, "record %d keeps its other fields", i)
		}
	}
	check(j)
	require.NoError(t, j.Close(), "closing with the log held leaves it unapplied")
	j = openJournal(t, e, "node-a")
	check(j)
}
