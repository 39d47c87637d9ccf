package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/node"
)

// adminTimeout bounds every admin command.
const adminTimeout = 10 * time.Second

func runAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, "Usage: flotilla admin status [--addr 127.0.0.1:8000]\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return flag.ErrHelp
		}
		return usagef("missing admin command")
	}
	switch args[0] {
	case "status":
		return adminStatus(ctx, args[1:], stdout, stderr)
	default:
		return usagef("unknown admin command %q (want status)", args[0])
	}
}

// adminStatus prints a node's /health, /ready and its number of tables.
func adminStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("admin status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8000", "host:port or URL of the node's DynamoDB API")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, adminTimeout)
	defer cancel()
	base := endpointURL(*addr)
	health := probe(ctx, base+"/health")
	ready := probe(ctx, base+"/ready")
	fmt.Fprintf(stdout, "endpoint: %s\nhealth:   %s\nready:    %s\n", base, health, ready)
	n, err := countTables(ctx, newClient(base, 1))
	if err != nil {
		fmt.Fprintf(stdout, "tables:   unknown (%v)\n", err)
		return fmt.Errorf("list tables: %w", err)
	}
	fmt.Fprintf(stdout, "tables:   %d\n", n)
	printCluster(ctx, base+"/admin/status", stdout)
	if health != "200 OK" || ready != "200 OK" {
		return errors.New("node is not healthy and ready")
	}
	return nil
}

// probe returns the status line of GET url, or the error.
func probe(ctx context.Context, url string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "unreachable (" + err.Error() + ")"
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.Status
}

func countTables(ctx context.Context, c *dynamodb.Client) (int, error) {
	n := 0
	p := dynamodb.NewListTablesPaginator(c, &dynamodb.ListTablesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, err
		}
		n += len(page.TableNames)
	}
	return n, nil
}

// printCluster prints the node's members and Raft groups; a node that
// does not answer is reported in one line.
func printCluster(ctx context.Context, url string, w io.Writer) {
	var st node.Status
	if err := getJSON(ctx, url, &st); err != nil {
		fmt.Fprintf(w, "cluster:  unknown (%v)\n", err)
		return
	}
	fmt.Fprintf(w, "node:     %s\nmembers:\n", st.NodeID)
	for _, m := range st.Members {
		fmt.Fprintf(w, "  %-20s %-8s %s\n", m.ID, m.State, m.Zone)
	}
	fmt.Fprintf(w, "groups:\n  %-10s %-16s %-9s %-12s %6s %8s %8s %8s %8s %8s %8s %12s  %s\n",
		"id", "table", "state", "leader", "term", "first", "last", "commit", "applied", "snapshot", "fsyncs", "writes/fsync", "voters")
	for _, g := range st.Groups {
		fmt.Fprintf(w, "  %-10s %-16s %-9s %-12s %6d %8d %8d %8d %8d %8d %8d %12.1f  %s\n",
			g.ID, g.Table, g.State, g.Leader, g.Term, g.First, g.Last, g.Commit, g.Applied, g.Snapshot,
			g.LogAppends, g.EntriesPerAppend(), strings.Join(g.Voters, ","))
	}
}

func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
