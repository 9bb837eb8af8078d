package consent

import (
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
)

// Who is who, by certificate: patients are identities of PatientMSP with
// role "patient" and their pseudonym in the patient_id attribute.
const (
	PatientMSP     = roles.PatientMSP
	RolePatient    = roles.Patient
	AttrPatientID  = roles.AttrPatientID
	RolePhysician  = roles.Physician
	RoleNurse      = roles.Nurse
	RolePrivacy    = roles.Privacy
	RoleAuditor    = roles.Auditor
	RegulatorMSP   = roles.RegulatorMSP
	maxBreakGlassM = 24 * 60
)

// clinicianRoles may break the glass.
var clinicianRoles = []string{RolePhysician, RoleNurse}

// asActor is the caller as a grantee would name it.
func asActor(c caller.Caller) Actor {
	return Actor{Org: c.MSPID, Role: c.Role, ID: c.EnrollmentID}
}

// activeDelegate reports whether the caller is a delegate of subject at t.
func activeDelegate(stub shim.ChaincodeStubInterface, c caller.Caller, subject string, t time.Time) (bool, error) {
	key, err := delegateKey(subject, c.Key())
	if err != nil {
		return false, err
	}
	d, found, err := state.GetPrivateOptional[Delegate](stub, Collection, key)
	if err != nil || !found {
		return false, err
	}
	return d.Status == StatusActive && d.Period.covers(t), nil
}

// requireControl lets only the patient or an active delegate change a
// patient's consents and delegates.
func requireControl(stub shim.ChaincodeStubInterface, c caller.Caller, subject string, t time.Time) error {
	if roles.IsPatient(c, subject) {
		return nil
	}
	ok, err := activeDelegate(stub, c, subject, t)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	return ccerr.Forbidden("only the patient or a delegate the patient registered may manage this patient's consents (caller %s, role %q)", c.Key(), c.Role)
}

// mayRead decides who reads a consent: its patient and delegates, the
// regulator's auditor, a grantee it names, and the privacy officer of an org
// it names.
func mayRead(stub shim.ChaincodeStubInterface, c caller.Caller, cs *Consent, t time.Time) error {
	if roles.IsPatient(c, cs.Subject) || roles.IsAuditor(c) {
		return nil
	}
	for _, a := range cs.Provision.Actors {
		if a.covers(asActor(c)) || (c.Role == RolePrivacy && a.Org == c.MSPID) {
			return nil
		}
	}
	ok, err := activeDelegate(stub, c, cs.Subject, t)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	return ccerr.Forbidden("caller %s (role %q) may not read consent %s", c.Key(), c.Role, cs.ID)
}
