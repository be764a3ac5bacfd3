package server

import (
	"sort"

	"github.com/hulian/hulian/switch/link"
)

// LinkStatus describes one connection for the admin status page.
type LinkStatus struct {
	Name      string `json:"name"`
	Direction string `json:"direction"`
	Remote    string `json:"remote"`
	State     string `json:"state"`
	InFlight  int64  `json:"in_flight"`
	Forwarded uint64 `json:"forwarded"` // requests forwarded on the link
}

// InstitutionStatus describes one institution for the admin status page.
type InstitutionStatus struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Role     string       `json:"role"`
	InFlight int          `json:"in_flight"`
	Links    []LinkStatus `json:"links"`
}

// Status is a snapshot of the switch's institutions and links.
type Status struct {
	SwitchID     string              `json:"switch_id"`
	Draining     bool                `json:"draining"`
	Routes       int                 `json:"routes"`
	Institutions []InstitutionStatus `json:"institutions"`
}

// Status reports the institutions and links as they are now.
func (s *Server) Status() Status {
	snap := s.snap.Load()
	st := Status{SwitchID: string(s.switchID), Draining: s.draining.Load(), Routes: len(snap.routes.Routes())}
	for _, inst := range snap.insts {
		set := inst.settings()
		is := InstitutionStatus{ID: inst.id, Name: set.cfg.Name, Role: set.cfg.Role, InFlight: inst.pending.Len()}
		for _, d := range []link.Direction{link.Inbound, link.Outbound} {
			for _, l := range inst.links(d) {
				is.Links = append(is.Links, LinkStatus{Name: l.Name(), Direction: d.String(),
					Remote: l.RemoteAddr().String(), State: l.State().String(), InFlight: l.InFlight().Load(),
					Forwarded: l.Forwarded().Load()})
			}
		}
		st.Institutions = append(st.Institutions, is)
	}
	sort.Slice(st.Institutions, func(i, j int) bool { return st.Institutions[i].ID < st.Institutions[j].ID })
	return st
}

// SignedOnLinks counts the signed-on links of an institution in a
// direction; tests and health checks use it.
func (s *Server) SignedOnLinks(id string, d link.Direction) int {
	inst := s.snap.Load().insts[id]
	if inst == nil {
		return 0
	}
	return inst.countLinks(d)[link.SignedOn]
}
