package runner

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/emv/tlv"
)

// act performs one action and returns the card's answer.
func (s *session) act(ctx context.Context, a script.Action, rs *report.Step) (answer, error) {
	switch a.Kind {
	case script.ActPowerOn:
		return s.powerOn(ctx, a.Args["mode"] != "warm", rs)
	case script.ActAPDU:
		return s.rawAPDU(ctx, a.Args["command"], rs)
	case script.ActSelect:
		return s.selectAction(ctx, a.Args, rs)
	case script.ActReadPSE:
		return s.readPSE(ctx, rs)
	case script.ActReadPPSE:
		return s.selectName(ctx, []byte("2PAY.SYS.DDF01"), false, rs)
	case script.ActGPO:
		return s.gpo(ctx, a.Args, rs)
	case script.ActReadRecord:
		return s.readRecordAction(ctx, a.Args, rs)
	case script.ActReadRecords:
		return s.readRecords(ctx, rs)
	case script.ActGetData:
		return s.getData(ctx, a.Args["tag"], rs)
	case script.ActVerify:
		return s.verify(ctx, a.Args, rs)
	case script.ActInternalAuth:
		return s.internalAuth(ctx, a.Args, rs)
	case script.ActGenerateAC:
		return s.generateAC(ctx, a.Args, rs)
	case script.ActExternalAuth:
		return s.externalAuth(ctx, a.Args, rs)
	case script.ActIssuerScript:
		return s.issuerScript(ctx, a.Args, rs)
	}
	return answer{}, fmt.Errorf("%w: unknown action %q", ErrScript, a.Kind)
}

// send encodes and transmits a command and parses the answer as TLV.
func (s *session) send(ctx context.Context, kind script.ActionKind, c apdu.Command, rs *report.Step) (answer, error) {
	cmd, err := c.Encode()
	if err != nil {
		return answer{}, fmt.Errorf("%w: %v", ErrScript, err)
	}
	data, sw, err := s.xmit(ctx, cmd, rs)
	if err != nil {
		return answer{}, err
	}
	return answer{action: kind, data: data, sw: sw, hasSW: true, list: parseAnswer(data)}, nil
}

// hexArg expands and decodes a hex parameter.
func (s *session) hexArg(v string) ([]byte, error) {
	x, err := s.expand(v)
	if err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(strings.ReplaceAll(x, " ", ""))
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not hex once its variables are substituted", ErrScript, v)
	}
	return b, nil
}

// intArg expands and reads an integer parameter.
func (s *session) intArg(v string) (int, error) {
	x, err := s.expand(v)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(x)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a whole number", ErrScript, x)
	}
	return n, nil
}

// powerOn resets the card; a new card session starts.
func (s *session) powerOn(ctx context.Context, cold bool, rs *report.Step) (answer, error) {
	t0 := time.Now()
	err := s.tr.Reset(ctx, cold)
	atr := s.tr.ATR()
	rs.Exchanges = append(rs.Exchanges, report.ResetExchange(cold, atr, time.Since(t0), err))
	if err != nil {
		return answer{}, err
	}
	s.data, s.gac = newStore(), nil
	return answer{action: script.ActPowerOn, atr: atr}, nil
}

// rawAPDU sends a command as written.
func (s *session) rawAPDU(ctx context.Context, v string, rs *report.Step) (answer, error) {
	cmd, err := s.hexArg(v)
	if err != nil {
		return answer{}, err
	}
	if len(cmd) < 4 {
		return answer{}, fmt.Errorf("%w: a command APDU has at least 4 bytes", ErrScript)
	}
	data, sw, err := s.xmit(ctx, cmd, rs)
	if err != nil {
		return answer{}, err
	}
	return answer{action: script.ActAPDU, data: data, sw: sw, hasSW: true, list: parseAnswer(data)}, nil
}

// selectAction is SELECT by AID (hex) or name (text).
func (s *session) selectAction(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	next := args["next"] == "true"
	if v, ok := args["name"]; ok {
		name, err := s.expand(v)
		if err != nil {
			return answer{}, err
		}
		return s.selectName(ctx, []byte(name), next, rs)
	}
	aid, err := s.hexArg(args["aid"])
	if err != nil {
		return answer{}, err
	}
	return s.selectName(ctx, aid, next, rs)
}

// selectName is SELECT by DF name (EMV Book 1 11.3), first or next
// occurrence. A successful SELECT starts a new application session.
func (s *session) selectName(ctx context.Context, name []byte, next bool, rs *report.Step) (answer, error) {
	c := apdu.Command{CLA: 0x00, INS: 0xA4, P1: 0x04, Data: name, Le: 256}
	if next {
		c.P2 = 0x02
	}
	ans, err := s.send(ctx, script.ActSelect, c, rs)
	if err != nil || (ans.sw != apdu.SWOK && ans.sw != apdu.SWWarnFileInvalidated) {
		return ans, err
	}
	s.data.fci, s.data.aip, s.data.afl, s.gac = ans.list, nil, nil, nil
	s.data.add(ans.list)
	s.data.aid = append([]byte(nil), name...)
	if df, ok := tlv.Find(ans.list, 0x84); ok {
		s.data.aid = append([]byte(nil), df.Value...)
	}
	return ans, nil
}

