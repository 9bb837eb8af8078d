package benchtable

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const run = `machine: 2 cores
{"machine":{"cores":2,"memoryGiB":7,"goVersion":"go1.26.8","commit":"abc123","date":"2026-12-01","perScenario":"20s","loadBefore":"0.31"}}
{"name":"baseline Put (40 in flight)","mode":"submit","inFlight":40,"perSecond":100,"p50ms":380,"p99ms":450,"succeeded":2000}
{"name":"baseline Get","mode":"evaluate","inFlight":20,"perSecond":1000,"p50ms":15,"p99ms":30,"succeeded":20000}
{"name":"consent Grant (40 in flight)","mode":"submit","inFlight":40,"perSecond":61,"p50ms":600,"p99ms":800,"succeeded":1220,"failed":3,"failures":{"TIMEOUT":1,"MVCC_CONFLICT":2},"mvccConflicts":2}
{"name":"consent Check","mode":"evaluate","inFlight":20,"perSecond":870,"p50ms":17,"p99ms":35,"succeeded":17400}
{"name":"records Anchor (200 in flight)","mode":"submit","inFlight":200,"perSecond":70,"p50ms":2500,"p99ms":3000,"succeeded":1400,"failed":1,"failures":{"ENDORSEMENT_MISMATCH":1},"endorsementMismatches":1}
{"name":"provenance Commission","mode":"bulk","seconds":10,"succeeded":3160,"perSecond":316}
{"machine":{"loadAfter":"1.20"}}
`

func TestTableSetsEachScenarioAgainstTheBaselineOfItsRun(t *testing.T) {
	r, err := Read(strings.NewReader(run))
	require.NoError(t, err)
	require.Len(t, r.Reports, 6)
	table := Table(r)
	assert.Contains(t, table, "| baseline Put (40 in flight) | 40 | 100.0 | 380 ms | 450 ms | 1 | 0 | 0 | 0 |")
	assert.Contains(t, table, "| consent Grant (40 in flight) | 40 | 61.0 | 600 ms | 800 ms | 0.61 | 2 | 0 | 3 (2 MVCC_CONFLICT, 1 TIMEOUT) |")
	assert.Contains(t, table, "| consent Check | 20 | 870.0 | 17 ms | 35 ms | 0.87 | 0 | 0 | 0 |", "a query against the baseline query")
	assert.Contains(t, table, "| records Anchor (200 in flight) | 200 | 70.0 | 2500 ms | 3000 ms |  | 0 | 1 | 1 (1 ENDORSEMENT_MISMATCH) |", "no baseline at 200 in this run: no ratio")
	assert.Contains(t, table, "| provenance Commission | bulk | 316.0 |  |  |  | 0 | 0 | 0 |", "bulk: no concurrency, no baseline")
}

// The machine comes from the run's own JSON, the load after from its last
// machine line; a run that does not say its machine is refused.
func TestTheMachineIsTheRunsOwn(t *testing.T) {
	r, err := Read(strings.NewReader(run))
	require.NoError(t, err)
	assert.Equal(t, "Measured: 2 cores, 7 GiB, go1.26.8, 20s per scenario, 2026-12-01, commit abc123, load average 0.31 before and 1.20 after.",
		strings.SplitN(Table(r), "\n", 2)[0])
	_, err = Read(strings.NewReader(`{"name":"baseline Get","mode":"evaluate","inFlight":20,"perSecond":1000}`))
	assert.ErrorIs(t, err, ErrNoMachine)
}

func TestReadRefusesABrokenReport(t *testing.T) {
	_, err := Read(strings.NewReader(`{"name":"x","perSecond":"fast"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 1")
	_, err = Read(strings.NewReader(`{"mode":"submit"}`))
	assert.ErrorContains(t, err, "without a name")
}

func TestReplaceKeepsTheRestOfTheDocument(t *testing.T) {
	doc := "# Figures\nbefore\n" + Begin + "\nold table\n" + End + "\nafter\n"
	got, err := Replace(doc, "new table\n")
	require.NoError(t, err)
	assert.Equal(t, "# Figures\nbefore\n"+Begin+"\nnew table\n"+End+"\nafter\n", got)
	_, err = Replace("no markers", "t")
	assert.ErrorIs(t, err, ErrNoMarkers)
}
