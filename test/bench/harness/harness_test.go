package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/carechain/carechain/client"
)

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, 50*time.Millisecond, Percentile(ds, 50))
	assert.Equal(t, 99*time.Millisecond, Percentile(ds, 99))
	assert.Equal(t, 100*time.Millisecond, Percentile(ds, 100))
	assert.Equal(t, time.Duration(0), Percentile(nil, 50))
	assert.Equal(t, 7*time.Millisecond, Percentile([]time.Duration{7 * time.Millisecond}, 99))
}

func TestReportString(t *testing.T) {
	r := Report{Name: "baseline Put", Mode: "submit", InFlight: 10, PerSecond: 12.5, Succeeded: 125,
		P50ms: 250, P99ms: 700, Failures: map[string]int64{"TIMEOUT": 1, "MVCC_CONFLICT": 2}}
	assert.Contains(t, r.String(), "failures: MVCC_CONFLICT=2 TIMEOUT=1")
	assert.Contains(t, r.String(), "12.5/s")
}

// A worker keeps its session; with RotateSessions each call takes the next
// one, so with 400 patients and 40 workers a patient's calls are 400 apart.
func TestSessionsPerWorkerOrPerCall(t *testing.T) {
	cfg := Config{Sessions: make([]*client.Session, 400)}
	assert.Equal(t, 3, sessionIndex(cfg, 1234, 3))
	assert.Equal(t, 3, sessionIndex(cfg, 9, 403))
	cfg.RotateSessions = true
	seen := map[int]int64{}
	for n := int64(0); n < 1200; n++ {
		i := sessionIndex(cfg, n, int(n%40))
		if last, ok := seen[i]; ok {
			assert.Equal(t, int64(400), n-last, "session %d", i)
		}
		seen[i] = n
	}
	assert.Len(t, seen, 400)
}

// The report counts the failures that say two transactions touched the
// same key apart from the others.
func TestReportCountsConflictsAndMismatches(t *testing.T) {
	tl := &tally{failures: map[string]int64{}}
	tl.add(5*time.Millisecond, nil)
	for _, err := range []error{
		&client.Error{Code: client.CodeMVCCConflict}, &client.Error{Code: client.CodeMVCCConflict},
		&client.Error{Code: client.CodeEndorsementMismatch}, &client.Error{Code: client.CodeTimeout},
	} {
		tl.add(time.Millisecond, err)
	}
	r := tl.report(Config{Name: "x"}, time.Second)
	assert.Equal(t, int64(2), r.MVCCConflicts)
	assert.Equal(t, int64(1), r.EndorsementMismatches)
	assert.Equal(t, int64(4), r.Failed)
	assert.Equal(t, int64(1), r.Succeeded)
}
