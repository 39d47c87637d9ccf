package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/flotilla-db/flotilla/test/harness"
)

func TestTestFacilityFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    string
		wantErr string
	}{
		{name: "off by default", want: "map[] false false"},
		{name: "all on", args: []string{"--peer-dial-map", "127.0.0.1:1=127.0.0.1:2, h:3=127.0.0.1:4",
			"--fault-injection", "--unsafe-stale-reads"}, want: "map[127.0.0.1:1:127.0.0.1:2 h:3:127.0.0.1:4] true true"},
		{name: "env", env: map[string]string{"FLOTILLA_PEER_DIAL_MAP": "a:1=b:2", "FLOTILLA_FAULT_INJECTION": "true"},
			want: "map[a:1:b:2] true false"},
		{name: "not a pair", args: []string{"--peer-dial-map", "a:1"}, wantErr: `invalid value "a:1" for flag -peer-dial-map`},
		{name: "not an address", args: []string{"--peer-dial-map", "a:1=b"}, wantErr: `-peer-dial-map: "b" in "a:1=b" is not a host:port`},
		{name: "mapped twice", args: []string{"--peer-dial-map", "a:1=b:2,a:1=c:3"}, wantErr: `-peer-dial-map: "a:1" is mapped twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := serveConfig(tc.args, func(k string) string { return tc.env[k] }, &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(cfg.PeerDialMap, " ", cfg.FaultInjection, " ", cfg.UnsafeStaleReads); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	var help bytes.Buffer
	fs, _ := newServeFlags(&help)
	fs.Usage()
	for _, name := range []string{"peer-dial-map", "fault-injection", "unsafe-stale-reads"} {
		if f := fs.Lookup(name); f == nil || !strings.HasPrefix(f.Usage, "test facility") {
			t.Errorf("--%s is not documented as a test facility", name)
		}
	}
}

// relay forwards TCP connections (and, with udp, packets on the same
// port) to target, counting them, until the test ends.
type relay struct {
	addr, target   string
	conns, packets atomic.Int64

	ln net.Listener
	pc net.PacketConn
	mu sync.Mutex
	// open holds every relayed connection; nil once the relay stopped.
	open map[net.Conn]bool
	wg   sync.WaitGroup
}

func startRelay(t *testing.T, target string, udp bool) *relay {
	t.Helper()
	r := &relay{target: target, open: map[net.Conn]bool{}}
	for range 50 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if !udp {
			r.ln = ln
			break
		}
		if pc, err := net.ListenPacket("udp", ln.Addr().String()); err == nil {
			r.ln, r.pc = ln, pc
			break
		}
		ln.Close()
	}
	if r.ln == nil {
		t.Fatal("no free port for a relay")
	}
	r.addr = r.ln.Addr().String()
	r.wg.Add(1)
	go r.accept()
	if r.pc != nil {
		r.wg.Add(1)
		go r.relayPackets()
	}
	t.Cleanup(r.stop)
	return r
}

func (r *relay) stop() {
	r.ln.Close()
	if r.pc != nil {
		r.pc.Close()
	}
	r.mu.Lock()
	for c := range r.open {
		c.Close()
	}
	r.open = nil
	r.mu.Unlock()
	r.wg.Wait()
}

// track records c; false (and c closed) once the relay stopped.
func (r *relay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.open == nil {
		c.Close()
		return false
	}
	r.open[c] = true
	return true
}

func (r *relay) accept() {
	defer r.wg.Done()
	for {
		in, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.conns.Add(1)
		out, err := net.Dial("tcp", r.target)
		if err != nil {
			in.Close()
			continue
		}
		if !r.track(in) || !r.track(out) {
			in.Close()
			out.Close()
			continue
		}
		r.wg.Add(2)
		go r.pipe(in, out)
		go r.pipe(out, in)
	}
}

func (r *relay) pipe(dst, src net.Conn) {
	defer r.wg.Done()
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

func (r *relay) relayPackets() {
	defer r.wg.Done()
	to, err := net.ResolveUDPAddr("udp", r.target)
	if err != nil {
		return
	}
	buf := make([]byte, 65536)
	for {
		n, _, err := r.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		r.packets.Add(1)
		_, _ = r.pc.WriteTo(buf[:n], to)
	}
}

// relayMesh puts a gRPC relay and a gossip relay in front of every node
// for every other node, and gives each node the --peer-dial-map that
// sends its traffic through them.
type relayMesh struct {
	t      *testing.T
	grpc   map[[2]int]*relay // [from, to], 1-based
	gossip map[[2]int]*relay
}

func (m *relayMesh) args(i int, all []harness.NodeAddrs) []string {
	var pairs []string
	for j, n := range all {
		if j+1 == i {
			continue
		}
		g, gs := startRelay(m.t, n.GRPC, false), startRelay(m.t, n.Gossip, true)
		m.grpc[[2]int{i, j + 1}], m.gossip[[2]int{i, j + 1}] = g, gs
		pairs = append(pairs, n.GRPC+"="+g.addr, n.Gossip+"="+gs.addr)
	}
	return []string{"--peer-dial-map", strings.Join(pairs, ",")}
}

// diskFault sends a disk fault request to node addr: a GET when body is
// empty, else a POST of body. It returns the status and body.
func diskFault(t *testing.T, addr, body string) (int, string) {
	t.Helper()
	url := "http://" + addr + "/admin/fault/disk"
	var resp *http.Response
	var err error
	if body == "" {
		resp, err = http.Get(url)
	} else {
		resp, err = http.Post(url, "application/json", strings.NewReader(body))
	}
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// wantFault checks node addr's disk fault setting.
func wantFault(t *testing.T, addr, want string) {
	t.Helper()
	code, got := diskFault(t, addr, "")
	var g, w map[string]any
	_ = json.Unmarshal([]byte(got), &g)
	_ = json.Unmarshal([]byte(want), &w)
	if code != http.StatusOK || fmt.Sprint(g) != fmt.Sprint(w) {
		t.Fatalf("GET disk fault on %s = %d %s, want 200 %s", addr, code, got, want)
	}
}

// kvTable is the table the tests below write to.
const kvTable = "facilities"

func createKV(t *testing.T, db *dynamodb.Client, name string) {
	t.Helper()
	ctx := harness.Context(t, 30*time.Second)
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 50*time.Millisecond, 200*time.Millisecond
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for table: %v", err)
	}
}

func putKV(db *dynamodb.Client, key, v string, opts ...func(*dynamodb.Options)) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(kvTable), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: key}, "v": &types.AttributeValueMemberS{Value: v}}}, opts...)
	return err
}

// getKV reads key with ConsistentRead and returns its v ("" when absent).
func getKV(t *testing.T, db *dynamodb.Client, key string) string {
	t.Helper()
	out, err := db.GetItem(harness.Context(t, 10*time.Second), &dynamodb.GetItemInput{TableName: aws.String(kvTable),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetItem %s: %v", key, err)
	}
	v, _ := out.Item["v"].(*types.AttributeValueMemberS)
	if v == nil {
		return ""
	}
	return v.Value
}

// TestTestFacilitiesInCluster runs a 3-node cluster whose node-to-node
// traffic all goes through relays named in each node's --peer-dial-map,
// with --fault-injection: the cluster works through the relays, and a
// failing disk stops a node's writes (the node dies) until a restart,
// which clears the fault.
func TestTestFacilitiesInCluster(t *testing.T) {
	mesh := &relayMesh{t: t, grpc: map[[2]int]*relay{}, gossip: map[[2]int]*relay{}}
	c := harness.StartCluster(t, 3, harness.WithNodeArgs(mesh.args), harness.WithServeArgs("--fault-injection",
		"--raft-heartbeat-timeout", "300ms", "--raft-election-timeout", "300ms", "--raft-leader-lease-timeout", "150ms"))
	createKV(t, c.Client(1), kvTable)
	if err := putKV(c.Client(2), "a", "1"); err != nil {
		t.Fatalf("PutItem through node 2: %v", err)
	}
	if got := getKV(t, c.Client(3), "a"); got != "1" {
		t.Fatalf("GetItem through node 3 = %q, want 1", got)
	}
	checkRelayed(t, mesh)

	// Disk fault settings round-trip.
	n2 := c.Node(2).Addr
	wantFault(t, n2, `{"delay":"0s","fail":false}`)
	if code, body := diskFault(t, n2, `{"delay":"2ms","fail":false}`); code != http.StatusOK {
		t.Fatalf("POST disk fault = %d %s", code, body)
	}
	wantFault(t, n2, `{"delay":"2ms","fail":false}`)
	if code, _ := diskFault(t, n2, `{"delay":"soon"}`); code != http.StatusBadRequest {
		t.Errorf("POST of a bad delay = %d, want 400", code)
	}
	if err := putKV(c.Client(2), "b", "2"); err != nil {
		t.Fatalf("PutItem with a slow disk: %v", err)
	}
	diskFault(t, n2, `{"fail":false}`)
	wantFault(t, n2, `{"delay":"0s","fail":false}`)

	// A failing disk on node 3 stops the node.
	n3 := c.Node(3)
	diskFault(t, n3.Addr, `{"fail":true}`)
	wantFault(t, n3.Addr, `{"delay":"0s","fail":true}`)
	failWrites(t, c.Client(3), n3)
	c.Restart(3)
	wantFault(t, n3.Addr, `{"delay":"0s","fail":false}`)
	if err := putKV(c.Client(3), "c", "3"); err != nil {
		t.Fatalf("PutItem after the restart: %v", err)
	}
	if got := getKV(t, c.Client(3), "b"); got != "2" {
		t.Fatalf("GetItem b after the restart = %q, want 2", got)
	}
}

// checkRelayed waits until gRPC streams went through some relay and every
// node's gossip (packets and streams) went through its relays.
func checkRelayed(t *testing.T, mesh *relayMesh) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := relayedErr(mesh)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		<-tick.C
	}
}

func relayedErr(mesh *relayMesh) error {
	var grpcConns int64
	for _, r := range mesh.grpc {
		grpcConns += r.conns.Load()
	}
	if grpcConns == 0 {
		return fmt.Errorf("no gRPC connection went through the relays")
	}
	for i := 1; i <= 3; i++ {
		var conns, packets int64
		for k, r := range mesh.gossip {
			if k[0] == i {
				conns, packets = conns+r.conns.Load(), packets+r.packets.Load()
			}
		}
		if conns == 0 || packets == 0 {
			return fmt.Errorf("node %d's gossip relays carried %d streams and %d packets", i, conns, packets)
		}
	}
	return nil
}

// failWrites writes 8 KB items through node n until n exits or a write
// fails: its store's write-ahead log fills a block that cannot be
// written.
func failWrites(t *testing.T, db *dynamodb.Client, n *harness.Server) {
	t.Helper()
	value := strings.Repeat("x", 8<<10)
	once := func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; n.Running(); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("node still running and accepting writes after %d puts on a failing disk", i)
		}
		if err := putKV(db, fmt.Sprint("fail-", i), value, once); err != nil {
			t.Logf("put %d on a failing disk: %v", i, err)
			break
		}
	}
	n.Kill() // a node that only failed the write is stopped as an operator would
}

// TestUnsafeStaleReadsAndNoFaultEndpoint starts one node with
// --unsafe-stale-reads and no --fault-injection: consistent reads work on
// a healthy node and the disk fault endpoint does not exist.
func TestUnsafeStaleReadsAndNoFaultEndpoint(t *testing.T) {
	s := harness.Start(t, "", "--unsafe-stale-reads")
	for _, body := range []string{"", `{"fail":true}`} {
		if code, _ := diskFault(t, s.Addr, body); code != http.StatusNotFound {
			t.Errorf("disk fault endpoint without --fault-injection (body %q) = %d, want 404", body, code)
		}
	}
	db := s.Client()
	createKV(t, db, kvTable)
	if err := putKV(db, "a", "1"); err != nil {
		t.Fatal(err)
	}
	if got := getKV(t, db, "a"); got != "1" {
		t.Fatalf("ConsistentRead = %q, want 1", got)
	}
}
