package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
