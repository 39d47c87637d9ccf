package replication_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/replication"
)

func TestTransferLeadership(t *testing.T) {
	c := newCluster(t, 3, testConfig())
	c.apply(putCmd("before", "1"))
	old := c.leader()
	target := c.followers()[0]
	cases := []struct {
		name    string
		from    *node
		wantErr error
	}{
		{"from a follower", c.followers()[1], replication.ErrNotLeader},
		{"from the leader", old, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := tc.from.group.TransferLeadership(ctx, target.id, target.addr)
			if !errors.Is(err, tc.wantErr) && err != tc.wantErr {
				t.Fatalf("TransferLeadership = %v, want %v", err, tc.wantErr)
			}
		})
	}
	if l := c.leader(); l != target {
		t.Fatalf("leader after transfer is %s, want %s", l.id, target.id)
	}
	c.apply(putCmd("after", "2"))
	if got := c.converged(); !strings.Contains(got, "before") || !strings.Contains(got, "after") {
		t.Fatalf("replicas after the transfer hold %q, want both items", got)
	}
}
