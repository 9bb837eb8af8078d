// Package harness measures chaincode transactions on a running consortium:
// it keeps N transactions in flight for a duration and reports committed
// transactions per second, latency percentiles and the count of each kind of
// failure (MVCC conflict, endorsement mismatch, timeout, ...). Failures are
// counted, never retried, so the figures are what Fabric delivered.
package harness

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/carechain/carechain/client"
)

// Config is one benchmark run.
type Config struct {
	Name string
	// Sessions are used round-robin by the in-flight workers (worker i
	// uses Sessions[i % len]): several identities spread contention.
	Sessions []*client.Session
	// RotateSessions gives each call the next session in turn (call n
	// uses Sessions[n % len]) instead of its worker's: with more sessions
	// than workers, a worker's next call is not by the identity (a
	// patient granting a consent) whose state its last call wrote, whose
	// new version the other endorsers may not have committed yet.
	RotateSessions bool
	InFlight       int
	Duration       time.Duration
	// Evaluate runs queries instead of submitting transactions.
	Evaluate bool
	// Max, when positive, stops after that many calls (for scenarios that
	// consume what an earlier one made).
	Max int64
	// Call builds the n-th call (n from 0) for worker w (from 0, each
	// worker one call at a time) with its session, so every transaction can
	// use its own keys.
	Call func(n int64, w int, s *client.Session) client.Call
}

// Report is a run's outcome.
type Report struct {
	Name      string           `json:"name"`
	Mode      string           `json:"mode"`
	InFlight  int              `json:"inFlight"`
	Seconds   float64          `json:"seconds"`
	Succeeded int64            `json:"succeeded"`
	Failed    int64            `json:"failed"`
	PerSecond float64          `json:"perSecond"`
	P50ms     float64          `json:"p50ms"`
	P99ms     float64          `json:"p99ms"`
	Failures  map[string]int64 `json:"failures"`
	// MVCCConflicts and EndorsementMismatches are the failures that say
	// two transactions touched the same key (committed invalid, or the
	// endorsers read different versions): 0 on independent entities.
	MVCCConflicts         int64 `json:"mvccConflicts"`
	EndorsementMismatches int64 `json:"endorsementMismatches"`
	// FirstError is one failure's message, to tell what went wrong.
	FirstError string `json:"firstError,omitempty"`
}

// sessionIndex is the session of worker w's call n.
func sessionIndex(cfg Config, n int64, w int) int {
	if cfg.RotateSessions {
		return int(n % int64(len(cfg.Sessions)))
	}
	return w % len(cfg.Sessions)
}

// Run executes the benchmark. It stops starting new calls after Duration
// and waits for those in flight.
func Run(ctx context.Context, cfg Config) Report {
	if cfg.InFlight < 1 {
		cfg.InFlight = 1
	}
	t := &tally{failures: map[string]int64{}}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	deadline := time.Now().Add(cfg.Duration)
	start := time.Now()
	for w := 0; w < cfg.InFlight; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := next.Add(1) - 1
				if cfg.Max > 0 && n >= cfg.Max {
					return
				}
				d, err := callOnce(ctx, cfg, n, w)
				t.add(d, err)
			}
		}(w)
	}
	wg.Wait()
	return t.report(cfg, time.Since(start))
}

// callOnce makes worker w's call n and times it.
func callOnce(ctx context.Context, cfg Config, n int64, w int) (time.Duration, error) {
	s := cfg.Sessions[sessionIndex(cfg, n, w)]
	call := cfg.Call(n, w, s)
	start := time.Now()
	var err error
	if cfg.Evaluate {
		_, err = s.Evaluate(ctx, call)
	} else {
		_, err = s.Submit(ctx, call)
	}
	return time.Since(start), err
}

// tally collects the workers' latencies and failures.
type tally struct {
	mu        sync.Mutex
	latencies []time.Duration
	failures  map[string]int64
	firstErr  string
}

func (t *tally) add(d time.Duration, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err == nil {
		t.latencies = append(t.latencies, d)
		return
	}
	t.failures[string(client.CodeOf(err))]++
	if t.firstErr == "" {
		t.firstErr = err.Error()
	}
}

func (t *tally) report(cfg Config, elapsed time.Duration) Report {
	r := Report{Name: cfg.Name, Mode: "submit", InFlight: cfg.InFlight, Seconds: elapsed.Seconds(),
		Succeeded: int64(len(t.latencies)), Failures: t.failures, FirstError: t.firstErr}
	if cfg.Evaluate {
		r.Mode = "evaluate"
	}
	for _, n := range t.failures {
		r.Failed += n
	}
	r.MVCCConflicts = t.failures[string(client.CodeMVCCConflict)]
	r.EndorsementMismatches = t.failures[string(client.CodeEndorsementMismatch)]
	r.PerSecond = float64(r.Succeeded) / elapsed.Seconds()
	r.P50ms = ms(Percentile(t.latencies, 50))
	r.P99ms = ms(Percentile(t.latencies, 99))
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Percentile returns the p-th percentile (nearest rank) of ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := int(p/100*float64(len(s))+0.5) - 1
	rank = max(0, min(rank, len(s)-1))
	return s[rank]
}

// String is the report as one line.
func (r Report) String() string {
	var fails []string
	for code, n := range r.Failures {
		fails = append(fails, fmt.Sprintf("%s=%d", code, n))
	}
	sort.Strings(fails)
	f := "none"
	if len(fails) > 0 {
		f = strings.Join(fails, " ")
	}
	return fmt.Sprintf("%-28s %-8s in-flight %-4d %7.1f/s  ok %-6d p50 %7.1f ms  p99 %7.1f ms  failures: %s",
		r.Name, r.Mode, r.InFlight, r.PerSecond, r.Succeeded, r.P50ms, r.P99ms, f)
}
