package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hulian/hulian/simulators/proxy"
)

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("proxy", stderr)
	listen := fs.String("listen", "127.0.0.1:5800", "listen address")
	target := fs.String("target", "127.0.0.1:6100", "address to forward to")
	if err := parse(fs, args); err != nil {
		return err
	}
	p, err := proxy.New(*listen, *target)
	if err != nil {
		return err
	}
	if err := p.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "proxy listening on %s -> %s\n", p.Addr(), *target)
	<-ctx.Done()
	return p.Close()
}
