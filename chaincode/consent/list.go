package consent

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// ListBySubject lists a patient's consents, every status, for the patient,
// a delegate and the regulator's auditor.
func (Contract) ListBySubject(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*ConsentPage, error) {
	t, err := beginPatientRead(ctx, subject)
	if err != nil {
		return nil, err
	}
	return t.listIndex(objBySubject, subject, pageSize, bookmark, func(*Consent) bool { return true })
}

// ListGrants lists the active consents that grant something to a grantee
// (org, optionally narrowed to a role or one identity), for the grantee
// itself, its org's privacy officer and the regulator's auditor.
func (Contract) ListGrants(ctx contractapi.TransactionContextInterface, org, role, id string, pageSize int32, bookmark string) (*ConsentPage, error) {
	t, err := begin(ctx)
	if err != nil {
		return nil, err
	}
	q := Actor{Org: org, Role: role, ID: id}
	if err := q.validate("grantee"); err != nil {
		return nil, err
	}
	self := q == asActor(t.Caller)
	officer := t.Caller.Role == RolePrivacy && t.Caller.MSPID == org
	if !self && !officer && !roles.IsAuditor(t.Caller) {
		return nil, ccerr.Forbidden("caller %s may list only the grants to itself (its org, role and id), or its org's as privacy officer", t.Caller.Key())
	}
	return t.listIndex(objByGrantee, org, pageSize, bookmark, func(cs *Consent) bool {
		if status, _ := cs.EffectiveStatus(t.Now); status != StatusActive || !cs.Period.covers(t.Now) {
			return false
		}
		for _, a := range cs.Provision.Actors {
			if a.Org == q.Org && (q.Role == "" || a.Role == "" || a.Role == q.Role) && (q.ID == "" || a.ID == "" || a.ID == q.ID) {
				return true
			}
		}
		return false
	})
}

// listIndex scans a private index whose last attribute is a consent id and
// returns the consents that keep passes. A page may hold fewer items than
// asked when keep drops some; the bookmark continues the scan.
func (t *tx) listIndex(index, attr string, pageSize int32, bookmark string, keep func(*Consent) bool) (*ConsentPage, error) {
	if err := validate.Identifier(index, attr); err != nil {
		return nil, err
	}
	page, err := state.ScanPrivateByPartialKey(t.Stub, Collection, index, []string{attr}, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &ConsentPage{Items: []View{}, Bookmark: page.Bookmark}
	for _, r := range page.Records {
		_, attrs, err := state.SplitKey(r.Key)
		if err != nil || len(attrs) != 2 {
			return nil, ccerr.Internal("index key %s: %v", state.DisplayKey(r.Key), err)
		}
		cs, err := t.load(attrs[1])
		if err != nil {
			return nil, err
		}
		if keep(cs) {
			out.Items = append(out.Items, *t.view(cs))
		}
	}
	return out, nil
}
