package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hulian/hulian/switch/clearing"
	"github.com/hulian/hulian/switch/config"
	"github.com/hulian/hulian/switch/journal"
	"github.com/hulian/hulian/switch/metrics"
)

// openJournal opens the configured journal, or returns nil when the
// configuration has none.
func openJournal(ctx context.Context, cfg *config.Config, m *metrics.Metrics) (*journal.Journal, error) {
	if cfg.Journal.URL == "" {
		return nil, nil
	}
	key, err := os.ReadFile(cfg.Journal.HashKeyFile)
	if err != nil {
		return nil, fmt.Errorf("journal.hash_key_file: %w", err)
	}
	j, err := journal.Open(ctx, cfg.Journal.URL, journal.Options{Node: cfg.Switch.Node, HashKey: key,
		MaxBacklog: cfg.Journal.MaxBacklog, OnCommit: m.JournalCommit})
	if err != nil {
		return nil, fmt.Errorf("journal.url: %w", err)
	}
	return j, nil
}

// businessDay returns the business-day function of the configuration's
// clearing cut-off.
func businessDay(cfg *config.Config) (func(time.Time) string, error) {
	c, err := clearing.ParseCutoff(cfg.Clearing.Cutoff, cfg.Clearing.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("clearing: %w", err)
	}
	return clearing.NewDayMemo(c).Date, nil
}

// clearingDefaults fills the clearing flags not set on the command line
// from the switch's configuration: the journal URL, clearing.dir and the
// institutions' display names.
func clearingDefaults(path string, set map[string]bool, url, out, names *string) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	if !set["journal"] {
		*url = cfg.Journal.URL
	}
	if !set["out"] {
		*out = cfg.Clearing.Dir
	}
	if !set["names"] {
		var list []string
		for _, in := range cfg.Institutions {
			if in.Name != "" && !strings.ContainsAny(in.Name, ",=") {
				list = append(list, in.ID+"="+in.Name)
			}
		}
		*names = strings.Join(list, ",")
	}
	return nil
}

// adminToken reads the admin bearer token; without admin.token_file the
// state-changing admin endpoints are refused.
func adminToken(cfg *config.Config) ([]byte, error) {
	if cfg.Admin.TokenFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(cfg.Admin.TokenFile)
	if err != nil {
		return nil, fmt.Errorf("admin.token_file: %w", err)
	}
	token := []byte(strings.TrimSpace(string(b)))
	if len(token) < 16 {
		return nil, fmt.Errorf("admin.token_file: the token must be at least 16 characters")
	}
	return token, nil
}
