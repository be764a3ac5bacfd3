//go:build !linux

package vpcd

import "syscall"

// setQuickAck does nothing: TCP_QUICKACK is Linux only.
func setQuickAck(syscall.RawConn) {}
