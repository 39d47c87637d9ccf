package transport

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/flotilla-db/flotilla/proto/raftpb"
)

// AppendEntriesPipeline opens a pipeline of AppendEntries RPCs to target
// over one AppendEntriesPipeline stream.
func (g *GroupTransport) AppendEntriesPipeline(_ raft.ServerID, target raft.ServerAddress) (raft.AppendPipeline, error) {
	if g.closed() {
		return nil, ErrClosed
	}
	c, err := g.t.client(target)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(g.ctx)
	stream, err := c.AppendEntriesPipeline(ctx)
	if err != nil {
		cancel()
		return nil, rpcError("AppendEntriesPipeline", g.id, string(target), err)
	}
	p := &pipeline{
		g:        g,
		target:   target,
		stream:   stream,
		cancel:   cancel,
		inflight: make(chan *appendFuture, g.t.cfg.MaxInFlight),
		doneCh:   make(chan raft.AppendFuture, g.t.cfg.MaxInFlight),
		closedCh: make(chan struct{}),
		recvDone: make(chan struct{}),
	}
	go p.receive()
	return p, nil
}

// pipeline implements raft.AppendPipeline. AppendEntries sends and queues
// a future; receive reads the responses in order, completes the futures
// and passes them on to Consumer.
type pipeline struct {
	g      *GroupTransport
	target raft.ServerAddress
	stream raftpb.RaftTransport_AppendEntriesPipelineClient
	cancel context.CancelFunc

	sendMu   sync.Mutex
	inflight chan *appendFuture
	doneCh   chan raft.AppendFuture

	closeOnce sync.Once
	closedCh  chan struct{}
	recvDone  chan struct{}
}

var _ raft.AppendPipeline = (*pipeline)(nil)

// AppendEntries sends args down the stream. It blocks while MaxInFlight
// requests await their responses.
func (p *pipeline) AppendEntries(args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) (raft.AppendFuture, error) {
	f := newAppendFuture(args, resp)
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	select {
	case <-p.closedCh:
		return nil, raft.ErrPipelineShutdown
	default:
	}
	// A peer that stops reading the stream (its group stalled, or a
	// connection that neither fails nor moves) would block Send for good,
	// and with it Raft's replication goroutine for that peer, which then
	// never answers a leadership transfer: bound it like a response.
	timer := time.AfterFunc(p.g.t.cfg.Timeout, p.cancel)
	err := p.stream.Send(appendEntriesRequestToPB(p.g.id, args))
	timer.Stop()
	if err != nil {
		return nil, rpcError("AppendEntriesPipeline", p.g.id, string(p.target), err)
	}
	select {
	case p.inflight <- f:
		return f, nil
	case <-p.closedCh:
		return nil, raft.ErrPipelineShutdown
	}
}

// Consumer returns the channel completed futures arrive on, in request
// order.
func (p *pipeline) Consumer() <-chan raft.AppendFuture { return p.doneCh }

// Close cancels the stream and every in-flight request. Idempotent.
func (p *pipeline) Close() error {
	p.closeOnce.Do(func() {
		close(p.closedCh)
		p.cancel()
	})
	<-p.recvDone
	return nil
}

// receive completes the in-flight futures in order. A response that does
// not arrive within Config.Timeout cancels the stream, failing it and every
// later request.
func (p *pipeline) receive() {
	defer close(p.recvDone)
	for {
		var f *appendFuture
		select {
		case f = <-p.inflight:
		case <-p.closedCh:
			return
		}
		f.respond(p.recv(f.resp))
		select {
		case p.doneCh <- f:
		case <-p.closedCh:
			return
		}
	}
}

func (p *pipeline) recv(resp *raft.AppendEntriesResponse) error {
	timer := time.AfterFunc(p.g.t.cfg.Timeout, p.cancel)
	out, err := p.stream.Recv()
	timer.Stop()
	if err != nil {
		return rpcError("AppendEntriesPipeline", p.g.id, string(p.target), err)
	}
	appendEntriesResponseFromPB(out, resp)
	return nil
}

// appendFuture implements raft.AppendFuture.
type appendFuture struct {
	start time.Time
	args  *raft.AppendEntriesRequest
	resp  *raft.AppendEntriesResponse
	errCh chan error

	once sync.Once
	err  error
}

func newAppendFuture(args *raft.AppendEntriesRequest, resp *raft.AppendEntriesResponse) *appendFuture {
	return &appendFuture{start: time.Now(), args: args, resp: resp, errCh: make(chan error, 1)}
}

func (f *appendFuture) respond(err error) { f.errCh <- err }

// Error blocks until the response has arrived and returns its error.
func (f *appendFuture) Error() error {
	f.once.Do(func() { f.err = <-f.errCh })
	return f.err
}

func (f *appendFuture) Start() time.Time                      { return f.start }
func (f *appendFuture) Request() *raft.AppendEntriesRequest   { return f.args }
func (f *appendFuture) Response() *raft.AppendEntriesResponse { return f.resp }
