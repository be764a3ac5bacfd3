package route

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hulian/hulian/switch/config"
)

// FromConfig maps the routes of a configuration to Specs, in order. A route
// without a timeout takes its issuer institution's timeout (and
// config.DefaultTimeout if that is unset too). It fails when c is nil or a
// route names an unknown issuer. Slices are copied: the Specs do not alias c.
func FromConfig(c *config.Config) ([]Spec, error) {
	if c == nil {
		return nil, errors.New("route: nil config")
	}
	specs := make([]Spec, 0, len(c.Routes))
	for i, r := range c.Routes {
		inst := c.Institution(r.Issuer)
		if inst == nil {
			return nil, fmt.Errorf("route: routes[%d] (%q): no institution with id %q", i, r.Name, r.Issuer)
		}
		timeout := r.Timeout.D()
		if timeout == 0 {
			timeout = inst.Timeout.D()
		}
		if timeout == 0 {
			timeout = config.DefaultTimeout
		}
		specs = append(specs, Spec{
			Name:            r.Name,
			Issuer:          r.Issuer,
			BINs:            slices.Clone(r.BINs),
			Receiving:       slices.Clone(r.Receiving),
			MTIs:            slices.Clone(r.MTIs),
			ProcessingCodes: slices.Clone(r.ProcessingCodes),
			Timeout:         timeout,
		})
	}
	return specs, nil
}
