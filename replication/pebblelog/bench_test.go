package pebblelog

import (
	"testing"

	raftbench "github.com/hashicorp/raft/bench"
)

// The benchmarks of hashicorp/raft's store benchmark suite.

func BenchmarkFirstIndex(b *testing.B) { _, st := openStore(b, "1"); raftbench.FirstIndex(b, st) }
func BenchmarkLastIndex(b *testing.B)  { _, st := openStore(b, "1"); raftbench.LastIndex(b, st) }
func BenchmarkGetLog(b *testing.B)     { _, st := openStore(b, "1"); raftbench.GetLog(b, st) }
func BenchmarkStoreLog(b *testing.B)   { _, st := openStore(b, "1"); raftbench.StoreLog(b, st) }
func BenchmarkStoreLogs(b *testing.B)  { _, st := openStore(b, "1"); raftbench.StoreLogs(b, st) }
func BenchmarkDeleteRange(b *testing.B) {
	_, st := openStore(b, "1")
	raftbench.DeleteRange(b, st)
}
func BenchmarkSet(b *testing.B)       { _, st := openStore(b, "1"); raftbench.Set(b, st) }
func BenchmarkGet(b *testing.B)       { _, st := openStore(b, "1"); raftbench.Get(b, st) }
func BenchmarkSetUint64(b *testing.B) { _, st := openStore(b, "1"); raftbench.SetUint64(b, st) }
func BenchmarkGetUint64(b *testing.B) { _, st := openStore(b, "1"); raftbench.GetUint64(b, st) }
