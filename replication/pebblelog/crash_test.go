package pebblelog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// crashDirEnv, when set, makes the test binary an appender that the crash
// test kills (see TestMain).
const crashDirEnv = "FLOTILLA_PEBBLELOG_CRASH_DIR"

const (
	crashGroups    = 4
	crashBatch     = 3    // entries per append
	crashMaxAppend = 2000 // appends per group before the child idles
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		if err := runAppender(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runAppender appends batches to crashGroups groups concurrently and
// prints "<group> <last index>" after each append returns; then it waits
// for stdin to close.
func runAppender(dir string) error {
	db, err := OpenDB(dir, nil, nil)
	if err != nil {
		return err
	}
	ss := New(db)
	var wg sync.WaitGroup
	errs := make(chan error, crashGroups)
	for g := range crashGroups {
		st, err := ss.Open(strconv.Itoa(g))
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range uint64(crashMaxAppend) {
				if err := st.StoreLogs(entries(a*crashBatch+1, (a+1)*crashBatch)); err != nil {
					errs <- err
					return
				}
				// One write per line: pipe writes this small are atomic.
				if _, err := fmt.Fprintf(os.Stdout, "%d %d\n", g, (a+1)*crashBatch); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	_, err = io.Copy(io.Discard, os.Stdin)
	return err
}

// TestCrashKeepsAcknowledgedAppends SIGKILLs a process in the middle of
// concurrent appends and checks, on reopening, that every append it had
// acknowledged is there in full.
func TestCrashKeepsAcknowledgedAppends(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := readAcks(t, cmd, out)
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("appender exited with %v, want killed; stderr: %s", err, stderr.String())
	}
	db, _ := openDB(t, dir)
	ss := New(db)
	for g := range crashGroups {
		st, err := ss.Open(strconv.Itoa(g))
		if err != nil {
			t.Fatal(err)
		}
		last, _ := st.LastIndex()
		if last < acked[g] || last%crashBatch != 0 {
			t.Errorf("group %d: last index %d after the crash, %d acknowledged (appends of %d)", g, last, acked[g], crashBatch)
		}
		assertHolds(t, st, 1, last, last)
		t.Logf("group %d: %d entries acknowledged, %d on disk", g, acked[g], last)
	}
}

// readAcks reads the appender's acknowledgements, kills it once every
// group has acknowledged a few appends, and returns the highest index
// each group acknowledged, including lines read after the kill.
func readAcks(t *testing.T, cmd *exec.Cmd, out io.Reader) map[int]uint64 {
	t.Helper()
	acked := map[int]uint64{}
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var g int
		var last uint64
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &g, &last); err != nil {
			t.Fatalf("appender said %q: %v", sc.Text(), err)
		}
		acked[g] = max(acked[g], last)
		if !killed && len(acked) == crashGroups && minAck(acked) >= 50*crashBatch {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	if !killed {
		t.Fatalf("appender stopped before the kill; acknowledged %v", acked)
	}
	return acked
}

func minAck(acked map[int]uint64) uint64 {
	m := ^uint64(0)
	for _, v := range acked {
		m = min(m, v)
	}
	return m
}
