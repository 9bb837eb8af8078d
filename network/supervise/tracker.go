package supervise

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Kind is what happened to a target.
type Kind string

// The events a supervisor reports.
const (
	// Exited: the process was found gone.
	Exited Kind = "exited"
	// Restarted: it was started again.
	Restarted Kind = "restarted"
	// StartFailed: starting it again failed (counts against the budget).
	StartFailed Kind = "start-failed"
	// Back: a restarted process is healthy.
	Back Kind = "back"
	// GaveUp: the restart budget is spent; it is not restarted again.
	GaveUp Kind = "gave-up"
)

// Event is one thing a supervisor noticed or did.
type Event struct {
	Kind   Kind
	Target string
	Time   time.Time
	// Restarts counts the target's restarts within the budget's window,
	// this one included.
	Restarts int
	Budget   Budget
	// After is, for Back, the time from the restart to health.
	After time.Duration
	Err   error
	// Tail is, for GaveUp, the end of the target's log.
	Tail []string
	Log  string
}

func (e Event) String() string {
	switch e.Kind {
	case Exited:
		return fmt.Sprintf("%s exited", e.Target)
	case Restarted:
		return fmt.Sprintf("%s restarted (%d of %s)", e.Target, e.Restarts, e.Budget)
	case StartFailed:
		return fmt.Sprintf("%s did not start (%d of %s): %v", e.Target, e.Restarts, e.Budget, e.Err)
	case Back:
		return fmt.Sprintf("%s is back, healthy %.1fs after its restart", e.Target, e.After.Seconds())
	case GaveUp:
		var b strings.Builder
		fmt.Fprintf(&b, "%s: restart budget spent (%s); left stopped until `make up` (log: %s)", e.Target, e.Budget, e.Log)
		if len(e.Tail) > 0 {
			fmt.Fprintf(&b, "\n  last %d lines of the log:", len(e.Tail))
			for _, l := range e.Tail {
				b.WriteString("\n    " + l)
			}
		}
		return b.String()
	}
	return fmt.Sprintf("%s %s", e.Target, e.Kind)
}

// tracker is what a supervisor remembers of one target.
type tracker struct {
	restarts  []time.Time // within the window
	down      time.Time   // when found gone; zero while it runs
	startedAt time.Time   // the last restart
	awaiting  bool        // restarted, not yet healthy
	gaveUp    bool
}

// prune forgets restarts older than the window.
func (t *tracker) prune(now time.Time, window time.Duration) {
	keep := t.restarts[:0]
	for _, r := range t.restarts {
		if now.Sub(r) < window {
			keep = append(keep, r)
		}
	}
	t.restarts = keep
}

// due reports whether the pause after the last restart is over: none
// before the first restart in the window, then firstPause, doubling.
func (t *tracker) due(now time.Time) bool {
	n := len(t.restarts)
	if n == 0 {
		return true
	}
	pause := firstPause
	for i := 1; i < n && pause < maxPause; i++ {
		pause *= 2
	}
	return !now.Before(t.restarts[n-1].Add(min(pause, maxPause)))
}

// check looks at one target once and restarts it when it is gone and the
// budget allows.
func (s *Supervisor) check(ctx context.Context, t *Target, st *tracker) {
	if st.gaveUp {
		return
	}
	now := s.now()
	if t.Running() {
		st.down = time.Time{}
		if st.awaiting && (t.Healthy == nil || t.Healthy(ctx)) {
			st.awaiting = false
			s.emit(Event{Kind: Back, Target: t.ID, Time: now, Restarts: len(st.restarts), After: now.Sub(st.startedAt)})
		}
		return
	}
	if st.down.IsZero() {
		st.down = now
		s.emit(Event{Kind: Exited, Target: t.ID, Time: now})
	}
	st.prune(now, s.budget().Window)
	if len(st.restarts) >= s.budget().Restarts {
		s.giveUp(t, st, now)
		return
	}
	if !st.due(now) {
		return
	}
	st.restarts = append(st.restarts, now)
	if err := t.Start(ctx); err != nil {
		s.emit(Event{Kind: StartFailed, Target: t.ID, Time: now, Restarts: len(st.restarts), Err: err})
		return
	}
	st.startedAt, st.awaiting = now, true
	s.emit(Event{Kind: Restarted, Target: t.ID, Time: now, Restarts: len(st.restarts)})
}

func (s *Supervisor) giveUp(t *Target, st *tracker, now time.Time) {
	st.gaveUp = true
	e := Event{Kind: GaveUp, Target: t.ID, Time: now, Restarts: len(st.restarts), Log: t.Log}
	if t.Tail != nil {
		n := s.TailLines
		if n <= 0 {
			n = DefaultTailLines
		}
		e.Tail = t.Tail(n)
	}
	s.emit(e)
}

func (s *Supervisor) budget() Budget {
	if s.Budget.Restarts <= 0 || s.Budget.Window <= 0 {
		return DefaultBudget
	}
	return s.Budget
}

func (s *Supervisor) emit(e Event) {
	e.Budget = s.budget()
	if s.Out != nil {
		fmt.Fprintf(s.Out, "%s %s\n", e.Time.UTC().Format(stamp), e)
	}
	if s.OnEvent != nil {
		s.OnEvent(e)
	}
}

// stamp is the time format of the output lines (UTC, milliseconds).
const stamp = "2006-01-02T15:04:05.000Z07:00"
