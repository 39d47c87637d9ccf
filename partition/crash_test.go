package partition

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/flotilla-db/flotilla/partition/attr"
)

// TestCrashKeepsAcknowledgedWrites crashes the file system after every
// acknowledged batch, dropping all (or some) unsynced writes, and checks
// that the reopened partition holds every acknowledged write and an applied
// index that matches its data.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	for _, unsynced := range []int{0, 50, 100} {
		t.Run(fmt.Sprintf("unsynced=%d%%", unsynced), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(unsynced), 1))
			fs := vfs.NewCrashableMem()
			db := openMemDB(t, fs)
			defer db.Close()
			p, err := Open(db, 3, hashOnly)
			if err != nil {
				t.Fatal(err)
			}
			model := map[string]string{}
			for round := 0; round < 8; round++ {
				applyRound(t, p, rng, round, model)
				crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: unsynced, RNG: rng})
				checkCrashed(t, crashed, p.AppliedIndex(), model)
			}
		})
	}
}

// applyRound writes, overwrites and deletes random items and records the
// acknowledged state in model (id -> round text).
func applyRound(t *testing.T, p *Partition, rng *rand.Rand, round int, model map[string]string) {
	t.Helper()
	var cmds []*Command
	for i := 0; i < 1+rng.IntN(20); i++ {
		id := fmt.Sprint("k", rng.IntN(30))
		if rng.IntN(4) == 0 {
			cmds = append(cmds, &Command{Op: OpDelete, Item: item("id", attr.Str(id))})
			continue
		}
		cmds = append(cmds, put(item("id", attr.Str(id), "r", attr.Str(fmt.Sprint(round, "/", i)))))
	}
	mustApply(t, p, cmds...)
	for _, c := range cmds {
		id := c.Item["id"].S
		if c.Op == OpDelete {
			delete(model, id)
		} else {
			model[id] = c.Item["r"].S
		}
	}
}

func checkCrashed(t *testing.T, fs vfs.FS, applied uint64, model map[string]string) {
	t.Helper()
	db := openMemDB(t, fs)
	defer db.Close()
	p, err := Open(db, 3, hashOnly)
	if err != nil {
		t.Fatal(err)
	}
	if p.AppliedIndex() != applied {
		t.Fatalf("applied index after crash = %d, want %d", p.AppliedIndex(), applied)
	}
	page, err := p.Scan(&ScanInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != len(model) {
		t.Fatalf("after crash %d items, want %d", len(page.Items), len(model))
	}
	for _, it := range page.Items {
		if want := model[it["id"].S]; it["r"].S != want {
			t.Fatalf("item %s = %q, want %q", it["id"].S, it["r"].S, want)
		}
	}
	if items, _ := p.Stats(); items != int64(len(model)) {
		t.Fatalf("Stats items = %d, want %d", items, len(model))
	}
}
