package caller_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// callerOf runs a transaction as id and returns what caller.From reads.
func callerOf(t *testing.T, id *memstub.Identity) (caller.Caller, error) {
	t.Helper()
	var (
		c   caller.Caller
		err error
	)
	p := memstub.NewPeer("care")
	p.Run("cc", id, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), func(stub shim.ChaincodeStubInterface) error {
		c, err = caller.From(stub)
		return nil
	})
	return c, err
}

func TestFrom(t *testing.T) {
	tests := []struct {
		name string
		id   *memstub.Identity
		want caller.Caller
	}{
		{
			name: "fabric CA attributes",
			id:   memstub.NewIdentity("HospitalMSP", "dr.who", map[string]string{"role": "physician", "dept": "cardio"}),
			want: caller.Caller{
				MSPID: "HospitalMSP", EnrollmentID: "dr.who", Type: "client", Role: "physician",
				Attrs: map[string]string{"hf.EnrollmentID": "dr.who", "hf.Type": "client", "hf.Affiliation": "", "role": "physician", "dept": "cardio"},
			},
		},
		{
			name: "enrollment id attribute wins over CN",
			id: memstub.NewIdentityFrom(memstub.IdentitySpec{MSPID: "M", CommonName: "cn-name", OrganizationalUnits: []string{"client"},
				Attrs: map[string]string{"hf.EnrollmentID": "attr-name", "hf.Type": "admin"}}),
			want: caller.Caller{MSPID: "M", EnrollmentID: "attr-name", Type: "admin",
				Attrs: map[string]string{"hf.EnrollmentID": "attr-name", "hf.Type": "admin"}},
		},
		{
			name: "no attributes: CN and NodeOU",
			id:   memstub.NewIdentityFrom(memstub.IdentitySpec{MSPID: "M", CommonName: "peer0", OrganizationalUnits: []string{"org1", "PEER"}}),
			want: caller.Caller{MSPID: "M", EnrollmentID: "peer0", Type: "peer", Attrs: map[string]string{}},
		},
		{
			name: "no type at all",
			id:   memstub.NewIdentityFrom(memstub.IdentitySpec{MSPID: "M", CommonName: "x"}),
			want: caller.Caller{MSPID: "M", EnrollmentID: "x", Attrs: map[string]string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := callerOf(t, tt.id)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFromRejects(t *testing.T) {
	_, err := callerOf(t, memstub.NewIdentityFrom(memstub.IdentitySpec{MSPID: "M", OrganizationalUnits: []string{"client"}}))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(err))
	assert.EqualError(t, err, "FORBIDDEN: caller identity has no enrollment id")

	_, err = callerOf(t, memstub.NewIdentityFrom(memstub.IdentitySpec{CommonName: "x"}))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(err))
}

func TestKey(t *testing.T) {
	c := caller.Caller{MSPID: "HospitalMSP", EnrollmentID: "dr.who"}
	assert.Equal(t, "HospitalMSP/dr.who", c.Key())
}

func TestRequireRole(t *testing.T) {
	tests := []struct {
		name    string
		role    string
		allowed []string
		wantMsg string
	}{
		{"allowed", "physician", []string{"nurse", "physician"}, ""},
		{"other role", "nurse", []string{"physician"}, `caller role "nurse" is not permitted; requires role one of [physician]`},
		{"no role", "", []string{"physician"}, "caller has no role; requires role one of [physician]"},
		{"empty role never matches", "", []string{""}, "caller has no role; requires role one of []"},
		{"nothing allowed", "admin", nil, `caller role "admin" is not permitted; requires role (none allowed)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := caller.Caller{MSPID: "M", EnrollmentID: "e", Role: tt.role}
			err := c.RequireRole(tt.allowed...)
			assert.Equal(t, tt.wantMsg == "", c.HasRole(tt.allowed...))
			if tt.wantMsg == "" {
				assert.NoError(t, err)
				return
			}
			var e *ccerr.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, ccerr.CodeForbidden, e.Code)
			assert.Equal(t, tt.wantMsg, e.Message)
		})
	}
}

func TestRequireMSPAndRequire(t *testing.T) {
	c := caller.Caller{MSPID: "HospitalMSP", EnrollmentID: "e", Role: "physician"}
	assert.NoError(t, c.RequireMSP("InsurerMSP", "HospitalMSP"))
	err := c.RequireMSP("InsurerMSP")
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(err))
	assert.Contains(t, err.Error(), `"HospitalMSP"`)
	assert.Contains(t, err.Error(), "InsurerMSP")

	assert.NoError(t, c.Require("HospitalMSP", "physician"))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(c.Require("InsurerMSP", "physician")))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(c.Require("HospitalMSP", "auditor")))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(caller.Caller{}.RequireMSP("")), "empty MSP never matches")
}

func TestAttrs(t *testing.T) {
	c := caller.Caller{Attrs: map[string]string{"dept": "cardio", "empty": ""}}
	v, ok := c.Attr("dept")
	assert.True(t, ok)
	assert.Equal(t, "cardio", v)
	_, ok = c.Attr("nope")
	assert.False(t, ok)

	v, err := c.RequireAttr("dept")
	require.NoError(t, err)
	assert.Equal(t, "cardio", v)
	for _, name := range []string{"empty", "nope"} {
		_, err := c.RequireAttr(name)
		assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(err), name)
	}
}

// creatorStub returns a fixed creator; other methods are not used.
type creatorStub struct {
	shim.ChaincodeStubInterface
	creator []byte
	err     error
}

func (s creatorStub) GetCreator() ([]byte, error) { return s.creator, s.err }

func TestFromUnreadableCreator(t *testing.T) {
	tests := []struct {
		name string
		stub creatorStub
	}{
		{"stub error", creatorStub{err: errors.New("boom")}},
		{"no creator", creatorStub{}},
		{"not a serialized identity", creatorStub{creator: []byte{0xff, 0xff}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := caller.From(tt.stub)
			assert.Equal(t, ccerr.CodeInternal, ccerr.CodeOf(err))
		})
	}
}
