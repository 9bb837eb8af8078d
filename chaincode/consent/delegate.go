package consent

import (
	"strings"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/carechain/carechain/chaincode/consent/wire"
	"github.com/carechain/carechain/chaincode/kit/ccerr"
	"github.com/carechain/carechain/chaincode/kit/roles"
	"github.com/carechain/carechain/chaincode/kit/state"
	"github.com/carechain/carechain/chaincode/kit/validate"
)

// validateDelegateRef checks the subject and the delegate's identity: a
// person of the patients' org, PatientsMSP/enrollmentID, whose signatures
// verify against the same roots as patients'.
func validateDelegateRef(in *wire.DelegateInput) error {
	if err := validatePatientID("subject", in.Subject); err != nil {
		return err
	}
	if err := validate.Required("delegate", in.Delegate); err != nil {
		return err
	}
	msp, id, ok := strings.Cut(in.Delegate, "/")
	if !ok || msp != roles.PatientMSP || !enrollmentPattern.MatchString(id) {
		return ccerr.Invalid("delegate", "must be %s/enrollmentID, an enrollment id \"p\"+32 hex digits: a delegate is a person enrolled by the patients' org", roles.PatientMSP)
	}
	return nil
}

// beginDelegate starts a delegation change from the transient input
// "delegate": the caller's standing first, then the input, then the
// delegation's own time (a transaction stamped before its latest change
// is refused).
func (c *Contract) beginDelegate(ctx contractapi.TransactionContextInterface) (*tx, wire.DelegateInput, *wire.Delegate, error) {
	var in wire.DelegateInput
	t, err := c.begin(ctx)
	if err != nil {
		return nil, in, nil, err
	}
	if err := t.requirePatientsMember(); err != nil {
		return nil, in, nil, err
	}
	if err := t.transient(wire.TransientDelegate, &in); err != nil {
		return nil, in, nil, err
	}
	if err := validateDelegateRef(&in); err != nil {
		return nil, in, nil, err
	}
	prev, found, err := t.delegate(in.Subject, in.Delegate)
	if err != nil {
		return nil, in, nil, err
	}
	if !found {
		return t, in, nil, nil
	}
	return t, in, &prev, t.NotBefore("delegation of "+in.Delegate, prev.Updated)
}

// saveDelegate signs and writes a delegation's version and its snapshot.
func (t *tx) saveDelegate(d *wire.Delegate) error {
	sig, signer, err := t.creatorSignature(wire.DelegateStatement(t.Stub.GetChannelID(), *d))
	if err != nil {
		return err
	}
	d.Signature, d.Signer, d.Updated = sig, signer, t.Stamp()
	if d.Created == "" {
		d.Created = d.Updated
	}
	key, err := t.delegateKey(d.Subject, d.Delegate)
	if err != nil {
		return err
	}
	vkey, err := t.delegateVersionKey(d.Subject, d.Delegate, d.Version)
	if err != nil {
		return err
	}
	if d.Salt, err = t.salt(key); err != nil {
		return err
	}
	for _, k := range []string{key, vkey} {
		if err := state.PutPrivate(t.Stub, Collection, k, d); err != nil {
			return err
		}
	}
	return nil
}

