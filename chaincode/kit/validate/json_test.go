package validate_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

type scope struct {
	Start time.Time `json:"start"`
	Codes []string  `json:"codes,omitempty"`
}

type grant struct {
	PatientID string            `json:"patientId"`
	Count     int               `json:"count,omitempty"`
	Scope     *scope            `json:"scope,omitempty"`
	Tags      map[string]string `json:"tags,omitempty"`
}

// strictID rejects values other than "ok" with a ccerr error of its own.
type strictID string

func (s *strictID) UnmarshalJSON(b []byte) error {
	if string(b) != `"ok"` {
		return ccerr.Invalid("id", "custom rule")
	}
	*s = "ok"
	return nil
}

func TestDecodeJSONAccepts(t *testing.T) {
	var g grant
	err := validate.DecodeJSON("grant", ` {"patientId":"p1","count":2,"scope":{"start":"2024-01-01T00:00:00Z","codes":["a"]},"tags":{"b":"1","a":"2"}} `+"\n", &g, 0)
	require.NoError(t, err)
	assert.Equal(t, "p1", g.PatientID)
	assert.Equal(t, 2, g.Count)
	require.NotNil(t, g.Scope)
	assert.Equal(t, []string{"a"}, g.Scope.Codes)
	assert.Equal(t, map[string]string{"a": "2", "b": "1"}, g.Tags)

	var fromBytes grant
	require.NoError(t, validate.DecodeJSON("grant", []byte(`{"patientId":"p2"}`), &fromBytes, 100))
	assert.Equal(t, "p2", fromBytes.PatientID)

	var list []int
	require.NoError(t, validate.DecodeJSON("ids", `[1,2,3]`, &list, 0))
	assert.Equal(t, []int{1, 2, 3}, list)

	var same struct {
		A []struct {
			X int `json:"x"`
		} `json:"a"`
	}
	require.NoError(t, validate.DecodeJSON("v", `{"a":[{"x":1},{"x":2}]}`, &same, 0), "equal keys in sibling objects are not duplicates")
}

func TestDecodeJSONRejects(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		max       int
		wantField string
		wantMsg   string
	}{
		{"oversized", `{"patientId":"p1"}`, 10, "grant", "must be at most 10 bytes of JSON"},
		{"empty", "  ", 0, "grant", "must not be empty"},
		{"null", " null ", 0, "grant", "must not be null"},
		{"invalid utf8", "{\"patientId\":\"\xff\"}", 0, "grant", "must be valid UTF-8"},
		{"unknown field", `{"patientId":"p1","ssn":"123"}`, 0, "grant", `unknown field "ssn"`},
		{"trailing data", `{"patientId":"p1"} {}`, 0, "grant", "must contain a single JSON value"},
		{"trailing garbage", `{"patientId":"p1"}x`, 0, "grant", ""},
		{"duplicate key", `{"patientId":"p1","patientId":"p2"}`, 0, "grant", "contains an object with a duplicate key"},
		{"nested duplicate key", `{"tags":{"a":"1","a":"2"}}`, 0, "grant", "contains an object with a duplicate key"},
		{"wrong type", `{"patientId":"p1","count":"many"}`, 0, "grant.count", "must be an integer"},
		{"nested wrong type", `{"scope":{"codes":"a"}}`, 0, "grant.scope.codes", "must be an array"},
		{"syntax", `{"patientId":}`, 0, "grant", ""},
		{"truncated", `{"patientId":"p1"`, 0, "grant", ""},
		{"bad time", `{"scope":{"start":"yesterday"}}`, 0, "grant", ""},
		{"top-level array", `[]`, 0, "grant", "must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g grant
			err := validate.DecodeJSON("grant", tt.in, &g, tt.max)
			e := requireInvalid(t, err, tt.wantField)
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, e.Message)
			}
			for _, secret := range []string{"many", "123", "yesterday", "p2"} {
				assert.NotContains(t, e.Message, secret, "message must not echo values")
			}
		})
	}
}

func TestDecodeJSONPassesThroughCcerr(t *testing.T) {
	var v struct {
		ID strictID `json:"id"`
	}
	err := validate.DecodeJSON("req", `{"id":"nope"}`, &v, 0)
	e := requireInvalid(t, err, "id")
	assert.Equal(t, "custom rule", e.Message)
}

func TestDecodeJSONNonPointer(t *testing.T) {
	var g grant
	err := validate.DecodeJSON("grant", `{}`, g, 0)
	assert.Equal(t, ccerr.CodeInternal, ccerr.CodeOf(err))
}

func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"patientId":"p1","count":2,"scope":{"start":"2024-01-01T00:00:00Z","codes":["a"]},"tags":{"a":"b"}}`,
		`{"patientId":"p1","patientId":"p1"}`,
		`{"x":1}`,
		`null`,
		`[]`,
		`{"tags":{"a":{"b":[1,{"c":2}]}}}`,
		"\xff",
		`{"patientId":"p1"} {"patientId":"p2"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var g grant
		err := validate.DecodeJSON("grant", in, &g, 512)
		if err != nil {
			var e *ccerr.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, ccerr.CodeInvalidArgument, e.Code)
			require.True(t, strings.HasPrefix(e.Field, "grant"), e.Field)
			return
		}
		require.LessOrEqual(t, len(in), 512)
		// What was accepted re-encodes to a document that is accepted
		// again and decodes to the same value.
		out, err := json.Marshal(g)
		require.NoError(t, err)
		var again grant
		require.NoError(t, validate.DecodeJSON("grant", out, &again, 0))
		require.Equal(t, normalise(g), normalise(again))
	})
}

// normalise makes values comparable with require.Equal: times in UTC and
// empty collections, which omitempty drops, as nil.
func normalise(g grant) grant {
	if len(g.Tags) == 0 {
		g.Tags = nil
	}
	if g.Scope != nil {
		s := *g.Scope
		s.Start = s.Start.UTC()
		if len(s.Codes) == 0 {
			s.Codes = nil
		}
		g.Scope = &s
	}
	return g
}

func FuzzTimestamp(f *testing.F) {
	for _, seed := range []string{"2024-05-01T12:00:00Z", "2024-05-01T14:00:00.5+02:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-23:59", "x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := validate.Timestamp("at", in)
		if err != nil {
			requireInvalid(t, err, "at")
			return
		}
		require.Equal(t, time.UTC, got.Location())
		again, err := validate.Timestamp("at", got.Format(time.RFC3339Nano))
		if got.Year() < 0 || got.Year() > 9999 {
			// An offset can move a valid instant out of the four-digit
			// year range, which RFC 3339 cannot write.
			return
		}
		require.NoError(t, err)
		require.True(t, got.Equal(again))
	})
}
