package catalog

import (
	"encoding/json"
	"fmt"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// Op names a catalog command.
type Op string

// Catalog commands.
const (
	// OpCreate stores Command.Table; its Partitions carry ranges and
	// replicas, and Apply assigns their ids from the persisted counter.
	OpCreate Op = "create"
	// OpUpdate replaces the table named Command.Table.Name if its version
	// is still Command.Version; name and partitions are kept.
	OpUpdate Op = "update"
	// OpDelete removes the table Command.Name.
	OpDelete Op = "delete"
	// OpSetReplicas sets the replicas and epoch of one partition.
	OpSetReplicas Op = "setReplicas"
)

// Command is one catalog change, JSON-encoded in the catalog's Raft log.
// Everything that is not a pure function of the stored state (ids, ARNs,
// times, replica choices) is decided by the proposer and carried here.
type Command struct {
	Op      Op            `json:"op"`
	Table   *schema.Table `json:"table,omitempty"`
	Name    string        `json:"name,omitempty"`
	Version uint64        `json:"version,omitempty"`
	// PartitionID, Replicas and Epoch are OpSetReplicas's arguments.
	PartitionID uint64   `json:"partitionId,omitempty"`
	Replicas    []string `json:"replicas,omitempty"`
	Epoch       uint64   `json:"epoch,omitempty"`
}

// Result is the outcome of a Command. A client-visible failure is carried
// as its dberr kind and message; Conflict reports a failed version check.
type Result struct {
	Table    *schema.Table `json:"table,omitempty"`
	Version  uint64        `json:"version,omitempty"`
	ErrKind  dberr.Kind    `json:"errKind,omitempty"`
	ErrMsg   string        `json:"errMsg,omitempty"`
	Conflict bool          `json:"conflict,omitempty"`
}

// Err returns the failure the result carries, or nil.
func (r *Result) Err() error {
	switch {
	case r.Conflict:
		return ErrConflict
	case r.ErrMsg != "":
		return dberr.New(r.ErrKind, "%s", r.ErrMsg)
	}
	return nil
}

func failed(e *dberr.Error) *Result { return &Result{ErrKind: e.Kind, ErrMsg: e.Message} }

// EncodeCommand renders c for the log.
func EncodeCommand(c *Command) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("catalog: encode %s command: %w", c.Op, err)
	}
	return b, nil
}

// DecodeCommand parses a command from the log.
func DecodeCommand(b []byte) (*Command, error) {
	var c Command
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("catalog: decode command: %w", err)
	}
	return &c, nil
}

func notFound(name string) *dberr.Error {
	return dberr.New(dberr.ResourceNotFound, "Requested resource not found: Table: %s not found", name)
}
