// Package transcripttest is the test helper of card/transcript: one test
// body runs against the live card stack when recording (go test -update)
// and against the recorded transcript otherwise.
//
//	var update = flag.Bool("update", false, "record transcripts")
//	tr := transcripttest.ForTest(t, *update, func(t testing.TB) card.Transport { ... live ... })
//
// Transcripts live in testdata/transcripts/<TestName>.apdu at the module
// root.
package transcripttest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/transcript"
)

// Path returns <module root>/testdata/transcripts/<test name>.apdu; "/"
// and spaces in subtest names become "_".
func Path(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("transcripttest: no go.mod above the test directory")
		}
		dir = parent
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return filepath.Join(dir, "testdata", "transcripts", name+".apdu")
}

// ForTest is Open with Path(t).
func ForTest(t testing.TB, update bool, live func(testing.TB) card.Transport) card.Transport {
	t.Helper()
	return Open(t, Path(t), update, live)
}

// Open returns a transport for the test. With update it calls live and
// records the session, writing path when the test ends without failure.
// Without update it replays path; the test fails if the session stops
// before the transcript's end.
func Open(t testing.TB, path string, update bool, live func(testing.TB) card.Transport) card.Transport {
	t.Helper()
	if update {
		var buf bytes.Buffer
		rec := transcript.NewRecorder(live(t), &buf, "recorded by "+t.Name()+" (go test -update)")
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("transcript %s not written: the test failed", path)
				return
			}
			if err := errors.Join(rec.Err(), os.MkdirAll(filepath.Dir(path), 0o755), os.WriteFile(path, buf.Bytes(), 0o644)); err != nil {
				t.Errorf("writing transcript: %v", err)
			}
		})
		return rec
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("no transcript %s: record it with go test -update (needs the live stack: make pcscd)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	tr, err := transcript.Parse(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rep := transcript.NewReplay(tr, filepath.Base(path))
	t.Cleanup(func() {
		if err := rep.Remaining(); err != nil && !t.Failed() {
			t.Error(err)
		}
	})
	return rep
}
