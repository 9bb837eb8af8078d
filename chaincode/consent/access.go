package consent

import (
	"slices"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/caller"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/registry"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
)

// asActor is the caller as a grantee would name it.
func asActor(c caller.Caller) wire.Actor {
	return wire.Actor{Org: c.MSPID, Role: c.Role, ID: c.EnrollmentID}
}

// org reads an org's registry entry once per transaction; ok is false when
// the registry does not list it (it plays no part).
func (t *tx) org(mspID string) (parts.Org, bool, error) {
	if o, ok := t.orgs[mspID]; ok {
		return o, o.MSPID != "", nil
	}
	o, err := registry.Org(t.Stub, mspID)
	switch {
	case ccerr.CodeOf(err) == ccerr.CodeForbidden:
		t.orgs[mspID] = parts.Org{}
		return parts.Org{}, false, nil
	case err != nil:
		return parts.Org{}, false, err
	}
	t.orgs[mspID] = o
	return o, true, nil
}

// roleCounts reports whether role counts in one of the parts mspID plays:
// a certificate's role means something only together with its org's part.
func (t *tx) roleCounts(mspID, role string) (bool, error) {
	o, ok, err := t.org(mspID)
	if err != nil || !ok {
		return false, err
	}
	return slices.ContainsFunc(o.Parts, func(p string) bool { return o.Allows(p, role) }), nil
}

// orgAllows reports whether mspID plays part and part lets role count.
func (t *tx) orgAllows(mspID, part, role string) (bool, error) {
	o, ok, err := t.org(mspID)
	if err != nil || !ok {
		return false, err
	}
	return o.Allows(part, role), nil
}

// isPatientsMember reports whether the caller is a person of the patients'
// org: PatientsMSP, playing the patient registry, role patient, with a
// random enrollment id (what every block shows of them). Patients and
// their delegates are such members.
func (t *tx) isPatientsMember() (bool, error) {
	if t.Caller.MSPID != roles.PatientMSP || t.Caller.Role != parts.RolePatient || !enrollmentPattern.MatchString(t.Caller.EnrollmentID) {
		return false, nil
	}
	return t.orgAllows(roles.PatientMSP, parts.PartPatientRegistry, parts.RolePatient)
}

// requirePatientsMember is the first gate of every change to consents and
// delegations: only patients (and delegates, who are patients' org
// members too) get past it.
func (t *tx) requirePatientsMember() error {
	ok, err := t.isPatientsMember()
	if err != nil {
		return err
	}
	if !ok {
		return ccerr.Forbidden("only a person of %s (role %q, in the registry's %s part, with a random enrollment id \"p\"+32 hex digits) acts as a patient or delegate (caller %s, role %q)",
			roles.PatientMSP, parts.RolePatient, parts.PartPatientRegistry, t.Caller.Key(), t.Caller.Role)
	}
	return nil
}

// isPatient reports whether the caller is the patient subject: a
// patients' org member whose enrollment is linked to subject now.
func (t *tx) isPatient(subject string) (bool, error) {
	own, err := t.ownSubject()
	return err == nil && own != "" && own == subject, err
}

// isAuditor reports whether the caller is an auditor of an org playing
// the regulator's part.
func (t *tx) isAuditor() (bool, error) {
	if t.Caller.Role != parts.RoleAuditor {
		return false, nil
	}
	return t.orgAllows(t.Caller.MSPID, parts.PartRegulator, parts.RoleAuditor)
}

// isPrivacyOfficerOf reports whether the caller is org's privacy officer:
// of org itself, whose part (provider or payer) lets the role count.
func (t *tx) isPrivacyOfficerOf(org string) (bool, error) {
	if t.Caller.MSPID != org || t.Caller.Role != parts.RolePrivacy {
		return false, nil
	}
	return t.roleCounts(org, parts.RolePrivacy)
}

// isDelegate reports whether the caller is an active delegate of subject
// now, by a delegation whose patient signature verifies.
func (t *tx) isDelegate(subject string) (bool, error) {
	ok, err := t.isPatientsMember()
	if err != nil || !ok {
		return false, err
	}
	d, found, err := t.delegate(subject, t.Caller.Key())
	if err != nil || !found || d.Status != wire.StatusActive || !d.Period.Covers(t.Now) {
		return false, err
	}
	return t.verifiedDelegation(d) == nil, nil
}

// anyOf runs checks in order and reports whether one passes.
func anyOf(checks ...func() (bool, error)) (bool, error) {
	for _, c := range checks {
		ok, err := c()
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// requireControl lets only the patient or an active delegate change a
// patient's consents.
func (t *tx) requireControl(subject string) error {
	ok, err := anyOf(func() (bool, error) { return t.isPatient(subject) }, func() (bool, error) { return t.isDelegate(subject) })
	if err != nil {
		return err
	}
	if !ok {
		return ccerr.Forbidden("only the patient or a delegate the patient registered may manage this patient's consents (caller %s, role %q)", t.Caller.Key(), t.Caller.Role)
	}
	return nil
}

// mayReadPatient lets the patient, a delegate and the regulator's auditor
// read what is listed by patient.
func (t *tx) mayReadPatient(subject string) error {
	ok, err := anyOf(func() (bool, error) { return t.isPatient(subject) }, t.isAuditor,
		func() (bool, error) { return t.isDelegate(subject) })
	if err != nil {
		return err
	}
	if !ok {
		return ccerr.Forbidden("caller %s (role %q) may not list this patient's records", t.Caller.Key(), t.Caller.Role)
	}
	return nil
}

// delegate reads subject's delegation to delegate.
func (t *tx) delegate(subject, delegate string) (wire.Delegate, bool, error) {
	key, err := t.delegateKey(subject, delegate)
	if err != nil {
		return wire.Delegate{}, false, err
	}
	return state.GetPrivateOptional[wire.Delegate](t.Stub, Collection, key)
}
