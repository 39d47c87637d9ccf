package placement

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/flotilla-db/flotilla/partition/schema"
)

// nodes builds live nodes from "id" or "id@zone" specs.
func nodes(specs ...string) []Node {
	out := make([]Node, 0, len(specs))
	for _, s := range specs {
		id, zone, _ := strings.Cut(s, "@")
		out = append(out, Node{ID: id, Zone: zone})
	}
	return out
}

func TestInitial(t *testing.T) {
	tests := []struct {
		name  string
		alive []Node
		load  map[string]int
		n     int
		want  []string
	}{
		{"spreads zones", nodes("a1@za", "a2@za", "b1@zb", "c1@zc"), nil, 3, []string{"a1", "b1", "c1"}},
		{"zone spread before load", nodes("a1@za", "a2@za", "b1@zb"), map[string]int{"b1": 9}, 3, []string{"a1", "b1", "a2"}},
		{"least loaded within zones", nodes("a1@za", "a2@za", "b1@zb", "c1@zc"), map[string]int{"a1": 5}, 3, []string{"a2", "b1", "c1"}},
		{"ties by id", nodes("n3", "n1", "n2", "n4"), nil, 3, []string{"n1", "n2", "n3"}},
		{"least loaded without zones", nodes("n1", "n2", "n3", "n4"), map[string]int{"n1": 2, "n2": 1, "n3": 1}, 3, []string{"n4", "n2", "n3"}},
		{"fewer nodes than n", nodes("n2", "n1"), nil, 3, []string{"n1", "n2"}},
		{"no nodes", nil, nil, 3, []string{}},
		{"zero wanted", nodes("n1"), nil, 0, []string{}},
		{"duplicate and empty ids ignored", []Node{{ID: "n1"}, {ID: "n1"}, {ID: ""}, {ID: "n2"}}, nil, 3, []string{"n1", "n2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Initial(Cluster{Alive: tt.alive}, tt.load, tt.n)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Initial = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	tables := []*schema.Table{
		table("a", [][]string{{"n1", "n2"}, {"n1", "n3"}}),
		table("b", [][]string{{"n2"}}),
		deletingTable("c", [][]string{{"n1", "n2", "n3"}}),
	}
	got := Load(tables)
	want := map[string]int{"n1": 2, "n2": 2, "n3": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Load = %v, want %v", got, want)
	}
}

func TestInitialDoesNotModifyLoad(t *testing.T) {
	load := map[string]int{"n1": 1}
	Initial(Cluster{Alive: nodes("n1", "n2")}, load, 2)
	if len(load) != 1 || load["n1"] != 1 {
		t.Fatalf("load changed: %v", load)
	}
}

func TestLeadFirst(t *testing.T) {
	tests := []struct {
		name   string
		set    []string
		firsts map[string]int
		want   []string
	}{
		{"empty", nil, nil, nil},
		{"fewest firsts leads", []string{"n1", "n2", "n3"}, map[string]int{"n1": 2, "n2": 1, "n3": 0}, []string{"n3", "n2", "n1"}},
		{"tie goes to lower id", []string{"n3", "n2", "n1"}, map[string]int{}, []string{"n1", "n2", "n3"}},
		{"already first", []string{"n2", "n1"}, map[string]int{"n1": 1}, []string{"n2", "n1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := append([]string(nil), tt.set...)
			LeadFirst(got, tt.firsts)
			if !slices.Equal(got, tt.want) {
				t.Errorf("LeadFirst(%v, %v) = %v, want %v", tt.set, tt.firsts, got, tt.want)
			}
		})
	}
	// Placing partitions one after another rotates the first replica.
	firsts := map[string]int{}
	var leaders []string
	for range 6 {
		set := []string{"n1", "n2", "n3"}
		LeadFirst(set, firsts)
		firsts[set[0]]++
		leaders = append(leaders, set[0])
	}
	if want := []string{"n1", "n2", "n3", "n1", "n2", "n3"}; !slices.Equal(leaders, want) {
		t.Errorf("leaders of 6 new partitions = %v, want %v", leaders, want)
	}
}
