package pcsctest

import "testing"

func TestPortOf(t *testing.T) {
	tests := []struct {
		name string
		port int
		ok   bool
	}{
		{"Virtual PCD 00 00", 35963, true},
		{"Virtual PCD 00 01", 35964, true},
		{"Virtual PCD 35965 00 00", 35965, true},
		{"Virtual PCD 35969 01 01", 35970, true},
		{"Virtual PCD 00 02", 0, false},
		{"Gemalto PC Twin Reader 00 00", 0, false},
		{"Virtual PCD", 0, false},
	}
	for _, tt := range tests {
		if p, ok := PortOf(tt.name); p != tt.port || ok != tt.ok {
			t.Errorf("PortOf(%q) = %d, %v; want %d, %v", tt.name, p, ok, tt.port, tt.ok)
		}
	}
}

// Two holders never get the same reader, in one process as across
// processes (flock locks belong to the open file).
func TestSlotsAreExclusive(t *testing.T) {
	seen := map[int]bool{}
	for range 2 {
		r := Slot(t)
		if seen[r.Port] {
			t.Fatalf("port %d handed out twice", r.Port)
		}
		seen[r.Port] = true
	}
}
