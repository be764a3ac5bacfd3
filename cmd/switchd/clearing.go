package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/hulian/hulian/switch/clearing"
	"github.com/hulian/hulian/switch/journal"
)

// runClearing is `switchd clearing`: it clears one business date of the
// journal and writes the clearing files and the settlement report.
//
//	switchd clearing --config FILE --date YYYY-MM-DD [--out DIR]
//	switchd clearing --journal URL --date YYYY-MM-DD --out DIR [--names id=name,...]
//
// With --config the journal, the output directory (clearing.dir) and the
// institution names come from the switch's configuration, unless given as
// flags. URL is "sqlite:PATH" or "postgres://...". It prints the paths
// written and one line per institution and currency.
func runClearing(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("switchd clearing", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "switchd configuration `file`: the journal, output directory (clearing.dir) and institution names come from it unless given as flags")
	url := fs.String("journal", "", `journal URL: "sqlite:PATH" or "postgres://..."`)
	date := fs.String("date", "", "business date to clear, YYYY-MM-DD")
	out := fs.String("out", "", "directory for the clearing files")
	namesFlag := fs.String("names", "", "institution display names: id=name,id=name")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: switchd clearing (--config FILE | --journal URL --out DIR) --date YYYY-MM-DD [--names id=name,...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("clearing: unexpected argument %q", fs.Arg(0))
	}
	if *configPath != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := clearingDefaults(*configPath, set, url, out, namesFlag); err != nil {
			return err
		}
	}
	switch {
	case *url == "":
		return errors.New("clearing: --journal (or --config) is required")
	case *date == "":
		return errors.New("clearing: --date is required")
	case *out == "":
		return errors.New("clearing: --out (or clearing.dir in --config) is required")
	}
	if _, err := clearing.ParseDate(*date); err != nil {
		return err
	}
	names, err := parseNames(*namesFlag)
	if err != nil {
		return err
	}
	rep, err := clearDay(ctx, *url, *date, names)
	if err != nil {
		return err
	}
	paths, err := rep.Write(*out)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(stdout, p)
	}
	printSummary(stdout, rep)
	return nil
}

// clearDay reads the date's records from the journal and builds the report.
func clearDay(ctx context.Context, url, date string, names map[string]string) (*clearing.Report, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		// Opening would create an empty journal: a typo must not clear nothing.
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("clearing: --journal: %w", err)
		}
	}
	j, err := journal.Open(ctx, url, journal.Options{
		Node:    "clearing",
		HashKey: []byte("clearing-never-hashes-a-pan"), // required by Open; clearing never hashes
	})
	if err != nil {
		return nil, err
	}
	defer j.Close()
	settled, err := j.Settled(ctx, date)
	if err != nil {
		return nil, err
	}
	day, err := j.Day(ctx, date)
	if err != nil {
		return nil, err
	}
	return clearing.Build(date, settled, day, names)
}

// parseNames reads "id=name,id=name".
func parseNames(s string) (map[string]string, error) {
	names := make(map[string]string)
	if s == "" {
		return names, nil
	}
	for _, pair := range strings.Split(s, ",") {
		id, name, ok := strings.Cut(pair, "=")
		id, name = strings.TrimSpace(id), strings.TrimSpace(name)
		if !ok || id == "" {
			return nil, fmt.Errorf("clearing: --names: %q is not id=name", pair)
		}
		if _, dup := names[id]; dup {
			return nil, fmt.Errorf("clearing: --names: institution %q named twice", id)
		}
		names[id] = name
	}
	return names, nil
}

// printSummary writes one line per institution and currency, then the
// reconciliation in one line.
func printSummary(w io.Writer, rep *clearing.Report) {
	for _, inst := range rep.Institutions {
		label := inst.ID
		if inst.Name != "" {
			label += " (" + inst.Name + ")"
		}
		if len(inst.Positions) == 0 {
			fmt.Fprintf(w, "%s: no cleared transactions\n", label)
		}
		for _, p := range inst.Positions {
			fmt.Fprintf(w, "%s: currency %s, %d transactions, receivable %d, payable %d, net %+d\n",
				label, p.Currency, p.Count, p.Receivable, p.Payable, p.Net)
		}
	}
	rc := rep.Reconciliation
	curs := make([]string, 0, len(rc.SettledAmount))
	for c := range rc.SettledAmount {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	amounts := make([]string, 0, len(curs))
	for _, c := range curs {
		amounts = append(amounts, fmt.Sprintf("%s %d", c, rc.SettledAmount[c]))
	}
	if len(amounts) == 0 {
		amounts = append(amounts, "no amount")
	}
	fmt.Fprintf(w, "%s: %d records, %d cleared (%s); excluded: %d reversed, %d declined, %d timed out, %d rejected, %d unanswered, %d not financial, %d zero amount, %d reversal messages\n",
		rep.Date, rc.Records, rc.Cleared, strings.Join(amounts, ", "), rc.Reversed, rc.Declined, rc.TimedOut,
		rc.Rejected, rc.Forwarded+rc.Other, rc.NonFinancial, rc.ZeroAmount, rc.ReversalMessages)
}
