package chaos

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/flotilla-db/flotilla/test/chaos/workload"
)

// requestTimeout bounds one client request: a request to a paused node or
// a cut-off leader ends as an unknown outcome after this long.
const requestTimeout = 5 * time.Second

// Each client process waits a random time in [0, 2*pace) between its
// operations, so the load leaves the nodes CPU time to recover with and
// histories stay small enough to check.
const pace = 10 * time.Millisecond

// newClient returns a DynamoDB client for the node at addr that sends
// every operation exactly once (SDK retries off) and gives up after
// requestTimeout. The caller closes tr's idle connections when done.
func newClient(addr string, tr *http.Transport) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String("http://" + addr),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:       &http.Client{Timeout: requestTimeout, Transport: tr},
		RetryMaxAttempts: 1,
		Retryer: retry.AddWithMaxAttempts(retry.NewStandard(func(o *retry.StandardOptions) {
			o.RateLimiter = ratelimit.None
		}), 1),
	})
}

// clients runs the client processes of a run: each loops picking a
// workload and a member node at random and performing one step, until
// stopped. An operation in flight when the clients are stopped completes.
type clients struct {
	env       *workload.Env
	workloads []workload.Workload
	members   func() []int
	seed      int64
	wg        sync.WaitGroup
	cancel    context.CancelFunc
}

// start starts n client processes, numbered 1..n.
func (cs *clients) start(ctx context.Context, n int) {
	ctx, cs.cancel = context.WithCancel(ctx)
	for p := 1; p <= n; p++ {
		rng := rand.New(rand.NewPCG(uint64(cs.seed), uint64(p)))
		cs.wg.Add(1)
		go func() {
			defer cs.wg.Done()
			cs.loop(ctx, p, rng)
		}()
	}
}

// stop stops every client process and waits for them.
func (cs *clients) stop() {
	if cs.cancel != nil {
		cs.cancel()
	}
	cs.wg.Wait()
}

// loop is client process p.
func (cs *clients) loop(ctx context.Context, p int, rng *rand.Rand) {
	step := context.WithoutCancel(ctx)
	for ctx.Err() == nil {
		w := cs.workloads[rng.IntN(len(cs.workloads))]
		nodes := cs.members()
		w.Step(step, cs.env, p, nodes[rng.IntN(len(nodes))], rng)
		t := time.NewTimer(time.Duration(rng.Int64N(int64(2 * pace))))
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}
