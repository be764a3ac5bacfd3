package simcard

import "github.com/hulian/hulian/card/apdu"

// handler answers one parsed command.
type handler func(c *Card, cmd apdu.Command) []byte

// dispatch parses and routes a command APDU by CLA and INS.
func (c *Card) dispatch(raw []byte) []byte {
	// A GET CHALLENGE answer is good for the next command only.
	c.sess.prevChallenge, c.sess.challenge = c.sess.challenge, nil
	cmd, ok := parseCommand(raw)
	if !ok {
		return status(apdu.SWWrongLength)
	}
	if c.state.CardBlocked {
		return status(apdu.SWFunctionNotSupported)
	}
	h := route(cmd.CLA, cmd.INS)
	switch {
	case h != nil:
		return fitShort(cmd, h(c, cmd))
	case !knownClass(cmd.CLA):
		return status(apdu.SWCLANotSupported)
	case c.defects.on(DefectWrongSWUnknownINS):
		return status(apdu.SWCLANotSupported)
	}
	return status(apdu.SWINSNotSupported)
}

func knownClass(cla byte) bool { return cla == 0x00 || cla == 0x80 || cla == 0x84 || cla == 0x04 }

// route maps CLA/INS to a handler (EMV Book 3 6.5, JR/T 0025.5 5.4).
func route(cla, ins byte) handler {
	switch cla {
	case 0x00:
		switch ins {
		case 0xA4:
			return (*Card).selectFile
		case 0xB2:
			return (*Card).readRecord
		case 0x20:
			return (*Card).verify
		case 0x88:
			return (*Card).internalAuthenticate
		case 0x82:
			return (*Card).externalAuthenticate
		case 0x84:
			return (*Card).getChallenge
		}
	case 0x80:
		switch ins {
		case 0xA8:
			return (*Card).gpo
		case 0xAE:
			return (*Card).generateAC
		case 0xCA:
			return (*Card).getData
		}
	case 0x84, 0x04:
		return scriptRoute(cla, ins)
	}
	return nil
}

func scriptRoute(cla, ins byte) handler {
	switch {
	case ins == 0xDA:
		return (*Card).putData
	case cla == 0x84 && ins == 0x1E:
		return (*Card).appBlock
	case cla == 0x84 && ins == 0x18:
		return (*Card).appUnblock
	case cla == 0x84 && ins == 0x16:
		return (*Card).cardBlock
	case cla == 0x84 && ins == 0x24:
		return (*Card).pinChangeUnblock
	}
	return nil
}

// selected returns the selected application, or nil.
func (c *Card) selected() *app {
	if c.sess.kind != selApp || c.sess.app < 0 || c.sess.app >= len(c.apps) {
		return nil
	}
	return c.apps[c.sess.app]
}

// maxShortData is the most data a card returns to a short command (Le 00
// means 256, ISO/IEC 7816-3 12.1.3).
const maxShortData = 256

// fitShort keeps an answer to a short command within maxShortData: data a
// profile makes longer (a record of 300 bytes) is not sent; the card
// answers 6700 (wrong length), as a card with no GET RESPONSE chaining for
// it would.
func fitShort(cmd apdu.Command, resp []byte) []byte {
	if cmd.Extended || len(resp)-2 <= maxShortData {
		return resp
	}
	return status(apdu.SWWrongLength)
}
