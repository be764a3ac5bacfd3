package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The SQLite backend's write-ahead log lives in segment files next to the
// database (directory PATH-log), not in SQLite: a group commit is one
// pwrite and one fdatasync of a preallocated file (about 0.1 ms here,
// against 0.4-0.6 ms for a SQLite commit of the same bytes), which is what
// lets two durable points per transaction sit on the authorisation path.
// SQLite's own commit would write the row's pages and its WAL frame
// headers one system call each; the log writes the group in one.
//
// A segment is named after the sequence number of its first frame
// (16 hex digits, ".seg"); frames follow each other with consecutive
// sequence numbers, each padded to a multiple of frameAlign:
//
//	magic "HLG1" | payload length (uint32) | seq (uint64) | CRC-32C of the
//	preceding 16 bytes and the payload (uint32) | payload | zero padding
//
// The payload is a log row (logcodec.go). Segments are preallocated with
// written zeros, and recycled once applied, so that an fdatasync never has
// to change the file's metadata. Writing a frame and making it durable
// are separate steps (one syncer writes the next group while another waits
// for the previous one's sync), but a frame is written only once every
// frame before the previous one is durable: at most maxUnsynced frames are
// ever unsynced, so a crash can tear only one of the last two. Replay
// stops at the first frame that is not the next valid one, and refuses the
// log (ErrCorrupt) when a valid frame more than one past it follows, which
// only damage can explain.
//
// One process owns the log (an exclusive flock on PATH-log/lock); another
// process opening the journal meanwhile reads it but cannot write.
// Reading the log back is in seglog_replay.go.

const (
	frameMagic  = 0x484c4731 // "HLG1"
	frameHeader = 20
	frameAlign  = 512
	segSuffix   = ".seg"
	spareSuffix = ".spare"
	// maxSpares is how many applied segments are kept for reuse.
	maxSpares = 2
	// maxUnsynced is the most frames written and not yet known durable.
	maxUnsynced = 2
	// zeroChunk and zeroPause pace the filling of spares (writeZeros).
	zeroChunk = 256 << 10
	zeroPause = time.Millisecond
	// firstSegSize is the size of a segment written out in the write path
	// (no spare ready: a new journal's first); each spare is then four
	// times the size of the segment being written, up to the configured
	// size, so that a journal that sees little traffic costs little disk.
	firstSegSize = 1 << 20
)

// ErrReadOnly reports a write to a SQLite journal opened while another
// process owns it (only one switchd may run on a SQLite journal).
var ErrReadOnly = errors.New("journal: another process owns this SQLite journal; opened read-only")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// segment is one live segment file: the frames first..last (last < first:
// none yet).
type segment struct {
	first, last int64
}

// segLog is the segment-file log: write and sync may be called from any
// goroutine (the group commit's syncers); recycle by the applier.
type segLog struct {
	dir     string
	segSize int64
	lockF   *os.File // nil: read-only

	mu      sync.Mutex
	segs    []segment  // oldest first; the last one is cur
	spares  []string   // paths of files ready to become segments
	unsyncd []*os.File // earlier segments with frames not yet synced; closed once synced
	cur     *os.File
	capac   int64 // size of cur
	off     int64
	next    int64 // seq of the next frame
	broken  error // a failed write or sync: the log takes no more frames
	buf     []byte
	spareN  int
	filling bool           // a spare is being zero-filled
	fills   sync.WaitGroup // the filling goroutine

	syncMu sync.Mutex   // one fdatasync at a time
	synced atomic.Int64 // every frame up to this seq is durable
}

// openSegLog opens (creating) the log directory of the database at dbPath
// and takes its lock; when another process holds the lock the log is
// opened read-only.
func openSegLog(dbPath string, segSize int64) (*segLog, error) {
	l := &segLog{dir: dbPath + "-log", segSize: segSize}
	if err := os.MkdirAll(l.dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: log directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(l.dir, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: log lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return l, nil
		}
		return nil, fmt.Errorf("journal: log lock: %w", err)
	}
	l.lockF = f
	return l, nil
}

// readOnly reports whether another process owns the log.
func (l *segLog) readOnly() bool { return l.lockF == nil }

// segPath is the file of the segment whose first frame is seq.
func (l *segLog) segPath(seq int64) string {
	return filepath.Join(l.dir, fmt.Sprintf("%016x%s", seq, segSuffix))
}

// start begins writing at sequence number next, after a replay applied
// every existing segment to the table: those become spares.
func (l *segLog) start(next int64) error {
	firsts, err := l.listSegments()
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	ents, _ := os.ReadDir(l.dir)
	for _, e := range ents {
		name, isSpare := strings.CutSuffix(e.Name(), spareSuffix)
		switch {
		case isSpare:
			l.spares = append(l.spares, filepath.Join(l.dir, e.Name()))
			if n, err := strconv.Atoi(name); err == nil {
				l.spareN = max(l.spareN, n) // new spares are numbered after every old one
			}
		case strings.HasSuffix(e.Name(), ".tmp"):
			_ = os.Remove(filepath.Join(l.dir, e.Name()))
		}
	}
	for _, first := range firsts {
		l.retireLocked(l.segPath(first))
	}
	l.next = next
	l.synced.Store(next - 1)
	return l.rotateLocked()
}

