package patient_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	pb "github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/memstub"
	"github.com/carechain/carechain/chaincode/kit/patient"
)

var t0 = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

const linked = "p0123456789abcdef0123456789abcdef"

// consent stands for the consent chaincode: it answers PatientSubject for
// the linked enrollment, FORBIDDEN for anyone else, and counts its calls.
func consent(calls *int) memstub.ChaincodeFunc {
	return func(stub shim.ChaincodeStubInterface) *pb.Response {
		*calls++
		if fn, _ := stub.GetFunctionAndParameters(); fn != wire.FnPatientSubject {
			return shim.Error(ccerr.Invalid("function", "unknown").Error())
		}
		id, _ := cid.GetID(stub)
		c, err := caller.From(stub)
		if err != nil || c.EnrollmentID != linked {
			return shim.Error(ccerr.Forbidden("not linked %s", id).Error())
		}
		data, _ := json.Marshal(wire.Subject{Subject: "pt-1"})
		return shim.Success(data)
	}
}

// run asks, as id, Subject (its error is subjectErr) and Is for pt-1 and pt-2.
func run(t *testing.T, p *memstub.Peer, id *memstub.Identity) (subject string, is, isOther bool, subjectErr error) {
	res := p.Run("records", id, t0, func(stub shim.ChaincodeStubInterface) error {
		c, err := caller.From(stub)
		if err != nil {
			return err
		}
		subject, subjectErr = patient.Subject(stub, c)
		if is, err = patient.Is(stub, c, "pt-1"); err != nil {
			return err
		}
		isOther, err = patient.Is(stub, c, "pt-2")
		return err
	})
	require.True(t, res.OK(), res.Message)
	return subject, is, isOther, subjectErr
}

func TestSubjectAsksConsentForPatientsOnly(t *testing.T) {
	p := memstub.NewPeer("care")
	calls := 0
	p.Install(patient.Chaincode, consent(&calls))

	got, is, isOther, err := run(t, p, memstub.NewIdentity("PatientsMSP", linked, map[string]string{"role": "patient"}))
	require.NoError(t, err)
	assert.Equal(t, "pt-1", got)
	assert.True(t, is)
	assert.False(t, isOther)

	// An unlinked patient: Subject is FORBIDDEN, Is answers false.
	_, is, _, err = run(t, p, memstub.NewIdentity("PatientsMSP", "p"+linked[1:31]+"00", map[string]string{"role": "patient"}))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(err))
	assert.False(t, is)

	// A physician is refused without a call to consent.
	calls = 0
	_, is, _, err = run(t, p, memstub.NewIdentity("ProviderMSP", "physician1", map[string]string{"role": "physician"}))
	assert.Equal(t, ccerr.CodeForbidden, ccerr.CodeOf(err))
	assert.False(t, is)
	assert.Zero(t, calls)
}

func TestIsPassesOnFailuresThatAreNotRefusals(t *testing.T) {
	p := memstub.NewPeer("care") // no consent chaincode installed
	res := p.Run("records", memstub.NewIdentity("PatientsMSP", linked, map[string]string{"role": "patient"}), t0,
		func(stub shim.ChaincodeStubInterface) error {
			c, _ := caller.From(stub)
			ok, err := patient.Is(stub, c, "pt-1")
			assert.False(t, ok)
			return err
		})
	require.False(t, res.OK())
	assert.NotContains(t, res.Message, "FORBIDDEN")
}
