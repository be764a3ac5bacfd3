package simcard

import (
	"bytes"

	"github.com/hulian/hulian/card/apdu"
)

// selectFile is SELECT by DF name (EMV Book 1 11.3, JR/T 0025.5 5.4.12):
// P1 04; P2 00 first/only occurrence, 02 next occurrence.
func (c *Card) selectFile(cmd apdu.Command) []byte {
	if cmd.P1 != 0x04 || cmd.P2&^0x02 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	if len(cmd.Data) < 1 || len(cmd.Data) > 16 {
		return status(apdu.SWWrongLength)
	}
	if d := c.directoryNamed(cmd.Data); d != nil {
		return c.selectDirectory(d, cmd.Data)
	}
	if bytes.Equal(cmd.Data, []byte("1PAY.SYS.DDF01")) || bytes.Equal(cmd.Data, []byte("2PAY.SYS.DDF01")) {
		c.sess.reset()
		return status(apdu.SWFileNotFound)
	}
	next := cmd.P2 == 0x02 && !c.defects.on(DefectSelectNextIgnored)
	i := c.findApp(cmd.Data, next)
	c.sess.reset()
	if i < 0 {
		return status(apdu.SWFileNotFound)
	}
	a := c.apps[i]
	c.sess.kind, c.sess.app, c.sess.phase = selApp, i, phaseSelected
	if c.appState(a).Blocked && !c.defects.on(DefectNo6283WhenBlocked) {
		return respond(a.fci, apdu.SWWarnFileInvalidated)
	}
	return respond(a.fci, apdu.SWOK)
}

func (c *Card) directoryNamed(name []byte) *directory {
	for _, d := range []*directory{c.pse, c.ppse} {
		if d != nil && bytes.Equal(d.name, name) {
			return d
		}
	}
	return nil
}

func (c *Card) selectDirectory(d *directory, name []byte) []byte {
	c.sess.reset()
	c.sess.kind = selPPSE
	if d == c.pse {
		c.sess.kind = selPSE
	}
	return respond(d.fci, apdu.SWOK)
}

// findApp returns the index of the first application whose AID starts with
// name (partial selection, EMV Book 1 11.3.5); with next it starts after the
// currently selected application.
func (c *Card) findApp(name []byte, next bool) int {
	start := 0
	if next && c.sess.kind == selApp {
		start = c.sess.app + 1
	}
	for i := start; i < len(c.apps); i++ {
		if bytes.HasPrefix(c.apps[i].aid, name) {
			return i
		}
	}
	return -1
}