// readPSE selects the PSE and reads the records of its directory SFI
// (EMV Book 1 12.2.2) until the card answers 6A83.
func (s *session) readPSE(ctx context.Context, rs *report.Step) (answer, error) {
	ans, err := s.selectName(ctx, []byte("1PAY.SYS.DDF01"), false, rs)
	if err != nil || ans.sw != apdu.SWOK {
		return ans, err
	}
	sfi, ok := tlv.Find(ans.list, 0x88)
	if !ok || len(sfi.Value) != 1 {
		return ans, nil // the assertions say what is missing
	}
	ans.action = script.ActReadPSE
	for rec := 1; rec <= 16; rec++ {
		r, err := s.readRecord(ctx, int(sfi.Value[0]), rec, rs)
		if err != nil {
			return ans, err
		}
		if r.sw == apdu.SWRecordNotFound {
			break
		}
		ans.data = append(ans.data, r.data...)
		ans.list = append(ans.list, r.list...)
		if r.sw != apdu.SWOK {
			ans.sw = r.sw
			break
		}
	}
	return ans, nil
}

// readRecordAction is one READ RECORD.
func (s *session) readRecordAction(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	sfi, err := s.intArg(args["sfi"])
	if err != nil {
		return answer{}, err
	}
	rec, err := s.intArg(args["record"])
	if err != nil {
		return answer{}, err
	}
	if sfi < 1 || sfi > 30 || rec < 1 || rec > 255 {
		return answer{}, fmt.Errorf("%w: READ RECORD of SFI %d record %d: SFI is 1..30, record 1..255", ErrScript, sfi, rec)
	}
	return s.readRecord(ctx, sfi, rec, rs)
}

// readRecord is READ RECORD (EMV Book 3 6.5.11); a record read joins the
// card data.
func (s *session) readRecord(ctx context.Context, sfi, rec int, rs *report.Step) (answer, error) {
	ans, err := s.send(ctx, script.ActReadRecord, apdu.Command{INS: 0xB2, P1: byte(rec), P2: byte(sfi<<3 | 4), Le: 256}, rs)
	if err == nil && ans.sw == apdu.SWOK {
		s.data.records[[2]int{sfi, rec}] = append([]byte(nil), ans.data...)
		s.data.add(ans.list)
	}
	return ans, err
}

// readRecords reads every record the AFL lists.
func (s *session) readRecords(ctx context.Context, rs *report.Step) (answer, error) {
	if s.data.afl == nil {
		return answer{}, fmt.Errorf("%w: read_records: no AFL in this case yet (run gpo first)", ErrScript)
	}
	entries, err := kernel.ParseAFL(s.data.afl)
	if err != nil {
		return answer{}, failf("the AFL is malformed: %v", err)
	}
	all := answer{action: script.ActReadRecords, sw: apdu.SWOK, hasSW: true}
	for _, e := range entries {
		for rec := int(e.First); rec <= int(e.Last); rec++ {
			r, err := s.readRecord(ctx, int(e.SFI), rec, rs)
			if err != nil {
				return all, err
			}
			all.data = append(all.data, r.data...)
			all.list = append(all.list, r.list...)
			if r.sw == 0x6700 {
				return all, failf("READ RECORD of SFI %d record %d answered 6700 (wrong length) to a short command: "+
					"the record is longer than the 256 bytes a short answer carries", e.SFI, rec)
			}
			if r.sw != apdu.SWOK {
				all.sw = r.sw
				return all, nil
			}
		}
	}
	return all, nil
}

// getData is GET DATA (EMV Book 3 6.5.7) of a one- or two-byte tag.
func (s *session) getData(ctx context.Context, v string, rs *report.Step) (answer, error) {
	tag, err := s.hexArg(v)
	if err != nil {
		return answer{}, err
	}
	if len(tag) < 1 || len(tag) > 2 {
		return answer{}, fmt.Errorf("%w: GET DATA takes a one- or two-byte tag", ErrScript)
	}
	c := apdu.Command{CLA: 0x80, INS: 0xCA, P2: tag[len(tag)-1], Le: 256}
	if len(tag) == 2 {
		c.P1 = tag[0]
	}
	ans, err := s.send(ctx, script.ActGetData, c, rs)
	if err == nil && ans.sw == apdu.SWOK {
		s.data.add(ans.list)
	}
	return ans, err
}
