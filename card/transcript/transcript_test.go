package transcript_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/testcard"
	"github.com/hulian/hulian/card/transcript"
)

// session is the exchange both worlds run: select, a T=0 READ that needs
// 6Cxx, a warm and a cold reset.
func session(t *testing.T, tr card.Transport) []apdu.Response {
	t.Helper()
	ctx := context.Background()
	s := card.NewSender(tr)
	var out []apdu.Response
	send := func(c apdu.Command) {
		r, err := s.Send(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, apdu.Response{Data: append([]byte(nil), r.Data...), SW: r.SW})
	}
	send(apdu.Command{INS: 0xA4, P1: 4, Data: testcard.AID(), Le: 256})
	send(apdu.Command{INS: 0xB0, P2: 5, Le: 256})
	if err := tr.Reset(ctx, false); err != nil {
		t.Fatal(err)
	}
	send(apdu.Command{INS: 0x5A, Le: 2})
	if err := tr.Reset(ctx, true); err != nil {
		t.Fatal(err)
	}
	send(apdu.Command{INS: 0x5A, Le: 2})
	return out
}

func TestRecordReplay(t *testing.T) {
	var buf bytes.Buffer
	rec := transcript.NewRecorder(card.NewInProcess(testcard.New(true)), &buf, "T=0 test card")
	live := session(t, rec)
	if rec.Err() != nil {
		t.Fatal(rec.Err())
	}
	text := buf.String()
	for _, want := range []string{"# T=0 test card\n", "atr 3B0648554C49414E\n", "protocol T=1\n",
		"> 00A4040007F048554C49414E00\n< 6117\n> 00C0000017\n", "> 00B0000500\n< 6C05\n> 00B0000505\n< 00010203049000\n",
		"reset warm\natr 3B0648554C49414E\n", "reset cold\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	tr, err := transcript.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	rep := transcript.NewReplay(tr, "mem.apdu")
	if !bytes.Equal(rep.ATR(), testcard.New(true).ATR()) || rep.Protocol() != card.ProtocolT1 {
		t.Fatalf("replay header: %X %v", rep.ATR(), rep.Protocol())
	}
	replayed := session(t, rep)
	if len(replayed) != len(live) {
		t.Fatalf("%d responses replayed, %d live", len(replayed), len(live))
	}
	for i := range live {
		if !bytes.Equal(live[i].Bytes(), replayed[i].Bytes()) {
			t.Errorf("response %d: live %X, replay %X", i, live[i].Bytes(), replayed[i].Bytes())
		}
	}
	if err := rep.Remaining(); err != nil {
		t.Error(err)
	}
}

const small = `# two exchanges
atr 3B00
protocol T=0
> 00A4040002A001
< 9000
> 00B2010C00
! ErrCardRemoved
reset warm
! ErrNoCard
`

func TestReplayErrors(t *testing.T) {
	ctx := context.Background()
	tr, err := transcript.Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	rep := transcript.NewReplay(tr, "small.apdu")
	if rep.Protocol() != card.ProtocolT0 {
		t.Errorf("protocol %v", rep.Protocol())
	}
	_, err = rep.Transmit(ctx, []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0xA0, 0x02})
	if !errors.Is(err, transcript.ErrUnexpected) || !strings.Contains(err.Error(), "small.apdu line 4") ||
		!strings.Contains(err.Error(), "00A4040002A001") {
		t.Fatalf("wrong command: %v", err)
	}
	if err := rep.Remaining(); err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("Remaining = %v", err)
	}
	if r, err := rep.Transmit(ctx, []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0xA0, 0x01}); err != nil || !bytes.Equal(r, []byte{0x90, 0}) {
		t.Fatalf("right command: %X %v", r, err)
	}
	if err := rep.Reset(ctx, false); !errors.Is(err, transcript.ErrUnexpected) || !strings.Contains(err.Error(), "line 6") {
		t.Fatalf("reset out of order: %v", err)
	}
	if _, err := rep.Transmit(ctx, []byte{0x00, 0xB2, 0x01, 0x0C, 0x00}); !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("recorded error: %v", err)
	}
	if err := rep.Reset(ctx, true); !errors.Is(err, transcript.ErrUnexpected) {
		t.Fatalf("cold instead of warm: %v", err)
	}
	if err := rep.Reset(ctx, false); !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("recorded reset error: %v", err)
	}
	if _, err := rep.Transmit(ctx, []byte{0, 0, 0, 0}); !errors.Is(err, transcript.ErrUnexpected) || !strings.Contains(err.Error(), "ends") {
		t.Fatalf("past the end: %v", err)
	}
	if err := rep.Remaining(); err != nil {
		t.Error(err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"> 00A4 zz", "< 90", "protocol T=2", "reset hot", "bogus 00", "!",
		strings.Repeat("0", transcript.MaxLine+1),
	} {
		if _, err := transcript.Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%.20q) accepted", in)
		}
	}
}

// FuzzParse: no panic; whatever parses replays its own commands.
func FuzzParse(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte("atr 3B 86 01 48 55 4C 49 41 4E 81\n> 80EE000002CAFE00\n< CAFE9000\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := transcript.Parse(b)
		if err != nil {
			return
		}
		rep := transcript.NewReplay(tr, "fuzz")
		for _, e := range tr.Entries {
			if e.Kind == transcript.KindCommand {
				_, _ = rep.Transmit(context.Background(), e.Data)
			}
		}
	})
}
