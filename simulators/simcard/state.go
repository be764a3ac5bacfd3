package simcard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// maxStateFile bounds a state file.
const maxStateFile = 1 << 20

// State is the card's persistent state: what survives a power cycle.
type State struct {
	CardBlocked bool                 `json:"card_blocked"`
	Apps        map[string]*AppState `json:"apps"` // key: AID in hex
}

// AppState is one application's persistent state.
type AppState struct {
	ATC                uint16 `json:"atc"`
	LastOnlineATC      uint16 `json:"last_online_atc"`
	PINTries           int    `json:"pin_tries"`
	ECBalance          int64  `json:"ec_balance"`
	ECLimit            int64  `json:"ec_limit"`
	ECSingleLimit      int64  `json:"ec_single_limit"`
	ECResetThreshold   int64  `json:"ec_reset_threshold"`
	Blocked            bool   `json:"blocked"`
	ConsecutiveOffline int    `json:"consecutive_offline"`
	// PINBlock is set only after a PIN CHANGE script (a TEST PIN, ISO 9564
	// format 2); empty means the personalised PIN.
	PINBlock Hex   `json:"pin_block,omitempty"`
	Log      []Hex `json:"log,omitempty"` // newest first, raw log records
}

// initialState is the state of a freshly personalised card.
func initialState(apps []*app) *State {
	st := &State{Apps: make(map[string]*AppState, len(apps))}
	for _, a := range apps {
		st.Apps[Hex(a.aid).String()] = a.initial()
	}
	return st
}

// loadState reads path; a missing file yields nil, nil. Applications
// missing from the file keep their personalised state.
func loadState(path string, apps []*app) (*State, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrState, err)
	}
	defer f.Close()
	b, err := readAllMax(f, maxStateFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrState, err)
	}
	st := initialState(apps)
	var fromFile State
	if err := json.Unmarshal(b, &fromFile); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrState, path, err)
	}
	st.CardBlocked = fromFile.CardBlocked
	for k, v := range fromFile.Apps {
		if _, ok := st.Apps[k]; ok && v != nil {
			st.Apps[k] = v
		}
	}
	return st, nil
}

// save writes the state to path atomically.
func (s *State) save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("%w: %v", ErrState, err)
	}
	return nil
}

// clone returns a deep copy (for State()).
func (s *State) clone() *State {
	out := &State{CardBlocked: s.CardBlocked, Apps: make(map[string]*AppState, len(s.Apps))}
	for k, v := range s.Apps {
		c := *v
		c.Log = append([]Hex(nil), v.Log...)
		c.PINBlock = append(Hex(nil), v.PINBlock...)
		out.Apps[k] = &c
	}
	return out
}
