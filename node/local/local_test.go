package local

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// fakeReplica is an in-memory Replica keyed by the "pk" string attribute.
// Puts of an item whose "fail" attribute is set fail their condition.
type fakeReplica struct {
	mu      sync.Mutex
	items   map[string]attr.Item
	applied uint64
	batches []int         // size of each ApplyBatch call
	fault   error         // returned by ApplyBatch when set
	gate    chan struct{} // when set, ApplyBatch waits for it to close
	held    atomic.Int64  // commands of the ApplyBatch call waiting for gate
	dropped bool
}

func newFake() *fakeReplica { return &fakeReplica{items: map[string]attr.Item{}} }

func (f *fakeReplica) ApplyBatch(first uint64, cmds []*partition.Command) ([]partition.Result, error) {
	if f.gate != nil {
		f.held.Store(int64(len(cmds)))
		<-f.gate
		f.held.Store(0)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fault != nil {
		return nil, f.fault
	}
	if first != f.applied+1 {
		return nil, fmt.Errorf("first index %d, applied %d", first, f.applied)
	}
	res := make([]partition.Result, len(cmds))
	for i, c := range cmds {
		k := c.Item["pk"].S
		switch {
		case c.Item["fail"].T != attr.TypeInvalid:
			res[i].Err = dberr.ConditionFailed()
		case c.Op == partition.OpDelete:
			delete(f.items, k)
		default:
			f.items[k] = c.Item
		}
	}
	f.applied += uint64(len(cmds))
	f.batches = append(f.batches, len(cmds))
	return res, nil
}

func (f *fakeReplica) AppliedIndex() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applied
}

func (f *fakeReplica) Get(key attr.Item) (attr.Item, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.items[key["pk"].S], nil
}

func (f *fakeReplica) Query(*partition.QueryInput) (*partition.Page, error) {
	return &partition.Page{Count: 1}, nil
}

func (f *fakeReplica) Scan(*partition.ScanInput) (*partition.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &partition.Page{Count: len(f.items)}, nil
}

func (f *fakeReplica) Stats() (int64, int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.items)), 0
}

func (f *fakeReplica) Drop() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = map[string]attr.Item{}
	f.dropped = true
	return nil
}

// fakes opens one fakeReplica per partition id and remembers it.
type fakes struct {
	mu    sync.Mutex
	parts map[uint64]*fakeReplica
	next  *fakeReplica // handed out by the next open, if set
}

func (fs *fakes) open(id uint64, _ schema.KeySchema) (Replica, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if r, ok := fs.parts[id]; ok {
		return r, nil
	}
	r := fs.next
	if r == nil {
		r = newFake()
	}
	fs.next = nil
	fs.parts[id] = r
	return r, nil
}

func newStore(t *testing.T, maxBatch int) (*Store, *fakes) {
	t.Helper()
	fs := &fakes{parts: map[uint64]*fakeReplica{}}
	cfg := DefaultConfig()
	cfg.Open = fs.open
	cfg.MaxBatch = maxBatch
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, fs
}

func table(id uint64) *schema.Table {
	return &schema.Table{Name: fmt.Sprintf("t%d", id), Partitions: schema.EvenPartitions(id, 1),
		Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}}}
}

func put(pk string) *partition.Command {
	return &partition.Command{Op: partition.OpPut, Item: attr.Item{"pk": attr.Str(pk)}}
}

