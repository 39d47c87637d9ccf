package workload

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/chaos/history"
	"github.com/flotilla-db/flotilla/test/harness"
)

const (
	serverProcesses = 4
	serverSteps     = 75 // per process
)

// chaosClient is a client as the chaos runner builds them: one request per
// operation (SDK retries disabled) with a per-request timeout.
func chaosClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
		HTTPClient:       &http.Client{Timeout: opTimeout},
	})
}

// TestWorkloadsAgainstServer runs each workload's Setup, a few hundred Steps
// from concurrent processes and Final against one real flotilla server
// without faults, whose histories must all check valid.
func TestWorkloadsAgainstServer(t *testing.T) {
	srv := harness.Start(t, t.TempDir())
	db := chaosClient(srv.Endpoint())
	ws, _ := All(nil)
	for i, w := range ws {
		t.Run(w.Name(), func(t *testing.T) {
			env := &Env{Clients: []*dynamodb.Client{db}, Recorder: history.NewRecorder(), Table: "chaos"}
			ctx := harness.Context(t, 60*time.Second)
			if err := w.Setup(ctx, env); err != nil {
				t.Fatalf("setup: %v", err)
			}
			drive(ctx, env, w, int64(i))
			if err := w.Final(ctx, env); err != nil {
				t.Fatalf("final: %v", err)
			}
			ops := env.Recorder.Ops()
			wantMostlyOK(t, ops)
			wantKinds(t, ops, kinds[w.Name()])
			res := w.Check(ops)
			t.Logf("%s: %s", res.Checker, res.Summary)
			wantValid(t, res)
		})
	}
}

// kinds lists, per workload, the op kinds (with an output, if given) that
// a run must show succeeding at least once.
var kinds = map[string][]string{
	"register":    {RegisterRead, RegisterWrite, RegisterCAS + ` "ok"`, RegisterCAS + ` "failed"`},
	"list-append": {ListRead, ListAppendOp},
	"counter":     {CounterRead, CounterAdd},
	"durability":  {DurabilityPut, DurabilityRead + " true"},
}

func wantKinds(t *testing.T, ops []history.Op, want []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, op := range ops {
		if op.Outcome == history.OK {
			seen[op.Kind] = true
			seen[op.Kind+" "+string(op.Output)] = true
		}
	}
	for _, k := range want {
		if !seen[k] {
			t.Errorf("no successful %s op", k)
		}
	}
}

// drive runs serverSteps Steps on each of serverProcesses concurrent
// processes.
func drive(ctx context.Context, env *Env, w Workload, seed int64) {
	var wg sync.WaitGroup
	for p := range serverProcesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(seed), uint64(p)))
			for range serverSteps {
				w.Step(ctx, env, p, 1, rng)
			}
		}()
	}
	wg.Wait()
}

// wantMostlyOK checks that the workload really ran: most of its ops
// succeeded and it made final reads.
func wantMostlyOK(t *testing.T, ops []history.Op) {
	t.Helper()
	var ok, finals int
	for _, op := range ops {
		if op.Final && op.Outcome == history.OK {
			finals++
		} else if !op.Final && op.Outcome == history.OK {
			ok++
		} else if !op.Final {
			t.Logf("op %d %s %s: %s: %s", op.ID, op.Kind, op.Key, op.Outcome, op.Error)
		}
	}
	if steps := serverProcesses * serverSteps; ok < steps*9/10 {
		t.Errorf("only %d of %d ops succeeded", ok, steps)
	}
	if finals == 0 {
		t.Error("no successful final reads")
	}
}
