package history

import (
	"encoding/json"
	"time"
)

// Op is one completed (or abandoned) client operation.
type Op struct {
	ID      int64           `json:"id"`
	Process int             `json:"process"` // client (logical process) number
	Node    int             `json:"node"`    // node the request was sent to
	Kind    string          `json:"kind"`    // workload-defined, e.g. "register:read"
	Key     string          `json:"key"`
	Input   json.RawMessage `json:"input,omitempty"`
	Output  json.RawMessage `json:"output,omitempty"`
	Start   time.Duration   `json:"start"` // monotonic, since the recorder began
	End     time.Duration   `json:"end"`
	Outcome Outcome         `json:"outcome"`
	Error   string          `json:"error,omitempty"`
	Final   bool            `json:"final,omitempty"` // a read made after healing, for checkers' final state
}

// Window is a fault as the nemesis applied it.
type Window struct {
	Name     string        `json:"name"` // e.g. "partition [1 2] | [3]", "kill n2", "latency 100ms"
	Start    time.Duration `json:"start"`
	End      time.Duration `json:"end"`
	Majority bool          `json:"majority"` // a majority of nodes stayed connected and running during the window
}
