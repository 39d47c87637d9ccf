package cluster

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/test/harness"
)

// conformanceTimeout bounds the conformance suite's run against a cluster.
const conformanceTimeout = 150 * time.Second

func TestConformanceAgainstCluster(t *testing.T) {
	c := harness.StartCluster(t, 3)
	ctx := harness.Context(t, conformanceTimeout)
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "./test/conformance")
	cmd.Dir = harness.ModuleRoot()
	cmd.Env = append(os.Environ(), "CONFORMANCE_ENDPOINT="+c.Endpoint(2))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("conformance suite against n2 (%s) failed after %v: %v\n%s", c.Endpoint(2), time.Since(start).Round(time.Millisecond), err, out.String())
	}
	t.Logf("conformance suite passed against n2 in %v", time.Since(start).Round(time.Millisecond))
}
