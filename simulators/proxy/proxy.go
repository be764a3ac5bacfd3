package proxy

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Errors returned by the Proxy.
var (
	ErrStarted  = errors.New("proxy: already started")
	ErrClosed   = errors.New("proxy: closed")
	ErrNoTarget = errors.New("proxy: empty target address")
)

// dialTimeout bounds the connection to the target.
const dialTimeout = 5 * time.Second

// Proxy forwards TCP connections from a listen address to a target.
type Proxy struct {
	listen, target string

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
}

// New returns a Proxy from listen to target; nothing happens before Start.
func New(listen, target string) (*Proxy, error) {
	if target == "" {
		return nil, ErrNoTarget
	}
	return &Proxy{listen: listen, target: target, conns: make(map[net.Conn]struct{}), done: make(chan struct{})}, nil
}

// Start listens (so Addr is known when it returns) and forwards connections
// in the background until Close or until ctx is done.
func (p *Proxy) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return ErrClosed
	case p.ln != nil:
		return ErrStarted
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", p.listen)
	if err != nil {
		return err
	}
	p.ln = ln
	p.wg.Add(2)
	go p.acceptLoop(ln)
	go func() {
		defer p.wg.Done()
		select {
		case <-ctx.Done():
			go p.Close() // Close waits for this goroutine
		case <-p.done:
		}
	}()
	return nil
}

// Addr returns the listening address ("" before Start).
func (p *Proxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return ""
	}
	return p.ln.Addr().String()
}

// Close stops listening, closes every connection and waits for the copy
// goroutines. It is idempotent.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.wg.Wait()
		return nil
	}
	p.closed = true
	close(p.done)
	var err error
	if p.ln != nil {
		err = p.ln.Close()
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) acceptLoop(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			select {
			case <-p.done:
				return
			default:
			}
			time.Sleep(5 * time.Millisecond) // temporary accept error: back off
			continue
		}
		if !p.track(c) {
			return
		}
		p.wg.Add(1)
		go p.pair(c)
	}
}

// track registers c; it reports false (and closes c) when the proxy is closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// pair dials the target for client and copies both ways until one side ends.
func (p *Proxy) pair(client net.Conn) {
	defer p.wg.Done()
	defer p.untrack(client)
	d := net.Dialer{Timeout: dialTimeout}
	server, err := d.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)
	var once sync.Once
	closeBoth := func() { once.Do(func() { client.Close(); server.Close() }) }
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(server, client)
		closeBoth()
	}()
	_, _ = io.Copy(client, server)
	closeBoth()
	wg.Wait()
}
