package consortium

import (
	"fmt"
	"io"
	"regexp"
	"strings"
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
