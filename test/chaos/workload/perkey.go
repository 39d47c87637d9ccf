package workload

import (
	"fmt"
	"strings"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// keyChecker is one key's history as a per-key checker gathers it.
type keyChecker interface {
	add(op history.Op) error // takes one of the key's ops
	check() []string         // the key's anomalies, once every op is in
}

// checkPerKey runs a per-key checker over the ops whose kind starts with
// prefix: it gathers each key's ops with newKey's history, checks every
// key and summarises, with okSummary when nothing was found.
func checkPerKey[K keyChecker](name, prefix, okSummary string, ops []history.Op, newKey func() K) Result {
	keys := map[string]K{}
	var bad anomalies
	nops := 0
	for _, op := range ops {
		if !strings.HasPrefix(op.Kind, prefix) {
			continue
		}
		nops++
		k, ok := keys[op.Key]
		if !ok {
			k = newKey()
			keys[op.Key] = k
		}
		if err := k.add(op); err != nil {
			bad.add(fmt.Sprintf("key %s: op %d (%s): %v", op.Key, op.ID, op.Kind, err))
		}
	}
	for _, key := range sortedKeys(keys) {
		for _, line := range keys[key].check() {
			bad.add("key " + key + ": " + line)
		}
	}
	res := Result{Checker: name, Valid: bad.total == 0, Details: bad.details()}
	res.Summary = fmt.Sprintf("%d keys, %d ops: ", len(keys), nops)
	if res.Valid {
		res.Summary += okSummary
	} else {
		res.Summary += fmt.Sprintf("%d anomalies", bad.total)
	}
	return res
}
