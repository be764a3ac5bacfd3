package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/load"
)

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", stderr)
	var c clientFlags
	c.register(fs)
	conns := fs.Int("conns", 4, "connections")
	inflight := fs.Int("inflight", 256, "requests kept in flight")
	count := fs.Int("count", 0, "total requests (0 = until --duration)")
	duration := fs.Duration("duration", 10*time.Second, "run time when --count is 0")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *conns < 1 {
		return errors.New("--conns must be at least 1")
	}
	closer, err := c.openMAC()
	if err != nil {
		return err
	}
	defer closer.Close()
	clients := make([]*acquirer.Client, 0, *conns)
	defer func() {
		for _, cl := range clients {
			cl.Close()
		}
	}()
	for range *conns {
		cl, err := c.dial(ctx, stderr)
		if err != nil {
			return err
		}
		clients = append(clients, cl)
	}
	o := load.Options{Clients: clients, InFlight: *inflight, Count: *count, Timeout: c.timeout}
	if *count == 0 {
		o.Duration = *duration
	}
	res, err := load.Run(ctx, o)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	_, werr := fmt.Fprintln(stdout, res.String())
	return werr
}
