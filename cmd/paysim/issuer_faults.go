package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/simulators/issuer"
)

// parseFaults reads the --faults setting: comma-separated key=value pairs
// naming the fields of issuer.Faults (seed, delay, delay-rate, delay-every,
// drop-rate, drop-every, bad-mac-rate, bad-mac-every, garbage-rate,
// garbage-every, garbage-len, disconnect-after).
func parseFaults(s string) (issuer.Faults, error) {
	var f issuer.Faults
	if strings.TrimSpace(s) == "" {
		return f, nil
	}
	ints := map[string]*int{
		"delay-every": &f.DelayEvery, "drop-every": &f.DropEvery, "bad-mac-every": &f.BadMACEvery,
		"garbage-every": &f.GarbageEvery, "garbage-len": &f.GarbageLen, "disconnect-after": &f.DisconnectAfter,
	}
	rates := map[string]*float64{
		"delay-rate": &f.DelayRate, "drop-rate": &f.DropRate, "bad-mac-rate": &f.BadMACRate, "garbage-rate": &f.GarbageRate,
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return f, fmt.Errorf("%w: %q", errFaultsFlag, kv)
		}
		var err error
		switch {
		case k == "seed":
			f.Seed, err = strconv.ParseInt(v, 10, 64)
		case k == "delay":
			f.Delay, err = time.ParseDuration(v)
		case ints[k] != nil:
			*ints[k], err = strconv.Atoi(v)
		case rates[k] != nil:
			*rates[k], err = strconv.ParseFloat(v, 64)
		default:
			return f, fmt.Errorf("%w: unknown key %q", errFaultsFlag, k)
		}
		if err != nil {
			return f, fmt.Errorf("%w: %s: %v", errFaultsFlag, k, err)
		}
	}
	return f, f.Validate()
}