func TestConfigValidate(t *testing.T) {
	open := func(uint64, schema.KeySchema) (Replica, error) { return nil, nil }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"ok", Config{Open: open, MaxBatch: 1}, ""},
		{"no open", Config{MaxBatch: 1}, "local: Config.Open is nil"},
		{"batch", Config{Open: open}, "local: Config.MaxBatch 0 is less than 1"},
		{"depth", Config{Open: open, MaxBatch: 1, QueueDepth: -1}, "local: Config.QueueDepth -1 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if got := fmt.Sprint(err); (err == nil) != (tc.want == "") || (err != nil && got != tc.want) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestWriteAndRead(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 8)
	tb := table(1)
	tests := []struct {
		name    string
		cmd     *partition.Command
		wantErr dberr.Kind
		wantHas bool
	}{
		{"put", put("a"), 0, true},
		{"condition fails", &partition.Command{Op: partition.OpPut,
			Item: attr.Item{"pk": attr.Str("b"), "fail": attr.Bool(true)}}, dberr.ConditionalCheckFailed, false},
		{"delete", &partition.Command{Op: partition.OpDelete, Item: attr.Item{"pk": attr.Str("a")}}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Write(ctx, tb, &tb.Partitions[0], tc.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != 0 && !dberr.Is(res.Err, tc.wantErr) {
				t.Fatalf("result error = %v, want kind %d", res.Err, tc.wantErr)
			}
			got, err := s.Get(ctx, tb, &tb.Partitions[0], attr.Item{"pk": tc.cmd.Item["pk"]}, true)
			if err != nil {
				t.Fatal(err)
			}
			if (got != nil) != tc.wantHas {
				t.Errorf("Get after write = %v, want present %v", got, tc.wantHas)
			}
		})
	}
	if n, _, _ := s.Stats(ctx, tb); n != 0 {
		t.Errorf("Stats items = %d, want 0", n)
	}
}

func TestConcurrentWritersGroupCommit(t *testing.T) {
	ctx := context.Background()
	s, fs := newStore(t, 64)
	fake := gated(t, fs)
	tb := table(7)
	const writers = 200
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			res, err := s.Write(ctx, tb, &tb.Partitions[0], put(fmt.Sprintf("k%03d", i)))
			if err == nil {
				err = res.Err
			}
			errs <- err
		})
	}
	first := waitQueued(t, s, fake, tb.Partitions[0].ID, writers)
	fake.release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, _, _ := s.Stats(ctx, tb)
	if n != writers {
		t.Fatalf("items = %d, want %d", n, writers)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if fake.applied != writers {
		t.Errorf("applied index = %d, want %d", fake.applied, writers)
	}
	// After the first batch, everything queued behind it goes in full batches.
	want := []int{first}
	for rest := writers - first; rest > 0; rest -= min(rest, 64) {
		want = append(want, min(rest, 64))
	}
	if fmt.Sprint(fake.batches) != fmt.Sprint(want) {
		t.Errorf("batches = %v, want %v", fake.batches, want)
	}
}

func TestApplyFaultFailsBatch(t *testing.T) {
	ctx := context.Background()
	s, fs := newStore(t, 8)
	fake := newFake()
	fake.fault = errors.New("disk on fire")
	fs.next = fake
	_, err := s.Write(ctx, table(1), &table(1).Partitions[0], put("a"))
	if err == nil || dberr.As(err).Kind != dberr.Internal {
		t.Fatalf("Write error = %v, want an internal fault", err)
	}
}

func TestContextCancelWhileQueued(t *testing.T) {
	s, fs := newStore(t, 1)
	gated(t, fs)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := s.Write(ctx, table(1), &table(1).Partitions[0], put("a"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Write error = %v, want deadline exceeded", err)
	}
}

func TestDeleteTable(t *testing.T) {
	ctx := context.Background()
	s, fs := newStore(t, 8)
	tb := table(3)
	if err := s.TableCreated(ctx, tb); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(ctx, tb, &tb.Partitions[0], put("a")); err != nil {
		t.Fatal(err)
	}
	if err := s.TableDeleted(ctx, tb); err != nil {
		t.Fatal(err)
	}
	if !fs.parts[3].dropped {
		t.Error("partition not dropped")
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"write", func() error { _, err := s.Write(ctx, tb, &tb.Partitions[0], put("b")); return err }},
		{"get", func() error {
			_, err := s.Get(ctx, tb, &tb.Partitions[0], attr.Item{"pk": attr.Str("a")}, false)
			return err
		}},
		{"scan", func() error { _, err := s.Scan(ctx, tb, &tb.Partitions[0], &partition.ScanInput{}); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !dberr.Is(err, dberr.ResourceNotFound) {
				t.Errorf("after delete: %v, want ResourceNotFound", err)
			}
		})
	}
	// A partition dropped before it was ever opened (restart) is opened to drop it.
	if err := s.TableDeleted(ctx, table(9)); err != nil || !fs.parts[9].dropped {
		t.Errorf("drop of unopened partition: err %v", err)
	}
}

