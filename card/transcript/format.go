package transcript

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/hulian/hulian/card"
)

// MaxLine bounds a transcript line: a 65,538-byte response in hex with a
// space between all bytes, and the prefix.
const MaxLine = 3*(65536+2) + 16

// Kind is the kind of a transcript entry.
type Kind int

// Entry kinds, one per line prefix.
const (
	KindATR      Kind = iota + 1 // atr
	KindProtocol                 // protocol
	KindCommand                  // >
	KindResponse                 // <
	KindError                    // !
	KindReset                    // reset warm|cold
)

// Entry is one line of a transcript.
type Entry struct {
	Line     int
	Kind     Kind
	Data     []byte        // ATR, command, response
	Protocol card.Protocol // KindProtocol
	Cold     bool          // KindReset
	Err      string        // KindError: sentinel name or text
}

// Transcript is a parsed transcript.
type Transcript struct {
	Entries []Entry
}

// Parse errors.
var (
	ErrSyntax   = errors.New("transcript: syntax error")
	ErrLongLine = errors.New("transcript: line too long")
)

// Parse reads a transcript. Errors name the line.
func Parse(b []byte) (*Transcript, error) {
	tr := &Transcript{}
	for n := 1; len(b) > 0; n++ {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) > MaxLine {
			return nil, fmt.Errorf("%w: line %d", ErrLongLine, n)
		}
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == '#' {
			continue
		}
		e, err := parseLine(s)
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrSyntax, n, err)
		}
		e.Line = n
		tr.Entries = append(tr.Entries, e)
	}
	return tr, nil
}

func parseLine(s string) (Entry, error) {
	word, rest, _ := strings.Cut(s, " ")
	rest = strings.TrimSpace(rest)
	switch word {
	case ">", "<", "atr":
		kind := map[string]Kind{">": KindCommand, "<": KindResponse, "atr": KindATR}[word]
		data, err := parseHex(rest)
		if err != nil {
			return Entry{}, err
		}
		if kind == KindResponse && len(data) < 2 {
			return Entry{}, errors.New("response without a status word")
		}
		return Entry{Kind: kind, Data: data}, nil
	case "!":
		if rest == "" {
			return Entry{}, errors.New("empty error")
		}
		return Entry{Kind: KindError, Err: rest}, nil
	case "protocol":
		for _, p := range []card.Protocol{card.ProtocolT0, card.ProtocolT1, card.ProtocolAny} {
			if rest == p.String() {
				return Entry{Kind: KindProtocol, Protocol: p}, nil
			}
		}
		return Entry{}, fmt.Errorf("unknown protocol %q", rest)
	case "reset":
		if rest != "warm" && rest != "cold" {
			return Entry{}, fmt.Errorf("reset %q: want warm or cold", rest)
		}
		return Entry{Kind: KindReset, Cold: rest == "cold"}, nil
	}
	return Entry{}, fmt.Errorf("unknown line kind %q", word)
}

func parseHex(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("bad hex: %v", err)
	}
	return b, nil
}

// sentinels are the card errors a transcript records by name.
func sentinels() []error {
	return []error{
		card.ErrNoService, card.ErrNoReader, card.ErrNoCard, card.ErrCardRemoved,
		card.ErrCardReset, card.ErrTimeout, card.ErrTransmit, card.ErrSharing,
		card.ErrProtocol, card.ErrClosed,
	}
}

func sentinelNames() []string {
	return []string{
		"ErrNoService", "ErrNoReader", "ErrNoCard", "ErrCardRemoved",
		"ErrCardReset", "ErrTimeout", "ErrTransmit", "ErrSharing",
		"ErrProtocol", "ErrClosed",
	}
}

// errorName returns the sentinel name of err, or its text on one line.
func errorName(err error) string {
	for i, s := range sentinels() {
		if errors.Is(err, s) {
			return sentinelNames()[i]
		}
	}
	return strings.Join(strings.Fields(err.Error()), " ")
}

// errorOf returns the recorded error: the sentinel it names, or ErrRecorded.
func errorOf(name string) error {
	for i, n := range sentinelNames() {
		if n == name {
			return sentinels()[i]
		}
	}
	return fmt.Errorf("%w: %s", ErrRecorded, name)
}

// ErrRecorded is replayed for a recorded error that is no card sentinel.
var ErrRecorded = errors.New("transcript: recorded error")