// RegisterDelegate lets the patient register a guardian or proxy (transient
// "delegate", signed: wire.Registered), who may then manage the patient's
// consents for the period. Only the patient registers delegates; a
// delegate cannot appoint another.
func (c *Contract) RegisterDelegate(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, in, prev, err := c.beginDelegate(ctx)
	if err != nil {
		return nil, err
	}
	if ok, err := t.isPatient(in.Subject); err != nil || !ok {
		return nil, forbiddenOr(err, "only the patient may register delegates (caller %s, role %q)", t.Caller.Key(), t.Caller.Role)
	}
	if err := validate.OneOf("kind", in.Kind, wire.KindGuardian, wire.KindProxy); err != nil {
		return nil, err
	}
	if err := normalisePeriod("period", &in.Period); err != nil {
		return nil, err
	}
	if in.Delegate == t.Caller.Key() {
		return nil, ccerr.Invalid("delegate", "a patient cannot delegate to themselves")
	}
	d := wire.Registered(prev, in)
	if err := t.saveDelegate(&d); err != nil {
		return nil, err
	}
	if prev == nil {
		if err := t.putIndex(ixDelegates, d.Subject, d.Created, d.Delegate); err != nil {
			return nil, err
		}
	}
	t.Events.Add("consent.delegate-registered", t.Stub.GetTxID(), nil)
	return &wire.Receipt{ID: t.Stub.GetTxID(), Status: d.Status, Version: d.Version, TxID: t.Stub.GetTxID()}, t.finish()
}

// RevokeDelegate ends a delegation (transient "delegate" with subject and
// delegate, signed: wire.Ended): the patient revokes it, or the delegate
// steps down.
func (c *Contract) RevokeDelegate(ctx contractapi.TransactionContextInterface) (*wire.Receipt, error) {
	t, in, prev, err := c.beginDelegate(ctx)
	if err != nil {
		return nil, err
	}
	patient, err := t.isPatient(in.Subject)
	if err != nil {
		return nil, err
	}
	if !patient && t.Caller.Key() != in.Delegate {
		return nil, ccerr.Forbidden("only the patient or the delegate may end a delegation")
	}
	if prev == nil {
		return nil, ccerr.NotFound("no delegation to %s", in.Delegate)
	}
	if prev.Status != wire.StatusActive {
		return nil, ccerr.Precondition("the delegation is already %s", prev.Status)
	}
	d := wire.Ended(*prev)
	if err := t.saveDelegate(&d); err != nil {
		return nil, err
	}
	t.Events.Add("consent.delegate-revoked", t.Stub.GetTxID(), nil)
	return &wire.Receipt{ID: t.Stub.GetTxID(), Status: d.Status, Version: d.Version, TxID: t.Stub.GetTxID()}, t.finish()
}

// GetDelegate reads the patient's delegation to delegate (MSPID/id), for
// the patient, the delegate and the regulator's auditor: the client reads
// its version before it signs the next one.
func (c *Contract) GetDelegate(ctx contractapi.TransactionContextInterface, subject, delegate string) (*wire.Delegate, error) {
	t, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	in := wire.DelegateInput{Subject: subject, Delegate: delegate}
	if err := validateDelegateRef(&in); err != nil {
		return nil, err
	}
	ok, err := anyOf(func() (bool, error) { return t.isPatient(subject) }, t.isAuditor, func() (bool, error) {
		member, err := t.isPatientsMember()
		return member && t.Caller.Key() == delegate, err
	})
	if err != nil || !ok {
		return nil, forbiddenOr(err, "caller %s may not read this delegation", t.Caller.Key())
	}
	d, found, err := t.delegate(subject, delegate)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ccerr.NotFound("no delegation to %s", delegate)
	}
	return &d, nil
}

// ListDelegates lists a patient's delegations, newest first, for the
// patient, a delegate and the regulator's auditor.
func (c *Contract) ListDelegates(ctx contractapi.TransactionContextInterface, subject string, pageSize int32, bookmark string) (*wire.DelegatePage, error) {
	t, err := c.beginPatientRead(ctx, subject)
	if err != nil {
		return nil, err
	}
	entries, next, err := t.pageIndex(ixDelegates, subject, pageSize, bookmark)
	if err != nil {
		return nil, err
	}
	out := &wire.DelegatePage{Items: []wire.Delegate{}, Bookmark: next}
	for _, e := range entries {
		d, found, err := t.delegate(subject, e.ID)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, ccerr.Internal("delegation %s is indexed but missing", e.ID)
		}
		out.Items = append(out.Items, d)
	}
	return out, nil
}