func TestClose(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t, 8)
	if _, err := s.Write(ctx, table(1), &table(1).Partitions[0], put("a")); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Write(ctx, table(1), &table(1).Partitions[0], put("b")); !dberr.Is(err, dberr.Unavailable) {
		t.Errorf("write after Close: %v, want Unavailable", err)
	}
}

func TestCloseFailsQueuedWrites(t *testing.T) {
	s, fs := newStore(t, 1)
	fake := gated(t, fs)
	tb := table(1)
	errs := make(chan error, 3)
	for i := range 3 {
		go func() {
			_, err := s.Write(context.Background(), tb, &tb.Partitions[0], put(fmt.Sprint(i)))
			errs <- err
		}()
	}
	waitQueued(t, s, fake, tb.Partitions[0].ID, 3)
	closed := make(chan struct{})
	go func() { _ = s.Close(); close(closed) }()
	fake.release()
	<-closed
	var ok, unavailable int
	for range 3 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case dberr.Is(err, dberr.Unavailable):
			unavailable++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok < 1 || ok+unavailable != 3 {
		t.Errorf("%d applied, %d unavailable; want the in-flight write applied and the rest failed", ok, unavailable)
	}
}

// gated makes fs hand out a replica whose ApplyBatch waits for release; the
// test's cleanup releases it before the Store closes.
func gated(t *testing.T, fs *fakes) *fakeReplica {
	f := newFake()
	f.gate = make(chan struct{})
	fs.next = f
	t.Cleanup(f.release)
	return f
}

func (f *fakeReplica) release() {
	select {
	case <-f.gate:
	default:
		close(f.gate)
	}
}

// waitQueued polls until n writes of partition id are either held in the
// fake's ApplyBatch or queued behind it, and returns the number held.
func waitQueued(t *testing.T, s *Store, f *fakeReplica, id uint64, n int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.RLock()
		w := s.parts[id]
		s.mu.RUnlock()
		held := int(f.held.Load())
		if w != nil && held > 0 && held+len(w.queue) == n {
			return held
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes never queued", n)
		}
		runtime.Gosched()
	}
}

func TestTablePartitionsHaveTheirOwnReplicas(t *testing.T) {
	s, fs := newStore(t, 8)
	ctx := context.Background()
	tb := &schema.Table{Name: "multi", Partitions: schema.EvenPartitions(20, 3),
		Key: schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}}}
	if err := s.TableCreated(ctx, tb); err != nil {
		t.Fatal(err)
	}
	if len(fs.parts) != 3 {
		t.Fatalf("opened %d partitions, want 3", len(fs.parts))
	}
	for i, pk := range []string{"a", "b", "c", "d"} {
		p := &tb.Partitions[i%3]
		if _, err := s.Write(ctx, tb, p, put(pk)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, tb, p, attr.Item{"pk": attr.Str(pk)}, true); err != nil || got == nil {
			t.Fatalf("Get %s from partition %d = %v, %v", pk, p.ID, got, err)
		}
	}
	cases := []struct {
		id   uint64
		want int
	}{{20, 2}, {21, 1}, {22, 1}}
	for _, tc := range cases {
		t.Run(fmt.Sprint("partition=", tc.id), func(t *testing.T) {
			if n := len(fs.parts[tc.id].items); n != tc.want {
				t.Fatalf("partition %d holds %d items, want %d", tc.id, n, tc.want)
			}
		})
	}
	if n, _, err := s.Stats(ctx, tb); err != nil || n != 4 {
		t.Fatalf("Stats = %d, %v, want 4 items", n, err)
	}
	if err := s.TableDeleted(ctx, tb); err != nil {
		t.Fatal(err)
	}
	for id, r := range fs.parts {
		if !r.dropped {
			t.Errorf("partition %d not dropped", id)
		}
	}
}
