package ycsb

import (
	"context"
	"time"
)

// Schedule says when a client's k-th operation is due. In open-loop mode
// (a target rate) the operations of all clients are interleaved at fixed
// intervals from the start, and an operation's latency is measured from
// its due time, not from when it was actually sent: a server that stalls
// is charged for the queue it builds (no coordinated omission). In
// closed-loop mode (Interval 0) every operation is due immediately and its
// latency is measured from when it starts.
type Schedule struct {
	Start    time.Time
	Interval time.Duration // between one client's operations; 0: closed loop
	Offset   time.Duration // of this client's first operation
}

// NewSchedule returns client's schedule among clients sharing target
// operations per second from start; target 0 means closed loop.
func NewSchedule(start time.Time, target float64, clients, client int) Schedule {
	if target <= 0 {
		return Schedule{Start: start}
	}
	perOp := time.Duration(float64(time.Second) / target)
	return Schedule{Start: start, Interval: perOp * time.Duration(clients), Offset: perOp * time.Duration(client)}
}

// Open reports whether the schedule paces operations.
func (s Schedule) Open() bool { return s.Interval > 0 }

// Due returns when operation k (from 0) is due in open-loop mode.
func (s Schedule) Due(k int64) time.Time {
	return s.Start.Add(s.Offset + time.Duration(k)*s.Interval)
}

// Clock is the time source of a run: the real one, or a fake in tests.
type Clock interface {
	Now() time.Time
	// SleepUntil returns at t or when ctx ends, whichever is first.
	SleepUntil(ctx context.Context, t time.Time)
}

// realClock is the wall clock; pacing sleeps are its purpose.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}

// pacer issues one client's operations on its schedule and measures each
// one's latency.
type pacer struct {
	sched Schedule
	clock Clock
	k     int64
}

// begin waits until the next operation is due and returns the time its
// latency counts from.
func (p *pacer) begin(ctx context.Context) time.Time {
	if !p.sched.Open() {
		return p.clock.Now()
	}
	due := p.sched.Due(p.k)
	p.k++
	p.clock.SleepUntil(ctx, due)
	return due
}
