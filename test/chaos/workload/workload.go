package workload

import (
	"context"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/chaos/history"
)

// Env is what a workload needs from the cluster.
type Env struct {
	// Clients holds one DynamoDB client per node, index i for node i+1,
	// each with SDK retries disabled (RetryMaxAttempts 1), so that an op's
	// outcome is exactly that of one request.
	Clients []*dynamodb.Client
	// Recorder records every op.
	Recorder *history.Recorder
	// Table is the table name prefix; a workload's table is
	// Table+"-"+Name().
	Table string
}

// Workload is one kind of client load with its own checker.
type Workload interface {
	// Name names the workload, its table and its checker.
	Name() string
	// Setup creates the workload's table (PAY_PER_REQUEST) through
	// env.Clients[0] and waits until it is ACTIVE.
	Setup(ctx context.Context, env *Env) error
	// Step performs one operation through env.Clients[node-1] on behalf of
	// process and records it.
	Step(ctx context.Context, env *Env, process, node int, rng *rand.Rand)
	// Final reads, after healing, every key the workload used with a
	// ConsistentRead, recording each read with Final set and retrying it
	// until it succeeds or ctx ends.
	Final(ctx context.Context, env *Env) error
	// Check judges the whole history of a run, ignoring ops that are not
	// the workload's own.
	Check(ops []history.Op) Result
}

// Checker judges a history without driving any load of its own.
type Checker interface {
	Name() string
	Check(ops []history.Op) Result
}

// Result is a checker's verdict.
type Result struct {
	Checker string            `json:"checker"`
	Valid   bool              `json:"valid"`
	Summary string            `json:"summary"`           // one line
	Details []string          `json:"details,omitempty"` // anomalies, at most maxDetails lines
	Files   map[string][]byte `json:"-"`                 // extra report files by name
}

// maxDetails caps Result.Details.
const maxDetails = 50

// All returns the default set of workloads and checkers: Register,
// ListAppend, Counter, Durability, and Availability over windows.
func All(windows func() []history.Window) ([]Workload, []Checker) {
	return []Workload{Register(), ListAppend(), Counter(), Durability()},
		[]Checker{Availability(windows)}
}

// anomalies collects the lines of Result.Details, keeping at most
// maxDetails and counting the rest.
type anomalies struct {
	lines []string
	total int
}

func (a *anomalies) add(line string) {
	a.total++
	if len(a.lines) < maxDetails-1 {
		a.lines = append(a.lines, line)
	}
}

// details returns the kept lines, with a last line counting those dropped.
func (a *anomalies) details() []string {
	if a.total > len(a.lines) {
		return append(a.lines, fmtDropped(a.total-len(a.lines)))
	}
	return a.lines
}
