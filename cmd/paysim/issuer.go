package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hulian/hulian/simulators/issuer"
)

func runIssuer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("issuer", stderr)
	var w wireFlags
	w.register(fs, "01020000")
	var x issuerFlags
	x.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	return serveIssuer(ctx, &w, &x, stdout, stderr)
}

func serveIssuer(ctx context.Context, w *wireFlags, x *issuerFlags, stdout, stderr io.Writer) error {
	d, k, err := w.resolve()
	if err != nil {
		return err
	}
	cfg := issuer.Config{
		Addr: x.listen, InstitutionID: w.id, Dialect: d, Framing: k,
		Header: w.header, Delay: x.delay, Logger: w.logger(stderr), Connect: x.connect,
	}
	closer, err := x.apply(&cfg, w, d.Name())
	if closer != nil {
		defer closer.Close()
	}
	if err != nil {
		return err
	}
	is, err := issuer.New(cfg)
	if err != nil {
		return err
	}
	if err := is.Start(ctx); err != nil {
		return err
	}
	mode := "deterministic"
	if cfg.Accounts != nil {
		mode = fmt.Sprintf("%d accounts", cfg.Accounts.Len())
	}
	if x.connect != "" {
		fmt.Fprintf(stdout, "issuer %s connecting to %s (%s/%s header=%t, %s)\n", w.id, x.connect, d.Name(), k, w.header, mode)
	} else {
		fmt.Fprintf(stdout, "issuer %s listening on %s (%s/%s header=%t, %s)\n", w.id, is.Addr(), d.Name(), k, w.header, mode)
	}
	<-ctx.Done()
	err = is.Close()
	st := is.Stats()
	fmt.Fprintf(stdout, "issuer %s stopped: connections=%d sign-ons=%d echoes=%d requests=%d responses=%d mac-failures=%d\n",
		w.id, st.Connections, st.SignOns, st.Echoes, st.Requests, st.Responses, st.MACFailures)
	if f := st.Faults; f != (issuer.FaultStats{}) {
		fmt.Fprintf(stdout, "issuer %s faults: delayed=%d dropped=%d bad-macs=%d garbage=%d disconnected=%d\n",
			w.id, f.Delayed, f.Dropped, f.BadMACs, f.Garbage, f.Disconnected)
	}
	return err
}
