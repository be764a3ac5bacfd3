package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Spare segments (seglog.go): files zero-filled ahead of need, or applied
// segments kept for reuse, so that writing a frame never extends a file or
// converts an unwritten extent (either costs a metadata commit at sync).

// retireLocked turns an applied segment file into a spare, or removes it
// when there are enough.
func (l *segLog) retireLocked(path string) {
	if len(l.spares) < maxSpares {
		l.spareN++
		spare := filepath.Join(l.dir, fmt.Sprintf("%d%s", l.spareN, spareSuffix))
		if os.Rename(path, spare) == nil {
			l.spares = append(l.spares, spare)
			return
		}
	}
	_ = os.Remove(path)
}

// prepareLocked has a spare zero-filled in the background once the current
// segment is half full and none is ready (short-lived journals never pay
// for one).
func (l *segLog) prepareLocked() {
	if len(l.spares) > 0 || l.filling || l.off < l.capac/2 {
		return
	}
	l.filling = true
	l.spareN++
	l.fills.Add(1)
	go l.fillSpare(filepath.Join(l.dir, fmt.Sprintf("%d%s", l.spareN, spareSuffix)), min(l.segSize, 4*l.capac))
}

// fillSpare writes a zero-filled segment-sized file and offers it as a
// spare.
func (l *segLog) fillSpare(path string, size int64) {
	defer l.fills.Done()
	tmp := path + ".tmp"
	err := writeZeros(tmp, size, true)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.filling = false
	if err != nil || l.lockF == nil {
		_ = os.Remove(tmp)
		_ = os.Remove(path)
		return
	}
	l.spares = append(l.spares, path)
}

// writeZeros creates path holding size zero bytes (rounded up to 4 KiB),
// synced. Paced (a spare filled while the log is in use), it writes
// zeroChunk bytes at a time, each synced, with a pause after each: a
// burst of tens of megabytes would sit in the device's queue ahead of the
// log's own syncs and stall every transaction for as long. (Writing
// around the page cache, O_DIRECT, measured no better.)
func writeZeros(path string, size int64, paced bool) error {
	size = (size + 4095) &^ 4095
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	zero := make([]byte, zeroChunk)
	for left := size; left > 0 && err == nil; left -= int64(len(zero)) {
		_, err = f.Write(zero[:min(left, int64(len(zero)))])
		if paced && err == nil {
			err = syscall.Fdatasync(int(f.Fd()))
			time.Sleep(zeroPause)
		}
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a directory's entries (a new or renamed file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
