package chaos

import (
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Config describes one run of the suite.
type Config struct {
	// Nodes is the initial cluster size: 3 or 5.
	Nodes int
	// Spares is how many extra node slots are prepared for the "replace"
	// fault; 0 means the default, 1; a negative value means none.
	Spares int
	// Duration is the length of the fault schedule; clients run for as
	// long, then the cluster is healed and checked.
	Duration time.Duration
	// Seed fixes the fault schedule, the clients' choices and the proxies'
	// randomness.
	Seed int64
	// Clients is the number of concurrent client processes; 0 means two
	// per node.
	Clients int
	// ReportDir is where the report folder and the node logs
	// (ReportDir/logs/n<i>.log) are written.
	ReportDir string
	// Binary is the path of the flotilla binary to run.
	Binary string
	// ServeArgs are appended to every node's `flotilla serve` command
	// line, e.g. "--unsafe-stale-reads".
	ServeArgs []string
	// Faults lists the nemesis kinds to use (see FaultKinds); empty means
	// all of them.
	Faults []string
	// Log receives the runner's progress; nil discards it.
	Log *slog.Logger
}

// FaultKinds lists every fault kind the nemesis knows, in the order it
// documents them.
func FaultKinds() []string {
	return []string{"kill", "kill-leader", "pause", "pause-leader", "partition", "partition-leader",
		"bridge", "oneway", "latency", "loss", "disk-slow", "disk-fail", "replace"}
}

// withDefaults returns cfg with its zero fields set to their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.Spares == 0 {
		cfg.Spares = 1
	}
	if cfg.Spares < 0 {
		cfg.Spares = 0
	}
	if cfg.Clients == 0 {
		cfg.Clients = 2 * cfg.Nodes
	}
	if len(cfg.Faults) == 0 {
		cfg.Faults = FaultKinds()
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// Validate reports the first field of cfg (after defaults) that cannot
// work, naming the field and its value.
func (cfg Config) Validate() error {
	switch {
	case cfg.Nodes < 3:
		return fmt.Errorf("chaos: Config.Nodes %d is below 3", cfg.Nodes)
	case cfg.Duration <= 0:
		return fmt.Errorf("chaos: Config.Duration %v is not positive", cfg.Duration)
	case cfg.Clients < 1:
		return fmt.Errorf("chaos: Config.Clients %d is below 1", cfg.Clients)
	case cfg.ReportDir == "":
		return fmt.Errorf("chaos: Config.ReportDir is empty")
	case cfg.Binary == "":
		return fmt.Errorf("chaos: Config.Binary is empty")
	}
	for _, f := range cfg.Faults {
		if !slices.Contains(FaultKinds(), f) {
			return fmt.Errorf("chaos: Config.Faults: unknown fault kind %q (known: %v)", f, FaultKinds())
		}
	}
	return nil
}
