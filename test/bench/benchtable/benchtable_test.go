package benchtable

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const run = `machine: 2 cores
{"name":"baseline Put (40 in flight)","mode":"submit","inFlight":40,"perSecond":100,"p50ms":380,"p99ms":450,"succeeded":2000}
{"name":"baseline Get","mode":"evaluate","inFlight":20,"perSecond":1000,"p50ms":15,"p99ms":30,"succeeded":20000}
{"name":"consent Grant (40 in flight)","mode":"submit","inFlight":40,"perSecond":61,"p50ms":600,"p99ms":800,"succeeded":1220,"failed":3,"failures":{"TIMEOUT":1,"MVCC_CONFLICT":2}}
{"name":"consent Check","mode":"evaluate","inFlight":20,"perSecond":870,"p50ms":17,"p99ms":35,"succeeded":17400}
{"name":"records Anchor (200 in flight)","mode":"submit","inFlight":200,"perSecond":70,"p50ms":2500,"p99ms":3000,"succeeded":1400}
`

func TestTableSetsEachScenarioAgainstTheBaselineOfItsRun(t *testing.T) {
	reps, err := Read(strings.NewReader(run))
	require.NoError(t, err)
	require.Len(t, reps, 5)
	table := Table("2 cores, test", reps)
	assert.Contains(t, table, "| baseline Put (40 in flight) | 40 | 100.0 | 380 ms | 450 ms | 1 | 0 |")
	assert.Contains(t, table, "| consent Grant (40 in flight) | 40 | 61.0 | 600 ms | 800 ms | 0.61 | 3 (2 MVCC_CONFLICT, 1 TIMEOUT) |")
	assert.Contains(t, table, "| consent Check | 20 | 870.0 | 17 ms | 35 ms | 0.87 | 0 |", "a query against the baseline query")
	assert.Contains(t, table, "| records Anchor (200 in flight) | 200 | 70.0 | 2500 ms | 3000 ms |  | 0 |", "no baseline at 200 in this run: no ratio")
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
