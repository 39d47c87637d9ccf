package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/node"
	"github.com/flotilla-db/flotilla/node/host"
)

// adminTimeout bounds one admin request to a node: a paused node never
// answers.
const adminTimeout = 2 * time.Second

// catalogGroup is the id the catalog Raft group reports in /admin/status.
const catalogGroup = "catalog"

// partitionReplicas is how many voters every partition group has when the
// cluster is healthy.
const partitionReplicas = 3

// request sends one admin request to node i and returns the body of a 200
// answer.
func (c *cluster) request(ctx context.Context, i int, method, path string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.HTTPAddr(i)+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("chaos: %s n%d%s: %w", method, i, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.admin.Do(req)
	if err != nil {
		return nil, fmt.Errorf("chaos: %s n%d%s: %w", method, i, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("chaos: %s n%d%s: read body: %w", method, i, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("chaos: %s n%d%s: %s: %s", method, i, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// ready returns nil once node i answers GET /ready with 200.
func (c *cluster) ready(ctx context.Context, i int) error {
	_, err := c.request(ctx, i, http.MethodGet, "/ready", nil)
	return err
}

// diskFault is the body of POST /admin/fault/disk.
type diskFault struct {
	Delay string `json:"delay"`
	Fail  bool   `json:"fail"`
}

// DiskFault sets node i's store disk fault: delay added to every write and
// sync, or every write and sync failing.
func (c *cluster) DiskFault(ctx context.Context, i int, delay time.Duration, fail bool) error {
	b, err := json.Marshal(diskFault{Delay: delay.String(), Fail: fail})
	if err != nil {
		return fmt.Errorf("chaos: disk fault n%d: %w", i, err)
	}
	_, err = c.request(ctx, i, http.MethodPost, "/admin/fault/disk", b)
	return err
}

// Status returns node i's GET /admin/status.
func (c *cluster) Status(ctx context.Context, i int) (node.Status, error) {
	var st node.Status
	b, err := c.request(ctx, i, http.MethodGet, "/admin/status", nil)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("chaos: decode n%d /admin/status: %w", i, err)
	}
	return st, nil
}

// statuses asks every alive member for its status; nodes that do not
// answer are missing from the map, with their errors joined.
func (c *cluster) statuses(ctx context.Context) (map[int]node.Status, error) {
	out := map[int]node.Status{}
	var errs []error
	for _, i := range c.Members() {
		if !c.Alive(i) {
			continue
		}
		st, err := c.Status(ctx, i)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[i] = st
	}
	return out, errors.Join(errs...)
}

// Leaders maps every group id that an alive node hosts to the node that
// leads it (in the highest term any replica reports), as far as the alive
// nodes answering know; groups without a leader are absent.
func (c *cluster) Leaders(ctx context.Context) map[string]int {
	sts, _ := c.statuses(ctx)
	return leadersOf(sts)
}

// leadersOf derives each group's leader from the nodes' own reports: a
// replica in state "leader", the highest term winning.
func leadersOf(sts map[int]node.Status) map[string]int {
	out := map[string]int{}
	terms := map[string]uint64{}
	for _, i := range sortedKeys(sts) {
		for _, g := range sts[i].Groups {
			if g.State == "leader" && (out[g.ID] == 0 || g.Term > terms[g.ID]) {
				out[g.ID], terms[g.ID] = i, g.Term
			}
		}
	}
	return out
}

// busiestLeader returns the node leading the most groups (the catalog
// leader on a tie), or 0 when no group has a leader.
func busiestLeader(leaders map[string]int) int {
	count := map[int]int{}
	for _, n := range leaders {
		count[n]++
	}
	best := leaders[catalogGroup]
	for _, n := range sortedKeys(count) {
		if best == 0 || count[n] > count[best] {
			best = n
		}
	}
	return best
}

// Healthy returns nil when every member is alive and ready, sees every
// member alive, and every group has one leader whose voters are all alive
// members following it in its term; partition groups must have their
// full three voters. Otherwise it says what is not yet so.
func (c *cluster) Healthy(ctx context.Context) error {
	members := c.Members()
	var problems []string
	for _, i := range members {
		if !c.Alive(i) {
			problems = append(problems, fmt.Sprintf("n%d not running", i))
		}
	}
	sts, err := c.statuses(ctx)
	if err != nil {
		problems = append(problems, err.Error())
	}
	problems = append(problems, healthProblems(members, sts)...)
	if len(problems) > 0 {
		return fmt.Errorf("chaos: cluster not healthy: %s", strings.Join(problems, "; "))
	}
	return nil
}

// healthProblems lists what keeps a cluster of members, whose statuses
// sts are, from being healthy.
func healthProblems(members []int, sts map[int]node.Status) []string {
	var out []string
	for _, i := range sortedKeys(sts) {
		out = append(out, memberProblems(i, members, sts[i])...)
	}
	leaders := leadersOf(sts)
	for _, id := range groupIDs(sts) {
		out = append(out, groupProblems(id, leaders[id], members, sts)...)
	}
	return out
}

// memberProblems checks node i's own view: ready, every member alive.
func memberProblems(i int, members []int, st node.Status) []string {
	var out []string
	if !st.Ready {
		out = append(out, fmt.Sprintf("n%d not ready", i))
	}
	alive := map[int]bool{}
	for _, m := range st.Members {
		if m.State == "alive" {
			alive[nodeNum(m.ID)] = true
		}
	}
	for _, m := range members {
		if !alive[m] {
			out = append(out, fmt.Sprintf("n%d does not see n%d alive", i, m))
		}
	}
	return out
}

// groupProblems checks group id, led by node leader (0: none).
func groupProblems(id string, leader int, members []int, sts map[int]node.Status) []string {
	if leader == 0 {
		return []string{fmt.Sprintf("group %s has no leader", id)}
	}
	lead := groupOn(sts[leader], id)
	var out []string
	if id != catalogGroup && len(lead.Voters) != partitionReplicas {
		out = append(out, fmt.Sprintf("group %s has voters %v, want %d", id, lead.Voters, partitionReplicas))
	}
	for _, v := range lead.Voters {
		n := nodeNum(v)
		st, ok := sts[n]
		switch {
		case !slices.Contains(members, n):
			out = append(out, fmt.Sprintf("group %s voter %s is not a member", id, v))
		case !ok:
			out = append(out, fmt.Sprintf("group %s voter %s did not answer", id, v))
		default:
			if g := groupOn(st, id); g.ID == "" || g.Term != lead.Term || nodeNum(g.Leader) != leader {
				out = append(out, fmt.Sprintf("group %s voter %s does not follow n%d in term %d", id, v, leader, lead.Term))
			}
		}
	}
	return out
}

// groupOn returns group id as st reports it (zero if st has no replica).
func groupOn(st node.Status, id string) host.Status {
	for _, g := range st.Groups {
		if g.ID == id {
			return g
		}
	}
	return host.Status{}
}

// groupIDs lists every group any node reports, sorted.
func groupIDs(sts map[int]node.Status) []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range sts {
		for _, g := range st.Groups {
			if !seen[g.ID] {
				seen[g.ID] = true
				out = append(out, g.ID)
			}
		}
	}
	slices.Sort(out)
	return out
}
