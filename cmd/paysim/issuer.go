package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hulian/hulian/simulators/issuer"
)

func runIssuer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("issuer", stderr)
	var w wireFlags
	w.register(fs, "01020000")
	listen := fs.String("listen", "127.0.0.1:6100", "listen address")
	delay := fs.Duration("delay", 0, "delay before answering financial requests")
	if err := parse(fs, args); err != nil {
		return err
	}
	return serveIssuer(ctx, &w, *listen, *delay, stdout, stderr)
}

func serveIssuer(ctx context.Context, w *wireFlags, listen string, delay time.Duration, stdout, stderr io.Writer) error {
	d, k, err := w.resolve()
	if err != nil {
		return err
	}
	mac, closer, err := w.mac.open()
	if err != nil {
		return err
	}
	if closer != nil {
		defer closer.Close()
	}
	is, err := issuer.New(issuer.Config{
		Addr: listen, InstitutionID: w.id, Dialect: d, Framing: k,
		Header: w.header, Delay: delay, Logger: w.logger(stderr), MAC: mac,
	})
	if err != nil {
		return err
	}
	if err := is.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "issuer %s listening on %s (%s/%s header=%t)\n", w.id, is.Addr(), d.Name(), k, w.header)
	<-ctx.Done()
	err = is.Close()
	st := is.Stats()
	fmt.Fprintf(stdout, "issuer %s stopped: connections=%d sign-ons=%d echoes=%d requests=%d responses=%d mac-failures=%d\n",
		w.id, st.Connections, st.SignOns, st.Echoes, st.Requests, st.Responses, st.MACFailures)
	return err
}
