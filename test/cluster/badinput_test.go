package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	// badInputTimeout bounds the bad-input suite's run against a cluster.
	badInputTimeout = 120 * time.Second
	// badInputTable is the table the bad-input suite writes to and leaves.
	badInputTable = "bad"
)

func TestBadInputAgainstCluster(t *testing.T) {
	c := harness.StartCluster(t, 3)
	ctx := harness.Context(t, badInputTimeout)
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "./test/badinput")
	cmd.Dir = harness.ModuleRoot()
	cmd.Env = append(os.Environ(), "BADINPUT_ENDPOINT="+c.Endpoint(3))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("bad-input suite against n3 (%s) failed after %v: %v\n%s", c.Endpoint(3), time.Since(start).Round(time.Millisecond), err, out.String())
	}
	t.Logf("bad-input suite passed against n3 in %v", time.Since(start).Round(time.Millisecond))
	for i := 1; i <= c.Size(); i++ {
		if code, err := badInputHealth(c.Endpoint(i)); err != nil || code != http.StatusOK {
			t.Errorf("GET %s/health after the bad-input suite: status %d, error %v", c.NodeID(i), code, err)
		}
	}
	checkBadInputTable(t, c)
}

// badInputHealth returns the HTTP status of GET /health on endpoint.
func badInputHealth(endpoint string) (int, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(endpoint + "/health")
	if err != nil {
		return 0, fmt.Errorf("get %s/health: %w", endpoint, err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// checkBadInputTable checks that, if the suite left its table (a generated
// request may have lifted its deletion protection and deleted it), a
// consistent Scan of it through n1 works and sees exactly the items a
// consistent Scan through n3, where the suite wrote, sees.
func checkBadInputTable(t *testing.T, c *harness.Cluster) {
	t.Helper()
	ctx := harness.Context(t, 30*time.Second)
	_, err := c.Client(1).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(badInputTable)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		t.Logf("the bad-input suite deleted table %q; no Scan to check", badInputTable)
		return
	}
	if err != nil {
		t.Fatalf("DescribeTable %q through n1: %v", badInputTable, err)
	}
	viaN1, err := badInputScan(t, c.Client(1))
	if err != nil {
		t.Fatalf("consistent Scan of %q through n1: %v", badInputTable, err)
	}
	viaN3, err := badInputScan(t, c.Client(3))
	if err != nil {
		t.Fatalf("consistent Scan of %q through n3: %v", badInputTable, err)
	}
	if fmt.Sprint(viaN1) != fmt.Sprint(viaN3) {
		t.Fatalf("consistent Scans of %q disagree:\n n1: %v\n n3: %v", badInputTable, viaN1, viaN3)
	}
	t.Logf("consistent Scan of %q through n1 saw %d items", badInputTable, len(viaN1))
}

// badInputScan runs a paginated consistent Scan of the bad-input table and
// returns each item's pk, sk and v, sorted.
func badInputScan(t *testing.T, db *dynamodb.Client) ([]string, error) {
	ctx := harness.Context(t, 30*time.Second)
	var keys []string
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(badInputTable), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scan page: %w", err)
		}
		for _, it := range page.Items {
			keys = append(keys, fmt.Sprintf("%s/%s/%s", badInputScalar(it["pk"]), badInputScalar(it["sk"]), badInputScalar(it["v"])))
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// badInputScalar renders an S or N attribute value, or its Go type otherwise.
func badInputScalar(v types.AttributeValue) string {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return x.Value
	case *types.AttributeValueMemberN:
		return x.Value
	default:
		return fmt.Sprintf("%T", v)
	}
}
