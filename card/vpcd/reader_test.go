package vpcd

import (
	"errors"
	"testing"
)

func TestPortOf(t *testing.T) {
	for name, want := range map[string]int{
		"Virtual PCD 00 00": 35963, "Virtual PCD 00 01": 35964,
		"Virtual PCD 35965 00 00": 35965, "Virtual PCD 35969 00 01": 35970,
		"Virtual PCD 00 02": 0, "Some Reader 00 00": 0,
	} {
		got, ok := PortOf(name)
		if got != want || ok != (want != 0) {
			t.Errorf("PortOf(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
}

func TestLockPort(t *testing.T) {
	const port = 1 // no reader: the lock file is all that is used
	a, err := LockPort(port, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockPort(port, false); !errors.Is(err, ErrPortBusy) {
		t.Fatalf("second lock: %v, want ErrPortBusy", err)
	}
	_ = a.Close()
	b, err := LockPort(port, false)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	_ = b.Close()
}
