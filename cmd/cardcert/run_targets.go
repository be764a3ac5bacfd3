package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/certification/runner"
	"github.com/hulian/hulian/simulators/simcard"
)

// simPath turns a profile name ("pboc-rsa") into its file in testdata/cards.
func simPath(name string) string {
	if !strings.ContainsAny(name, `/\`) && filepath.Ext(name) == "" {
		return filepath.Join("testdata", "cards", name+".yaml")
	}
	return name
}

// openTargets opens the cards to run on: the simulated card, the named
// readers or every reader holding a card. closeAll closes them.
func openTargets(ctx context.Context, f runFlags, stderr io.Writer) ([]runner.Target, func(), error) {
	if f.sim != "" {
		p, err := simcard.LoadProfile(simPath(f.sim))
		if err != nil {
			return nil, nil, err
		}
		warnProfile(stderr, p)
		c, err := simcard.New(p, simcard.Options{})
		if err != nil {
			return nil, nil, err
		}
		tr := card.NewInProcess(c)
		return []runner.Target{{Name: "sim " + p.Name, Transport: tr}}, func() { _ = tr.Close() }, nil
	}
	pc, err := pcsc.Establish(ctx)
	if errors.Is(err, card.ErrNoService) {
		return nil, nil, fmt.Errorf("the PC/SC service is not running: start pcscd (make pcscd): %w", err)
	}
	if err != nil {
		return nil, nil, err
	}
	names, profiles, err := readerProfiles(f.readers)
	if err != nil {
		_ = pc.Close()
		return nil, nil, err
	}
	if f.allReaders {
		if names, err = readersWithCards(ctx, pc); err != nil {
			_ = pc.Close()
			return nil, nil, err
		}
	}
	var targets []runner.Target
	closeAll := func() {
		for _, t := range targets {
			_ = t.Transport.Close()
		}
		_ = pc.Close()
	}
	for _, n := range names {
		conn, err := pc.Connect(ctx, n, pcsc.ConnectOptions{})
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("reader %q: %w", n, err)
		}
		t := runner.Target{Name: n, Transport: conn}
		if p := profiles[n]; p != nil {
			t.Profile, t.AppProfiles = &p.def, p.apps
		}
		targets = append(targets, t)
	}
	return targets, closeAll, nil
}

// warnProfile prints what a simulated card's profile carries against the
// standards (the simulator serves it all the same).
func warnProfile(w io.Writer, p *simcard.Profile) {
	for _, msg := range p.Warnings() {
		fmt.Fprintf(w, "warning: %s\n", msg)
	}
}

// cardProfile is one card's test profiles (loadCardProfiles).
type cardProfile struct {
	def  runner.Profile
	apps map[string]runner.Profile
}

// readerProfiles splits --reader values of the form NAME=PROFILE: the
// reader names, and the test profile of each reader that names one.
func readerProfiles(values []string) ([]string, map[string]*cardProfile, error) {
	names := make([]string, 0, len(values))
	profiles := map[string]*cardProfile{}
	for _, v := range values {
		name, path, own := strings.Cut(v, "=")
		names = append(names, name)
		if !own {
			continue
		}
		p, apps, err := loadCardProfiles(path)
		if err != nil {
			return nil, nil, fmt.Errorf("--reader %s: %w", name, err)
		}
		profiles[name] = &cardProfile{def: p, apps: apps}
	}
	return names, profiles, nil
}

// readersWithCards lists the readers that hold a card.
func readersWithCards(ctx context.Context, pc *pcsc.Context) ([]string, error) {
	all, err := pc.Readers(ctx)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no PC/SC readers")
	}
	states, err := pc.Status(ctx, all...)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range states {
		if s.Present && !s.Mute {
			out = append(out, s.Reader)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no reader holds a card")
	}
	return out, nil
}

// loadTestProfile reads a card test profile: a simulator card profile
// (the first application's PIN and TEST issuer master keys) or a runner
// profile.
func loadTestProfile(path string) (runner.Profile, error) {
	p, _, err := loadCardProfiles(path)
	return p, err
}

// loadCardProfiles reads a card test profile. A simulator card profile
// gives each application its own (AID, PIN, TEST issuer master keys, in
// the map by AID) and, as the default, the first application's without its
// AID, so that every application is tested; a runner profile is the
// default, and names the one application to test when it has an aid.
func loadCardProfiles(path string) (runner.Profile, map[string]runner.Profile, error) {
	sp, simErr := simcard.LoadProfile(path)
	if simErr == nil && len(sp.Applications) > 0 {
		alg := "tdes"
		if sp.Algorithm == "sm" {
			alg = "sm4"
		}
		apps := map[string]runner.Profile{}
		for _, a := range sp.Applications {
			apps[a.AID.String()] = runner.Profile{AID: a.AID.String(), PIN: a.PIN, Algorithm: alg,
				IMKAC: a.Keys.IssuerMasterAC.String(), IMKMAC: a.Keys.IssuerMasterMAC.String(), IMKENC: a.Keys.IssuerMasterENC.String()}
		}
		def := apps[sp.Applications[0].AID.String()]
		def.AID = ""
		return def, apps, nil
	}
	p, err := runner.LoadProfile(path)
	if err != nil {
		return p, nil, fmt.Errorf("%s is neither a card simulator profile nor a runner profile: %w", path, err)
	}
	return p, nil, nil
}
