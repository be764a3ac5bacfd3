//go:build unix

package main

import (
	"os"
	"syscall"
)

// controlSignals are the signals that remove and insert the card of
// `paysim card`.
func controlSignals() (remove, insert os.Signal) { return syscall.SIGUSR1, syscall.SIGUSR2 }
