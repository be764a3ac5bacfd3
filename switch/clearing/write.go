package clearing

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// Write writes the report's files into dir (created when missing), each
// atomically (a temporary file in dir, synced, then renamed over the
// target), and returns their paths: one clearing file per institution in
// ID order, then settlement-<date>.csv and settlement-<date>.txt. The same
// report always produces byte-identical files. LAYOUT.md documents them.
func (r *Report) Write(dir string) ([]string, error) {
	if _, err := ParseDate(r.Date); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("clearing: output directory: %w", err)
	}
	var paths []string
	put := func(name string, data []byte) error {
		p := filepath.Join(dir, name)
		if err := writeAtomic(p, data); err != nil {
			return err
		}
		paths = append(paths, p)
		return nil
	}
	for i := range r.Institutions {
		if !validID(r.Institutions[i].ID) {
			return nil, fmt.Errorf("clearing: institution id %q is not usable in a file name", r.Institutions[i].ID)
		}
	}
	for i := range r.Institutions {
		inst := &r.Institutions[i]
		var b bytes.Buffer
		if err := writeClearingCSV(&b, r.Date, inst); err != nil {
			return paths, err
		}
		if err := put(ClearingFileName(r.Date, inst.ID), b.Bytes()); err != nil {
			return paths, err
		}
	}
	var sc, st bytes.Buffer
	if err := writeSettlementCSV(&sc, r); err != nil {
		return paths, err
	}
	if err := writeSettlementText(&st, r); err != nil {
		return paths, err
	}
	if err := put("settlement-"+r.Date+".csv", sc.Bytes()); err != nil {
		return paths, err
	}
	if err := put("settlement-"+r.Date+".txt", st.Bytes()); err != nil {
		return paths, err
	}
	return paths, syncDir(dir)
}

// ClearingFileName is the name of an institution's clearing file.
func ClearingFileName(date, institution string) string {
	return "clearing-" + date + "-" + institution + ".csv"
}

// writeAtomic replaces path with data so that a reader sees either the old
// file or the whole new one, never a partial file.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("clearing: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("clearing: write %s: %w", filepath.Base(path), err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("clearing: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("clearing: sync %s: %w", filepath.Base(path), err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("clearing: close %s: %w", filepath.Base(path), err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("clearing: %w", err)
	}
	return nil
}

// syncDir makes the renames durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("clearing: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("clearing: sync directory: %w", err)
	}
	return nil
}
