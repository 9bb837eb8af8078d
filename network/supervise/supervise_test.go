package supervise

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeProc is a process that runs until it is killed; start brings it back
// unless it is set to die at once.
type fakeProc struct {
	running   bool
	healthy   bool
	dieAtOnce bool
	starts    int
	failWith  error
}

func (p *fakeProc) target(id string) Target {
	return Target{
		ID:      id,
		Running: func() bool { return p.running },
		Start: func(context.Context) error {
			p.starts++
			if p.failWith != nil {
				return p.failWith
			}
			p.running = !p.dieAtOnce
			return nil
		},
		Healthy: func(context.Context) bool { return p.healthy },
		Tail:    func(n int) []string { return []string{"panic: boom"} },
		Log:     "/logs/" + id + ".log",
	}
}

// clock is a settable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newSupervisor(c *clock, events *[]Event, targets ...Target) *Supervisor {
	return &Supervisor{Targets: targets, Budget: Budget{Restarts: 5, Window: 10 * time.Minute},
		Now: c.now, OnEvent: func(e Event) { *events = append(*events, e) }}
}

func kinds(events []Event) string {
	var out []string
	for _, e := range events {
		out = append(out, string(e.Kind))
	}
	return strings.Join(out, ",")
}

func TestRestartsAnExitedProcessAndWaitsForHealth(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var events []Event
	p := &fakeProc{running: true, healthy: true}
	s := newSupervisor(c, &events, p.target("peer0.provider"))
	st := &tracker{}
	ctx := context.Background()

	s.check(ctx, &s.Targets[0], st)
	if len(events) != 0 || p.starts != 0 {
		t.Fatalf("a running process is left alone: events %s, starts %d", kinds(events), p.starts)
	}
	p.running, p.healthy = false, false // kill -9
	s.check(ctx, &s.Targets[0], st)
	if p.starts != 1 || kinds(events) != "exited,restarted" {
		t.Fatalf("starts %d, events %s", p.starts, kinds(events))
	}
	c.advance(time.Second)
	s.check(ctx, &s.Targets[0], st) // running, not yet healthy
	c.advance(500 * time.Millisecond)
	p.healthy = true
	s.check(ctx, &s.Targets[0], st)
	if kinds(events) != "exited,restarted,back" {
		t.Fatalf("events %s", kinds(events))
	}
	if got := events[2].After; got != 1500*time.Millisecond {
		t.Errorf("back after %v, want 1.5s", got)
	}
}

func TestBudgetSpentGivesUpWithTheLogTail(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var events []Event
	p := &fakeProc{dieAtOnce: true}
	var out bytes.Buffer
	s := newSupervisor(c, &events, p.target("orderer1.orderer"))
	s.Out = &out
	st := &tracker{}
	// Check every 250 ms for two minutes: 5 restarts, paced 0, 1, 2, 4, 8 s.
	var at []time.Duration
	start := c.t
	for i := 0; i < 480; i++ {
		before := p.starts
		s.check(context.Background(), &s.Targets[0], st)
		if p.starts > before {
			at = append(at, c.t.Sub(start))
		}
		c.advance(250 * time.Millisecond)
	}
	want := []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second, 15 * time.Second}
	if len(at) != len(want) {
		t.Fatalf("restarts at %v, want %v", at, want)
	}
	for i := range want {
		if at[i] != want[i] {
			t.Errorf("restart %d at %v, want %v", i+1, at[i], want[i])
		}
	}
	last := events[len(events)-1]
	if last.Kind != GaveUp || len(last.Tail) != 1 {
		t.Fatalf("last event %+v", last)
	}
	if !strings.Contains(out.String(), "restart budget spent (5 restarts in 10m0s)") || !strings.Contains(out.String(), "panic: boom") {
		t.Errorf("output lacks the budget or the log tail:\n%s", out.String())
	}
}

func TestRestartsOutsideTheWindowAreForgotten(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var events []Event
	p := &fakeProc{running: true, healthy: true}
	s := newSupervisor(c, &events, p.target("peer0.payer"))
	s.Budget = Budget{Restarts: 2, Window: time.Minute}
	st := &tracker{}
	for i := 0; i < 6; i++ { // a crash every 40 s: never more than 2 in a minute
		p.running = false
		s.check(context.Background(), &s.Targets[0], st)
		c.advance(40 * time.Second)
	}
	if p.starts != 6 {
		t.Errorf("starts %d, want 6 (events %s)", p.starts, kinds(events))
	}
	for _, e := range events {
		if e.Kind == GaveUp {
			t.Fatalf("gave up on a process within its budget: %s", kinds(events))
		}
	}
}

func TestFailedStartsCountAgainstTheBudget(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	var events []Event
	p := &fakeProc{failWith: errors.New("no such binary")}
	s := newSupervisor(c, &events, p.target("ca.payer"))
	s.Budget = Budget{Restarts: 2, Window: time.Hour}
	st := &tracker{}
	for i := 0; i < 40; i++ {
		s.check(context.Background(), &s.Targets[0], st)
		c.advance(time.Second)
	}
	if p.starts != 2 || kinds(events) != "exited,start-failed,start-failed,gave-up" {
		t.Errorf("starts %d, events %s", p.starts, kinds(events))
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	p := &fakeProc{running: true}
	s := &Supervisor{Targets: []Target{p.target("x")}, Interval: time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run: %v", err)
	}
}
