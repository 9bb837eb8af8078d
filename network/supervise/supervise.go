// Package supervise keeps a set of processes running. It notices a process
// that has exited and starts it again, within a restart budget (so many
// restarts in a sliding window, with a growing pause between the restarts
// of one process), and gives up on a process that keeps dying, printing
// the end of its log. It knows nothing of Fabric: a Target says how to tell
// that a process runs, how to start it and where its log is.
package supervise

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Target is one supervised process.
type Target struct {
	ID string
	// Running reports whether the process is alive.
	Running func() bool
	// Start starts the process again; it returns once the process exists.
	Start func(ctx context.Context) error
	// Healthy reports whether a started process serves (optional: then a
	// started process counts as back at once).
	Healthy func(ctx context.Context) bool
	// Tail returns the last n lines of the process's log (optional).
	Tail func(n int) []string
	// Log names the log file in messages.
	Log string
}

// Budget bounds the restarts of one target.
type Budget struct {
	// Restarts is how many restarts are allowed within Window.
	Restarts int
	// Window is the sliding window the restarts are counted in.
	Window time.Duration
}

// DefaultBudget allows 5 restarts in 10 minutes.
var DefaultBudget = Budget{Restarts: 5, Window: 10 * time.Minute}

func (b Budget) String() string { return fmt.Sprintf("%d restarts in %s", b.Restarts, b.Window) }

// Defaults of a Supervisor's zero fields.
const (
	DefaultInterval  = 250 * time.Millisecond
	DefaultTailLines = 20
	// firstPause is the pause before the second restart within the window;
	// it doubles for every further one, up to maxPause. The first restart
	// is immediate.
	firstPause = time.Second
	maxPause   = 30 * time.Second
)

// Supervisor watches its targets until its context ends.
type Supervisor struct {
	Targets []Target
	Budget  Budget
	// Interval between two checks of every target.
	Interval time.Duration
	// Out receives one line per event (and the log tail when a budget is spent).
	Out io.Writer
	// OnEvent, when set, is called for every event (tests).
	OnEvent func(Event)
	// TailLines is how much of a log is printed when a budget is spent.
	TailLines int
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Run checks every target each Interval and restarts those that exited,
// until ctx ends. It returns ctx's error.
func (s *Supervisor) Run(ctx context.Context) error {
	states := make([]*tracker, len(s.Targets))
	for i := range states {
		states[i] = &tracker{}
	}
	tick := time.NewTicker(s.interval())
	defer tick.Stop()
	for {
		for i := range s.Targets {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.check(ctx, &s.Targets[i], states[i])
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

func (s *Supervisor) interval() time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	return DefaultInterval
}

func (s *Supervisor) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
