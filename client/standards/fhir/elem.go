package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/carechain/carechain/client/standards/refusal"
)

// doc is a parsed resource with what its mapping has read of it.
type doc struct {
	root   any
	name   string // resource type
	read   map[string]bool
	trees  map[string]bool
	aside  []refusal.Issue
	issues refusal.List
}

// elem is one element of a doc at its FHIR path.
type elem struct {
	d    *doc
	path string
	v    any
}

// parse validates data as R4 of resource type want and opens it.
func parse(data []byte, want string) (*doc, elem, error) {
	if typ, _ := resourceType(data); typ != want {
		return nil, elem{}, &refusal.Error{Doc: want, Issues: []refusal.Issue{{Path: "resourceType", Reason: fmt.Sprintf("expected %s, not %q", want, typ)}}}
	}
	if _, err := Validate(data); err != nil {
		return nil, elem{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, elem{}, err
	}
	d := &doc{root: root, name: want, read: map[string]bool{}, trees: map[string]bool{}}
	e := elem{d: d, path: want, v: root}
	e.skip("resourceType")
	e.skip("text") // narrative
	e.skip("meta")
	return d, e, nil
}

func (e elem) obj() map[string]any {
	m, _ := e.v.(map[string]any)
	return m
}

// has reports whether the element has a child key.
func (e elem) has(key string) bool {
	_, ok := e.obj()[key]
	return ok
}

// child is the element at key (not marked read).
func (e elem) child(key string) (elem, bool) {
	v, ok := e.obj()[key]
	return elem{d: e.d, path: e.path + "." + key, v: v}, ok
}

// list is the elements of the array at key.
func (e elem) list(key string) []elem {
	arr, _ := e.obj()[key].([]any)
	out := make([]elem, len(arr))
	for i, v := range arr {
		out[i] = elem{d: e.d, path: fmt.Sprintf("%s.%s[%d]", e.path, key, i), v: v}
	}
	return out
}

// str reads the primitive at key.
func (e elem) str(key string) (string, string, bool) {
	v, ok := e.obj()[key]
	if !ok {
		return "", e.path + "." + key, false
	}
	p := e.path + "." + key
	e.d.read[p] = true
	switch x := v.(type) {
	case string:
		return x, p, true
	case json.Number:
		return x.String(), p, true
	case bool:
		return fmt.Sprint(x), p, true
	}
	return "", p, false
}

// value reads a primitive the element itself is (an array item).
func (e elem) value() string {
	e.d.read[e.path] = true
	switch x := e.v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(e.v)
}

// skip marks the whole element at key as read: narrative and meta only.
func (e elem) skip(key string) { e.d.trees[e.path+"."+key] = true }

// setAside marks the element at key read and lists it with why.
func (e elem) setAside(key, why string) {
	if e.has(key) {
		p := e.path + "." + key
		e.d.trees[p] = true
		e.d.aside = append(e.d.aside, refusal.Issue{Path: p, Reason: why})
	}
}

// refuse records that the element at key cannot be represented.
func (e elem) refuse(key, format string, args ...any) {
	e.d.issues.Add(e.path+"."+key, format, args...)
	e.d.trees[e.path+"."+key] = true
}

// refuseHere records that this element cannot be represented.
func (e elem) refuseHere(format string, args ...any) {
	e.d.issues.Add(e.path, format, args...)
	e.d.trees[e.path] = true
}

// finish refuses every element the mapping did not read, collapsed to the
// outermost element nothing of which was read, and returns the refusal.
func (d *doc) finish(id string) error {
	root := elem{d: d, path: d.name, v: d.root}
	d.unread(root)
	return d.issues.Err(d.name + "/" + id)
}

func (d *doc) unread(e elem) {
	if d.trees[e.path] || d.read[e.path] {
		return
	}
	switch x := e.v.(type) {
	case map[string]any:
		if e.path != d.name && !d.anyRead(e.path) {
			d.issues.Add(e.path, "%s", unrepresented(e.path))
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.HasPrefix(k, "_") {
				d.issues.Add(e.path+"."+k[1:]+".extension", "carechain does not represent extensions of primitives")
				continue
			}
			d.unread(elem{d: d, path: e.path + "." + k, v: x[k]})
		}
	case []any:
		if !d.anyRead(e.path) {
			d.issues.Add(e.path, "%s", unrepresented(e.path))
			return
		}
		for i, v := range x {
			d.unread(elem{d: d, path: fmt.Sprintf("%s[%d]", e.path, i), v: v})
		}
	default:
		d.issues.Add(e.path, "%s", unrepresented(e.path))
	}
}

// unrepresented says why an element carechain did not read is refused.
func unrepresented(path string) string {
	name := path[strings.LastIndex(path, ".")+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	if why, ok := whyNot[name]; ok {
		return "carechain does not represent " + why
	}
	return "carechain does not represent this element"
}

var whyNot = map[string]string{
	"identifier":          "this business identifier (it keeps a Claim's own, Claim.identifier, and one id for everything else)",
	"contained":           "contained resources",
	"extension":           "extensions",
	"modifierExtension":   "modifier extensions, which change the meaning",
	"implicitRules":       "implicit rules",
	"language":            "the resource's language",
	"id":                  "element ids",
	"organization":        "a custodian org: the ledger keeps it",
	"policy":              "policies by reference",
	"verification":        "verifications",
	"securityLabel":       "security labels",
	"code":                "document codes",
	"dataPeriod":          "data periods",
	"detail":              "line details",
	"subDetail":           "line sub-details",
	"bodySite":            "body sites",
	"subSite":             "tooth surfaces and sub-sites",
	"udi":                 "device identifiers",
	"encounter":           "encounters",
	"procedure":           "procedures apart from lines",
	"accident":            "accidents",
	"related":             "related claims",
	"referral":            "referrals",
	"facility":            "facilities",
	"enterer":             "who entered the claim",
	"prescription":        "prescriptions",
	"subType":             "claim sub-types",
	"fundsReserve":        "funds reserves",
	"informationSequence": "per-line supporting information",
	"procedureSequence":   "per-line procedures",
	"qualification":       "practitioner qualifications",
}

// anyRead reports whether anything under path was read or set aside.
func (d *doc) anyRead(path string) bool {
	for _, set := range []map[string]bool{d.read, d.trees} {
		for p := range set {
			if strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
				return true
			}
		}
	}
	return false
}
