package consortium

import (
	"fmt"
	"io"
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

// progress prints each step with the time it took.
type progress struct {
	w     io.Writer
	start time.Time
}

func (p *progress) step(name string, fn func() error) error {
	t := time.Now()
	fmt.Fprintf(p.w, "▶ %s\n", name)
	err := fn()
	if err != nil {
		fmt.Fprintf(p.w, "✗ %s failed after %.1fs: %v\n", name, time.Since(t).Seconds(), err)
		return err
	}
	fmt.Fprintf(p.w, "✓ %s (%.1fs)\n", name, time.Since(t).Seconds())
	return nil
}

func (p *progress) note(format string, args ...any) {
	fmt.Fprintf(p.w, "  "+format+"\n", args...)
}
