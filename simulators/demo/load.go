package demo

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/load"
)

// loadCodesOK returns the response codes a healthy load burst gets from
// the accounts: approvals, and the low-balance and limited cards of
// testdata/issuer/accounts.yaml declining.
func loadCodesOK() []string { return []string{"00", "51", "61"} }

// maxLateShare is the share of requests an open-loop burst may skip
// (in-flight cap full at their time) before the demo says the machine did
// not hold the rate.
const maxLateShare = 0.01

// loadResult is the burst's outcome and whether it behaved.
type loadResult struct {
	res      load.Result
	problems []string
	err      error
}

// loadBurst sends an open-loop burst of the mix file's transactions at
// rate per second for d over cl, with cards drawn from the accounts files
// and PIN blocks from pins (nil: no PIN transactions), and prints its
// figures.
func loadBurst(ctx context.Context, w io.Writer, cl *acquirer.Client, f *demoFlags, da *demoAccounts, pins load.PINSource, acqID string) loadResult {
	mix, err := load.LoadMix(f.loadMix)
	if err != nil {
		return loadResult{err: err}
	}
	mix.Acquirers = []string{acqID}
	cards, err := load.CardsFromAccounts(da.files, time.Now())
	if err != nil {
		return loadResult{err: err}
	}
	if pins == nil {
		mix.Weights[load.TypePIN] = 0
	}
	gen, err := load.NewGenerator(load.GeneratorConfig{Mix: mix, Cards: cards, Connections: []string{acqID}, PIN: pins, Seed: 1})
	if err != nil {
		return loadResult{err: err}
	}
	fmt.Fprintf(w, "\nload burst: open loop, %.0f requests/s for %s (%s, %d cards)\n", f.loadRate, f.loadDuration, f.loadMix, len(cards))
	res, err := load.Run(ctx, load.Options{Clients: []*acquirer.Client{cl}, Rate: f.loadRate, Duration: f.loadDuration,
		InFlight: 256, Timeout: f.timeout, Generator: gen})
	if err != nil {
		return loadResult{err: err}
	}
	lr := loadResult{res: res, problems: loadProblems(res)}
	fmt.Fprintf(w, "  sent %d, answered %d in %s: achieved %.0f/s (intended %.0f/s), late %d, errors %d\n",
		res.Sent, res.Completed, res.Elapsed.Round(time.Millisecond), res.AchievedRate, res.IntendedRate, res.Late, res.Errors)
	fmt.Fprintf(w, "  latency p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		roundLat(res.P50), roundLat(res.P90), roundLat(res.P99), roundLat(res.P999), roundLat(res.Max))
	fmt.Fprintf(w, "  response codes %s\n", codeCounts(res.ByCode))
	fmt.Fprintf(w, "  by type (sent/approved) %s\n", byType(res.ByType))
	for _, p := range lr.problems {
		fmt.Fprintf(w, "  UNEXPECTED: %s\n", p)
	}
	return lr
}

// byType renders the per-type counts in a fixed order.
func byType(m map[string]load.TypeCount) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d/%d", n, m[n].Sent, m[n].Approved)
	}
	return strings.Join(parts, ", ")
}

// loadProblems lists what went wrong in a burst: requests without an
// answer, too many late ones, codes other than loadCodesOK.
func loadProblems(r load.Result) []string {
	var out []string
	if r.Errors > 0 {
		out = append(out, fmt.Sprintf("%d requests without a usable answer (%s)", r.Errors, codeCounts(r.ErrorsByKind)))
	}
	if planned := r.Sent + r.Late; planned > 0 && float64(r.Late) > maxLateShare*float64(planned) {
		out = append(out, fmt.Sprintf("%d of %d requests late: this machine did not hold the rate (lower --load-rate)", r.Late, planned))
	}
	var odd []string
	okCodes := loadCodesOK()
	for code, n := range r.ByCode {
		if !slices.Contains(okCodes, code) {
			odd = append(odd, fmt.Sprintf("%s=%d", code, n))
		}
	}
	if len(odd) > 0 {
		slices.Sort(odd)
		out = append(out, fmt.Sprintf("response codes other than %s: %s", strings.Join(okCodes, ", "), strings.Join(odd, " ")))
	}
	if r.Completed == 0 {
		out = append(out, "no request was answered")
	}
	return out
}

// maxLoadSTANs bounds the requests of a burst: its STANs (1, 2, ... from
// the load generator's request counter) and the demo's other STANs must not
// meet within the 6-digit STAN space.
const maxLoadSTANs = 900000

// loadSTANs is how many STANs the burst may use: its requests and a margin.
func loadSTANs(f demoFlags) int {
	return int(f.loadRate*f.loadDuration.Seconds()*1.1) + 1000
}

// firstClientSTAN is the first STAN of the demo's acquirer client: past the
// range the load burst uses. The generator numbers its requests 1, 2, ...;
// a mix or chip request with the same STAN, acquirer and date would be a
// duplicate transmission that the switch answers with the first request's
// response.
func firstClientSTAN(f demoFlags) uint32 {
	if f.loadDuration <= 0 {
		return 1
	}
	return uint32(loadSTANs(f)) + 1
}

func roundLat(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
