package partition

import (
	"fmt"
	"sync"
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/expr"
)

// TestReadsDuringWrites runs Get, Query, Scan and Stats while batches are
// applied; every read must see whole batches (each batch writes the same
// version to every item of one partition key).
func TestReadsDuringWrites(t *testing.T) {
	p := newPartition(t, hashRangeN)
	const rounds, perKey = 50, 10
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := checkConsistentRead(p, perKey); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for round := 0; round < rounds; round++ {
		cmds := make([]*Command, perKey)
		for i := range cmds {
			cmds[i] = put(item("pk", attr.Str("k"), "sk", num(fmt.Sprint(i)), "ver", num(fmt.Sprint(round))))
		}
		mustApply(t, p, cmds...)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func checkConsistentRead(p *Partition, perKey int) error {
	page, err := p.Query(&QueryInput{Key: &expr.KeyCondition{HashName: "pk", HashValue: attr.Str("k")}, Forward: true})
	if err != nil {
		return err
	}
	if len(page.Items) != 0 && len(page.Items) != perKey {
		return fmt.Errorf("query saw %d items, want 0 or %d", len(page.Items), perKey)
	}
	for _, it := range page.Items {
		if it["ver"].S != page.Items[0]["ver"].S {
			return fmt.Errorf("query saw versions %s and %s in one page", it["ver"].S, page.Items[0]["ver"].S)
		}
	}
	if _, err := p.Scan(&ScanInput{Limit: 3}); err != nil {
		return err
	}
	if _, err := p.Get(item("pk", attr.Str("k"), "sk", num("0"))); err != nil {
		return err
	}
	p.Stats()
	return nil
}
