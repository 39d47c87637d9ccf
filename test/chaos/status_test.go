package chaos

import (
	"slices"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/node"
	"github.com/flotilla-db/flotilla/node/host"
)

// aliveAll is a member list as node n reports it: every one of ids alive.
func aliveAll(ids ...string) []node.MemberStatus {
	var out []node.MemberStatus
	for _, id := range ids {
		out = append(out, node.MemberStatus{ID: id, State: "alive"})
	}
	return out
}

// healthyThree is the status of a healthy 3-node cluster: n1 leads the
// catalog, n2 leads partition 7.
func healthyThree() map[int]node.Status {
	members := aliveAll("n1", "n2", "n3")
	voters := []string{"n1", "n2", "n3"}
	sts := map[int]node.Status{}
	for i, id := range voters {
		cat := host.Status{ID: "catalog", State: "follower", Leader: "n1", Term: 2, Voters: voters}
		part := host.Status{ID: "7", Table: "t", State: "follower", Leader: "n2", Term: 5, Voters: voters}
		if id == "n1" {
			cat.State = "leader"
		}
		if id == "n2" {
			part.State = "leader"
		}
		sts[i+1] = node.Status{NodeID: id, Ready: true, Members: members, Groups: []host.Status{cat, part}}
	}
	return sts
}

func TestHealthProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(map[int]node.Status)
		want   []string
	}{
		{"healthy", func(map[int]node.Status) {}, nil},
		{"not ready", func(s map[int]node.Status) { st := s[3]; st.Ready = false; s[3] = st }, []string{"n3 not ready"}},
		{"member dead in a view", func(s map[int]node.Status) {
			st := s[1]
			st.Members = append(aliveAll("n1", "n2"), node.MemberStatus{ID: "n3", State: "dead"})
			s[1] = st
		}, []string{"n1 does not see n3 alive"}},
		{"no leader", func(s map[int]node.Status) { s[2].Groups[1].State = "candidate" }, []string{"group 7 has no leader"}},
		{"two voters", func(s map[int]node.Status) { s[2].Groups[1].Voters = []string{"n2", "n3"} }, []string{"group 7 has voters [n2 n3], want 3"}},
		{"follower in old term", func(s map[int]node.Status) { s[3].Groups[1].Term = 4 }, []string{"group 7 voter n3 does not follow n2 in term 5"}},
		{"voter missing", func(s map[int]node.Status) { delete(s, 3) }, []string{"group 7 voter n3 did not answer", "group catalog voter n3 did not answer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sts := healthyThree()
			tc.change(sts)
			got := healthProblems([]int{1, 2, 3}, sts)
			slices.Sort(got)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("healthProblems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestLeaders(t *testing.T) {
	sts := healthyThree()
	// A stale replica on n3 still believes it leads 7 in an older term.
	sts[3].Groups[1].State = "leader"
	sts[3].Groups[1].Term = 3
	got := leadersOf(sts)
	if got["catalog"] != 1 || got["7"] != 2 || len(got) != 2 {
		t.Fatalf("leadersOf = %v, want catalog→1, 7→2", got)
	}
	for _, tc := range []struct {
		leaders map[string]int
		want    int
	}{
		{map[string]int{"catalog": 1, "7": 2}, 1},
		{map[string]int{"catalog": 1, "7": 2, "8": 2}, 2},
		{map[string]int{"7": 3}, 3},
		{map[string]int{}, 0},
	} {
		if got := busiestLeader(tc.leaders); got != tc.want {
			t.Errorf("busiestLeader(%v) = %d, want %d", tc.leaders, got, tc.want)
		}
	}
	for id, want := range map[string]int{"n1": 1, "n12": 12, "x1": 0, "n": 0, "": 0} {
		if got := nodeNum(id); got != want {
			t.Errorf("nodeNum(%q) = %d, want %d", id, got, want)
		}
	}
}
