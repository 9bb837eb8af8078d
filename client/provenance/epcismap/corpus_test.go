package epcismap_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/provenance/epcismap"
	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/epcis/epcistest"
	"github.com/carechain/carechain/client/standards/gs1"
)

// everything is a ledger on which every unit and container exists: what
// GS1's examples would do if their goods were carechain's.
type everything struct{}

func (everything) Item(_ context.Context, id string) (epcismap.Item, bool, error) {
	if strings.Contains(id, ".") {
		return epcismap.Item{Kind: "unit"}, true, nil
	}
	return epcismap.Item{Kind: "case"}, true, nil
}
func (everything) Shipment(context.Context, string) (epcismap.Shipment, bool, error) {
	return epcismap.Shipment{}, false, nil
}
func (everything) LotExpiry(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

// directory gives every GLN the examples name as a party or location an
// org of its own, Org1, Org2, ... in GLN order.
func directory(docs []*epcis.Document) epcismap.Directory {
	glns := map[string]bool{}
	add := func(id epcis.Identifier) {
		if id.Key != nil && (id.Key.Kind == gs1.PGLN || id.Key.Kind == gs1.SGLN) {
			glns[id.Key.Value] = true
		}
	}
	for _, d := range docs {
		for _, e := range d.Events {
			for _, p := range append(append([]epcis.Party{}, e.Sources...), e.Destinations...) {
				add(p.ID)
			}
		}
	}
	sorted := make([]string, 0, len(glns))
	for g := range glns {
		sorted = append(sorted, g)
	}
	sort.Strings(sorted)
	dir := epcismap.Directory{}
	for i, g := range sorted {
		dir[g] = fmt.Sprintf("Org%d", i+1)
	}
	return dir
}

func TestGS1ExamplesMap(t *testing.T) {
	c := epcistest.Open(t)
	var docs []*epcis.Document
	var paths []string
	for _, d := range c.Documents(t) {
		doc, err := epcis.Parse(d.Data)
		if err != nil {
			continue // refused by the reader (see standards/epcis)
		}
		docs, paths = append(docs, doc), append(paths, d.Path)
	}
	dir := directory(docs)
	for _, run := range []struct {
		name string
		opts []epcismap.Option
	}{
		{"as published (no goods on the ledger)", []epcismap.Option{epcismap.WithParties(dir)}},
		{"as if every object were carechain's", []epcismap.Option{epcismap.WithParties(dir), epcismap.WithLedger(everything{})}},
	} {
		t.Run(run.name, func(t *testing.T) { mapAll(t, docs, paths, run.opts) })
	}
}

func mapAll(t *testing.T, docs []*epcis.Document, paths []string, opts []epcismap.Option) {
	total := &epcismap.Plan{}
	for i, d := range docs {
		p, err := epcismap.Map(context.Background(), d, opts...)
		require.NoError(t, err, paths[i])
		require.Len(t, p.Events, len(d.Events), "%s: an event without a plan", paths[i])
		for _, ep := range p.Events {
			checkPlan(t, paths[i], ep)
			t.Logf("%s[%d] %s %s: %s %s%s", paths[i], ep.Index, ep.Type, ep.BizStep, ep.Outcome, ep.Reason, describe(ep))
		}
		total.Events = append(total.Events, p.Events...)
	}
	t.Logf("events %d: %v", len(total.Events), total.Outcomes())
	for _, g := range total.GapCodes() {
		t.Logf("gap %-26s in %3d events: %s", g.Code, g.Events, epcismap.GapDescriptions[g.Code])
	}
}

func checkPlan(t *testing.T, path string, ep epcismap.EventPlan) {
	switch ep.Outcome {
	case epcismap.Apply:
		assert.NotEmpty(t, ep.Calls, "%s[%d]: applied without calls", path, ep.Index)
	case epcismap.Capture:
		assert.NotEmpty(t, ep.Reason, "%s[%d]: captured without a reason", path, ep.Index)
	case epcismap.Unsupported:
		assert.NotEmpty(t, ep.Gaps, "%s[%d]: unsupported without a gap", path, ep.Index)
	default:
		t.Errorf("%s[%d]: outcome %q", path, ep.Index, ep.Outcome)
	}
	for _, g := range ep.Gaps {
		assert.Contains(t, epcismap.GapDescriptions, g.Code, "%s[%d]", path, ep.Index)
	}
}

func describe(ep epcismap.EventPlan) string {
	var s []string
	for _, c := range ep.Calls {
		s = append(s, c.Fn)
	}
	for _, g := range ep.Gaps {
		if g.Code != epcismap.GapEventTime && g.Code != epcismap.GapEventID {
			s = append(s, "gap "+g.Code)
		}
	}
	if len(s) == 0 {
		return ""
	}
	return " [" + strings.Join(s, ", ") + "]"
}
