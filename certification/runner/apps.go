package runner

import (
	"bytes"
	"context"
	"encoding/hex"
	"strings"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/emv/tlv"
)

// listedApp is one application a card lists in its PSE or PPSE.
type listedApp struct {
	aid   []byte
	label string
}

// listApplications reads the card's directories (EMV Book 1 12.2.3: the
// PSE's records; JR/T 0025.12: the PPSE's FCI) and returns every
// application either lists, the PSE's first, each once. A card with
// neither lists none.
func (r *Runner) listApplications(ctx context.Context, tr *card.Sender) []listedApp {
	ctx, cancel := context.WithTimeout(ctx, r.opts.CaseTimeout)
	defer cancel()
	if err := r.coldReset(ctx, tr); err != nil {
		return nil
	}
	s := r.newSession(tr, nil, make([]byte, 4))
	var out []listedApp
	add := func(list []tlv.TLV) {
		for _, e := range tlv.FindAll(list, 0x61) {
			aid, ok := tlv.Find(e.Children, 0x4F)
			if !ok || len(aid.Value) == 0 {
				continue
			}
			dup := false
			for _, a := range out {
				dup = dup || bytes.Equal(a.aid, aid.Value)
			}
			if !dup {
				l, _ := tlv.Find(e.Children, 0x50)
				out = append(out, listedApp{aid: append([]byte(nil), aid.Value...), label: string(l.Value)})
			}
		}
	}
	if ans, err := s.readPSE(ctx, nil); err == nil && ans.sw == apdu.SWOK {
		add(ans.list)
	}
	if ans, err := s.selectName(ctx, []byte("2PAY.SYS.DDF01"), false, nil); err == nil && ans.sw == apdu.SWOK {
		add(ans.list)
	}
	return out
}

// runCard runs the suite on every application of the card behind t (only
// the profile's when it names one), one report each.
func (r *Runner) runCard(ctx context.Context, t Target) []*report.Run {
	base := r
	if t.Profile != nil || t.AppProfiles != nil {
		own := *r
		if t.Profile != nil {
			own.opts.Profile = *t.Profile
		}
		if t.AppProfiles != nil {
			own.opts.AppProfiles = t.AppProfiles
		}
		base = &own
	}
	if base.opts.Profile.AID != "" {
		return []*report.Run{base.Run(ctx, t.Name, t.Transport)}
	}
	apps := base.listApplications(ctx, card.NewSender(t.Transport))
	switch len(apps) {
	case 0: // the discovery says why
		return []*report.Run{base.Run(ctx, t.Name, t.Transport)}
	case 1:
		return []*report.Run{base.forApplication(apps[0].aid).Run(ctx, t.Name, t.Transport)}
	}
	// Every application's non-destructive cases first: a destructive case
	// (an APPLICATION BLOCK) must not spoil another application's run.
	runs := make([]*cardRun, 0, len(apps))
	for _, a := range apps {
		if ctx.Err() != nil {
			break
		}
		cr := base.forApplication(a.aid).begin(ctx, t.Name, t.Name+" "+strings.ToUpper(hex.EncodeToString(a.aid)), t.Transport)
		cr.cases(ctx, false)
		runs = append(runs, cr)
	}
	out := make([]*report.Run, 0, len(runs))
	for _, cr := range runs {
		cr.cases(ctx, true)
		out = append(out, cr.end())
	}
	return out
}

// forApplication is the runner of one application: its own profile when
// Options.AppProfiles has one, else Options.Profile, with the AID set.
func (r *Runner) forApplication(aid []byte) *Runner {
	own := *r
	key := strings.ToUpper(hex.EncodeToString(aid))
	if p, ok := r.opts.AppProfiles[key]; ok {
		own.opts.Profile = p
	}
	own.opts.Profile.AID = key
	return &own
}
