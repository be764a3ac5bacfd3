package report

import (
	"encoding/json"
	"io"
)

// jsonRun adds the summary to a Run for the JSON rendering.
type jsonRun struct {
	*Run
	Summary  Summary `json:"summary"`
	Conforms bool    `json:"conforms"`
}

// WriteJSON writes the whole run as indented JSON.
func WriteJSON(w io.Writer, r *Run) error {
	r = r.redacted()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonRun{Run: r, Summary: r.Summary(), Conforms: r.Conforms()})
}
