package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Reading the segment log back (seglog.go): at open, to replay what the
// table does not hold; in a process reading another one's journal, on
// every read.

// listSegments returns the first sequence numbers of the segment files
// present, in order.
func (l *segLog) listSegments() ([]int64, error) {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, fmt.Errorf("journal: log directory: %w", err)
	}
	var firsts []int64
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), segSuffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(name, 16, 63)
		if err != nil || len(name) != 16 {
			return nil, fmt.Errorf("%w: unexpected file %s in the log directory", ErrCorrupt, e.Name())
		}
		firsts = append(firsts, int64(n))
	}
	slices.Sort(firsts)
	return firsts, nil
}

// frameAt decodes the frame at b[p:] if it is a valid frame of sequence
// number want (want 0: any); it returns the payload, the frame's seq and
// its padded length.
func frameAt(b []byte, p int, want int64) (payload []byte, seq int64, size int, ok bool) {
	if p+frameHeader > len(b) || binary.BigEndian.Uint32(b[p:]) != frameMagic {
		return nil, 0, 0, false
	}
	n := int(binary.BigEndian.Uint32(b[p+4:]))
	seq = int64(binary.BigEndian.Uint64(b[p+8:]))
	if n > len(b)-p-frameHeader || (want != 0 && seq != want) {
		return nil, 0, 0, false
	}
	body := b[p+frameHeader : p+frameHeader+n]
	sum := crc32.Update(crc32.Checksum(b[p:p+16], castagnoli), castagnoli, body)
	if sum != binary.BigEndian.Uint32(b[p+16:]) {
		return nil, 0, 0, false
	}
	return body, seq, alignUp(frameHeader + n), true
}

func alignUp(n int) int { return (n + frameAlign - 1) / frameAlign * frameAlign }

// replay reads every segment in order and calls fn for each frame after
// seq after. It returns the last valid sequence number (after when there
// is none). strict (the owner, at open) refuses a log in which a valid
// frame follows an invalid one; a reader of another process's live log
// simply stops at the first invalid frame.
func (l *segLog) replay(after int64, strict bool, fn func(seq int64, payload []byte) error) (int64, error) {
	firsts, err := l.listSegments()
	if err != nil {
		return after, err
	}
	last, ended := after, false
	for i, first := range firsts {
		b, err := os.ReadFile(l.segPath(first))
		if errors.Is(err, os.ErrNotExist) {
			continue // recycled by the owner meanwhile: applied to the table
		}
		if err != nil {
			return last, fmt.Errorf("journal: read log segment: %w", err)
		}
		if ended {
			if strict && hasFrameAfter(b, 0, last+maxUnsynced) {
				return last, fmt.Errorf("%w: segment %016x holds frames after a damaged one", ErrCorrupt, first)
			}
			continue
		}
		if first > last+1 && strict {
			// Frames after the table's watermark, or between two
			// segments, are missing: a file was lost.
			return last, fmt.Errorf("%w: log frames from %d on are missing", ErrCorrupt, last+1)
		}
		p, want := 0, first
		for {
			payload, seq, size, ok := frameAt(b, p, want)
			if !ok {
				break
			}
			if seq > after {
				if err := fn(seq, payload); err != nil {
					return last, err
				}
				last = seq
			}
			p, want = p+size, seq+1
		}
		if want-1 > last {
			last = want - 1 // frames all at or before after
		}
		if i < len(firsts)-1 && firsts[i+1] == want {
			continue // the next segment continues this one
		}
		ended = true
		if strict && hasFrameAfter(b, p, last+maxUnsynced) {
			return last, fmt.Errorf("%w: segment %016x holds frames after a damaged one", ErrCorrupt, first)
		}
	}
	return max(last, after), nil
}

// hasFrameAfter reports whether a valid frame with a sequence number above
// last starts at an aligned position of b from p on. (After a frame torn
// by a crash, the next one may be whole: it was written while the torn
// one was being synced, and neither was reported durable.)
func hasFrameAfter(b []byte, p int, last int64) bool {
	for q := alignUp(p); q+frameHeader <= len(b); q += frameAlign {
		if _, seq, _, ok := frameAt(b, q, 0); ok && seq > last {
			return true
		}
	}
	return false
}
