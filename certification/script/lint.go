package script

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// Suite is every script file of a directory, parsed.
type Suite struct {
	Dir   string
	Files []*File
}

// Cases returns every case of the suite in file order.
func (s *Suite) Cases() []Case {
	var out []Case
	for _, f := range s.Files {
		out = append(out, f.Cases...)
	}
	return out
}

// maxFiles bounds a suite.
const maxFiles = 1000

// Load parses every .yaml/.yml file under dir (sorted by path) and checks
// the suite as a whole: case ids are unique across files. The error, when
// not nil, is Problems listing everything found; the suite is returned even
// then, so a caller can show what did parse.
func Load(dir string) (*Suite, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			paths = append(paths, path)
		}
		if len(paths) > maxFiles {
			return fmt.Errorf("more than %d script files under %s", maxFiles, dir)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no script files (.yaml) under %s", dir)
	}
	sort.Strings(paths)
	s := &Suite{Dir: dir}
	var all Problems
	seen := map[string]*Case{}
	for _, p := range paths {
		f, err := ParseFile(p)
		var ps Problems
		switch {
		case errors.As(err, &ps):
			all = append(all, ps...)
		case err != nil:
			return nil, err
		}
		if f == nil {
			continue
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			if c.ID == "" {
				continue
			}
			if prev, dup := seen[c.ID]; dup {
				all = append(all, &Problem{File: c.File, Line: c.Line,
					Msg: fmt.Sprintf("case id %s is already used at %s:%d", c.ID, prev.File, prev.Line)})
				continue
			}
			seen[c.ID] = c
		}
		s.Files = append(s.Files, f)
	}
	if len(all) > 0 {
		return s, all
	}
	return s, nil
}
