package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/switch/config"
)

// maxSamples bounds the sample transaction lines of the report.
const maxSamples = 8

// printHeader names the switch, its institutions and its routes.
func printHeader(w io.Writer, cfg *config.Config, path string) {
	var acq, iss int
	for i := range cfg.Institutions {
		if isAcquirer(&cfg.Institutions[i]) {
			acq++
		}
		if isIssuer(&cfg.Institutions[i]) {
			iss++
		}
	}
	names := make([]string, len(cfg.Routes))
	for i, r := range cfg.Routes {
		names[i] = r.Name
	}
	fmt.Fprintf(w, "switch %s (%s): %d institutions (%d acquiring, %d issuing), %d listeners, %d routes (%s)\n",
		cfg.Switch.ID, path, len(cfg.Institutions), acq, iss, len(cfg.Listeners), len(cfg.Routes), strings.Join(names, ", "))
}

// printCategories prints one row per category and returns how many
// transactions got a code other than their category's.
func printCategories(w io.Writer, p *plan, res []result) int {
	got := make([]map[string]int, len(p.cats))
	counts := make([]int, len(p.cats))
	for i, t := range p.txns {
		if got[t.cat] == nil {
			got[t.cat] = make(map[string]int)
		}
		got[t.cat][res[i].code]++
		counts[t.cat]++
	}
	fmt.Fprintf(w, "\n%-28s %-15s %-14s %5s  %-4s  %s\n", "category", "what", "route", "count", "want", "got")
	unexpected := 0
	for c, cat := range p.cats {
		bad := counts[c] - got[c][cat.want]
		unexpected += bad
		mark := ""
		if bad > 0 {
			mark = "   <- UNEXPECTED"
		}
		fmt.Fprintf(w, "%-28s %-15s %-14s %5d  %-4s  %s%s\n", cat.name, cat.detail, cat.route, counts[c], cat.want, codeCounts(got[c]), mark)
	}
	return unexpected
}

// codeCounts renders {"00": 3, "91": 1} as "00=3 91=1".
func codeCounts(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = c + "=" + strconv.Itoa(m[c])
	}
	return strings.Join(parts, " ")
}

// printSamples prints the first transaction of each sample category. The
// PAN is shown only masked.
func printSamples(w io.Writer, p *plan, res []result) {
	fmt.Fprintln(w, "\nsample transactions:")
	shown := make(map[int]bool)
	for i, t := range p.txns {
		cat := &p.cats[t.cat]
		if !cat.sample || shown[t.cat] || len(shown) == maxSamples {
			continue
		}
		shown[t.cat] = true
		who := "f100 " + cat.receiving
		if t.pan != "" {
			who = "pan " + pan.Mask([]byte(t.pan))
		}
		fmt.Fprintf(w, "  %-30s %s %s  %-24s %12s  %-28s code %s  %s\n",
			cat.name+" "+cat.detail, cat.mti, cat.proc, who, formatAmount(t.amount), routeLabel(cat),
			res[i].code, res[i].latency.Round(10*time.Microsecond))
	}
}

// routeLabel says who should answer: "route -> issuer" or the switch.
func routeLabel(c *category) string {
	switch {
	case c.issuer != "":
		return c.route + " -> " + c.issuer
	case c.route == "-":
		return "no route (switch)"
	}
	return c.route + " (refused by switch)"
}

// formatAmount renders 12 digits of minor units as "1234.56".
func formatAmount(a string) string {
	v, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return a
	}
	return fmt.Sprintf("%d.%02d", v/100, v%100)
}

// printTotals prints counts, throughput and latency percentiles.
func printTotals(w io.Writer, res []result, elapsed time.Duration, unexpected int) {
	lat := make([]time.Duration, len(res))
	errs := 0
	for i, r := range res {
		lat[i] = r.latency
		if r.err != nil {
			errs++
		}
	}
	slices.Sort(lat)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(len(res)) / elapsed.Seconds()
	}
	fmt.Fprintf(w, "\ntotal: %d transactions in %s (%.0f/s), latency p50 %s p99 %s; %d as expected, %d unexpected, %d without response\n",
		len(res), elapsed.Round(time.Millisecond), rate, percentile(lat, 50), percentile(lat, 99), len(res)-unexpected, unexpected, errs)
}

// percentile returns the q-th percentile of sorted durations.
func percentile(sorted []time.Duration, q int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*q + 99) / 100
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}

// printIssuerCheck compares the requests each issuer institution's hosts
// received with the transactions the plan routes to it; it returns how many
// institutions differ.
func printIssuerCheck(w io.Writer, p *plan, hosts []*issuerHost) int {
	want := make(map[string]int)
	for _, t := range p.txns {
		if id := p.cats[t.cat].issuer; id != "" {
			want[id]++
		}
	}
	fmt.Fprintln(w, "\nissuer hosts (requests received):")
	got := issuerRequests(hosts)
	bad := 0
	for i, h := range hosts {
		if i > 0 && hosts[i-1].inst == h.inst {
			continue
		}
		var per []string
		for _, o := range hosts[i:] {
			if o.inst == h.inst {
				per = append(per, fmt.Sprintf("%s %d", o.addr, o.sim.Stats().Requests))
			}
		}
		mark := ""
		if got[h.inst.ID] != want[h.inst.ID] {
			bad++
			mark = "   <- UNEXPECTED"
		}
		fmt.Fprintf(w, "  %-11s %-18s %4d, expected %4d  (%s)%s\n", h.inst.ID, h.inst.Name, got[h.inst.ID], want[h.inst.ID], strings.Join(per, ", "), mark)
	}
	return bad
}

// printMetrics shows the interesting lines of switchd's /metrics.
func printMetrics(ctx context.Context, w io.Writer, adminAddr string) {
	if adminAddr == "" {
		fmt.Fprintln(w, "\nswitchd metrics: no admin port configured")
		return
	}
	url := "http://" + adminAddr + "/metrics"
	body, err := httpGet(ctx, &http.Client{Timeout: httpTimeout}, url)
	if err != nil {
		fmt.Fprintf(w, "\nswitchd metrics: %v\n", err)
		return
	}
	fmt.Fprintf(w, "\nswitchd metrics (%s):\n", url)
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	for sc.Scan() {
		if line := sc.Text(); showMetric(line) {
			fmt.Fprintln(w, "  "+line)
		}
	}
}

// showMetric reports whether a /metrics line is one the report shows:
// responses, timeouts and unmatched responses, and links above zero.
func showMetric(line string) bool {
	if strings.HasPrefix(line, "hulian_switch_links{") {
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		return i > 0 && err == nil && v > 0
	}
	for _, p := range []string{
		"hulian_switch_responses_total",
		"hulian_switch_timeouts_total",
		"hulian_switch_unmatched_responses_total",
	} {
		if strings.HasPrefix(line, p+"{") || strings.HasPrefix(line, p+" ") {
			return true
		}
	}
	return false
}
