//go:build !unix

package main

import "os"

// controlSignals: no SIGUSR1/SIGUSR2 here, so no run-time removal.
func controlSignals() (remove, insert os.Signal) { return nil, nil }
