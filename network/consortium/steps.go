package consortium

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// NodeError names the node whose step failed and where its log is.
type NodeError struct {
	Node string
	Log  string
	Err  error
}

func (e *NodeError) Error() string {
	if e.Log == "" {
		return fmt.Sprintf("%s: %v", e.Node, e.Err)
	}
	return fmt.Sprintf("%s: %v (log: %s)", e.Node, e.Err, e.Log)
}

func (e *NodeError) Unwrap() error { return e.Err }

// progress prints each step with the time it took, and records it in
// the consortium's timeline (when it has one) for the summary.
type progress struct {
	w        io.Writer
	start    time.Time
	timeline *timeline
}

// newProgress is a progress that records into the consortium's timeline,
// which the first one starts: Up and then Deploy share it, so the summary
// at the end of Deploy covers all of `carenet up`.
func (c *Consortium) newProgress() *progress {
	c.timelineOnce.Do(func() { c.timeline = &timeline{start: time.Now()} })
	return &progress{w: c.Out, start: time.Now(), timeline: c.timeline}
}

func (p *progress) step(name string, fn func() error) error {
	t := time.Now()
	fmt.Fprintf(p.w, "▶ %s\n", name)
	err := fn()
	took := time.Since(t)
	p.timeline.record(name, t, took, err)
	if err != nil {
		fmt.Fprintf(p.w, "✗ %s failed after %.1fs: %v\n", name, took.Seconds(), err)
		return err
	}
	fmt.Fprintf(p.w, "✓ %s (%.1fs)\n", name, took.Seconds())
	return nil
}

// summary prints the timeline: every step with when it started (steps
// run side by side overlap) and how long it took, and the total.
func (p *progress) summary(what string) {
	if p.timeline != nil {
		p.timeline.write(p.w, what)
	}
}

// timeline is the steps of a run, as they ended.
type timeline struct {
	start time.Time
	mu    sync.Mutex
	steps []timedStep
}

type timedStep struct {
	name     string
	at, took time.Duration
	failed   bool
}

func (tl *timeline) record(name string, start time.Time, took time.Duration, err error) {
	if tl == nil {
		return
	}
	tl.mu.Lock()
	defer tl.mu.Unlock()
	tl.steps = append(tl.steps, timedStep{name: name, at: start.Sub(tl.start), took: took, failed: err != nil})
}

func (tl *timeline) write(w io.Writer, what string) {
	tl.mu.Lock()
	steps := slices.Clone(tl.steps)
	tl.mu.Unlock()
	slices.SortStableFunc(steps, func(a, b timedStep) int { return cmp.Compare(a.at, b.at) })
	fmt.Fprintf(w, "timing of this run (%s): start, time taken, step\n", what)
	for _, s := range steps {
		mark := ""
		if s.failed {
			mark = "  (failed)"
		}
		fmt.Fprintf(w, "  %6.1fs %6.1fs  %s%s\n", s.at.Seconds(), s.took.Seconds(), s.name, mark)
	}
	fmt.Fprintf(w, "  total %.1fs\n", time.Since(tl.start).Seconds())
}

func (p *progress) note(format string, args ...any) {
	fmt.Fprintf(p.w, "  "+format+"\n", args...)
}

// causePattern finds the lines of a node's log that say why it stopped.
var causePattern = regexp.MustCompile(`(?i)\b(panic|fatal|fata|error|cannot|failed)\b`)

// logCause is the last line of the node's last run (since carenet's start
// marker) that says why it stopped, or "".
func logCause(log string) string {
	lines, err := Tail(log, 200)
	if err != nil {
		return ""
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "==== carenet start") {
			lines = lines[i+1:]
			break
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if causePattern.MatchString(lines[i]) {
			return strings.TrimSpace(lines[i][:min(len(lines[i]), 400)])
		}
	}
	return ""
}