// rotateLocked moves on from the current segment (kept open until a sync
// covers its frames) to a new one starting at l.next: a spare when one is
// ready, else a small zero-filled file written here.
func (l *segLog) rotateLocked() error {
	if l.cur != nil {
		l.unsyncd = append(l.unsyncd, l.cur) // closed by the sync that covers its frames
		l.cur = nil
	}
	path := l.segPath(l.next)
	var f *os.File
	var err error
	if n := len(l.spares); n > 0 {
		spare := l.spares[n-1]
		l.spares = l.spares[:n-1]
		if err = os.Rename(spare, path); err == nil {
			f, err = os.OpenFile(path, os.O_RDWR, 0o600)
		}
	} else if err = writeZeros(path, min(l.segSize, firstSegSize), false); err == nil {
		f, err = os.OpenFile(path, os.O_RDWR, 0o600)
	}
	var size int64
	if err == nil {
		var st os.FileInfo
		if st, err = f.Stat(); err == nil {
			size = st.Size()
		}
	}
	if err == nil {
		err = syncDir(l.dir)
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return fmt.Errorf("journal: new log segment: %w", err)
	}
	l.cur, l.off, l.capac = f, 0, size
	l.segs = append(l.segs, segment{first: l.next, last: l.next - 1})
	return nil
}

// write writes payload as the next frame, not yet synced, and returns its
// sequence number; it first waits until at most maxUnsynced-1 frames are
// unsynced. After a failed write or sync the log refuses every later
// frame (what reached the disk is unknown until the next open's replay).
func (l *segLog) write(payload []byte) (int64, error) {
	if l.readOnly() {
		return 0, ErrReadOnly
	}
	for {
		l.mu.Lock()
		last := l.next - 1
		if last-l.synced.Load() < maxUnsynced || l.broken != nil {
			break
		}
		l.mu.Unlock()
		if err := l.sync(last - maxUnsynced + 1); err != nil {
			return 0, err
		}
	}
	defer l.mu.Unlock()
	if l.broken != nil {
		return 0, l.broken
	}
	size := alignUp(frameHeader + len(payload))
	if l.cur == nil || (l.off+int64(size) > l.capac && l.off > 0) {
		if err := l.rotateLocked(); err != nil {
			l.broken = err
			return 0, err
		}
	}
	seq := l.next
	b := slices.Grow(l.buf[:0], size)[:size]
	binary.BigEndian.PutUint32(b, frameMagic)
	binary.BigEndian.PutUint32(b[4:], uint32(len(payload)))
	binary.BigEndian.PutUint64(b[8:], uint64(seq))
	copy(b[frameHeader:], payload)
	clear(b[frameHeader+len(payload):])
	sum := crc32.Update(crc32.Checksum(b[:16], castagnoli), castagnoli, payload)
	binary.BigEndian.PutUint32(b[16:], sum)
	l.buf = b
	if _, err := l.cur.WriteAt(b, l.off); err != nil {
		l.broken = fmt.Errorf("journal: log write: %w", err)
		return 0, l.broken
	}
	l.off += int64(size)
	l.next++
	l.segs[len(l.segs)-1].last = seq
	l.prepareLocked()
	return seq, nil
}

// sync makes every frame up to seq durable (and every other frame written
// before the call: one fdatasync serves all of them).
func (l *segLog) sync(seq int64) error {
	if l.synced.Load() >= seq {
		return nil
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.synced.Load() >= seq {
		return nil
	}
	l.mu.Lock()
	if l.broken != nil {
		l.mu.Unlock()
		return l.broken
	}
	files := append(slices.Clone(l.unsyncd), l.cur)
	top := l.next - 1
	l.mu.Unlock()
	for _, f := range files {
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			l.mu.Lock()
			l.broken = fmt.Errorf("journal: log sync: %w", err)
			l.mu.Unlock()
			return l.broken
		}
	}
	l.mu.Lock()
	for _, f := range files[:len(files)-1] {
		_ = f.Close()
	}
	l.unsyncd = slices.Delete(l.unsyncd, 0, len(files)-1)
	l.mu.Unlock()
	l.synced.Store(top)
	return nil
}

// syncedSeq returns the last frame known durable.
func (l *segLog) syncedSeq() int64 { return l.synced.Load() }

// recycle retires the segments (but the current one) whose frames are all
// at or before seq applied.
func (l *segLog) recycle(applied int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(l.segs)-1 && l.segs[n].last <= applied {
		l.retireLocked(l.segPath(l.segs[n].first))
		n++
	}
	l.segs = append(l.segs[:0], l.segs[n:]...)
}

// close closes the log and releases the lock; with applied (the table
// holds everything) it first removes every segment and spare.
func (l *segLog) close(applied bool) error {
	l.fills.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range append(l.unsyncd, l.cur) {
		if f != nil {
			_ = f.Close()
		}
	}
	l.cur, l.unsyncd = nil, nil
	if l.lockF == nil {
		return nil
	}
	if applied && l.broken == nil {
		for _, s := range l.segs {
			_ = os.Remove(l.segPath(s.first))
		}
		for _, s := range l.spares {
			_ = os.Remove(s)
		}
		l.segs, l.spares = nil, nil
	}
	err := l.lockF.Close() // releases the flock
	l.lockF = nil
	return err
}
