package node

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPlanLeaderMove(t *testing.T) {
	all := []string{"n1", "n2", "n3"}
	three := map[string]bool{"n1": true, "n2": true, "n3": true}
	led := func(leaders ...string) []groupView {
		var gs []groupView
		for i, l := range leaders {
			gs = append(gs, groupView{id: uint64(i + 1), leader: l, voters: all})
		}
		return gs
	}
	tests := []struct {
		name   string
		self   string
		groups []groupView
		alive  map[string]bool
		want   string // "group->node", or "" for no move
	}{
		{"all six on n1 moves one to the first idle voter", "n1", led("n1", "n1", "n1", "n1", "n1", "n1"), three, "1->n2"},
		{"least loaded voter wins", "n1", led("n1", "n1", "n1", "n1", "n1", "n2"), three, "1->n3"},
		{"within fair share", "n1", led("n1", "n1", "n2", "n2", "n3", "n3"), three, ""},
		{"one over fair share moves", "n1", led("n1", "n1", "n1", "n2", "n3", "n3"), three, "1->n2"},
		{"not the overloaded node", "n2", led("n1", "n1", "n1", "n1", "n1", "n2"), three, ""},
		{"dead voter is no target", "n1", led("n1", "n1", "n1", "n1", "n1", "n1"),
			map[string]bool{"n1": true, "n2": true}, "1->n2"},
		{"alone", "n1", led("n1", "n1", "n1", "n1", "n1", "n1"), map[string]bool{"n1": true}, ""},
		{"target would not end below", "n1",
			[]groupView{
				{id: 1, leader: "n1", voters: []string{"n1", "n2"}},
				{id: 2, leader: "n1", voters: []string{"n1", "n2"}},
				{id: 3, leader: "n1", voters: []string{"n1", "n2"}},
				{id: 4, leader: "n2", voters: []string{"n1", "n2"}},
				{id: 5, leader: "n2", voters: []string{"n1", "n2"}},
			}, map[string]bool{"n1": true, "n2": true, "n3": true, "n4": true, "n5": true}, ""},
		{"group whose voters exclude the idle node is skipped", "n1",
			[]groupView{
				{id: 1, leader: "n1", voters: []string{"n1", "n2"}},
				{id: 2, leader: "n1", voters: []string{"n1", "n3"}},
				{id: 3, leader: "n1", voters: all},
				{id: 4, leader: "n1", voters: all},
				{id: 5, leader: "n1", voters: all},
				{id: 6, leader: "n2", voters: all},
			}, three, "2->n3"},
		{"leaderless groups count for nobody", "n1", led("n1", "n1", "", "", "", ""), three, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := planLeaderMove(tc.self, tc.groups, tc.alive, len(tc.groups))
			got := ""
			if ok {
				got = fmt.Sprintf("%d->%s", m.group, m.to)
			}
			if got != tc.want {
				t.Fatalf("planLeaderMove = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLeadersSpreadOverNodes creates four tables (eight partition groups,
// all first placed with n1 as their bootstrapping replica) on three nodes
// and checks that no node ends up leading more than its share plus one,
// and that the tables still serve reads and writes through every node.
func TestLeadersSpreadOverNodes(t *testing.T) {
	nodes := startCluster(t, 3)
	const tables = 4
	for i := range tables {
		body := strings.ReplaceAll(createUsers, `"Users"`, fmt.Sprintf(`"Users%d"`, i))
		if status, out := nodes[i%3].call(t, "CreateTable", body); status != http.StatusOK {
			t.Fatalf("CreateTable Users%d: %d %v", i, status, out)
		}
	}
	groups := 2 * tables
	bound := (groups+2)/3 + leaderSlack
	eventually(t, 20*time.Second, func() error {
		if err := groupsFormed(nodes, groups); err != nil {
			return err
		}
		counts := map[string]int{}
		for _, g := range nodes[0].n.host.Status() {
			counts[g.Leader]++
		}
		for id, c := range counts {
			if c > bound {
				return fmt.Errorf("%s leads %d of %d groups, want at most %d (%v)", id, c, groups, bound, counts)
			}
		}
		return nil
	})
	for i := range 3 * tables {
		w, r := nodes[i%3], nodes[(i+1)%3]
		table := fmt.Sprintf("Users%d", i%tables)
		put := fmt.Sprintf(`{"TableName":%q,"Item":{"UserID":{"S":"u%d"},"Name":{"S":"name %d"}}}`, table, i, i)
		if status, out := w.call(t, "PutItem", put); status != http.StatusOK {
			t.Fatalf("PutItem u%d into %s: %d %v", i, table, status, out)
		}
		get := fmt.Sprintf(`{"TableName":%q,"Key":{"UserID":{"S":"u%d"}},"ConsistentRead":true}`, table, i)
		status, out := r.call(t, "GetItem", get)
		if status != http.StatusOK {
			t.Fatalf("GetItem u%d from %s: %d %v", i, table, status, out)
		}
		if err := wantName(fmt.Sprint("name ", i))(out); err != nil {
			t.Fatal(err)
		}
	}
}
