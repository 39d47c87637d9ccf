package harness

import (
	"fmt"
	"os"
	"testing"
)

// processTB stands in for a *testing.T when a server is started from
// TestMain, where no test exists yet: failures become errors returned by
// StartMain, and cleanups run when the stop function is called.
type processTB struct {
	testing.TB // nil; only the methods below are called by this package
	cleanups   []func()
}

type startFailure struct{ msg string }

func (p *processTB) Helper()                         {}
func (p *processTB) Cleanup(f func())                { p.cleanups = append(p.cleanups, f) }
func (p *processTB) Logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
func (p *processTB) Fatal(args ...any)               { panic(startFailure{fmt.Sprint(args...)}) }
func (p *processTB) Fatalf(format string, args ...any) {
	panic(startFailure{fmt.Sprintf(format, args...)})
}

func (p *processTB) TempDir() string {
	dir, err := os.MkdirTemp("", "flotilla-data-")
	if err != nil {
		p.Fatalf("create data dir: %v", err)
	}
	p.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (p *processTB) stop() {
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
	p.cleanups = nil
}

// StartMain starts a server outside any test, for a package-wide server set
// up in TestMain and shared by all of its tests. stop kills the server and
// removes its temporary data directory; call it once, after m.Run.
func StartMain(dataDir string, extraArgs ...string) (s *Server, stop func(), err error) {
	p := &processTB{}
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(startFailure)
			if !ok {
				panic(r)
			}
			p.stop()
			s, stop, err = nil, nil, fmt.Errorf("start flotilla: %s", f.msg)
		}
	}()
	s = Start(p, dataDir, extraArgs...)
	return s, p.stop, nil
}
