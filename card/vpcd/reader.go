package vpcd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
)

// BasePort is the TCP port of the first vpcd slot (CHANNELID 0x8C7B).
const BasePort = 35963

// readerName matches the reader names .ci/pcscd configures: "Virtual PCD
// XX YY" for ports 35963/35964, "Virtual PCD <port> XX YY" for the others
// (YY is the slot, 00 or 01).
func readerName() *regexp.Regexp {
	return regexp.MustCompile(`^Virtual PCD(?: (\d{5}))? [0-9A-F]{2} ([0-9A-F]{2})$`)
}

// PortOf returns the TCP port a software card dials to sit in the vpcd
// reader called name, or false when name is not such a reader.
func PortOf(name string) (int, bool) {
	m := readerName().FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	base := BasePort
	if m[1] != "" {
		base, _ = strconv.Atoi(m[1])
	}
	slot, _ := strconv.ParseInt(m[2], 16, 0)
	if slot > 1 {
		return 0, false
	}
	return base + int(slot), true
}

// ErrPortBusy reports a reader port another process holds.
var ErrPortBusy = errors.New("vpcd: reader port in use by another process")

// LockPort reserves the reader of port across processes (flock(2) on
// <tmp>/hulian-vpcd-<port>.lock), so that tests run in parallel and the
// demo never put two cards in one reader. With block it waits for the
// holder; without, a held port is ErrPortBusy. Closing the file releases it.
func LockPort(port int, block bool) (*os.File, error) {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("hulian-vpcd-%d.lock", port))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_EX
	if !block {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrPortBusy
		}
		return nil, fmt.Errorf("vpcd: lock %s: %w", path, err)
	}
	return f, nil
}
