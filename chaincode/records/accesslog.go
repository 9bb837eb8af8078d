package records

import (
	"encoding/json"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
	parts "github.com/carechain/carechain/chaincode/parts/wire"
	"github.com/carechain/carechain/chaincode/records/wire"
)

// accessHead is the latest request of one record by one requester: their
// requests of it only move forward in time. One key per record and
// requester, not per record, so that requests by different people never
// conflict.
type accessHead struct {
	Last string `json:"last"`
	Salt string `json:"salt"`
}

func (t *tx) accessHead(record string) (accessHead, error) {
	k, err := t.accessHeadKey(record, t.Caller.Key())
	if err != nil {
		return accessHead{}, err
	}
	ah, _, err := state.GetPrivateOptional[accessHead](t.Stub, Collection, k)
	return ah, err
}

// logAccess writes the entry, salted (owned by the custodian: only its
// peer, with one other org, could ever change or remove it), its four
// index entries and the requester's access head.
func (t *tx) logAccess(e wire.AccessEntry) error {
	b, err := t.blinder()
	if err != nil {
		return err
	}
	k, err := accessKeyOf(b, e.ID)
	if err != nil {
		return err
	}
	e.Salt = b.Salt(k)
	data, err := json.Marshal(e)
	if err != nil {
		return ccerr.Internal("encode access: %v", err)
	}
	if err := t.putOwnedPrivate(e.Custodian, k, data); err != nil {
		return err
	}
	if err := t.putIndex(e.Custodian, ixAccessBySubject, subjectAttr(b, e.Subject), e.ID); err != nil {
		return err
	}
	if err := t.putIndex(e.Custodian, ixAccessByCustodian, custodianAttr(b, e.Custodian), e.ID); err != nil {
		return err
	}
	hk, err := accessHeadKeyOf(b, e.Record, e.Recipient)
	if err != nil {
		return err
	}
	return state.PutPrivate(t.Stub, Collection, hk, accessHead{Last: e.Date, Salt: b.Salt(hk)})
}

// ListAccessLog lists the disclosures of a patient's records, newest first
// (order "newest", the default) or oldest first ("oldest"), from any
// bookmark to any length, for the patient (subject empty or their own)
// and the regulator's auditor.
func (c *Contract) ListAccessLog(ctx contractapi.TransactionContextInterface, subject, order string, pageSize int32, bookmark string) (*wire.AccessPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if !t.isPatient() && !t.isAuditor() {
		return nil, ccerr.Forbidden("only the patient or the regulator's auditor may read a patient's access log")
	}
	subject, err = t.listSubject(subject)
	if err != nil {
		return nil, err
	}
	b, err := t.blinder()
	if err != nil {
		return nil, err
	}
	return t.listAccess(ixAccessBySubject, order, subjectAttr(b, subject), pageSize, bookmark)
}

// ListAccessLogByCustodian lists the disclosures of an org's records (order
// as for ListAccessLog), for the org's privacy officer (the org plays the
// provider part) and the regulator's auditor.
func (c *Contract) ListAccessLogByCustodian(ctx contractapi.TransactionContextInterface, mspID, order string, pageSize int32, bookmark string) (*wire.AccessPage, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	if !t.isAuditor() && !t.counts(parts.PartProvider, parts.RolePrivacy) {
		return nil, ccerr.Forbidden("only a custodian's privacy officer or the regulator's auditor may read a custodian's access log")
	}
	if err := validate.Identifier("mspId", mspID); err != nil {
		return nil, err
	}
	if !t.isAuditor() && t.Caller.MSPID != mspID {
		return nil, ccerr.Forbidden("%s's privacy officer reads only %s's access log, not %s's", t.Caller.MSPID, t.Caller.MSPID, mspID)
	}
	b, err := t.blinder()
	if err != nil {
		return nil, err
	}
	return t.listAccess(ixAccessByCustodian, order, custodianAttr(b, mspID), pageSize, bookmark)
}

func (t *tx) listAccess(index, order, attr string, pageSize int32, bookmark string) (*wire.AccessPage, error) {
	order, err := orderOf(order)
	if err != nil {
		return nil, err
	}
	ids, next, err := t.pageIndex(index, order, attr, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.AccessPage{Items: make([]wire.AccessEntry, 0, len(ids)), Bookmark: next}
	for _, id := range ids {
		k, err := t.accessKey(id)
		if err != nil {
			return nil, err
		}
		e, err := state.GetPrivate[wire.AccessEntry](t.Stub, Collection, k)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, e)
	}
	return out, nil
}
