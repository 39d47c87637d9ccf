package chaos

import (
	"fmt"
	"testing"
)

func TestConnectedMajority(t *testing.T) {
	cut := func(pairs ...[2]int) func(a, b int) bool {
		return func(a, b int) bool {
			for _, p := range pairs {
				if (p[0] == a && p[1] == b) || (p[0] == b && p[1] == a) {
					return false
				}
			}
			return true
		}
	}
	upExcept := func(down ...int) func(int) bool {
		return func(i int) bool {
			for _, d := range down {
				if d == i {
					return false
				}
			}
			return true
		}
	}
	for _, tc := range []struct {
		name    string
		members []int
		up      func(int) bool
		linked  func(a, b int) bool
		want    bool
	}{
		{"all up", []int{1, 2, 3}, upExcept(), cut(), true},
		{"one of three down", []int{1, 2, 3}, upExcept(2), cut(), true},
		{"two of three down", []int{1, 2, 3}, upExcept(1, 2), cut(), false},
		{"minority cut off", []int{1, 2, 3, 4, 5}, upExcept(), cut([2]int{1, 3}, [2]int{1, 4}, [2]int{1, 5}, [2]int{2, 3}, [2]int{2, 4}, [2]int{2, 5}), true},
		{"bridge of five", []int{1, 2, 3, 4, 5}, upExcept(), cut([2]int{1, 4}, [2]int{1, 5}, [2]int{2, 4}, [2]int{2, 5}), true},
		{"three-way split of five", []int{1, 2, 3, 4, 5}, upExcept(),
			cut([2]int{1, 3}, [2]int{1, 4}, [2]int{1, 5}, [2]int{2, 3}, [2]int{2, 4}, [2]int{2, 5}, [2]int{3, 4}, [2]int{3, 5}), false},
		{"two down and one cut of five", []int{1, 2, 3, 4, 5}, upExcept(1, 2), cut([2]int{3, 4}), false},
		{"half of four", []int{1, 2, 3, 4}, upExcept(1, 2), cut(), false},
		{"ring of three, one link cut", []int{1, 2, 3}, upExcept(), cut([2]int{1, 3}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := connectedMajority(tc.members, tc.up, tc.linked); got != tc.want {
				t.Fatalf("connectedMajority = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{Nodes: 3, Duration: 1, ReportDir: "r", Binary: "b"}.withDefaults()
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v", good, err)
	}
	if good.Spares != 1 || good.Clients != 6 || len(good.Faults) != len(FaultKinds()) {
		t.Fatalf("defaults: spares %d clients %d faults %v", good.Spares, good.Clients, good.Faults)
	}
	for _, tc := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Nodes = 2 }, "chaos: Config.Nodes 2 is below 3"},
		{func(c *Config) { c.Duration = 0 }, "chaos: Config.Duration 0s is not positive"},
		{func(c *Config) { c.Binary = "" }, "chaos: Config.Binary is empty"},
		{func(c *Config) { c.Faults = []string{"kill", "flood"} }, `chaos: Config.Faults: unknown fault kind "flood"`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			c := good
			tc.change(&c)
			err := c.Validate()
			if err == nil || len(err.Error()) < len(tc.want) || err.Error()[:len(tc.want)] != tc.want {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
	if none := (Config{Spares: -1}).withDefaults(); none.Spares != 0 {
		t.Fatalf("Spares -1 became %d, want 0", none.Spares)
	}
}

func TestPortPickerDistinctBelowEphemeral(t *testing.T) {
	p := newPortPicker()
	defer p.releaseAll()
	seen := map[string]bool{}
	for i := range 20 {
		a, err := p.addr(i%2 == 0)
		if err != nil {
			t.Fatal(err)
		}
		if seen[a] {
			t.Fatalf("address %s handed out twice", a)
		}
		seen[a] = true
		var port int
		if _, err := fmt.Sscanf(a, "127.0.0.1:%d", &port); err != nil || port < lowestNodePort || port >= p.max {
			t.Fatalf("address %s outside [%d, %d)", a, lowestNodePort, p.max)
		}
	}
}

func TestPortPickerHoldsUntilRelease(t *testing.T) {
	p := newPortPicker()
	defer p.releaseAll()
	a, err := p.addr(true)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hold(a, false); ok {
		t.Fatalf("%s could be bound while the picker held it", a)
	}
	p.release(a)
	held, ok := hold(a, true)
	if !ok {
		t.Fatalf("%s could not be bound for TCP and UDP after release", a)
	}
	for _, c := range held {
		c.Close()
	}
}
