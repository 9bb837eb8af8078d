package epcis_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/client/standards/epcis"
	"github.com/carechain/carechain/client/standards/epcis/epcistest"
)

// refusedExamples are GS1 examples Parse refuses, and why: defects of the
// documents themselves that GS1's schema cannot see.
var refusedExamples = map[string]string{
	// eventID is given twice (an ni: hash and a urn:uuid); a JSON parser
	// keeps one of them silently, the schema sees only that one.
	"JSON/AssociationEvent/AssociationEvent-h.jsonld": "epcisBody.eventList[0].eventID: is a member named twice",
}

func TestGS1ExamplesAgainstTheSchema(t *testing.T) {
	c := epcistest.Open(t)
	v, err := epcis.NewValidator(c.Schema(t))
	require.NoError(t, err)
	invalid := 0
	for _, d := range c.Documents(t) {
		if err := v.Validate(d.Data); err != nil {
			invalid++
			t.Errorf("%s is invalid per GS1's own schema: %v", d.Path, err)
		}
	}
	t.Logf("%d GS1 example documents, %d invalid per the schema", len(c.Documents(t)), invalid)
}

func TestGS1ExamplesParse(t *testing.T) {
	c := epcistest.Open(t)
	perType, docsPerType := map[string]int{}, map[string]int{}
	docs, parsed := 0, 0
	for _, d := range c.Documents(t) {
		docs++
		doc, err := epcis.Parse(d.Data)
		if want, known := refusedExamples[d.Path]; known {
			assert.EqualError(t, err, want, d.Path)
			continue
		}
		if !assert.NoError(t, err, d.Path) {
			continue
		}
		parsed++
		types := map[string]bool{}
		for _, e := range doc.Events {
			perType[e.Type]++
			types[e.Type] = true
		}
		for typ := range types {
			docsPerType[typ]++
		}
		if x := doc.ExtensionPaths(); len(x) > 0 {
			t.Logf("%s: kept as written: %s", d.Path, strings.Join(x, ", "))
		}
	}
	t.Logf("documents %d, parsed %d, refused %d", docs, parsed, docs-parsed)
	t.Logf("documents holding each event type: %s", counts(docsPerType))
	t.Logf("events per type: %s", counts(perType))
	for _, typ := range []string{epcis.ObjectEvent, epcis.AggregationEvent, epcis.TransactionEvent, epcis.TransformationEvent, epcis.AssociationEvent} {
		assert.Positive(t, perType[typ], "the corpus has no %s", typ)
	}
}

// TestGS1ExamplesRoundTrip: every example parsed and written back
// validates against GS1's schema and says what it said: the same JSON
// value, member for member.
func TestGS1ExamplesRoundTrip(t *testing.T) {
	c := epcistest.Open(t)
	v, err := epcis.NewValidator(c.Schema(t))
	require.NoError(t, err)
	valid := 0
	for _, d := range c.Documents(t) {
		if _, known := refusedExamples[d.Path]; known {
			continue
		}
		doc, err := epcis.Parse(d.Data)
		require.NoError(t, err, d.Path)
		out, err := epcis.Write(doc)
		require.NoError(t, err, d.Path)
		if !assert.NoError(t, v.Validate(out), d.Path) {
			continue
		}
		valid++
		for _, diff := range differences("", jsonValue(t, d.Data), jsonValue(t, out)) {
			t.Errorf("%s: %s", d.Path, diff)
		}
		again, err := epcis.Parse(out)
		require.NoError(t, err, d.Path)
		out2, err := epcis.Write(again)
		require.NoError(t, err, d.Path)
		assert.Equal(t, string(out), string(out2), "%s: the written document reads back differently", d.Path)
	}
	t.Logf("round trips parse → write valid per GS1's schema: %d", valid)
}

// differences lists where two JSON values differ, except where a CBV
// value written in another form (cbv:Comp-latitude,
// urn:epcglobal:cbv:bizstep:shipping) became its bare term.
func differences(path string, in, out any) []string {
	switch a := in.(type) {
	case map[string]any:
		b, ok := out.(map[string]any)
		if !ok {
			return []string{path + ": an object became something else"}
		}
		var d []string
		for k := range a {
			d = append(d, differences(path+"."+k, a[k], b[k])...)
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				d = append(d, path+"."+k+": added")
			}
		}
		return d
	case []any:
		b, ok := out.([]any)
		if !ok || len(a) != len(b) {
			return []string{path + ": a list changed length or kind"}
		}
		var d []string
		for i := range a {
			d = append(d, differences(path+"["+itoa(i)+"]", a[i], b[i])...)
		}
		return d
	case string:
		if b, ok := out.(string); ok && (a == b || !strings.Contains(b, ":") && (strings.HasSuffix(a, "-"+b) || strings.HasSuffix(a, ":"+b))) {
			return nil
		}
	default:
		if reflect.DeepEqual(in, out) {
			return nil
		}
	}
	return []string{path + ": " + itoaAny(in) + " became " + itoaAny(out)}
}

func itoaAny(v any) string { b, _ := json.Marshal(v); return string(b) }

func jsonValue(t *testing.T, data []byte) any {
	var v any
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+itoa(m[k]))
	}
	return strings.Join(parts, ", ")
}

func itoa(n int) string { return itoaAny(n) }
