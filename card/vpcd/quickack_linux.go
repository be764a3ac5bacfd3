package vpcd

import "syscall"

// tcpQuickAck is TCP_QUICKACK from <netinet/tcp.h> (Linux: 12): acknowledge
// at once instead of delaying the ACK. The kernel leaves quick-ACK mode on
// its own, so it is set again before every read.
const tcpQuickAck = 12

// setQuickAck sets TCP_QUICKACK on the socket; errors are ignored (the
// bridge still works, only slower).
func setQuickAck(rc syscall.RawConn) {
	_ = rc.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpQuickAck, 1)
	})
}
